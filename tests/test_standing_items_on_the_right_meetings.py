"""Standing items land on the meetings their rule names: the situation report on the year's
second meeting, next year's dates on its last, counting the meetings already there."""

import datetime

import pytest

from councils.models import AgendaItem, Meeting, StandingItem
from councils.services import meeting_series_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def standing(council) -> None:
    rules = [
        ("Föregående protokoll", StandingItem.Rule.EVERY, None),
        ("Gemensam lägesbild brott och trygghet", StandingItem.Rule.NTH, 2),
        ("Mötesdatum för nästa år", StandingItem.Rule.LAST, None),
    ]
    for order, (title, rule, nth) in enumerate(rules):
        StandingItem.objects.create(body=council, title=title, rule=rule, nth=nth, order=order)


def _create(council, user, *days: datetime.date) -> list[Meeting]:
    return meeting_series_create(
        body=council,
        year=2026,
        dates=list(days),
        starts=datetime.time(13),
        ends=datetime.time(15),
        place="Kommunhuset",
        user=user,
    )


def _titles(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("order").values_list("title", flat=True))


def test_situation_report_on_the_second_and_dates_on_the_last(council, standing, diana):
    days = [datetime.date(2026, m, 10) for m in (2, 5, 9, 12)]
    first, second, third, last = _create(council, diana, *reversed(days))
    assert _titles(first) == ["Föregående protokoll"]
    assert _titles(second) == ["Föregående protokoll", "Gemensam lägesbild brott och trygghet"]
    assert _titles(third) == ["Föregående protokoll"]
    assert _titles(last) == ["Föregående protokoll", "Mötesdatum för nästa år"]
    assert second.items.get(order=2).standing_item.nth == 2


def test_numbering_counts_the_meetings_already_in_the_year(council, standing, diana):
    _create(council, diana, datetime.date(2026, 1, 20))
    second, last = _create(council, diana, datetime.date(2026, 4, 1), datetime.date(2026, 11, 5))
    assert "Gemensam lägesbild brott och trygghet" in _titles(second)
    assert "Mötesdatum för nästa år" in _titles(last)
    assert AgendaItem.objects.filter(title="Gemensam lägesbild brott och trygghet").count() == 1


def test_meetings_are_at_the_swedish_time_given_across_daylight_saving(council, diana):
    winter, summer = _create(council, diana, datetime.date(2026, 1, 15), datetime.date(2026, 6, 4))
    assert winter.starts_at == datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    assert summer.starts_at == datetime.datetime(2026, 6, 4, 11, tzinfo=datetime.UTC)
    assert summer.ends_at == datetime.datetime(2026, 6, 4, 13, tzinfo=datetime.UTC)
