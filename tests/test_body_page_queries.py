"""The body page reads a fixed number of queries, whatever the number of seats and meetings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Meeting, Seat, SeatHolding
from councils.selectors import STOCKHOLM
from plans.models import Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _queries(user, body) -> tuple[int, str]:
    client = client_for(user)
    url = reverse("councils:body_detail", args=[body.pk])
    params = {"datum": "2025-06-01", "ar": "2025"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_body_page_query_count_does_not_grow_with_seats_and_meetings(meeting, diana):
    body = meeting.body
    small, _ = _queries(diana, body)
    for number in range(12):
        seat = Seat.objects.create(
            body=body, function=f"Ledamot {number}", organisation=body.organisation
        )
        person = Person.objects.create(name=f"Person {number}", organisation=body.organisation)
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2025, 1, 1))
        starts = datetime.datetime(2025, 4, 1 + number, 13, tzinfo=STOCKHOLM)
        Meeting.objects.create(body=body, starts_at=starts, place=f"Sal {number}")
    large, text = _queries(diana, body)
    assert "Person 11" in text and "Sal 11" in text
    assert small == large
    print(f"body page: {large} queries")
