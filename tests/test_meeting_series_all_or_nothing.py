"""A series with one wrong date creates no meeting at all, and says in Swedish what is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import AgendaItem, Meeting, StandingItem
from councils.services import meeting_series_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _create(council, user, days: list[datetime.date], **times) -> list[Meeting]:
    return meeting_series_create(
        body=council,
        year=2026,
        dates=days,
        starts=times.get("starts", datetime.time(13)),
        ends=times.get("ends"),
        place="Kommunhuset",
        user=user,
    )


def _refusal(council, user, days, **times) -> str:
    StandingItem.objects.get_or_create(body=council, title="Föregående protokoll")
    with pytest.raises(ValidationError) as refused:
        _create(council, user, days, **times)
    assert not Meeting.objects.filter(body=council, starts_at__year=2026).exists()
    assert not AgendaItem.objects.filter(meeting__body=council).exists()
    return " ".join(refused.value.messages)


def test_a_date_outside_the_year_refuses_the_whole_series(council, diana):
    days = [datetime.date(2026, 3, 1), datetime.date(2027, 1, 14)]
    assert "14 januari 2027 ligger inte i år 2026." in _refusal(council, diana, days)


def test_a_date_twice_refuses_the_whole_series(council, diana):
    days = [datetime.date(2026, 3, 1), datetime.date(2026, 5, 1), datetime.date(2026, 3, 1)]
    assert "1 mars 2026 står mer än en gång." in _refusal(council, diana, days)


def test_a_day_that_already_has_a_meeting_refuses_the_whole_series(council, diana):
    _create(council, diana, [datetime.date(2026, 5, 1)])
    days = [datetime.date(2026, 3, 1), datetime.date(2026, 5, 1)]
    with pytest.raises(ValidationError) as refused:
        _create(council, diana, days)
    assert "Organet har redan ett möte 1 maj 2026." in refused.value.messages
    assert Meeting.objects.filter(body=council).count() == 1


def test_an_end_before_the_start_refuses_the_series(council, diana):
    days = [datetime.date(2026, 3, 1)]
    message = _refusal(council, diana, days, starts=datetime.time(15), ends=datetime.time(13))
    assert "Mötena måste sluta efter att de börjar." in message


def test_the_page_shows_the_refusal_and_creates_nothing(council, diana):
    url = reverse("councils:meeting_series", args=[council.pk])
    data = {"year": "2026", "dates": "2026-03-01\n2026-02-30", "starts": "13:00"}
    response = client_for(diana).post(url, data)
    assert response.status_code == 400
    assert "”2026-02-30” är inget datum" in response.content.decode()
    data["dates"] = "2026-03-01\n2025-12-01"
    response = client_for(diana).post(url, {**data, "confirm": "on"})
    assert "1 december 2025 ligger inte i år 2026." in response.content.decode()
    assert not Meeting.objects.filter(body=council).exists()
