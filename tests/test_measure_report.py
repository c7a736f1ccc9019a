"""A rapportör reports (in the follow-up) on the measures her organisation is responsible for,
and changes nothing else of the plan; editors keep measures within their plan."""

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_rapportor_cannot_report_on_a_measure_of_another_actor(bob, measure):
    other = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Annans insats"
    )
    url = reverse("plans:measure_report", args=[other.pk])
    assert client_for(bob).get(url).status_code == 403
    assert client_for(bob).post(url, {"status": "avbruten"}).status_code == 403
    other.refresh_from_db()
    assert other.status == ""


def test_rapportor_cannot_edit_the_measure_itself(bob, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    response = client_for(bob).post(url, {"title": "Nytt namn", "loaded_version": 1})
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser"


def test_editor_cannot_move_a_measure_to_a_focus_area_of_another_plan(alice, measure, adopted_plan):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="2", title="Annan plan")
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = {"focus_area": elsewhere.pk, "code": "1A", "title": "x", "loaded_version": 1}
    response = client_for(alice).post(url, form)
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.focus_area.plan_id == measure.plan_id
