"""Paragraphs (§) run on through a body's calendar year, across its meetings, in date order."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import AgendaItem, Meeting
from councils.services import meeting_mark_held, minutes_number_paragraphs
from tests.conftest import client_for
from tests.html_forms import changed_tables, snapshot
from tests.minutes_helpers import freeze, meeting_of

pytestmark = pytest.mark.django_db


def _with_items(meeting: Meeting, count: int) -> Meeting:
    for order in range(count):
        AgendaItem.objects.create(meeting=meeting, order=order, title=f"Ärende {order + 1}")
    return meeting


def _paragraphs(meeting: Meeting) -> list[int | None]:
    return list(meeting.items.order_by("order").values_list("paragraph", flat=True))


def test_paragraphs_continue_from_the_body_s_earlier_meeting_of_the_year(
    meeting, diana, monkeypatch
):
    freeze(monkeypatch, "2025-05-01 12:00")
    # The fixture's meeting in March has § 1.
    may = _with_items(meeting_of(meeting.body, "2025-04-23 13:00"), 3)
    meeting_mark_held(meeting=may, user=diana)
    assert _paragraphs(may) == [2, 3, 4]


def test_numbering_restarts_at_a_new_year_by_stockholm_dates(council, diana, monkeypatch):
    freeze(monkeypatch, "2026-01-10 12:00")
    december = _with_items(meeting_of(council, "2025-12-10 13:00"), 2)
    meeting_mark_held(meeting=december, user=diana)
    # 00:30 on New Year's Day in Stockholm is still 31 December in UTC.
    january = _with_items(meeting_of(council, "2026-01-01 00:30"), 2)
    meeting_mark_held(meeting=january, user=diana)
    assert _paragraphs(december) == [1, 2]
    assert _paragraphs(january) == [1, 2]


def test_a_meeting_is_not_numbered_while_an_earlier_one_of_the_year_is_not_held(
    council, diana, monkeypatch
):
    freeze(monkeypatch, "2025-06-01 12:00")
    april = _with_items(meeting_of(council, "2025-04-02 13:00"), 1)
    may = _with_items(meeting_of(council, "2025-05-07 13:00"), 1)
    with pytest.raises(ValidationError, match="Mötet den 2 april 2025 är inte markerat"):
        meeting_mark_held(meeting=may, user=diana)
    may.refresh_from_db()
    assert may.status == Meeting.Status.PLANNED and _paragraphs(may) == [None]
    meeting_mark_held(meeting=april, user=diana)
    meeting_mark_held(meeting=may, user=diana)
    assert (_paragraphs(april), _paragraphs(may)) == ([1], [2])


def test_the_page_says_why_it_will_not_number_a_meeting_and_writes_nothing(
    council, diana, monkeypatch
):
    freeze(monkeypatch, "2025-06-01 12:00")
    _with_items(meeting_of(council, "2025-04-02 13:00"), 1)
    may = _with_items(meeting_of(council, "2025-05-07 13:00"), 1)
    client = client_for(diana)
    url = reverse("councils:minutes", args=[may.pk])
    before = snapshot()
    response = client.post(url, {"step": "held"}, follow=True)
    assert changed_tables(before, snapshot()) == []
    assert "Paragraferna numreras i datumordning" in response.content.decode()


def test_a_meeting_of_another_year_does_not_hold_up_numbering(council, diana, monkeypatch):
    freeze(monkeypatch, "2025-06-01 12:00")
    meeting_of(council, "2024-11-02 13:00")  # never marked held, last year
    march = _with_items(meeting_of(council, "2025-03-05 13:00"), 2)
    meeting_mark_held(meeting=march, user=diana)
    assert _paragraphs(march) == [1, 2]


def test_an_item_added_after_numbering_gets_the_next_number_of_the_year(
    council, diana, monkeypatch
):
    freeze(monkeypatch, "2025-06-01 12:00")
    march = _with_items(meeting_of(council, "2025-03-05 13:00"), 2)
    april = _with_items(meeting_of(council, "2025-04-05 13:00"), 1)
    meeting_mark_held(meeting=march, user=diana)
    meeting_mark_held(meeting=april, user=diana)
    late = AgendaItem.objects.create(meeting=march, order=9, title="Sent tillagt")
    minutes_number_paragraphs(meeting=march, user=diana)
    late.refresh_from_db()
    assert late.paragraph == 4  # never a number another paragraph of the year has


def test_a_meeting_in_the_future_cannot_be_marked_held(council, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-01 12:00")
    coming = meeting_of(council, "2025-03-02 09:00")
    with pytest.raises(ValidationError, match="inte hållits än"):
        meeting_mark_held(meeting=coming, user=diana)


def test_marking_held_appoints_the_chair_holding_the_seat_that_day(
    meeting, eva, diana, monkeypatch
):
    freeze(monkeypatch, "2025-06-01 12:00")
    may = meeting_of(meeting.body, "2025-05-07 13:00")
    meeting_mark_held(meeting=may, user=diana)
    assert list(may.checks.values_list("person__name", "role")) == [(eva.name, "ordforande")]
