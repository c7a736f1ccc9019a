"""One failing e-mail or round never stops the others: it is logged, named, and the loop goes on."""

import datetime
import logging
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command

from councils.models import Attendance, Dispatch, DispatchRecipient, MinutesCheck
from councils.services import SendingFailed, meeting_send_notice, minutes_send
from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility, Role
from reports.management.commands import send_followup_reminders
from reports.models import FollowUpRound
from reports.services import round_open
from tests.council_documents import add_member, check_minutes, new_meeting, stockholm

pytestmark = pytest.mark.django_db

REFUSED = "trasig@example.se"


@pytest.fixture
def refusing_server(monkeypatch):
    """A mail server that refuses one address (and any batch holding it)."""
    send = EmailBackend.send_messages

    def refuse_one(backend, messages):
        if any(REFUSED in message.recipients() for message in messages):
            raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"No such user")})
        return send(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)


def _round(owner: Organisation, user, title: str, reporter_email: str) -> FollowUpRound:
    """A round of a plan whose one measure is reported by a rapportör with the given address."""
    plan = Plan.objects.create(
        owner=owner, kind=Plan.Kind.ACTION_PLAN, title=title, start_year=2025, end_year=2026
    )
    area = FocusArea.objects.create(plan=plan, number="1", title="Område")
    measure = Measure.objects.create(plan=plan, focus_area=area, code="1A", title="Insatsen")
    unit = Organisation.objects.create(name=f"Enhet {title[:20]}", parent=owner, kind="enhet")
    Responsibility.objects.create(measure=measure, organisation=unit, role="ansvarig")
    reporter = user.__class__.objects.create_user(reporter_email, email=reporter_email)
    Role.objects.create(user=reporter, organisation=unit, kind=Role.Kind.REPORTER)
    return round_open(
        plan=plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=user
    )


def _remind_all() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_followup_reminders", "--days-before", "100000", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_line_break_in_an_old_plan_title_does_not_stop_the_reminders(alice, norberg, alingsas):
    broken = _round(norberg, alice, "Norbergs plan", "a@norberg.example.se")
    other = _round(alingsas, alice, "Alingsås plan", "b@alingsas.example.se")
    # A row stored before titles were checked: written past the validation.
    Plan.objects.filter(pk=broken.plan_id).update(title="Plan\r\nBcc: alla@example.se")
    _remind_all()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@norberg.example.se", "b@alingsas.example.se"]
    assert all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)
    assert not any(m.bcc for m in mail.outbox)
    other.refresh_from_db()
    assert other.last_reminded_on is not None


def test_a_refused_recipient_is_logged_and_the_others_are_reminded(
    alice, norberg, refusing_server, caplog
):
    first = _round(norberg, alice, "Första planen", REFUSED)
    Role.objects.create(
        user=alice.__class__.objects.create_user("c", email="c@norberg.example.se"),
        organisation=first.plan.measures.get().responsibilities.get().organisation,
        kind=Role.Kind.REPORTER,
    )
    second = _round(norberg, alice, "Andra planen", "d@norberg.example.se")
    with caplog.at_level(logging.ERROR):
        out, err = _remind_all()
    assert sorted(m.to[0] for m in mail.outbox) == ["c@norberg.example.se", "d@norberg.example.se"]
    assert REFUSED in caplog.text and "SMTPRecipientsRefused" in caplog.text
    assert f"kunde inte nå {REFUSED}" in err
    assert "1 påminnelser kunde inte skickas" in out
    second.refresh_from_db()
    assert second.last_reminded_on is not None


def test_a_round_that_fails_is_logged_and_the_next_round_is_reminded(
    alice, norberg, alingsas, monkeypatch, caplog
):
    broken = _round(norberg, alice, "Norbergs plan", "a@norberg.example.se")
    _round(alingsas, alice, "Alingsås plan", "b@alingsas.example.se")
    remind = send_followup_reminders.round_send_reminders

    def fail_for_broken(*, round_, **kwargs):
        if round_.pk == broken.pk:
            raise RuntimeError("databasen svarade inte")
        return remind(round_=round_, **kwargs)

    monkeypatch.setattr(send_followup_reminders, "round_send_reminders", fail_for_broken)
    with caplog.at_level(logging.ERROR):
        out, err = _remind_all()
    assert [m.to for m in mail.outbox] == [["b@alingsas.example.se"]]
    assert "databasen svarade inte" in caplog.text
    assert "påminnelserna kunde inte skickas" in err
    assert "Klart: 1 uppföljningar misslyckades" in out


def test_a_refused_member_is_named_and_the_others_get_the_notice(
    council, alice, refusing_server, caplog
):
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0))
    add_member(council, "Åsa Öberg", email="asa@example.se")
    add_member(council, "Trasig Adress", email=REFUSED)
    add_member(council, "Dan Utan Adress")
    with caplog.at_level(logging.ERROR):
        dispatch = meeting_send_notice(meeting=meeting, user=alice, now=stockholm(2025, 3, 1, 9, 0))
    assert [m.to for m in mail.outbox] == [["asa@example.se"]]
    assert REFUSED in caplog.text
    not_reached = {r.name: r.outcome for r in dispatch.recipients.all() if not r.reached}
    assert not_reached == {
        "Trasig Adress": DispatchRecipient.Outcome.REFUSED,
        "Dan Utan Adress": DispatchRecipient.Outcome.NO_ADDRESS,
    }


def test_a_refused_recipient_of_the_minutes_is_named_and_the_others_get_them(
    council, diana, refusing_server, caplog
):
    council.distribution_list = f"{REFUSED}\nks@example.se"
    council.save()
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0), status="genomfort")
    chair = add_member(council, "Åke Ordförande", email="ake@example.se", role="ordforande")
    Attendance.objects.create(
        meeting=meeting,
        seat=chair.seat_holdings.get().seat,
        person=chair,
        status=Attendance.Status.PRESENT,
    )
    MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)
    check_minutes(meeting, chair, at=stockholm(2025, 3, 14, 10, 5))
    with caplog.at_level(logging.ERROR):
        dispatch = minutes_send(meeting=meeting, user=diana)
    assert sorted(m.to[0] for m in mail.outbox) == ["ake@example.se", "ks@example.se"]
    assert REFUSED in caplog.text
    refused = DispatchRecipient.Outcome.REFUSED
    failed = [r.email for r in dispatch.recipients.all() if r.outcome == refused]
    assert failed == [REFUSED] and Dispatch.objects.filter(pk=dispatch.pk).exists()


def test_a_dead_mail_server_records_no_notice_whatever_the_case_of_the_addresses(
    council, alice, monkeypatch
):
    # The mail server names refused addresses in lower case; an address typed "Asa@Example.se"
    # is the same one: nothing went out, so nothing is recorded and the meeting is not called.
    def dead(backend, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", dead)
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0))
    add_member(council, "Åsa Öberg", email="Asa.Oberg@Example.se")
    with pytest.raises(SendingFailed):
        meeting_send_notice(meeting=meeting, user=alice, now=stockholm(2025, 3, 1, 9, 0))
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None and meeting.status == "planerat"
    assert not Dispatch.objects.filter(meeting=meeting).exists()
