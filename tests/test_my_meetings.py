"""A member's own page: her coming meetings and the minutes waiting for her check."""

import pytest
from django.urls import reverse

from councils.services import minutes_appoint_adjusters
from tests.conftest import client_for
from tests.minutes_helpers import adjuster_with_account, freeze, link_account, meeting_of

pytestmark = pytest.mark.django_db

URL = reverse("councils:my_meetings")


def test_a_member_sees_her_coming_meetings_and_the_minutes_to_check(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    person, user = adjuster_with_account(meeting)
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)
    meeting_of(meeting.body, "2025-05-14 13:00")
    meeting_of(meeting.body, "2025-02-14 13:00")  # past
    page = client_for(user).get(URL).content.decode()
    assert "14 maj 2025" in page and "14 februari 2025" not in page
    assert reverse("councils:minutes_check", args=[meeting.pk]) in page


def test_a_meeting_after_her_seat_ended_is_not_hers(meeting, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    person, user = adjuster_with_account(meeting)
    person.seat_holdings.update(ends_on="2025-04-30")
    meeting_of(meeting.body, "2025-05-14 13:00")
    meeting_of(meeting.body, "2025-04-14 13:00")
    page = client_for(user).get(URL).content.decode()
    assert "14 april 2025" in page and "14 maj 2025" not in page


def test_checked_minutes_no_longer_wait_for_her(meeting, diana, eva, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    user = link_account(eva, "eva")
    client = client_for(user)
    assert reverse("councils:minutes_check", args=[meeting.pk]) in client.get(URL).content.decode()
    client.post(reverse("councils:minutes_check", args=[meeting.pk]))
    assert (
        reverse("councils:minutes_check", args=[meeting.pk]) not in client.get(URL).content.decode()
    )


def test_an_account_without_a_person_is_told_so(alice):
    assert "inte kopplat" in client_for(alice).get(URL).content.decode()


def test_anonymous_is_sent_to_log_in():
    assert client_for(None).get(URL).status_code == 302
