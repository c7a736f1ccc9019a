"""Two people (or two tabs) edit one record: what only one side changed merges; a field both
changed is shown with both values, her input kept, and she chooses per field."""

import re
from datetime import UTC, date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, Role
from plans.services import versioned_save
from reports.models import MeasureReport
from reports.services import round_open
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _form(measure: Measure, version: int, **changes) -> dict:
    data = {
        "focus_area": measure.focus_area_id,
        "result": measure.result_id or "",
        "code": measure.code,
        "title": measure.title,
        "description": measure.description,
        "target_group": measure.target_group,
        "expected_result": "",
        "target_year": "",
        "status": measure.status,
        "approach": "",
        "start_year": "",
        "end_year": "",
        "loaded_version": version,
    }
    data.update(changes)
    return data


@pytest.fixture
def dora(norberg) -> User:
    user = User.objects.create_user(
        "dora", password="x" * 12, first_name="Dora", last_name="Ek", is_staff=True
    )
    Role.objects.create(user=user, organisation=norberg, kind=Role.Kind.STRATEGIST)
    return user


def _edit_url(measure: Measure) -> str:
    return reverse("plans:measure_edit", args=[measure.pk])


def test_conflict_on_other_fields_merges(alice, dora, measure):
    url = _edit_url(measure)
    assert client_for(dora).post(url, _form(measure, 1, title="Dora's titel")).status_code == 302
    response = client_for(alice).post(url, _form(measure, 1, description="Alice beskrivning"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.description) == ("Dora's titel", "Alice beskrivning")
    assert measure.version == 3


def test_conflict_keeps_her_input_and_offers_both_values(alice, dora, measure):
    url = _edit_url(measure)
    client_for(dora).post(url, _form(measure, 1, title="Doras titel", status="genomford"))
    mine = "Alices titel\r\nmed två rader"
    response = client_for(alice).post(url, _form(measure, 1, title=mine, description="Ny text"))
    text = response.content.decode()
    assert response.status_code == 400
    assert text.count("Dora Ek sparade ändringar") == 1
    assert "Sparat nu: ”Doras titel”" in text
    assert 'value="Alices titel' in text  # her input is still in the field
    assert (
        'name="resolve-title" value="saved"' in text and 'name="resolve-title" value="mine"' in text
    )
    assert 'name="resolve-status"' not in text  # only she or only Dora changed the others
    assert re.search(r'name="seen_version" value="2"', text)
    assert f'href="{url}"' in text  # a way out that is a GET, never a re-post
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Doras titel", 2)


def test_taking_the_saved_value_resolves_the_conflict(alice, dora, measure):
    url = _edit_url(measure)
    client_for(dora).post(url, _form(measure, 1, title="Doras titel", status="genomford"))
    form = _form(measure, 1, title="Alices titel", description="Alices text")
    client_for(alice).post(url, form)
    again = {**form, "seen_version": 2, "resolve-title": "saved"}
    assert client_for(alice).post(url, again).status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.description, measure.status) == (
        "Doras titel",
        "Alices text",
        "genomford",
    )


def test_keeping_her_value_resolves_the_conflict(alice, dora, measure):
    url = _edit_url(measure)
    client_for(dora).post(url, _form(measure, 1, title="Doras titel"))
    form = _form(measure, 1, title="Alices titel")
    again = {**form, "seen_version": 2, "resolve-title": "mine"}
    assert client_for(alice).post(url, again).status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Alices titel", 3)


def test_a_newer_save_after_she_saw_the_conflict_is_shown_again(alice, dora, measure):
    url = _edit_url(measure)
    client_for(dora).post(url, _form(measure, 1, title="Doras titel"))
    client_for(dora).post(url, _form(measure, 2, title="Doras andra titel"))
    again = {**_form(measure, 1, title="Alices titel"), "seen_version": 2}
    response = client_for(alice).post(url, again)
    assert response.status_code == 400
    assert "Sparat nu: ”Doras andra titel”" in response.content.decode()


def test_conflict_with_herself_in_another_tab_says_so(alice, measure):
    url = _edit_url(measure)
    client_for(alice).post(url, _form(measure, 1, title="Från första fliken"))
    response = client_for(alice).post(url, _form(measure, 1, title="Från andra fliken"))
    assert "Du själv, i en annan flik sparade ändringar" in response.content.decode()


def test_conflict_time_is_local(alice, dora, measure, settings):
    url = _edit_url(measure)
    client_for(dora).post(url, _form(measure, 1, title="Doras titel"))
    saved = measure.history.latest().history_date
    text = client_for(alice).post(url, _form(measure, 1, title="Alices titel")).content.decode()
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert timezone.localtime(saved).strftime("%Y-%m-%d %H:%M") in text
    assert saved.astimezone(UTC).strftime("%Y-%m-%d %H:%M") not in text


def test_untouched_stale_row_does_not_block_a_plan_save(alice, focus_area):
    plan = focus_area.plan
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    form = {
        "title": "Ny plantitel",
        "kind": plan.kind,
        "owner": plan.owner_id,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "status": plan.status,
        "loaded_version": 1,
        "focus_areas-TOTAL_FORMS": 1,
        "focus_areas-INITIAL_FORMS": 1,
        "focus_areas-0-id": focus_area.pk,
        "focus_areas-0-plan": plan.pk,
        "focus_areas-0-number": "1",
        "focus_areas-0-title": focus_area.title,
        "focus_areas-0-order": 0,
        "focus_areas-0-loaded_version": 1,
    }
    focus_area.title = "Ändrad på fokusområdets sida"
    versioned_save(instance=focus_area, expected_version=1, user=None)
    assert client_for(alice).post(url, form).status_code == 302
    plan.refresh_from_db()
    focus_area.refresh_from_db()
    assert plan.title == "Ny plantitel"
    assert (focus_area.title, focus_area.version) == ("Ändrad på fokusområdets sida", 2)


def test_admin_conflict_merges_other_fields_and_shows_the_saved_value(alice, dora, focus_area):
    url = reverse("admin:plans_focusarea_change", args=[focus_area.pk])
    base = {
        "plan": focus_area.plan_id,
        "number": "1",
        "order": 0,
        "loaded_version": 1,
        "results-TOTAL_FORMS": 0,
        "results-INITIAL_FORMS": 0,
    }
    other = {**base, "title": focus_area.title, "background": "Doras bakgrund"}
    assert client_for(dora).post(url, other).status_code == 302
    mine = {**base, "title": "Alices rubrik"}
    assert client_for(alice).post(url, mine).status_code == 302
    focus_area.refresh_from_db()
    assert (focus_area.title, focus_area.background) == ("Alices rubrik", "Doras bakgrund")


def test_budget_grid_conflict_describes_the_amount(alice, dora, budget):
    url = reverse("admin:plans_budget_change", args=[budget.pk])
    funder = budget.funders.get()
    line = budget.lines.get()

    def grid(amount: str) -> dict:
        return {
            "plan": budget.plan_id,
            "year": budget.year,
            "title": budget.title,
            "loaded_version": 1,
            "funders-TOTAL_FORMS": 1,
            "funders-INITIAL_FORMS": 1,
            "funders-0-id": funder.pk,
            "funders-0-budget": budget.pk,
            "funders-0-organisation": funder.organisation_id,
            "funders-0-order": 0,
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 1,
            "lines-0-id": line.pk,
            "lines-0-budget": budget.pk,
            "lines-0-name": line.name,
            "lines-0-kind": line.kind,
            "lines-0-order": 0,
            f"lines-0-amount_{funder.pk}": amount,
        }

    assert client_for(dora).post(url, grid("360000")).status_code == 302
    response = client_for(alice).post(url, grid("400000"), follow=True)
    text = response.content.decode()
    assert "beloppet för Personal / Norbergs kommun" in text
    assert "350\xa0000" in text and "360\xa0000" in text
    assert "utan ändrade fält" not in text
    assert str(line.amounts.get().amount) == "360000.00"


def test_plan_conflict_merges_target_areas_with_a_new_title(alice, dora, draft_plan):
    from plans.models import TargetArea

    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    base = {
        "title": draft_plan.title,
        "kind": draft_plan.kind,
        "start_year": 2025,
        "end_year": 2026,
        "status": "utkast",
        "loaded_version": 1,
    }
    area = TargetArea.objects.order_by("number").first()
    assert client_for(dora).post(url, {**base, "target_areas": [area.pk]}).status_code == 302
    assert client_for(alice).post(url, {**base, "title": "Alices titel"}).status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.title == "Alices titel"
    assert list(draft_plan.target_areas.all()) == [area]
    assert draft_plan.version == 3


def test_admin_conflict_offers_the_choice_and_takes_the_saved_value(alice, dora, focus_area):
    url = reverse("admin:plans_focusarea_change", args=[focus_area.pk])
    base = {
        "plan": focus_area.plan_id,
        "number": "1",
        "order": 0,
        "loaded_version": 1,
        "results-TOTAL_FORMS": 0,
        "results-INITIAL_FORMS": 0,
    }
    assert client_for(dora).post(url, {**base, "title": "Doras rubrik"}).status_code == 302
    mine = {**base, "title": "Alices rubrik", "background": "Alices bakgrund"}
    page = client_for(alice).post(url, mine).content.decode()
    assert 'name="resolve-title" value="saved"' in page and "Doras rubrik" in page
    assert 'name="seen_version" value="2"' in page
    again = {**mine, "seen_version": 2, "resolve-title": "saved"}
    assert client_for(alice).post(url, again).status_code == 302
    focus_area.refresh_from_db()
    assert (focus_area.title, focus_area.background) == ("Doras rubrik", "Alices bakgrund")


def test_conflict_names_nobody_to_a_rapportor_who_may_not_read_the_history(alice, bob, measure):
    round_open(plan=measure.plan, year=2025, period="helar", due_on=date(2026, 1, 31), user=alice)
    report = MeasureReport.objects.get(measure=measure)
    loaded = report.version
    report.progress = "Strategen skrev först."
    versioned_save(instance=report, expected_version=loaded, user=alice)
    url = reverse("reports:report_edit", args=[report.pk])
    response = client_for(bob).post(url, {"progress": "Bob skrev sedan.", "loaded_version": loaded})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Någon annan sparade ändringar" in text and "alice" not in text.lower()
