"""A public body's page (organ/<id>/moten/): anyone, without an account, reads its coming
meetings whatever their year, each with its agenda (titles, kinds, presenters) once the notice
is sent, the body's calendar feed and its latest checked minutes. A body that is not public is
missing for everyone, its own members included (they read the body's page). The query count does
not grow with meetings, items or minutes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import AgendaItem, AgendaKind, Body, Meeting
from tests.conftest import client_for
from tests.council_documents import new_meeting, stockholm
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


def _url(body: Body) -> str:
    return reverse("councils:public_body_meetings", args=[body.pk])


def _page(user, body: Body, **params) -> str:
    response = client_for(user).get(_url(body), params)
    assert response.status_code == 200
    return response.content.decode()


def _noticed(meeting: Meeting) -> Meeting:
    meeting.status = Meeting.Status.NOTICE_SENT
    meeting.notice_sent_at = meeting.starts_at - datetime.timedelta(days=10)
    meeting.save()
    return meeting


def _item(meeting: Meeting, title: str, **fields) -> AgendaItem:
    order = meeting.items.count() + 1
    return AgendaItem.objects.create(meeting=meeting, order=order, title=title, **fields)


@pytest.fixture
def public_council(council, monkeypatch) -> Body:
    freeze(monkeypatch, "2026-12-04 10:00")
    council.is_public = True
    council.save()
    return council


def test_anyone_reads_the_coming_meetings_with_the_agenda_once_the_notice_is_sent(
    public_council,
):
    new_meeting(public_council, stockholm(2026, 11, 20, 13, 0), place="Sal November")
    january = _noticed(new_meeting(public_council, stockholm(2027, 1, 3, 13, 0)))
    _item(
        january,
        "Lägesbild brott och trygghet",
        kind=AgendaKind.INFORMATION,
        presenter="Kommunpolisen",
        text="Underlag som inte är publikt här.",
        case_number="KS 2026/77",
    )
    _item(
        january,
        "Handlingsplan 2027",
        kind=AgendaKind.PROPOSAL,
        proposal_to="kommunstyrelsen",
        presenter="Folkhälsostrategen",
    )
    march = new_meeting(public_council, stockholm(2027, 3, 10, 13, 0), place="Sal Mars")
    _item(march, "Utkast som ingen ser än", kind=AgendaKind.DECISION)

    page = _page(None, public_council)

    assert "Sal November" not in page, "a past meeting is not coming"
    assert page.index("söndag 3 januari 2027 kl. 13.00") < page.index("onsdag 10 mars 2027")
    for shown in (
        "Lägesbild brott och trygghet",
        "Information",
        "Kommunpolisen",
        "Handlingsplan 2027",
        "Förslag till kommunstyrelsen",
        "Folkhälsostrategen",
        "Lokal",
        "Sal Mars",
    ):
        assert shown in page
    assert "Underlag som inte är publikt här." not in page and "KS 2026/77" not in page
    assert "Utkast som ingen ser än" not in page
    assert "Föredragningslistan publiceras när kallelsen skickas." in page
    assert f'href="{reverse("body_calendar", args=[public_council.pk])}"' in page


def test_the_latest_checked_minutes_are_linked_and_unchecked_ones_are_not(public_council):
    checked = new_meeting(
        public_council,
        stockholm(2026, 10, 1, 13, 0),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2026, 10, 8),
    )
    new_meeting(public_council, stockholm(2026, 11, 12, 13, 0), status=Meeting.Status.HELD)

    page = _page(None, public_council)

    assert reverse("councils:public_minutes", args=[checked.pk]) in page
    assert "Protokoll från mötet 1 oktober 2026" in page and "justerat 8 oktober 2026" in page
    assert "12 november 2026" not in page


def test_a_body_that_is_not_public_is_missing_for_everyone(council, alice, diana, charlie):
    new_meeting(council, stockholm(2027, 1, 3, 13, 0), place="Hemligt rum")
    for user in (None, alice, diana, charlie):
        assert client_for(user).get(_url(council)).status_code == 404
    missing = reverse("councils:public_body_meetings", args=[council.pk + 1000])
    assert client_for(None).get(missing).status_code == 404


def test_another_organisations_private_body_is_missing(alingsas, charlie, alice):
    private = Body.objects.create(organisation=alingsas, name="Styrgruppen", kind="arbetsgrupp")
    new_meeting(private, stockholm(2027, 1, 3, 13, 0))
    for user in (None, charlie, alice):
        assert client_for(user).get(_url(private)).status_code == 404


def test_the_page_is_linked_from_the_organisation_page_the_notice_board_and_the_body_page(
    public_council, diana, norberg
):
    Body.objects.filter(pk=public_council.pk).update(kind=Body.Kind.BOARD)
    new_meeting(
        public_council,
        stockholm(2026, 11, 26, 13, 0),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2026, 12, 1),
        posted_on=datetime.date(2026, 12, 2),
    )
    link = f'href="{_url(public_council)}"'
    anonymous = client_for(None)
    assert link in anonymous.get(reverse("organisation", args=[norberg.pk])).content.decode()
    assert link in anonymous.get(reverse("councils:notice_board")).content.decode()
    body_page = client_for(diana).get(reverse("councils:body_detail", args=[public_council.pk]))
    assert link in body_page.content.decode()


def test_ten_coming_meetings_are_listed_and_the_rest_on_asking(public_council):
    for month in range(1, 13):
        new_meeting(public_council, stockholm(2027, month, 12, 13, 0))
    first = _page(None, public_council)
    assert first.count('class="public-meeting"') == 10
    assert "Visa alla kommande möten" in first
    assert _page(None, public_council, kommande="alla").count('class="public-meeting"') == 12


def _queries(body: Body) -> int:
    client = client_for(None)
    client.get(_url(body))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_url(body))
    assert response.status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_meetings_items_and_minutes(public_council):
    meeting = _noticed(new_meeting(public_council, stockholm(2027, 1, 3, 13, 0)))
    _item(meeting, "Ärende 1")
    new_meeting(
        public_council,
        stockholm(2026, 6, 1, 13, 0),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2026, 6, 8),
    )
    small = _queries(public_council)
    for month in range(2, 10):
        coming = _noticed(new_meeting(public_council, stockholm(2027, month, 3, 13, 0)))
        for number in range(5):
            _item(coming, f"Ärende {month}.{number}", presenter="Strategen")
        new_meeting(
            public_council,
            stockholm(2026, month, 20, 13, 0),
            status=Meeting.Status.REGISTERED,
            checked_on=datetime.date(2026, month, 27),
        )
    large = _queries(public_council)
    assert small == large
    print(f"public body page: {large} queries")
