"""Two people editing the same record: one save lands, the other is refused, data intact."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from plans.models import Measure
from plans.services import StaleVersionError, versioned_save
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _measure_form(measure: Measure, **changes) -> dict:
    data = {
        "focus_area": measure.focus_area_id,
        "result": measure.result_id or "",
        "code": measure.code,
        "title": measure.title,
        "description": measure.description,
        "target_group": "",
        "expected_result": "",
        "target_year": "",
        "status": "",
        "approach": "",
        "start_year": "",
        "end_year": "",
        "loaded_version": measure.version,
    }
    data.update(changes)
    return data


def test_second_of_two_concurrent_edits_is_refused_with_what_changed(alice, norberg, measure):
    from django.contrib.auth.models import User

    from plans.models import Role

    colleague = User.objects.create_user("dora", password="x" * 12, first_name="Dora")
    Role.objects.create(user=colleague, organisation=norberg, kind=Role.Kind.STRATEGIST)
    url = reverse("plans:measure_edit", args=[measure.pk])
    first_form = _measure_form(measure, title="Läsfrämjande insatser för alla")
    second_form = _measure_form(measure, title="Läsfrämjande insatser i skolan")

    assert client_for(alice).post(url, first_form).status_code == 302
    response = client_for(colleague).post(url, second_form)

    assert response.status_code == 400
    text = response.content.decode()
    assert "Alice sparade ändringar" in text
    assert "Läsfrämjande insatser för alla" in text and "Läsfrämjande insatser i skolan" in text
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser för alla"
    assert measure.version == 2


def test_stale_save_in_the_admin_is_refused(alice, measure):
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    form = {
        **_measure_form(measure, title="Ny titel"),
        "plan": measure.plan_id,
        "order": 0,
        "responsibilities-TOTAL_FORMS": 0,
        "responsibilities-INITIAL_FORMS": 0,
    }
    measure.title = "Ändrad av någon annan"
    versioned_save(instance=measure, expected_version=1, user=None)
    response = client_for(alice).post(url, form)
    assert "sparade ändringar" in response.content.decode()
    assert "Sparat nu: ”Ändrad av någon annan”" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Ändrad av någon annan"


def test_a_save_from_the_current_version_passes_and_bumps_it(measure):
    measure.title = "Första"
    versioned_save(instance=measure, expected_version=1, user=None)
    stale = Measure.objects.get(pk=measure.pk)
    stale.title = "Andra"
    with pytest.raises(StaleVersionError) as refused:
        versioned_save(instance=stale, expected_version=1, user=None)
    assert any("Första" in line for line in refused.value.describe())
    assert Measure.objects.get(pk=measure.pk).title == "Första"


@pytest.mark.django_db(transaction=True)
def test_racing_threads_save_exactly_once(measure):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(title: str) -> None:
        close_old_connections()
        record = Measure.objects.get(pk=measure.pk)
        record.title = title
        barrier.wait()
        try:
            versioned_save(instance=record, expected_version=1, user=None)
            outcomes.append("saved")
        except StaleVersionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    saved = Measure.objects.get(pk=measure.pk)
    assert saved.version == 2 and saved.title in {"A", "B"}


def _version_on(page: str) -> str:
    import re

    return re.search(r'name="loaded_version" value="(\d+)"', page).group(1)


def test_two_editors_in_the_admin_as_browsers_post(alice, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    first, second = client_for(alice), client_for(alice)
    base = {
        "kind": draft_plan.kind,
        "owner": draft_plan.owner_id,
        "start_year": 2025,
        "end_year": 2026,
        "status": "utkast",
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
    }
    first_version = _version_on(first.get(url).content.decode())
    second_version = _version_on(second.get(url).content.decode())
    saved = first.post(url, {**base, "title": "A", "vision": "V", "loaded_version": first_version})
    assert saved.status_code == 302
    refused = second.post(url, {**base, "title": "B", "loaded_version": second_version})
    assert "Du själv, i en annan flik sparade ändringar" in refused.content.decode()
    draft_plan.refresh_from_db()
    assert (draft_plan.title, draft_plan.vision, draft_plan.version) == ("A", "V", 2)


def test_a_save_without_the_loaded_version_is_refused(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = _measure_form(measure, title="Utan version")
    del form["loaded_version"]
    response = client_for(alice).post(url, form)
    assert response.status_code == 400
    assert "Formuläret saknar versionsuppgift" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser"


def test_focus_area_edits_are_guarded_too(alice, focus_area):
    url = reverse("admin:plans_focusarea_change", args=[focus_area.pk])
    page = client_for(alice).get(url).content.decode()
    form = {
        "plan": focus_area.plan_id,
        "title": "Ny rubrik",
        "number": "1",
        "order": 0,
        "loaded_version": _version_on(page),
        "results-TOTAL_FORMS": 0,
        "results-INITIAL_FORMS": 0,
    }
    focus_area.title = "Någon annans rubrik"
    versioned_save(instance=focus_area, expected_version=1, user=None)
    response = client_for(alice).post(url, form)
    assert "Sparat nu: ”Någon annans rubrik”" in response.content.decode()
    focus_area.refresh_from_db()
    assert focus_area.title == "Någon annans rubrik"


def test_a_race_past_the_form_check_is_refused_without_an_error_page(alice, measure, monkeypatch):
    from plans import forms

    url = reverse("admin:plans_measure_change", args=[measure.pk])
    form = {
        **_measure_form(measure, title="Min titel"),
        "plan": measure.plan_id,
        "order": 0,
        "responsibilities-TOTAL_FORMS": 0,
        "responsibilities-INITIAL_FORMS": 0,
    }
    # Let the form's check pass as if the other save came after it.
    monkeypatch.setattr(forms.VersionedModelForm, "clean", forms.forms.ModelForm.clean)
    Measure.objects.filter(pk=measure.pk).update(version=5, title="Den andras titel")
    response = client_for(alice).post(url, form)
    assert response.status_code == 302 and response["Location"] == url
    measure.refresh_from_db()
    assert measure.title == "Den andras titel"


def test_a_stale_focus_area_row_on_the_plan_page_is_refused(alice, focus_area):
    plan = focus_area.plan
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    page = client_for(alice).get(url).content.decode()
    assert 'name="focus_areas-0-loaded_version"' in page
    form = {
        "title": plan.title,
        "kind": plan.kind,
        "owner": plan.owner_id,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "status": plan.status,
        "loaded_version": _version_on(page),
        "focus_areas-TOTAL_FORMS": 1,
        "focus_areas-INITIAL_FORMS": 1,
        "focus_areas-0-id": focus_area.pk,
        "focus_areas-0-plan": plan.pk,
        "focus_areas-0-number": "1",
        "focus_areas-0-title": "Från plansidan",
        "focus_areas-0-order": 0,
        "focus_areas-0-loaded_version": 1,
    }
    focus_area.title = "Från fokusområdets sida"
    versioned_save(instance=focus_area, expected_version=1, user=None)
    response = client_for(alice).post(url, form, follow=True)
    assert "Sparat nu: ”Från fokusområdets sida”" in response.content.decode()
    focus_area.refresh_from_db()
    assert focus_area.title == "Från fokusområdets sida" and focus_area.version == 2
    form["focus_areas-0-loaded_version"] = 2
    assert client_for(alice).post(url, form).status_code == 302
    focus_area.refresh_from_db()
    assert focus_area.title == "Från plansidan" and focus_area.version == 3
