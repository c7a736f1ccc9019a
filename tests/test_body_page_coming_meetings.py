"""The body page lists the coming meetings first, whatever their year: on 4 and on 30 December a
meeting on 3 January is the first coming one. Then the members on the chosen day, the chosen
year's meetings, and the reglemente last; a fixed number of queries whatever the meetings."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Meeting
from councils.selectors import COMING_MEETINGS_SHOWN
from tests.conftest import client_for
from tests.council_documents import new_meeting, stockholm
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


def _page(user, body, **params) -> str:
    response = client_for(user).get(reverse("councils:body_detail", args=[body.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, anchor: str) -> str:
    """Return the HTML of the page's section with the id."""
    found = re.search(rf'<section id="{anchor}".*?</section>', page, re.S)
    assert found, f"no section #{anchor}"
    return found.group(0)


def _coming_links(page: str) -> list[str]:
    """Return the coming meetings' link texts, in the order listed."""
    links = re.findall(r'<a href="/moten/\d+/">([^<]*)</a>', _section(page, "kommande"))
    return [" ".join(link.split()) for link in links]


@pytest.fixture
def year_end_meetings(council) -> dict[str, Meeting]:
    """A meeting in November, one on 3 January and one in March."""
    return {
        "past": new_meeting(council, stockholm(2026, 11, 20, 13, 0), place="Sal November"),
        "january": new_meeting(council, stockholm(2027, 1, 3, 13, 0), place="Sal Januari"),
        "march": new_meeting(council, stockholm(2027, 3, 10, 13, 0), place="Sal Mars"),
    }


@pytest.mark.parametrize("today", ["2026-12-04 10:00", "2026-12-30 16:00"])
def test_a_meeting_in_january_is_the_first_coming_one_in_december(
    year_end_meetings, council, alice, monkeypatch, today
):
    freeze(monkeypatch, today)

    page = _page(alice, council)

    assert _coming_links(page) == [
        "söndag 3 januari 2027 kl. 13.00",
        "onsdag 10 mars 2027 kl. 13.00",
    ]
    coming = _section(page, "kommande")
    assert "Sal November" not in coming, "a past meeting is not coming"
    this_year = _section(page, "moten")
    assert "Möten 2026" in this_year and "Sal November" in this_year
    assert "Sal Januari" not in this_year, "the year view shows the chosen year only"


def test_the_page_reads_coming_meetings_members_year_and_reglemente_in_that_order(
    year_end_meetings, meeting, alice, monkeypatch
):
    freeze(monkeypatch, "2026-12-04 10:00")
    council = meeting.body
    council.mandate = "Rådet samordnar det brottsförebyggande arbetet."
    council.save()

    page = _page(alice, council)

    headings = [
        page.index(text)
        for text in (
            "Kommande möten",
            "Platser och ledamöter den 4 december 2026",
            "Möten 2026",
            "Reglemente",
            "Rådet samordnar det brottsförebyggande arbetet.",
        )
    ]
    assert headings == sorted(headings)
    assert "Eva Ordförande" in _section(page, "ledamoter")


def test_a_meeting_today_is_still_coming_and_yesterdays_is_not(council, alice, monkeypatch):
    freeze(monkeypatch, "2027-01-03 15:00")
    new_meeting(council, stockholm(2027, 1, 2, 13, 0), place="I går")
    new_meeting(council, stockholm(2027, 1, 3, 9, 0), place="I morse")

    coming = _section(_page(alice, council), "kommande")

    assert "I morse" in coming and "I går" not in coming


def test_ten_coming_meetings_are_listed_and_the_rest_on_asking(council, alice, monkeypatch):
    freeze(monkeypatch, "2026-12-04 10:00")
    for month in range(1, 13):
        new_meeting(council, stockholm(2027, month, 12, 13, 0))

    first = _page(alice, council)
    assert len(_coming_links(first)) == COMING_MEETINGS_SHOWN == 10
    assert "Visa alla kommande möten" in first

    everything = _page(alice, council, kommande="alla")
    assert len(_coming_links(everything)) == 12
    assert "Visa alla kommande möten" not in everything
    assert 'name="kommande" value="alla"' in everything, "choosing a day keeps the whole list"


def test_nothing_coming_is_said(council, alice, monkeypatch):
    freeze(monkeypatch, "2026-12-04 10:00")
    assert "Inga kommande möten är inlagda." in _section(_page(alice, council), "kommande")


def _queries(user, body) -> int:
    client = client_for(user)
    url = reverse("councils:body_detail", args=[body.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_coming_meetings(council, diana, monkeypatch):
    freeze(monkeypatch, "2026-12-04 10:00")
    new_meeting(council, stockholm(2027, 1, 3, 13, 0))
    small = _queries(diana, council)
    for day in range(1, 25):
        new_meeting(council, stockholm(2026, 12, day, 18, 0))
        new_meeting(council, stockholm(2027, 2, day, 13, 0))
    assert _queries(diana, council) == small
