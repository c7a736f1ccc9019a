"""Owners who have not reported get a reminder: from a button, or from the daily command."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, Organisation, Responsibility, Role
from reports.models import FollowUpRound, MeasureReport
from reports.services import round_open
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(alice, bob, measure, norberg) -> FollowUpRound:
    """A round of Norberg's plan: the library's measure (bob) and the school's (dora)."""
    bob.email = "bob@norberg.example.se"
    bob.save()
    school = Organisation.objects.create(name="Skolan", parent=norberg, kind="enhet")
    other = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Skolinsatsen"
    )
    Responsibility.objects.create(measure=other, organisation=school, role="ansvarig")
    dora = bob.__class__.objects.create_user("dora", email="dora@norberg.example.se")
    Role.objects.create(user=dora, organisation=school, kind=Role.Kind.REPORTER)
    return round_open(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=alice
    )


def test_reminder_reaches_only_owners_who_have_not_reported(alice, round_, measure):
    MeasureReport.objects.filter(measure=measure).update(state="inskickad")
    response = client_for(alice).post(reverse("reports:round_remind", args=[round_.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["dora@norberg.example.se"]]
    body = mail.outbox[0].body
    assert "1B Skolinsatsen" in body and measure.title not in body
    assert "31 januari 2026" in body and "/uppfoljning/mina-insatser/" in body
    round_.refresh_from_db()
    assert round_.last_reminded_on is not None


def test_a_rapportor_of_the_whole_municipality_is_reminded_of_its_units_measures(round_, norberg):
    chief = round_.opened_by.__class__.objects.create_user("chef", email="chef@example.se")
    Role.objects.create(user=chief, organisation=norberg, kind=Role.Kind.REPORTER)
    call_command("send_followup_reminders", "--days-before", "100000", stdout=StringIO())
    to_chief = next(m for m in mail.outbox if m.to == ["chef@example.se"])
    assert "1A" in to_chief.body and "1B" in to_chief.body


def test_daily_command_reminds_once_a_day_and_only_near_the_due_date(round_):
    out, today = StringIO(), timezone.localdate()
    FollowUpRound.objects.filter(pk=round_.pk).update(due_on=today + datetime.timedelta(days=30))
    call_command("send_followup_reminders", stdout=out)
    assert mail.outbox == []  # a month ahead: not yet
    FollowUpRound.objects.filter(pk=round_.pk).update(due_on=today + datetime.timedelta(days=3))
    call_command("send_followup_reminders", stdout=out)
    assert len(mail.outbox) == 2
    call_command("send_followup_reminders", stdout=out)
    assert len(mail.outbox) == 2
    assert "2 påminnelser skickade" in out.getvalue()


def test_closed_round_sends_no_reminder(alice, round_):
    client_for(alice).post(reverse("reports:round_close", args=[round_.pk]))
    response = client_for(alice).post(
        reverse("reports:round_remind", args=[round_.pk]), follow=True
    )
    assert "Uppföljningen är stängd; ingen påminnelse skickas." in response.content.decode()
    assert mail.outbox == []


def test_outsider_cannot_send_reminders(charlie, round_):
    response = client_for(charlie).post(reverse("reports:round_remind", args=[round_.pk]))
    assert response.status_code == 404 and mail.outbox == []
