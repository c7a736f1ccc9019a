"""A measure's lead actor (seed 002's "huvudaktör"): at most one, listed first, an owner of
the measure as the responsible are, with no kind of cooperation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import Responsibility
from reports.models import FollowUpRound, MeasureReport
from reports.permissions import writable_reports
from tests.conftest import client_for
from tests.html_forms import page_form, snapshot

pytestmark = pytest.mark.django_db

LEAD = Responsibility.Role.LEAD


def test_a_measure_has_at_most_one_lead_actor(measure, library, norberg):
    Responsibility.objects.filter(measure=measure).update(role=LEAD)
    second = Responsibility(measure=measure, organisation=norberg, role=LEAD)
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "Insatsen har redan en huvudaktör." in str(refused.value)


def test_the_lead_actor_has_no_kind_of_cooperation(measure, library):
    lead = measure.responsibilities.get()
    lead.role, lead.cooperation = LEAD, Responsibility.Cooperation.DESIRABLE
    with pytest.raises(ValidationError) as refused:
        lead.full_clean()
    assert "Samverkansformen anges bara för samverkansparter." in str(refused.value)


def test_the_lead_actor_is_listed_first(measure, library, norberg, alingsas):
    Responsibility.objects.create(measure=measure, organisation=alingsas, role=LEAD)
    Responsibility.objects.create(
        measure=measure, organisation=norberg, role=Responsibility.Role.PARTNER
    )
    roles = [r.role for r in measure.responsibilities.all()]
    assert roles == [LEAD, Responsibility.Role.RESPONSIBLE, Responsibility.Role.PARTNER]


def test_the_lead_actors_reporter_writes_the_report(measure, bob, alice):
    """Bob reports for the library; as the measure's lead actor it owns the report."""
    measure.responsibilities.update(role=LEAD)
    follow_up = FollowUpRound.objects.create(
        plan=measure.plan, year=2025, due_on=datetime.date(2026, 1, 31), opened_by=alice
    )
    report = MeasureReport.objects.create(round=follow_up, measure=measure)
    assert report in writable_reports(bob)


def test_two_lead_actors_posted_together_are_refused_with_a_message(measure, superuser, norberg):
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    client = client_for(superuser)
    form = page_form(client.get(url))
    data = form.data(
        **{
            "responsibilities-0-role": LEAD,
            "responsibilities-TOTAL_FORMS": "2",
            "responsibilities-1-organisation": str(norberg.pk),
            "responsibilities-1-role": LEAD,
            "responsibilities-1-measure": str(measure.pk),
        }
    )
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "En insats har högst en huvudaktör." in response.content.decode()
    assert snapshot() == before
