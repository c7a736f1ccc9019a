"""The councils admin's pages take the same number of queries for a small and a large body."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import AgendaItem, Attendance, Body, Seat, SeatHolding
from plans.models import Organisation, Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    client.get(url)  # caches that fill once per process (content types) are not the data
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(meeting, *, numbers: range) -> None:
    """Add seats with holders, their attendance, agenda items and groups to the body."""
    council = meeting.body
    for number in numbers:
        unit = Organisation.objects.create(name=f"Enhet {number}", parent=council.organisation)
        person = Person.objects.create(name=f"Ledamot {number}", organisation=unit)
        seat = Seat.objects.create(
            body=council, function=f"Funktion {number}", organisation=unit, order=number + 2
        )
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))
        Attendance.objects.create(
            meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
        )
        AgendaItem.objects.create(meeting=meeting, order=number + 2, title=f"Ärende {number}")
        Body.objects.create(
            organisation=unit, parent=council, name=f"Grupp {number}", kind=Body.Kind.WORKING_GROUP
        )


def test_seat_page_does_not_grow_with_its_holders(objects):
    seat = Seat.objects.create(
        body=objects["records"]["body"],
        function="Ersättare",
        organisation=objects["records"]["organisation"],
    )
    url = reverse("admin:councils_seat_change", args=[seat.pk])
    client = client_for(objects["users"]["diana"])
    _hold(seat, years=range(2010, 2011))
    few = _count(client, url)
    _hold(seat, years=range(2011, 2021))
    assert _count(client, url) == few


def _hold(seat, *, years: range) -> None:
    """Give the seat one holder a year, each from another unit."""
    for year in years:
        unit = Organisation.objects.create(name=f"Enhet {year}", parent=seat.organisation)
        person = Person.objects.create(name=f"Innehavare {year}", organisation=unit)
        SeatHolding.objects.create(
            seat=seat,
            person=person,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )


@pytest.mark.parametrize("who", ["root", "diana"])
def test_meeting_and_body_pages_do_not_grow_with_seats_items_and_attendance(objects, who):
    meeting = objects["records"]["meeting"]
    client = client_for(objects["users"][who])
    urls = [
        reverse("admin:councils_meeting_change", args=[meeting.pk]),
        reverse("admin:councils_body_change", args=[meeting.body.pk]),
    ]
    _grow(meeting, numbers=range(1))
    few = {url: _count(client, url) for url in urls}
    _grow(meeting, numbers=range(1, 13))
    assert {url: _count(client, url) for url in urls} == few
