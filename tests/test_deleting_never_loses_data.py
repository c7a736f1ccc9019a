"""Deleting never loses data silently: published plans stay, stale deletes are refused, and what
was deleted stays readable in the history of its organisation."""

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure, Organisation, Person, Plan
from plans.services import versioned_save
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def _delete(client, obj, version: int | None = None):
    url = reverse(f"admin:plans_{obj._meta.model_name}_delete", args=[obj.pk])
    return client.post(
        url, {"post": "yes", "loaded_version": obj.version if version is None else version}
    )


def test_adopted_plan_cannot_be_deleted(alice, superuser, adopted_plan):
    for user in (alice, superuser):
        client = client_for(user)
        url = reverse("admin:plans_plan_delete", args=[adopted_plan.pk])
        assert client.get(url).status_code == 403
        assert _delete(client, adopted_plan).status_code == 403
    assert Plan.objects.filter(pk=adopted_plan.pk).exists()


def test_plans_are_not_deleted_in_bulk(alice, draft_plan):
    changelist = reverse("admin:plans_plan_changelist")
    client_for(alice).post(
        changelist,
        {"action": "delete_selected", "_selected_action": [draft_plan.pk], "post": "yes"},
    )
    assert Plan.objects.filter(pk=draft_plan.pk).exists()
    assert "delete_selected" not in client_for(alice).get(changelist).content.decode()


def test_deleting_a_draft_lists_what_goes_with_it(alice, measure):
    page = client_for(alice).get(reverse("admin:plans_plan_delete", args=[measure.plan_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert measure.title in text and measure.focus_area.title in text
    assert f'name="loaded_version" value="{measure.plan.version}"' in text
    assert _delete(client_for(alice), measure.plan).status_code == 302
    assert not Plan.objects.filter(pk=measure.plan_id).exists()


def test_outsider_cannot_delete_a_draft(charlie, draft_plan):
    assert _delete(client_for(charlie), draft_plan).status_code == 404
    assert Plan.objects.filter(pk=draft_plan.pk).exists()


def test_stale_delete_is_refused(alice, superuser, measure):
    shown = measure.version
    measure.title = "Läsfrämjande insatser för alla"
    versioned_save(instance=measure, expected_version=shown, user=superuser)
    response = _delete(client_for(alice), measure, version=shown)
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).title == "Läsfrämjande insatser för alla"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Inget togs bort" in m for m in messages)
    assert any("root" in m and "Läsfrämjande insatser för alla" in m for m in messages)


def _plan_page_form(client, plan: Plan):
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    return url, main_form(client.get(url).content.decode())


def _row_prefix(form, area: FocusArea) -> str:
    return next(
        name.removesuffix("-id")
        for name, value in form.fields
        if name.startswith("focus_areas-") and name.endswith("-id") and value == str(area.pk)
    )


def test_stale_inline_delete_is_refused(alice, superuser, draft_plan):
    area = FocusArea.objects.create(plan=draft_plan, number="2", title="Tom")
    client = client_for(alice)
    url, form = _plan_page_form(client, draft_plan)
    shown = area.version
    area.title = "Trygghet"
    versioned_save(instance=area, expected_version=shown, user=superuser)
    response = client.post(url, form.data(**{f"{_row_prefix(form, area)}-DELETE": "on"}))
    assert response.status_code == 200
    assert FocusArea.objects.get(pk=area.pk).title == "Trygghet"
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()


def test_inline_delete_of_a_focus_area_with_measures_is_refused(alice, measure):
    client = client_for(alice)
    url, form = _plan_page_form(client, measure.plan)
    response = client.post(
        url, form.data(**{f"{_row_prefix(form, measure.focus_area)}-DELETE": "on"})
    )
    assert response.status_code == 200
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert "innehåller andra poster" in response.content.decode()


def test_inline_delete_of_an_empty_focus_area_passes(alice, draft_plan):
    area = FocusArea.objects.create(plan=draft_plan, number="3", title="Tom")
    client = client_for(alice)
    url, form = _plan_page_form(client, draft_plan)
    response = client.post(url, form.data(**{f"{_row_prefix(form, area)}-DELETE": "on"}))
    assert response.status_code == 302
    assert not FocusArea.objects.filter(pk=area.pk).exists()


def test_deleted_plan_keeps_its_history_for_members(alice, charlie, superuser, measure):
    plan = measure.plan
    _delete(client_for(alice), plan)
    url = reverse("plans:plan_history", args=[plan.pk])
    for user in (alice, superuser):
        text = client_for(user).get(url).content.decode()
        assert plan.title in text and "Planen är borttagen" in text and "alice" in text
    assert client_for(charlie).get(url).status_code == 404


def test_organisation_page_lists_what_was_deleted_and_by_whom(alice, charlie, measure, norberg):
    client = client_for(alice)
    _delete(client, measure)
    url = reverse("plans:organisation_deleted", args=[norberg.pk])
    text = client.get(url).content.decode()
    assert measure.title in text and "alice" in text
    assert client_for(charlie).get(url).status_code == 403


def test_adopted_plan_cannot_become_a_draft_again(alice, adopted_plan):
    form = main_form(
        client_for(alice).get(reverse("plans:plan_edit", args=[adopted_plan.pk])).content.decode()
    )
    response = client_for(alice).post(
        reverse("plans:plan_edit", args=[adopted_plan.pk]), form.data(status=Plan.Status.DRAFT)
    )
    assert response.status_code == 400
    assert "kan inte bli ett utkast igen" in response.content.decode()
    assert Plan.objects.get(pk=adopted_plan.pk).status == Plan.Status.ADOPTED


def test_organisation_that_owned_plans_is_not_deleted(diana, superuser, norberg, draft_plan):
    unit = Organisation.objects.create(name="Testenhet", parent=norberg)
    Plan.objects.filter(pk=draft_plan.pk).update(owner=unit)
    draft_plan.refresh_from_db()
    draft_plan.save()  # the history now names the unit as owner
    _delete(client_for(diana), draft_plan)
    for user in (diana, superuser):
        url = reverse("admin:plans_organisation_delete", args=[unit.pk])
        assert client_for(user).post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=unit.pk).exists()
    history = client_for(diana).get(reverse("plans:plan_history", args=[draft_plan.pk]))
    assert history.status_code == 200


def test_person_linked_to_a_plan_is_not_deleted_from_the_organisation_page(
    diana, norberg, focus_area
):
    person = Person.objects.create(name="Kontakt Karin", organisation=norberg)
    focus_area.contacts.add(person)
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    client = client_for(diana)
    form = main_form(client.get(url).content.decode())
    row = next(
        n.removesuffix("-id")
        for n, v in form.fields
        if n.startswith("people-") and n.endswith("-id") and v == str(person.pk)
    )
    response = client.post(url, form.data(**{f"{row}-DELETE": "on"}))
    assert response.status_code == 200
    assert "är kopplade till planer" in response.content.decode()
    assert focus_area.contacts.filter(pk=person.pk).exists()
