"""Who held which seat on a given day: a holder who changes mid-year, a seat left vacant."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Seat, SeatHolding
from councils.selectors import seats_on
from plans.models import Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_seat(council, norberg) -> Seat:
    """The police seat: Anna until midsummer, Bo from August, vacant in between."""
    seat = Seat.objects.create(
        body=council, function="Gruppchef för områdespolis", organisation=norberg, order=2
    )
    anna = Person.objects.create(name="Anna Polis", organisation=norberg)
    bo = Person.objects.create(name="Bo Polis", organisation=norberg)
    SeatHolding.objects.create(
        seat=seat,
        person=anna,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2025, 6, 20),
    )
    SeatHolding.objects.create(seat=seat, person=bo, starts_on=datetime.date(2025, 8, 1))
    return seat


def _holders(council, day: datetime.date) -> dict[str, str | None]:
    return {
        entry.seat.function: entry.holder.name if entry.holder else None
        for entry in seats_on(body=council, on=day)
    }


def test_the_holder_changes_in_the_middle_of_the_year(meeting, police_seat):
    council = meeting.body
    assert _holders(council, datetime.date(2025, 3, 12))["Gruppchef för områdespolis"] == (
        "Anna Polis"
    )
    assert _holders(council, datetime.date(2025, 6, 20))["Gruppchef för områdespolis"] == (
        "Anna Polis"
    )
    assert _holders(council, datetime.date(2025, 9, 1))["Gruppchef för områdespolis"] == (
        "Bo Polis"
    )


def test_a_seat_between_holders_is_vacant(meeting, police_seat):
    holders = _holders(meeting.body, datetime.date(2025, 7, 1))
    assert holders == {
        "Kommunstyrelsens ordförande": "Eva Ordförande",
        "Gruppchef för områdespolis": None,
    }


def test_seats_on_a_day_take_two_queries_whatever_the_number_of_seats(meeting, police_seat):
    with CaptureQueriesContext(connection) as few:
        seats_on(body=meeting.body, on=datetime.date(2025, 7, 1))
    for number in range(10):
        seat = Seat.objects.create(
            body=meeting.body, function=f"Ledamot {number}", organisation=police_seat.organisation
        )
        person = Person.objects.create(name=f"Person {number}", organisation=seat.organisation)
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2025, 1, 1))
    with CaptureQueriesContext(connection) as many:
        entries = seats_on(body=meeting.body, on=datetime.date(2025, 7, 1))
        names = [entry.holder.name for entry in entries if entry.holder]
    assert len(entries) == 12 and len(names) == 11
    assert len(few) == len(many) == 2


def test_the_body_page_shows_the_holders_of_the_chosen_day(meeting, police_seat, alice):
    url = reverse("councils:body_detail", args=[meeting.body_id])
    summer = client_for(alice).get(url, {"datum": "2025-07-01"}).content.decode()
    assert "Vakant" in summer and "Anna Polis" not in summer and "Bo Polis" not in summer
    autumn = client_for(alice).get(url, {"datum": "2025-09-01"}).content.decode()
    assert "Bo Polis" in autumn and "Vakant" not in autumn


def test_a_day_that_is_no_date_is_explained_and_today_shown(meeting, alice):
    url = reverse("councils:body_detail", args=[meeting.body_id])
    response = client_for(alice).get(url, {"datum": "2025-13-45"})
    assert response.status_code == 200
    assert "Det du valde gick inte att läsa" in response.content.decode()
