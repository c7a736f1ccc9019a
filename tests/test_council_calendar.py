"""Calendars: the meetings of the bodies she manages at her own private address, which she can
renew, and a file per meeting for its readers (members' feeds:
tests/test_calendar_feeds_per_person.py)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from councils.models import Body, CalendarFeed
from tests.conftest import client_for
from tests.council_documents import add_items, new_meeting, stockholm

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(council, alingsas):
    meetings = [new_meeting(council, stockholm(2025, month, 12, 13, 0)) for month in (3, 6, 9, 11)]
    add_items(meetings[1], 2)
    other = Body.objects.create(organisation=alingsas, name="Styrgruppen", kind="arbetsgrupp")
    new_meeting(other, stockholm(2025, 5, 5, 9, 0))
    return meetings


def _events(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


def _feed(user) -> str:
    return reverse("councils:calendar_feed", args=[CalendarFeed.objects.get(user=user).token])


def test_feed_lists_every_meeting_of_her_body_without_login(year, diana):
    assert client_for(diana).post(reverse("councils:calendar_feed_renew")).status_code == 302
    response = client_for(None).get(_feed(diana))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    events = _events(response.content)
    starts = sorted(event.decoded("dtstart") for event in events)
    stockholm_zone = ZoneInfo("Europe/Stockholm")
    expected = [datetime.datetime(2025, m, 12, 13, 0, tzinfo=stockholm_zone) for m in (3, 6, 9, 11)]
    assert starts == expected  # Alingsås' body is not hers
    assert {str(event["uid"]) for event in events} == {f"mote-{m.pk}@folkhalsa" for m in year}
    assert "1. Ärende 1 om trygghet" in str(events[1]["description"])


def test_unknown_token_is_not_found(year):
    assert (
        client_for(None).get(reverse("councils:calendar_feed", args=["gissat"])).status_code == 404
    )


def test_renewed_token_stops_the_old_address(year, diana, alice):
    renew = reverse("councils:calendar_feed_renew")
    assert client_for(alice).post(renew).status_code == 404  # no seat, no body to manage
    assert client_for(diana).get(renew).status_code == 405
    client_for(diana).post(renew)
    old = _feed(diana)
    page = client_for(diana).get(reverse("councils:my_meetings")).content.decode()
    assert old in page
    assert client_for(diana).post(renew).status_code == 302
    new = _feed(diana)
    assert new != old
    assert client_for(None).get(old).status_code == 404
    assert client_for(None).get(new).status_code == 200


def test_meeting_file_is_for_readers_of_the_meeting(year, alice, charlie):
    url = reverse("councils:meeting_ics", args=[year[0].pk])
    response = client_for(alice).get(url)
    (event,) = _events(response.content)
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert str(event["location"]) == "Kommunhuset, sal Åsen"
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
