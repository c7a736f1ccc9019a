"""A public body's meetings as a public calendar feed (organ/<id>/kalender.ics): times in
Europe/Stockholm, one stable UID per meeting, no agenda and no link to join; a body whose
meetings are not public answers 404 to everyone, members included (they have their own feed)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from councils.models import Body
from tests.conftest import client_for
from tests.council_documents import add_items, new_meeting, stockholm
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_council(monkeypatch, council):
    freeze(monkeypatch, "2026-12-05 10:00")
    Body.objects.filter(pk=council.pk).update(is_public=True)
    council.refresh_from_db()
    return council


def _feed(user, body) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client_for(user).get(reverse("body_calendar", args=[body.pk]))
    return len(captured), response


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_lists_the_meetings_in_swedish_time_with_stable_uids(public_council):
    meetings = [new_meeting(public_council, stockholm(2027, m, 12, 13, 0)) for m in (3, 6)]
    _, first = _feed(None, public_council)
    _, again = _feed(None, public_council)
    events = _events(first)
    zone = ZoneInfo("Europe/Stockholm")
    assert [e.decoded("dtstart") for e in events] == [
        datetime.datetime(2027, 3, 12, 13, 0, tzinfo=zone),
        datetime.datetime(2027, 6, 12, 13, 0, tzinfo=zone),
    ]
    uids = [str(e["uid"]) for e in events]
    assert uids == [f"mote-{m.pk}@folkhalsa" for m in meetings]
    assert [str(e["uid"]) for e in _events(again)] == uids
    calendar = Calendar.from_ical(first.content)
    assert str(calendar["x-wr-calname"]) == "Folkhälsorådet, Norbergs kommun"


def test_the_public_feed_carries_no_agenda_and_no_link_to_join(public_council):
    meeting = new_meeting(public_council, stockholm(2027, 3, 12, 13, 0))
    meeting.remote_link = "https://möte.example/hemlig-kod"
    meeting.save()
    add_items(meeting, 2)
    (event,) = _events(_feed(None, public_council)[1])
    assert "description" not in event and "url" not in event
    assert "hemlig-kod" not in _feed(None, public_council)[1].content.decode()


def test_meetings_older_than_a_year_are_left_out(public_council):
    new_meeting(public_council, stockholm(2025, 11, 1, 13, 0))
    recent = new_meeting(public_council, stockholm(2026, 1, 15, 13, 0))
    events = _events(_feed(None, public_council)[1])
    assert [str(e["uid"]) for e in events] == [f"mote-{recent.pk}@folkhalsa"]


def test_a_private_body_has_no_public_feed_for_anyone(council, alice, diana, charlie):
    new_meeting(council, stockholm(2027, 3, 12, 13, 0))
    for user in (None, alice, diana, charlie):
        assert _feed(user, council)[1].status_code == 404


def test_the_feed_costs_the_same_queries_whatever_the_number_of_meetings(public_council):
    new_meeting(public_council, stockholm(2027, 1, 12, 13, 0))
    few, _ = _feed(None, public_council)
    for month in range(2, 12):
        add_items(new_meeting(public_council, stockholm(2027, month, 12, 13, 0)), 2)
    many, response = _feed(None, public_council)
    assert len(_events(response)) == 11
    assert many == few
