"""The minutes pages read a fixed number of queries, whatever the number of paragraphs,
amendments, members and announcements (asserted at two sizes)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import AgendaItem, Amendment, Body, Meeting, MinutesCheck
from tests.conftest import client_for
from tests.minutes_helpers import freeze, link_account, meeting_of, present, seat_member

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(meeting: Meeting, size: int, user) -> None:
    """Add paragraphs with amendments, present members and adjusters up to `size` each."""
    start = meeting.items.count()
    for n in range(start, size):
        item = AgendaItem.objects.create(
            meeting=meeting, order=n + 1, kind="beslut", title=f"Ärende {n}", paragraph=n + 1
        )
        Amendment.objects.create(meeting=meeting, item=item, what="x", why="y", made_by=user)
        person = seat_member(meeting.body, f"Ledamot {n}")
        present(meeting, person)
        MinutesCheck.objects.create(meeting=meeting, person=person, role="justerare")


@pytest.mark.parametrize("who", ["diana", "alice"])
def test_the_minutes_page_does_not_grow_with_paragraphs_and_members(meeting, who, request):
    user = request.getfixturevalue(who)
    client = client_for(user)
    url = reverse("councils:minutes", args=[meeting.pk])
    _grow(meeting, 2, user)
    small = _queries(client, url)
    _grow(meeting, 9, user)
    assert _queries(client, url) == small


def test_the_check_page_does_not_grow(meeting, diana, eva):
    client = client_for(link_account(eva, "eva"))
    url = reverse("councils:minutes_check", args=[meeting.pk])
    _grow(meeting, 2, diana)
    small = _queries(client, url)
    _grow(meeting, 9, diana)
    assert _queries(client, url) == small


def test_public_minutes_do_not_grow(meeting, diana):
    Body.objects.filter(pk=meeting.body_id).update(is_public=True)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CHECKED, checked_on=datetime.date(2025, 3, 14)
    )
    url = reverse("councils:public_minutes", args=[meeting.pk])
    _grow(meeting, 2, diana)
    small = _queries(client_for(None), url)
    _grow(meeting, 9, diana)
    assert _queries(client_for(None), url) == small


def _checked_board_meetings(norberg, count: int) -> None:
    for n in range(Body.objects.filter(kind="namnd").count(), count):
        board = Body.objects.create(organisation=norberg, name=f"Nämnd {n}", kind="namnd")
        Meeting.objects.create(
            body=board,
            starts_at=datetime.datetime(2025, 3, 12, 12, tzinfo=datetime.UTC),
            status=Meeting.Status.CHECKED,
            checked_on=datetime.date(2025, 3, 14),
            posted_on=datetime.date(2025, 3, 14),
        )
        Body.objects.filter(pk=board.pk).update(is_public=True)


def test_the_notice_board_and_public_list_do_not_grow(norberg, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    for url in (reverse("councils:notice_board"), reverse("councils:public_minutes_list")):
        _checked_board_meetings(norberg, 2)
        small = _queries(client_for(None), url)
        _checked_board_meetings(norberg, 9)
        assert _queries(client_for(None), url) == small


def test_my_meetings_do_not_grow(meeting, monkeypatch):
    freeze(monkeypatch, "2025-01-20 10:00")
    person = seat_member(meeting.body, "Mia Medlem")
    client = client_for(link_account(person, "mia"))
    url = reverse("councils:my_meetings")

    def grow(size: int) -> None:
        for n in range(Meeting.objects.count(), size):
            held = meeting_of(meeting.body, f"2025-02-{n + 1:02} 13:00", status="genomfort")
            MinutesCheck.objects.create(meeting=held, person=person, role="justerare")
            meeting_of(meeting.body, f"2025-04-{n + 1:02} 13:00")

    grow(2)
    small = _queries(client, url)
    grow(9)
    assert _queries(client, url) == small
