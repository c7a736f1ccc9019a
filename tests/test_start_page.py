"""The start page lists readable plans grouped by owner, a page at a time, with search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.national import NationalSize, generate_national
from plans.models import Plan
from plans.views import PLANS_PER_PAGE
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SMALL_COUNTRY = NationalSize(municipalities=15, regions=2, measures_per_plan=5)


def _start_page(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("plans:home"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_start_page_query_count_does_not_grow_with_the_country(alice, bob, adopted_plan, measure):
    before = {who: _start_page(client_for(who))[0] for who in (None, alice, bob)}
    generate_national(size=SMALL_COUNTRY)
    after = {who: _start_page(client_for(who))[0] for who in (None, alice, bob)}
    assert Plan.objects.count() > PLANS_PER_PAGE
    assert after == before


def test_start_page_shows_one_page_of_plans_and_links_to_the_next(adopted_plan):
    generate_national(size=SMALL_COUNTRY)
    _, first = _start_page(client_for(None))
    published = Plan.objects.filter(status__in=Plan.PUBLISHED_STATUSES).count()
    assert first.count('class="plan-facts"') == PLANS_PER_PAGE
    assert f"{published} planer" in first and 'rel="next"' in first
    _, second = _start_page(client_for(None), sida=2)
    assert 'rel="prev"' in second


def test_start_page_groups_plans_under_their_owner(alice, adopted_plan, draft_plan):
    _, text = _start_page(client_for(alice))
    assert text.count("<h2") == 1 and "Norbergs kommun</h2>" in text
    assert adopted_plan.title in text and draft_plan.title in text


def test_start_page_search_finds_plans_by_title_or_owner(adopted_plan):
    generate_national(size=SMALL_COUNTRY)
    _, by_owner = _start_page(client_for(None), q="gen kommun 003")
    assert "Gen kommun 003</h2>" in by_owner and "Gen kommun 004" not in by_owner
    _, by_title = _start_page(client_for(None), q="folkhälsoarbetet")
    assert adopted_plan.title in by_title and "Gen kommun" not in by_title
    _, nothing = _start_page(client_for(None), q="finns inte")
    assert "Inga planer matchar ”finns inte”." in nothing


def test_start_page_hides_drafts_from_anonymous_visitors_in_search(draft_plan):
    _, text = _start_page(client_for(None), q="utkast")
    assert draft_plan.title not in text
