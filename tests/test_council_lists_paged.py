"""The lists of councils that grow with the country come a page at a time, found by name: the
body list (top-level bodies with their groups), the notice board and the public minutes; each
page asks the same number of queries for 3 and 30 bodies, and page 2 keeps the search."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Body, Meeting
from councils.views.bodies import BODIES_PER_PAGE
from plans.models import Organisation
from tests.conftest import client_for
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


def _page(user, name: str, **params) -> tuple[int, str]:
    client = client_for(user)
    client.get(reverse(name), params)  # the session and roles warmed
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _councils(count: int, organisation: Organisation) -> None:
    """Create numbered councils with a working group below each, up to `count` councils."""
    for n in range(Body.objects.filter(parent=None).count(), count):
        council = Body.objects.create(organisation=organisation, name=f"Råd {n:02}", kind="rad")
        Body.objects.create(
            organisation=organisation, parent=council, name=f"Grupp {n:02}", kind="arbetsgrupp"
        )


@pytest.mark.parametrize("who", ["alice", "superuser"])
def test_the_body_list_asks_the_same_queries_for_3_and_30_bodies(who, norberg, request):
    user = request.getfixturevalue(who)
    _councils(3, norberg)
    few, _ = _page(user, "councils:body_list")
    _councils(30, norberg)
    many, text = _page(user, "councils:body_list")
    assert many == few
    assert text.count("Grupp ") == BODIES_PER_PAGE  # each council with its group
    assert "Sida 1 av 2" in text


def test_the_body_lists_page_two_keeps_the_search(alice, norberg):
    _councils(30, norberg)
    _, first = _page(alice, "councils:body_list", q="råd")
    assert 'href="?q=r%C3%A5d&amp;sida=2" rel="next"' in first
    _, second = _page(alice, "councils:body_list", q="råd", sida=2)
    assert "Råd 29" in second and "Grupp 29" in second and "Råd 00" not in second
    assert 'aria-label="Sidor med organ"' in second
    _, found = _page(alice, "councils:body_list", q="Råd 07")
    assert "Råd 07" in found and "Grupp 07" in found and "Råd 08" not in found


def test_a_group_whose_council_she_does_not_read_stands_at_the_top(alice, norberg, alingsas):
    theirs = Body.objects.create(organisation=alingsas, name="Alingsås råd", kind="rad")
    Body.objects.create(organisation=norberg, parent=theirs, name="Vår grupp", kind="arbetsgrupp")
    _, text = _page(alice, "councils:body_list")
    assert "Vår grupp" in text and "Alingsås råd" not in text


def _announced(count: int) -> None:
    """Create statutory boards of numbered municipalities, each with checked minutes posted on
    14 March 2025 (public bodies), up to `count`."""
    for n in range(Body.objects.filter(kind="namnd").count(), count):
        municipality = Organisation.objects.create(name=f"Kommun {n:02}", kind="kommun")
        board = Body.objects.create(
            organisation=municipality, name=f"Nämnd {n:02}", kind="namnd", is_public=True
        )
        Meeting.objects.create(
            body=board,
            starts_at=datetime.datetime(2025, 3, 12, 12, tzinfo=datetime.UTC),
            status=Meeting.Status.CHECKED,
            checked_on=datetime.date(2025, 3, 14),
            posted_on=datetime.date(2025, 3, 14),
        )


@pytest.mark.parametrize(
    ("name", "per_page"),
    [
        ("councils:notice_board", "NOTICES_PER_PAGE"),
        ("councils:public_minutes_list", "PUBLIC_MINUTES_PER_PAGE"),
    ],
)
def test_the_public_lists_ask_the_same_queries_for_3_and_30_bodies(name, per_page, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    monkeypatch.setattr(f"councils.views.public.{per_page}", 10)
    _announced(3)
    few, _ = _page(None, name)
    _announced(30)
    many, text = _page(None, name)
    assert many == few
    assert "Sida 1 av 3" in text


def test_the_notice_board_shows_page_two_with_its_search(monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    monkeypatch.setattr("councils.views.public.NOTICES_PER_PAGE", 10)
    _announced(30)
    _, first = _page(None, "councils:notice_board", q="kommun")
    assert first.count("<h2") == 10 and "Sida 1 av 3" in first
    _, second = _page(None, "councils:notice_board", q="kommun", sida=2)
    assert "Kommun 10" in second and "Kommun 09" not in second
    assert 'href="?q=kommun&amp;sida=3" rel="next"' in second
    _, one = _page(None, "councils:notice_board", q="nämnd 17")
    assert "Kommun 17" in one and "Kommun 18" not in one
    _, none = _page(None, "councils:notice_board", q="finns inte")
    assert "Inga anslag matchar ”finns inte”." in none


def test_the_public_minutes_show_page_two_with_its_search(monkeypatch):
    monkeypatch.setattr("councils.views.public.PUBLIC_MINUTES_PER_PAGE", 10)
    _announced(30)
    _, second = _page(None, "councils:public_minutes_list", q="kommun", sida=2)
    assert second.count('class="plan-facts"') == 10 and "Sida 2 av 3" in second
    assert 'href="?q=kommun&amp;sida=1" rel="prev"' in second
    assert 'aria-label="Sidor med protokoll"' in second
