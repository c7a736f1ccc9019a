"""A measure in full: the national target areas and global goals it serves, and its contact
persons, chosen on the measure's own page and shown on the plan page."""

import pytest
from django.urls import reverse

from plans.models import GlobalGoal, Person, TargetArea
from tests.conftest import client_for
from tests.html_forms import page_form, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(norberg, library, alingsas) -> dict[str, Person]:
    return {
        "own": Person.objects.create(name="Karin Lund", organisation=library),
        "elsewhere": Person.objects.create(name="Per Ek", organisation=alingsas),
    }


def _edit(client, measure, **changes):
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = page_form(client.get(url))
    return client.post(url, form.data(**changes))


def test_goals_and_contacts_are_saved_with_history_and_shown(measure, alice, people):
    area = TargetArea.objects.order_by("number").first()
    goal = GlobalGoal.objects.get(number=3)
    client = client_for(alice)

    response = _edit(
        client,
        measure,
        target_areas=[str(area.pk)],
        global_goals=[str(goal.pk)],
        contacts=[str(people["own"].pk)],
    )

    assert response.status_code == 302
    assert list(measure.target_areas.all()) == [area]
    assert list(measure.global_goals.all()) == [goal]
    assert list(measure.contacts.all()) == [people["own"]]
    latest = measure.history.latest()
    assert [r.person_id for r in latest.contacts.all()] == [people["own"].pk]
    assert latest.history_user == alice
    page = client.get(reverse("plans:plan_detail", args=[measure.plan_id])).content.decode()
    assert str(area) in page and str(goal) in page and "Karin Lund" in page


def test_another_organisations_people_are_neither_offered_nor_accepted(measure, alice, people):
    client = client_for(alice)
    html = client.get(reverse("plans:measure_edit", args=[measure.pk])).content.decode()
    assert "Karin Lund" in html and "Per Ek" not in html
    before = snapshot()

    response = _edit(client, measure, contacts=[str(people["elsewhere"].pk)])

    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert snapshot() == before


def test_contacts_are_shown_to_the_plans_editors_only(measure, alice, bob, people):
    measure.contacts.add(people["own"])
    url = reverse("plans:plan_detail", args=[measure.plan_id])
    assert "Karin Lund" in client_for(alice).get(url).content.decode()
    assert "Karin Lund" not in client_for(bob).get(url).content.decode()


def test_tags_she_may_see_are_offered_and_saved(measure, alice, charlie):
    """A tag used only on another organisation's draft would tell what the draft is about."""
    from plans.models import Measure, Plan, Tag

    shared = Tag.objects.create(name="Färdplan 2035")
    secret = Tag.objects.create(name="Nedläggning av fritidsgården")
    other = Plan.objects.create(
        owner=charlie.roles.get().organisation,
        kind="verksamhetsplan",
        title="Utkast",
        start_year=2027,
        end_year=2027,
    )
    area = other.focus_areas.create(number="1", title="Fritid")
    Measure.objects.create(plan=other, focus_area=area, title="Hemlig").tags.add(secret)
    client = client_for(alice)
    html = client.get(reverse("plans:measure_edit", args=[measure.pk])).content.decode()
    assert "Färdplan 2035" in html and "Nedläggning" not in html

    response = _edit(client, measure, tags=[str(shared.pk)])

    assert response.status_code == 302
    assert list(measure.tags.all()) == [shared]
    assert _edit(client, measure, tags=[str(secret.pk)]).status_code == 400
