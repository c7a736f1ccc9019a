"""E-mail notifications: one digest a day per person, nothing told twice, each kind can be
turned off; the e-mails are read back as a mail program would."""

import datetime
import email
from email import policy

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from councils.models import Body, Meeting, MinutesCheck
from councils.services import minutes_appoint_adjusters
from folkhalsa.models import (
    NotificationDigest,
    NotificationKind,
    NotificationOptOut,
    NotificationSent,
)
from folkhalsa.notifications import send_notifications
from plans.models import Role
from reports.models import FollowUpRound, MeasureReport
from reports.services import report_review, round_open
from tests.conftest import client_for
from tests.minutes_helpers import adjuster_with_account, at, freeze, meeting_of

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("notification_settings")


def _parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def _run(monkeypatch, moment: str):
    now = freeze(monkeypatch, moment)
    return send_notifications(today=timezone.localdate(now), now=now)


@pytest.fixture
def opened(measure, alice, bob, monkeypatch):
    """Bob's rapportör role gets an e-mail address, and a round opens for his measure."""
    bob.email = "bob@example.se"
    bob.save()
    freeze(monkeypatch, "2026-12-01 08:00")
    return round_open(
        plan=measure.plan,
        year=2026,
        period=FollowUpRound.Period.YEAR,
        due_on=datetime.date(2027, 1, 29),
        user=alice,
    )


def test_a_round_opened_for_her_is_told_once_in_one_digest(opened, monkeypatch):
    result = _run(monkeypatch, "2026-12-01 18:00")

    assert result.sent == 1 and len(mail.outbox) == 1
    message = _parsed(mail.outbox[0])
    assert message["To"] == "bob@example.se"
    assert message["Subject"] == "Folkhälsa: 1 sak att göra"
    text = message.get_content()
    assert "Uppföljningen Helår 2026 av Handlingsplan 2025–2026 (utkast) är öppen" in text
    assert "senast 29 januari 2027" in text
    assert f"http://testserver{reverse('reports:my_reports')}#omgang-{opened.pk}" in text or (
        f"{reverse('reports:my_reports')}#omgang-{opened.pk}" in text
    )
    assert reverse("notification_settings") in text
    # The next day the round is still open, but she was told.
    assert _run(monkeypatch, "2026-12-02 06:00").sent == 0
    assert len(mail.outbox) == 1


def test_at_most_one_digest_a_day_the_rest_follows_the_next_day(opened, alice, monkeypatch):
    assert _run(monkeypatch, "2026-12-01 06:00").sent == 1
    report = opened.reports.get()
    report.state, report.status = MeasureReport.State.SUBMITTED, "risk"
    report.save()  # sent in by nobody known: its rapportörer are told of the return
    report_review(report=report, user=alice, accept=False, comment="Ange siffror.")
    assert len(mail.outbox) == 1  # no writer to tell at once

    same_day = _run(monkeypatch, "2026-12-01 18:00")
    assert same_day.sent == 0 and same_day.skipped_today == 1 and len(mail.outbox) == 1

    assert _run(monkeypatch, "2026-12-02 06:00").sent == 1
    text = _parsed(mail.outbox[1]).get_content()
    assert "Komplettera rapporten om insats 1A Läsfrämjande insatser" in text
    assert "Ange siffror." in text
    assert "Uppföljningen Helår 2026" not in text  # told the day before


def test_everyone_gets_her_own_digest_the_same_day(opened, meeting, diana, monkeypatch):
    _run(monkeypatch, "2026-12-01 18:00")
    person, user = adjuster_with_account(meeting)
    user.email = "adam@example.se"
    user.save()
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)

    assert _run(monkeypatch, "2026-12-01 19:00").sent == 1  # adam's, though bob had his
    assert _run(monkeypatch, "2026-12-01 20:00").sent == 0
    assert [m.to for m in mail.outbox] == [["bob@example.se"], ["adam@example.se"]]
    assert NotificationDigest.objects.filter(day=datetime.date(2026, 12, 1)).count() == 2


def test_nothing_is_sent_to_an_address_twice_for_the_same_event(opened, library, monkeypatch):
    from tests.conftest import _user

    twin = _user("bob2", library, Role.Kind.REPORTER, staff=False)
    twin.email = "BOB@example.se"  # the same mailbox, written otherwise
    twin.save()

    _run(monkeypatch, "2026-12-01 18:00")

    assert [m.to for m in mail.outbox] == [["bob@example.se"]]
    assert NotificationSent.objects.filter(address="bob@example.se").count() == 1


def test_she_can_turn_a_kind_off_and_on_again(opened, bob, monkeypatch):
    client = client_for(bob)
    page = client.get(SETTINGS_URL).content.decode()
    assert "bob@example.se" in page and page.count('type="checkbox"') == len(NotificationKind)
    kept = [k for k in NotificationKind.values if k != NotificationKind.ROUND_OPENED]
    response = client.post(SETTINGS_URL, {"kinds": kept})
    assert response.status_code == 302
    assert list(NotificationOptOut.objects.filter(user=bob).values_list("kind", flat=True)) == [
        NotificationKind.ROUND_OPENED
    ]

    assert _run(monkeypatch, "2026-12-01 18:00").sent == 0 and mail.outbox == []

    client = client_for(bob)  # a new login: the clock moved past the session's eight hours
    response = client.post(SETTINGS_URL, {"kinds": NotificationKind.values})
    assert response.status_code == 302 and response.url == SETTINGS_URL
    assert not NotificationOptOut.objects.filter(user=bob).exists()
    assert _run(monkeypatch, "2026-12-02 18:00").sent == 1


def test_an_unknown_kind_is_refused_and_nothing_changes(bob):
    response = client_for(bob).post(SETTINGS_URL, {"kinds": ["vad_som_helst"]})
    assert response.status_code == 400
    assert "vad_som_helst finns inte bland tillgängliga alternativ" in response.content.decode()
    assert not NotificationOptOut.objects.exists()


def test_a_failed_send_records_nothing_and_is_tried_again(opened, monkeypatch, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    result = _run(monkeypatch, "2026-12-01 18:00")
    assert result.failed == 1
    assert not NotificationSent.objects.exists() and not NotificationDigest.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _run(monkeypatch, "2026-12-01 19:00").sent == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_returned_report_is_told_at_once_and_not_again_in_the_digest(
    opened, alice, bob, monkeypatch
):
    report = opened.reports.get()
    report.state, report.status, report.submitted_by = MeasureReport.State.SUBMITTED, "risk", bob
    report.save()
    _run(monkeypatch, "2026-12-01 07:00")  # the round's news
    mail.outbox.clear()

    report_review(report=report, user=alice, accept=False, comment="Ange antal deltagare.")
    assert [m.to for m in mail.outbox] == [["bob@example.se"]]

    assert _run(monkeypatch, "2026-12-02 07:00").sent == 0
    assert len(mail.outbox) == 1


def test_a_returned_report_she_turned_off_is_not_mailed_at_all(opened, alice, bob, monkeypatch):
    NotificationOptOut.objects.create(user=bob, kind=NotificationKind.REPORT_RETURNED)
    NotificationOptOut.objects.create(user=bob, kind=NotificationKind.ROUND_OPENED)
    report = opened.reports.get()
    report.state, report.status, report.submitted_by = MeasureReport.State.SUBMITTED, "risk", bob
    report.save()
    report_review(report=report, user=alice, accept=False, comment="Mer.")
    _run(monkeypatch, "2026-12-02 07:00")
    assert mail.outbox == []


def test_minutes_waiting_for_her_check_reach_the_adjuster(meeting, diana, monkeypatch):
    person, user = adjuster_with_account(meeting)
    user.email = "adam@example.se"
    user.save()
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)

    _run(monkeypatch, "2025-03-14 07:00")

    (message,) = [_parsed(m) for m in mail.outbox]
    assert message["To"] == "adam@example.se"
    assert "Justera protokollet från Folkhälsorådet 12 mars 2025" in message.get_content()
    assert reverse("councils:minutes_check", args=[meeting.pk]) in message.get_content()


def test_the_secretary_is_told_the_day_before_the_notice_deadline(council, diana, monkeypatch):
    diana.email = "diana@example.se"
    diana.save()
    Role.objects.create(user=diana, organisation=council.organisation, kind=Role.Kind.SECRETARY)
    coming = meeting_of(council, "2027-02-11 13:00")  # notice by 4 February 13.00

    assert _run(monkeypatch, "2027-02-02 07:00").sent == 0  # two days before: not yet
    assert _run(monkeypatch, "2027-02-03 07:00").sent == 1

    text = _parsed(mail.outbox[0]).get_content()
    assert "Skicka kallelsen till Folkhälsorådet 11 februari 2027" in text
    assert "senast 4 februari 2027" in text
    assert reverse("councils:meeting_detail", args=[coming.pk]) in text
    # Sent the notice: nothing more, even the next day.
    Meeting.objects.filter(pk=coming.pk).update(status=Meeting.Status.NOTICE_SENT)
    assert _run(monkeypatch, "2027-02-04 07:00").sent == 0


def test_the_secretary_is_told_the_announcement_is_due(meeting, council, diana, monkeypatch):
    diana.email = "diana@example.se"
    diana.save()
    Body.objects.filter(pk=council.pk).update(kind=Body.Kind.BOARD)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CHECKED, checked_on=datetime.date(2025, 3, 20)
    )
    MinutesCheck.objects.filter(meeting=meeting).update(checked_at=at("2025-03-20 10:00"))

    assert _run(monkeypatch, "2025-03-21 07:00").sent == 1

    text = _parsed(mail.outbox[0]).get_content()
    assert "Anslå justeringen av protokollet från Folkhälsorådet 12 mars 2025" in text
    assert "senast 22 mars 2025" in text


def test_the_command_reports_what_it_did(opened, monkeypatch, capsys):
    freeze(monkeypatch, "2026-12-01 18:00")
    call_command("send_notifications")
    assert "1 sammanfattningar skickade" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_inactive_accounts_and_those_without_address_get_nothing(opened, bob, monkeypatch):
    bob.is_active = False
    bob.save()
    assert _run(monkeypatch, "2026-12-01 18:00").sent == 0
    bob.is_active, bob.email = True, ""
    bob.save()
    assert _run(monkeypatch, "2026-12-01 19:00").sent == 0
    assert mail.outbox == []
