"""The notice by e-mail: to exactly the seat holders of the meeting's day who have an address, with
the notice as a PDF listing the agenda and a calendar file; refused or failed, nothing recorded."""

import datetime
import io
import socket
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar
from pypdf import PdfReader

from councils.models import Dispatch, DispatchRecipient, Meeting
from councils.services import SendingFailed, meeting_send_notice
from tests.council_documents import add_items, add_member, new_meeting, one_line, stockholm

pytestmark = pytest.mark.django_db

BEFORE = stockholm(2025, 3, 1, 9, 0)  # well before the deadline of a meeting on 12 March


@pytest.fixture
def called(council):
    """A meeting on 12 March 2025 with members on the day, and some who are not."""
    meeting = new_meeting(
        council, stockholm(2025, 3, 12, 13, 0), remote_link="https://mote.example.se/r"
    )
    add_items(meeting, 3)
    on_day = [
        add_member(council, "Åsa Öberg", email="asa@example.se"),
        add_member(council, "Bengt Ärlig", email="bengt@example.se", role="ordforande"),
        add_member(
            council, "Cecilia Ek", email="cecilia@example.se", ends_on=datetime.date(2025, 3, 12)
        ),
    ]
    add_member(council, "Dan Utan Adress")
    add_member(council, "Eva Slutat", email="eva@example.se", ends_on=datetime.date(2025, 3, 11))
    add_member(council, "Fia Börjar", email="fia@example.se", starts_on=datetime.date(2025, 3, 13))
    return meeting, on_day


def test_notice_goes_to_exactly_the_holders_that_day_with_an_address(called, alice):
    meeting, on_day = called
    dispatch = meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted(person.email for person in on_day)
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )
    outcomes = {r.name: r.outcome for r in dispatch.recipients.all()}
    assert outcomes == {
        **{person.name: DispatchRecipient.Outcome.SENT for person in on_day},
        "Dan Utan Adress": DispatchRecipient.Outcome.NO_ADDRESS,
    }
    people = {r.name: r.person for r in dispatch.recipients.all()}
    assert people["Åsa Öberg"] == on_day[0] and people["Dan Utan Adress"].name == "Dan Utan Adress"
    assert dispatch.sent_by == alice and dispatch.kind == Dispatch.Kind.NOTICE
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_SENT and meeting.notice_sent_at == BEFORE


def test_notice_pdf_lists_every_item_the_date_and_the_place(called, alice):
    meeting, _ = called
    meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    message = mail.outbox[0]
    assert message.subject == "Kallelse: Folkhälsorådet 12 mars 2025 kl. 13.00"
    name, content, content_type = message.attachments[0]
    assert name == "kallelse-2025-03-12.pdf" and content_type == "application/pdf"
    text = one_line("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    for item in meeting.items.all():
        assert item.title in text and item.case_number in text
    assert "onsdag 12 mars 2025" in text and "kl. 13.00" in text
    assert "Kommunhuset, sal Åsen" in text and "https://mote.example.se/r" in text
    assert "Åsa Öberg" in text and "Dan Utan Adress" in text and "Eva Slutat" not in text


def test_calendar_file_starts_at_the_meeting_in_stockholm_time(called, alice):
    meeting, _ = called
    meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    name, content, content_type = mail.outbox[0].attachments[1]
    assert name.endswith(".ics") and content_type.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == datetime.datetime(2025, 3, 12, 13, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert str(event["location"]) == "Kommunhuset, sal Åsen"
    assert str(event["summary"]) == "Folkhälsorådet"
    assert str(event["uid"]) == f"mote-{meeting.pk}@folkhalsa"
    assert "BEGIN:VTIMEZONE" in content  # text attachments come back as text


def test_calendar_uid_stays_the_same_when_the_notice_is_sent_again(called, alice):
    meeting, _ = called
    meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    meeting_send_notice(meeting=meeting, user=alice, now=BEFORE + datetime.timedelta(days=1))
    uids = {
        str(Calendar.from_ical(m.attachments[1][1]).walk("VEVENT")[0]["uid"]) for m in mail.outbox
    }
    assert len(uids) == 1 and Dispatch.objects.count() == 2


def test_a_mail_server_that_does_not_answer_records_nothing(called, alice, settings):
    meeting, _ = called
    with socket.socket() as probe:  # a port on this machine that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(SendingFailed) as failed:
        meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    assert "Inget är registrerat" in str(failed.value)
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None and meeting.status == Meeting.Status.PLANNED
    assert not Dispatch.objects.exists()


def test_notice_of_checked_minutes_is_refused(called, alice):
    meeting, _ = called
    meeting.status = Meeting.Status.CHECKED
    meeting.save()
    with pytest.raises(ValidationError) as refused:
        meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    assert refused.value.code == "locked"
    assert mail.outbox == [] and not Dispatch.objects.exists()


def test_notice_of_a_meeting_that_has_begun_is_refused(called, alice):
    meeting, _ = called
    with pytest.raises(ValidationError, match="redan börjat"):
        meeting_send_notice(
            meeting=meeting, user=alice, confirm_late=True, now=stockholm(2025, 3, 12, 13, 0)
        )
    assert mail.outbox == [] and not Dispatch.objects.exists()


def test_notice_to_nobody_with_an_address_is_refused(council, alice):
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0))
    add_member(council, "Dan Utan Adress")
    with pytest.raises(ValidationError, match="e-postadress"):
        meeting_send_notice(meeting=meeting, user=alice, now=BEFORE)
    assert not Dispatch.objects.exists()
