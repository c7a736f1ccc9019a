"""The notice deadline: the body's days before the meeting on the Swedish clock; a late notice is
refused unless the secretary confirms it, and a confirmed late notice stays visible."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from councils.models import Dispatch, Meeting
from councils.selectors import meeting_documents
from councils.services import meeting_send_notice, notice_deadline
from tests.conftest import client_for
from tests.council_documents import add_items, add_member, new_meeting, stockholm

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(council):
    return add_member(council, "Åsa Ledamot", email="asa@example.se")


def test_deadline_keeps_the_local_clock_across_the_change_to_summer_time(council):
    # Summer time began 30 March 2025: the meeting is on CEST, the deadline on CET.
    meeting = new_meeting(council, stockholm(2025, 4, 2, 13, 0))
    deadline = notice_deadline(meeting=meeting)
    assert deadline == stockholm(2025, 3, 26, 13, 0)
    assert deadline.astimezone(datetime.UTC).hour == 12  # 13.00 CET
    assert meeting.starts_at.astimezone(datetime.UTC) - deadline.astimezone(
        datetime.UTC
    ) == datetime.timedelta(days=7, hours=-1)


def test_deadline_keeps_the_local_clock_across_the_change_to_winter_time(council):
    # Winter time began 26 October 2025: the meeting is on CET, the deadline on CEST.
    meeting = new_meeting(council, stockholm(2025, 10, 29, 13, 0))
    deadline = notice_deadline(meeting=meeting)
    assert deadline == stockholm(2025, 10, 22, 13, 0)
    assert deadline.astimezone(datetime.UTC).hour == 11  # 13.00 CEST
    assert meeting.starts_at.astimezone(datetime.UTC) - deadline.astimezone(
        datetime.UTC
    ) == datetime.timedelta(days=7, hours=1)


def test_deadline_follows_the_bodys_days_of_notice(council):
    council.notice_days = 14
    council.save()
    meeting = new_meeting(council, stockholm(2025, 4, 2, 9, 30))
    assert notice_deadline(meeting=meeting) == stockholm(2025, 3, 19, 9, 30)


def test_notice_on_the_deadline_is_on_time(council, member, alice):
    meeting = new_meeting(council, stockholm(2025, 4, 2, 13, 0))
    dispatch = meeting_send_notice(meeting=meeting, user=alice, now=stockholm(2025, 3, 26, 13, 0))
    meeting.refresh_from_db()
    assert not dispatch.late and not meeting.notice_late
    assert len(mail.outbox) == 1


def test_late_notice_is_refused_without_confirmation_and_writes_nothing(council, member, alice):
    meeting = new_meeting(council, stockholm(2025, 4, 2, 13, 0))
    with pytest.raises(ValidationError) as refused:
        meeting_send_notice(meeting=meeting, user=alice, now=stockholm(2025, 3, 26, 13, 1))
    assert refused.value.code == "late"
    assert "26 mars 2025 kl. 13.00" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None and meeting.status == Meeting.Status.PLANNED
    assert not Dispatch.objects.exists() and mail.outbox == []


def test_confirmed_late_notice_is_sent_and_recorded_as_late(council, member, alice):
    meeting = new_meeting(council, stockholm(2025, 4, 2, 13, 0))
    now = stockholm(2025, 3, 31, 8, 0)
    dispatch = meeting_send_notice(meeting=meeting, user=alice, confirm_late=True, now=now)
    meeting.refresh_from_db()
    assert dispatch.late and meeting.notice_late
    assert meeting.notice_sent_at == now and meeting.status == Meeting.Status.NOTICE_SENT
    assert len(mail.outbox) == 1


def test_secretary_must_tick_the_box_to_send_a_late_notice_on_the_page(council, member, diana):
    meeting = new_meeting(council, timezone.now() + datetime.timedelta(days=3))
    add_items(meeting, 1)
    url = reverse("councils:notice_send", args=[meeting.pk])
    client = client_for(diana)
    page = client.get(url).content.decode()
    assert "Kallelsen är sen om den skickas nu." in page and 'name="confirm_late"' in page
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Bekräfta att du vill skicka den för sent." in refused.content.decode()
    assert not Dispatch.objects.exists() and mail.outbox == []
    sent = client.post(url, {"confirm_late": "on"})
    assert sent.status_code == 302 and len(mail.outbox) == 1
    assert "Kallelsen skickades efter sista dagen." in client.get(url).content.decode()


def test_late_notice_stays_visible_on_the_meeting(council, member, alice, diana):
    meeting = new_meeting(council, stockholm(2025, 4, 2, 13, 0))
    now = stockholm(2025, 3, 31, 8, 0)
    meeting_send_notice(meeting=meeting, user=alice, confirm_late=True, now=now)
    meeting.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = diana
    part = render_to_string(
        "councils/includes/meeting_documents.html",
        {"documents": meeting_documents(meeting=meeting, can_manage=True)},
        request=request,
    )
    assert "Kallelsen skickades för sent." in part
    assert "31 mars 2025 kl. 08.00" in part
    assert "Åsa Ledamot" in part
    assert "Kallelsen skickades efter sista dagen." in part
