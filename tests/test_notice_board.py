"""The notice board (anslagstavla): checked minutes of bodies under the Local Government Act are
announced by the secretary by the second day after checking, stay up three weeks from posting,
and come down by themselves."""

import datetime

import pytest
from django.urls import reverse

from councils.models import Body, Meeting
from councils.selectors import meetings_posted_late, minutes_state, notice_board
from tests.conftest import client_for
from tests.html_forms import changed_tables, snapshot
from tests.minutes_helpers import check_on_paper, freeze, meeting_of, seat_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(norberg) -> Body:
    body = Body.objects.create(
        organisation=norberg,
        name="Socialnämnden",
        kind=Body.Kind.BOARD,
        minutes_kept_at="Kommunkansliet, Norberg",
    )
    seat_member(body, "Nils Ordförande", role="ordforande")
    return body


@pytest.fixture
def unposted_board_meeting(board, diana, monkeypatch) -> Meeting:
    freeze(monkeypatch, "2025-03-20 10:00")
    meeting = meeting_of(board, "2025-03-12 13:00", status=Meeting.Status.NOTICE_SENT)
    from councils.services import meeting_mark_held

    meeting_mark_held(meeting=meeting, user=diana)
    return check_on_paper(meeting, diana, on="2025-03-17")


@pytest.fixture
def checked_board_meeting(unposted_board_meeting, diana) -> Meeting:
    # The secretary posts the checking on the checking day.
    from councils.services import minutes_post_announcement

    return minutes_post_announcement(
        meeting=unposted_board_meeting, posted_on=datetime.date(2025, 3, 17), user=diana
    )


def test_checking_leaves_the_posting_to_the_secretary_by_the_second_day(
    unposted_board_meeting, diana
):
    meeting = unposted_board_meeting
    assert meeting.checked_on == datetime.date(2025, 3, 17)
    assert meeting.posted_on is None and meeting.takes_down_on is None
    assert meeting.announce_by == datetime.date(2025, 3, 19)
    assert list(notice_board()) == []
    from councils.services import minutes_post_announcement

    meeting = minutes_post_announcement(
        meeting=meeting, posted_on=datetime.date(2025, 3, 17), user=diana
    )
    assert meeting.posted_on == datetime.date(2025, 3, 17)
    assert meeting.takes_down_on == datetime.date(2025, 4, 7)


def test_anonymous_visitor_reads_the_announcement_while_it_is_up(
    checked_board_meeting, monkeypatch
):
    freeze(monkeypatch, "2025-03-20 10:00")
    page = client_for(None).get(reverse("councils:notice_board")).content.decode()
    for shown in ("Socialnämnden", "12 mars 2025", "17 mars 2025", "Kommunkansliet, Norberg"):
        assert shown in page
    assert "Sista dag att överklaga" in page and "7 april 2025" in page


@pytest.mark.parametrize(
    ("today", "up"),
    [("2025-03-16", False), ("2025-03-17", True), ("2025-04-07", True), ("2025-04-08", False)],
)
def test_the_announcement_comes_down_by_itself_after_three_weeks(
    checked_board_meeting, monkeypatch, today, up
):
    freeze(monkeypatch, f"{today} 09:00")
    assert list(notice_board()) == ([checked_board_meeting] if up else [])
    page = client_for(None).get(reverse("councils:notice_board")).content.decode()
    assert ("Socialnämnden" in page) is up


def test_the_secretary_records_a_later_posting_which_is_flagged(
    checked_board_meeting, diana, monkeypatch
):
    freeze(monkeypatch, "2025-03-24 10:00")
    response = client_for(diana).post(
        reverse("councils:notice_board_post", args=[checked_board_meeting.pk]),
        {"posted_on": "2025-03-20"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=checked_board_meeting.pk)
    assert meeting.posted_on == datetime.date(2025, 3, 20)
    assert meeting.takes_down_on == datetime.date(2025, 4, 10)
    assert minutes_state(meeting=meeting).posted_late
    assert list(meetings_posted_late(meetings=Meeting.objects.all())) == [meeting]
    page = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert "senare än den andra dagen efter justeringen (19 mars 2025)" in page


def test_posting_on_the_second_day_after_checking_is_in_time(
    checked_board_meeting, diana, monkeypatch
):
    freeze(monkeypatch, "2025-03-24 10:00")
    client_for(diana).post(
        reverse("councils:notice_board_post", args=[checked_board_meeting.pk]),
        {"posted_on": "2025-03-19"},
    )
    meeting = Meeting.objects.get(pk=checked_board_meeting.pk)
    assert meeting.posted_on == datetime.date(2025, 3, 19)
    assert not minutes_state(meeting=meeting).posted_late
    assert list(meetings_posted_late(meetings=Meeting.objects.all())) == []


@pytest.mark.parametrize("day", ["2025-03-16", "2025-03-25", "den 20 mars"])
def test_a_posting_before_checking_or_in_the_future_is_refused(
    checked_board_meeting, diana, monkeypatch, day
):
    freeze(monkeypatch, "2025-03-24 10:00")
    client = client_for(diana)
    before = snapshot()
    response = client.post(
        reverse("councils:notice_board_post", args=[checked_board_meeting.pk]), {"posted_on": day}
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_advisory_bodies_post_nothing(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    checked = check_on_paper(meeting, diana)
    assert checked.is_locked and checked.posted_on is None
    assert list(notice_board()) == []
    client = client_for(diana)
    before = snapshot()
    response = client.post(
        reverse("councils:notice_board_post", args=[meeting.pk]), {"posted_on": "2025-03-14"}
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_unchecked_minutes_are_not_on_the_board(board, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    meeting = meeting_of(board, "2025-03-12 13:00", status=Meeting.Status.HELD)
    Meeting.objects.filter(pk=meeting.pk).update(posted_on=datetime.date(2025, 3, 13))
    assert list(notice_board()) == []
