"""The admin keeps each organisation's records, people and choices to those within reach."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import FocusArea, Organisation, Person, Plan, Result, Role, Tag
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie_plan(alingsas) -> Plan:
    return Plan.objects.create(
        owner=alingsas, kind="program", title="Alingsås plan", start_year=2025, end_year=2026
    )


def test_changelist_filters_do_not_list_other_municipalities_plans(charlie, measure, charlie_plan):
    FocusArea.objects.create(plan=charlie_plan, title="Eget område")
    for name in ("measure", "result", "focusarea", "budget"):
        page = client_for(charlie).get(reverse(f"admin:plans_{name}_changelist")).content.decode()
        assert measure.plan.title not in page, name


def test_organisation_page_hides_other_organisations_people(charlie, norberg):
    Person.objects.create(name="Eva Ek", email="eva@norberg.se", organisation=norberg)
    page = client_for(charlie).get(reverse("admin:plans_organisation_change", args=[norberg.pk]))
    assert page.status_code == 200 and "eva@norberg.se" not in page.content.decode()


def test_reverting_from_history_is_not_possible(charlie, norberg, alingsas):
    record = norberg.history.latest()
    url = reverse("admin:plans_organisation_simple_history", args=[norberg.pk, record.pk])
    form = {"name": "Norbergs kommun", "kind": "kommun", "parent": alingsas.pk}
    client_for(charlie).post(url, form)
    norberg.refresh_from_db()
    assert norberg.parent is None


def test_strategist_cannot_create_a_person_in_another_organisation(charlie, norberg):
    form = {"name": "Inplanterad", "organisation": norberg.pk, "title": "", "email": ""}
    response = client_for(charlie).post(reverse("admin:plans_person_add"), form)
    assert response.status_code == 200
    assert not Person.objects.filter(name="Inplanterad").exists()


def test_contact_choices_hold_only_people_of_the_users_organisations(
    charlie, norberg, charlie_plan
):
    Person.objects.create(name="Eva Ek", organisation=norberg)
    page = client_for(charlie).get(reverse("admin:plans_focusarea_add")).content.decode()
    assert "Eva Ek" not in page
    area = FocusArea.objects.create(plan=charlie_plan, title="Område")
    form = {
        "plan": charlie_plan.pk,
        "title": "Område",
        "number": "",
        "order": 0,
        "contacts": [Person.objects.get(name="Eva Ek").pk],
        "loaded_version": 1,
        "results-TOTAL_FORMS": 0,
        "results-INITIAL_FORMS": 0,
    }
    client_for(charlie).post(reverse("admin:plans_focusarea_change", args=[area.pk]), form)
    assert not area.contacts.exists()


def test_administrator_cannot_create_a_unit_inside_another_municipality(norberg, alingsas):
    admin = User.objects.create_user("nora", password="x" * 12, is_staff=True)
    Role.objects.create(user=admin, organisation=norberg, kind=Role.Kind.ADMINISTRATOR)
    form = {"name": "Inkräktare", "kind": "enhet", "parent": alingsas.pk, "municipality_code": ""}
    form |= {"data_licence": "cc-by-4.0"}  # preselected on the page
    form |= {f"{p}-TOTAL_FORMS": 0 for p in ("people", "roles")}
    form |= {f"{p}-INITIAL_FORMS": 0 for p in ("people", "roles")}
    client_for(admin).post(reverse("admin:plans_organisation_add"), form)
    assert not Organisation.objects.filter(name="Inkräktare").exists()
    form["parent"] = norberg.pk
    assert client_for(admin).post(reverse("admin:plans_organisation_add"), form).status_code == 302
    assert Organisation.objects.get(name="Inkräktare").parent == norberg


def test_shared_tags_are_renamed_by_superusers_only(charlie, measure):
    tag = Tag.objects.create(name="Färdplan 2035")
    url = reverse("admin:plans_tag_change", args=[tag.pk])
    client_for(charlie).post(url, {"name": "Kapad"})
    tag.refresh_from_db()
    assert tag.name == "Färdplan 2035"


def _loaded_version(page: str) -> str:
    return re.search(r'name="loaded_version" value="(\d+)"', page).group(1)


def test_focus_area_cannot_move_to_another_plan(superuser, measure, adopted_plan):
    area = measure.focus_area
    url = reverse("admin:plans_focusarea_change", args=[area.pk])
    page = client_for(superuser).get(url).content.decode()
    form = {
        "plan": adopted_plan.pk,
        "title": area.title,
        "number": "1",
        "order": 0,
        "loaded_version": _loaded_version(page),
        "results-TOTAL_FORMS": 0,
        "results-INITIAL_FORMS": 0,
    }
    response = client_for(superuser).post(url, form)
    assert "Ett fokusområde kan inte flyttas till en annan plan." in response.content.decode()
    area.refresh_from_db()
    assert area.plan == measure.plan


def test_result_with_measures_cannot_move(superuser, measure):
    other = FocusArea.objects.create(plan=measure.plan, number="2", title="Annat område")
    result = measure.result
    url = reverse("admin:plans_result_change", args=[result.pk])
    form = {"focus_area": other.pk, "number": 1, "title": result.title, "loaded_version": 1}
    response = client_for(superuser).post(url, form)
    assert "flytta insatserna först" in response.content.decode()
    assert Result.objects.get(pk=result.pk).focus_area == measure.focus_area
