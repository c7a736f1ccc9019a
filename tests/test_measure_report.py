"""A rapportör reports on the measures her organisation is responsible for, and nothing else."""

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_rapportor_reports_status_on_her_measure(bob, measure):
    page = client_for(bob).get(reverse("plans:plan_detail", args=[measure.plan_id]))
    assert reverse("plans:measure_report", args=[measure.pk]) in page.content.decode()
    url = reverse("plans:measure_report", args=[measure.pk])
    response = client_for(bob).post(url, {"status": "pagaende", "loaded_version": 1})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "pagaende" and measure.history.latest().history_user == bob


def test_rapportor_cannot_report_on_a_measure_of_another_actor(bob, measure):
    other = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Annans insats"
    )
    page = client_for(bob).get(reverse("plans:plan_detail", args=[measure.plan_id]))
    assert reverse("plans:measure_report", args=[other.pk]) not in page.content.decode()
    url = reverse("plans:measure_report", args=[other.pk])
    assert client_for(bob).post(url, {"status": "avbruten", "loaded_version": 1}).status_code == 403
    other.refresh_from_db()
    assert other.status == ""


def test_rapportor_cannot_edit_the_measure_itself(bob, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    response = client_for(bob).post(url, {"title": "Nytt namn", "loaded_version": 1})
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser"


def test_an_invalid_status_is_refused_in_swedish(bob, measure):
    url = reverse("plans:measure_report", args=[measure.pk])
    response = client_for(bob).post(url, {"status": "klar", "loaded_version": 1})
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()


def test_editor_cannot_move_a_measure_to_a_focus_area_of_another_plan(alice, measure, adopted_plan):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="2", title="Annan plan")
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = {"focus_area": elsewhere.pk, "code": "1A", "title": "x", "loaded_version": 1}
    response = client_for(alice).post(url, form)
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.focus_area.plan_id == measure.plan_id
