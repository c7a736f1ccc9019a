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


def test_the_reminder_page_names_who_is_reached_and_what_is_not_before_sending(
    alice, round_, measure
):
    """1A's library has bob as rapportör without an e-mail address; a third measure has no
    responsible organisation: both are listed, and nothing is sent by looking."""
    bob = round_.opened_by.__class__.objects.get(username="bob")
    bob.email = ""
    bob.save()
    orphan = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1C", title="Utan ansvarig"
    )
    MeasureReport.objects.create(round=round_, measure=orphan)
    page = client_for(alice).get(reverse("reports:round_remind", args=[round_.pk]))
    text = page.content.decode()
    reached, unreached = text.split('id="nas-inte"')
    assert "dora@norberg.example.se" in reached and "1B" in reached
    assert "Rapportörer utan e-postadress" in unreached and "bob" in unreached
    assert "Insatser utan ansvarig organisation" in unreached and "1C Utan ansvarig" in unreached
    assert reverse("plans:measure_edit", args=[orphan.pk]) in unreached  # to assign one
    assert mail.outbox == []
    round_.refresh_from_db()
    assert round_.last_reminded_on is None


def test_nothing_is_recorded_as_sent_when_nobody_can_be_reached(alice, round_, measure):
    round_.opened_by.__class__.objects.filter(username__in=["bob", "dora"]).update(email="")
    response = client_for(alice).post(
        reverse("reports:round_remind", args=[round_.pk]), follow=True
    )
    assert "Ingen påminnelse skickades" in response.content.decode()
    assert "Påminnelse skickad till 0" not in response.content.decode()
    assert mail.outbox == []
    round_.refresh_from_db()
    assert round_.last_reminded_on is None


def test_a_returned_report_e_mails_its_writer_with_the_comment(alice, bob, round_, measure):
    from reports.services import report_review

    report = MeasureReport.objects.get(round=round_, measure=measure)
    MeasureReport.objects.filter(pk=report.pk).update(state="inskickad", submitted_by=bob)
    report.refresh_from_db()
    report_review(report=report, user=alice, accept=False, comment="Vilka två kommuner?")
    (message,) = mail.outbox
    assert message.to == ["bob@norberg.example.se"]
    assert "Vilka två kommuner?" in message.body
    assert reverse("reports:report_edit", args=[report.pk]) in message.body


def test_the_review_page_names_who_submitted_and_when(alice, bob, round_, measure, library):
    from plans.models import Person

    Person.objects.create(name="Bo Berg", title="bibliotekarie", organisation=library, user=bob)
    report = MeasureReport.objects.get(round=round_, measure=measure)
    submitted = timezone.make_aware(datetime.datetime(2025, 11, 3, 14, 5))
    MeasureReport.objects.filter(pk=report.pk).update(
        state="inskickad", submitted_by=bob, submitted_at=submitted
    )
    page = client_for(alice).get(reverse("reports:report_review", args=[report.pk]))
    assert "3 november 2025 14.05, Bo Berg, bibliotekarie" in page.content.decode()
