"""Her årshjul as a calendar at her private address: valid iCalendar, one UID per event and the
same UIDs on every fetch, whole days as dates and meetings at their Swedish times; a renewed
address replaces the old one, which then answers 404."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from councils.models import CalendarFeed
from tests.conftest import client_for
from tests.minutes_helpers import freeze
from tests.year_wheel_data import dated_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2025(monkeypatch):
    freeze(monkeypatch, "2025-12-01 10:00")


@pytest.fixture
def year(norberg, alice):
    return dated_year(norberg, editor=alice)


def _renew(user) -> str:
    response = client_for(user).post(reverse("year_wheel:feed_renew"))
    assert response.status_code == 302
    assert response["Location"] == reverse("year_wheel:mine") + "#kalender"
    return reverse("year_wheel:feed", args=[CalendarFeed.objects.get(user=user).token])


def _events(url: str) -> list:
    response = client_for(None).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_is_valid_with_one_uid_per_event(year, alice):
    events = _events(_renew(alice))
    uids = [str(e["uid"]) for e in events]
    # Last year to next: the fifteen dates of 2025, the round opened on 2 December 2024, the
    # council's meeting of 5 January 2026 and the draft's end on 31 December 2026.
    assert len(uids) == len(set(uids)) == 18
    due = next(
        e for e in events if str(e["uid"]) == f"arshjul-round_due-{year.closed_round.pk}@folkhalsa"
    )
    assert due.decoded("dtstart") == datetime.date(2025, 1, 31)  # a DATE, all day
    assert due.decoded("dtend") == datetime.date(2025, 2, 1)
    assert (
        str(due["summary"])
        == "Sista dag att rapportera: Helår 2024 – Handlingsplan Norbergs kommun"
    )
    assert str(due["url"]).endswith(reverse("reports:round_detail", args=[year.closed_round.pk]))


def test_meetings_are_at_their_swedish_time(year, alice):
    url = _renew(alice)
    calendar = Calendar.from_ical(client_for(None).get(url).content)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    events = calendar.walk("VEVENT")
    assert all("dtstamp" in e and "dtstart" in e and "dtend" in e for e in events)
    meeting = next(
        e for e in events if str(e["uid"]) == f"arshjul-meeting-{year.march_meeting.pk}@folkhalsa"
    )
    starts = meeting.decoded("dtstart")
    assert (str(starts.tzinfo), starts.hour, starts.date()) == (
        "Europe/Stockholm",
        13,
        datetime.date(2025, 3, 12),
    )


def test_uids_are_the_same_on_every_fetch(year, alice, monkeypatch):
    url = _renew(alice)
    first = {str(e["uid"]): str(e["summary"]) for e in _events(url)}
    freeze(monkeypatch, "2025-12-02 16:45")  # fetched again the next day
    assert {str(e["uid"]): str(e["summary"]) for e in _events(url)} == first


def test_a_renewed_address_replaces_the_old_one(year, alice):
    old = _renew(alice)
    new = _renew(alice)
    assert old != new
    assert client_for(None).get(old).status_code == 404
    assert client_for(None).get(new).status_code == 200


def test_unknown_address_and_closed_accounts_answer_404(year, alice):
    url = _renew(alice)
    assert client_for(None).get(url.replace("/kalender/", "/kalender/x")).status_code == 404
    alice.is_active = False
    alice.save()
    assert client_for(None).get(url).status_code == 404


def test_the_page_shows_her_address_and_the_renew_button(year, alice):
    url = _renew(alice)
    page = client_for(alice).get(reverse("year_wheel:mine")).content.decode()
    assert f'<a href="{url}">http://testserver{url}</a>' in page
    assert "Skapa ny kalenderadress" in page


def test_someone_without_role_or_seat_has_no_feed(year):
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody", password="x")
    assert client_for(nobody).post(reverse("year_wheel:feed_renew")).status_code == 404
    assert not CalendarFeed.objects.filter(user=nobody).exists()
    assert (
        "Skapa kalenderadress"
        not in client_for(nobody).get(reverse("year_wheel:mine")).content.decode()
    )
