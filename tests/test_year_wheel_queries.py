"""The årshjul of a region with its municipalities reads a fixed number of queries: the same
for 3 municipalities as for 15, each with its plans, rounds, publications, bodies and meetings."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import CalendarFeed
from plans.models import Account, Organisation, Role
from tests.conftest import client_for
from tests.minutes_helpers import freeze
from tests.year_wheel_data import YEAR, dated_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2025(monkeypatch):
    freeze(monkeypatch, "2025-12-01 10:00")


@pytest.fixture
def region(db) -> Organisation:
    return Organisation.objects.create(name="Region Testbotten", kind=Organisation.Kind.REGION)


@pytest.fixture
def strategist(region) -> User:
    """A strategist of the region: her role covers its municipalities."""
    user = User.objects.create_user("regina")
    Role.objects.create(user=user, organisation=region, kind=Role.Kind.STRATEGIST)
    Account.objects.create(user=user, organisation=region)
    CalendarFeed.objects.create(user=user)
    return user


def _grow(region: Organisation, editor: User, to: int) -> None:
    """Give the region municipalities, each with a year of dates, until it has `to`."""
    for number in range(region.children.count(), to):
        municipality = Organisation.objects.create(
            name=f"Kommun {number:02}", parent=region, kind=Organisation.Kind.KOMMUN
        )
        dated_year(municipality, editor=editor, full=False)


def _counts(region: Organisation, strategist: User) -> dict[str, int]:
    """Return the queries of each årshjul page and of the feed (after a warm-up request)."""
    token = CalendarFeed.objects.get(user=strategist).token
    pages = {
        "own": (strategist, reverse("year_wheel:mine")),
        "organisation": (strategist, reverse("year_wheel:organisation", args=[region.pk])),
        "public": (None, reverse("year_wheel:organisation", args=[region.pk])),
        "feed": (None, reverse("year_wheel:feed", args=[token])),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client = client_for(user)
        client.get(url, {"ar": YEAR})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"ar": YEAR})
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


def test_year_wheel_queries_do_not_grow_with_the_municipalities(region, strategist):
    _grow(region, strategist, to=3)
    small = _counts(region, strategist)
    _grow(region, strategist, to=15)
    large = _counts(region, strategist)
    assert large == small
    page = client_for(strategist).get(reverse("year_wheel:mine"), {"ar": YEAR})
    text = page.content.decode()
    # Fifteen municipalities' fifteen dates each, on the wheel and in the list.
    assert text.count('class="mark mark-') == 15 * 15
    assert "Folkhälsorådet Kommun 14" in text and "Utkast Kommun 14" in text
    print(f"årshjul: {large} queries")
