"""Checked minutes are registered (diarieförda) with their diarienummer and date."""

import datetime

import pytest
from django.urls import reverse

from councils.models import Meeting
from tests.conftest import client_for
from tests.html_forms import changed_tables, snapshot
from tests.minutes_helpers import check_on_paper, freeze

pytestmark = pytest.mark.django_db


def _url(meeting: Meeting) -> str:
    return reverse("councils:minutes_register", args=[meeting.pk])


def test_secretary_registers_checked_minutes(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    check_on_paper(meeting, diana, on="2025-03-14")
    data = {"case_number": "KS 2025/112", "registered_on": "2025-03-18"}
    assert client_for(diana).post(_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REGISTERED
    assert (meeting.case_number, meeting.registered_on) == (
        "KS 2025/112",
        datetime.date(2025, 3, 18),
    )
    page = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert "KS 2025/112" in page and meeting.is_locked


@pytest.mark.parametrize(
    "data",
    [
        {"case_number": "KS 2025/112", "registered_on": "2025-03-13"},  # before the checking
        {"case_number": "KS 2025/112", "registered_on": "2025-03-21"},  # in the future
        {"case_number": "   ", "registered_on": "2025-03-18"},
    ],
)
def test_a_registration_out_of_bounds_is_refused(meeting, diana, monkeypatch, data):
    freeze(monkeypatch, "2025-03-20 10:00")
    check_on_paper(meeting, diana, on="2025-03-14")
    client = client_for(diana)
    before = snapshot()
    assert client.post(_url(meeting), data).status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_unchecked_minutes_cannot_be_registered(meeting, diana):
    client = client_for(diana)
    before = snapshot()
    data = {"case_number": "KS 2025/112", "registered_on": "2025-03-18"}
    response = client.post(_url(meeting), data)
    assert response.status_code == 400
    assert "justerat protokoll" in response.content.decode()
    assert changed_tables(before, snapshot()) == []
