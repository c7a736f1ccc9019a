"""Who reads which årshjul: her own for a logged-in user; an organisation's for everyone, each
seeing what she may (anonymous visitors only what is published); a plan's and a body's as the
plan and the body, 404 otherwise; a wrong year answered with this year, never an error."""

import pytest
from django.urls import reverse

from councils.models import Seat, SeatHolding
from plans.models import Person
from tests.conftest import client_for
from tests.minutes_helpers import freeze
from tests.year_wheel_data import YEAR, dated_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2025(monkeypatch):
    freeze(monkeypatch, "2025-12-01 10:00")


@pytest.fixture
def year(norberg, alice):
    return dated_year(norberg, editor=alice)


def _page(user, name: str, *args, **params):
    return client_for(user).get(reverse(f"year_wheel:{name}", args=args), params)


def _unpublished(year) -> list[str]:
    """Return what only Norberg's members may read of its year."""
    return [
        year.draft.title,  # a draft plan
        year.council.name,  # a body whose meetings are not public
        "Helår 2024",  # the follow-up rounds
        "Tertial 1 2025",
        reverse("reports:round_detail", args=[year.closed_round.pk]),
    ]


def test_own_year_needs_a_login(year):
    response = _page(None, "mine")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_outsiders_read_the_public_year_of_an_organisation_and_nothing_more(
    year, norberg, who, request
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    page = _page(user, "organisation", norberg.pk, ar=YEAR).content.decode()
    assert year.strategy.title in page and year.forum.name in page
    assert reverse("reports:published_pdf", args=[year.published.pk]) in page
    for secret in _unpublished(year):
        assert secret not in page


def test_members_read_their_organisations_whole_year(year, norberg, alice):
    page = _page(alice, "organisation", norberg.pk, ar=YEAR).content.decode()
    for secret in _unpublished(year):
        assert secret in page


def test_a_draft_plans_year_is_its_readers_only(year, alice, charlie):
    assert _page(alice, "plan", year.draft.pk).status_code == 200
    assert _page(charlie, "plan", year.draft.pk).status_code == 404
    assert _page(None, "plan", year.draft.pk).status_code == 404
    public = _page(None, "plan", year.strategy.pk, ar=YEAR).content.decode()
    assert year.strategy.title in public and "Tertial 1 2025" not in public


def test_a_private_bodys_year_is_its_readers_only(year, alice, bob, charlie):
    assert _page(alice, "body", year.council.pk).status_code == 200
    for outsider in (None, bob, charlie):
        assert _page(outsider, "body", year.council.pk).status_code == 404
    public = _page(None, "body", year.forum.pk, ar=YEAR).content.decode()
    assert year.forum.name in public and year.council.name not in public


def test_a_member_holding_a_seat_reads_her_bodys_year(year, bob):
    person = Person.objects.create(
        name="Bob Berg", organisation=year.council.organisation, user=bob
    )
    seat = Seat.objects.create(
        body=year.council, function="Ledamot", organisation=person.organisation
    )
    SeatHolding.objects.create(seat=seat, person=person, starts_on="2025-01-01")
    page = _page(bob, "body", year.council.pk, ar=YEAR).content.decode()
    assert reverse("councils:meeting_detail", args=[year.march_meeting.pk]) in page
    assert year.council.name in page


def test_missing_records_answer_404(year):
    for name in ("organisation", "plan", "body"):
        assert _page(None, name, 999_999).status_code == 404


@pytest.mark.parametrize("typed", ["", "tolv", "-1", "1999", "2101", "١٢", "9" * 30, "a\x00b"])
def test_a_year_that_cannot_be_read_shows_this_year(year, norberg, alice, typed):
    response = _page(alice, "organisation", norberg.pk, ar=typed)
    if "\x00" in typed:
        assert response.status_code == 400  # RefuseNulCharactersMiddleware
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert "Årshjul 2025" in page
    assert ("Året gick inte att läsa" in page) == (typed != "")
