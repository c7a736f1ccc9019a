"""A series with fewer meetings than the body's minimum is created only once she confirms."""

import pytest
from django.urls import reverse

from councils.models import Meeting
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SERIES = {
    "year": "2026",
    "dates": "2026-02-12\n2026-05-07\n2026-09-17",
    "starts": "13:00",
    "ends": "15:00",
    "place": "Kommunhuset, sal A",
}


def test_too_few_meetings_are_warned_of_and_not_created(council, diana):
    url = reverse("councils:meeting_series", args=[council.pk])
    response = client_for(diana).post(url, SERIES)
    assert response.status_code == 400
    text = response.content.decode()
    assert "får året 3 möten, färre än organets minsta antal (4)" in text
    assert "Bekräfta för att skapa färre möten" in text
    assert not Meeting.objects.filter(body=council).exists()


def test_confirmed_series_below_the_minimum_is_created(council, diana):
    url = reverse("councils:meeting_series", args=[council.pk])
    response = client_for(diana).post(url, {**SERIES, "confirm": "on"})
    assert response.status_code == 302
    assert Meeting.objects.filter(body=council).count() == 3


def test_enough_meetings_need_no_confirmation(council, diana):
    url = reverse("councils:meeting_series", args=[council.pk])
    dates = SERIES["dates"] + "\n2026-12-03"
    response = client_for(diana).post(url, {**SERIES, "dates": dates})
    assert response.status_code == 302
    assert Meeting.objects.filter(body=council).count() == 4


def test_meetings_already_in_the_year_count_towards_the_minimum(council, diana):
    url = reverse("councils:meeting_series", args=[council.pk])
    client_for(diana).post(url, {**SERIES, "dates": "2026-01-15", "confirm": "on"})
    response = client_for(diana).post(url, SERIES)
    assert response.status_code == 302
    assert Meeting.objects.filter(body=council).count() == 4
