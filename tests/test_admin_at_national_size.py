"""The admin's lists and pages take the same number of queries for a town and a country."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.national import NationalSize, generate_national
from plans.models import Budget, FocusArea, Measure, Organisation, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SMALL_COUNTRY = NationalSize(municipalities=6, regions=2, measures_per_plan=8)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 403), url
    return len(captured)


def _pages(plan: Plan, measure: Measure, budget: Budget) -> list[str]:
    lists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    return [
        *lists,
        reverse("admin:plans_plan_change", args=[plan.pk]),
        reverse("admin:plans_measure_change", args=[measure.pk]),
        reverse("admin:plans_budget_change", args=[budget.pk]),
    ]


def _counts(client, urls: list[str]) -> dict[str, int]:
    for url in urls:  # caches that fill once per process (content types) are not the data
        client.get(url)
    return {url: _count(client, url) for url in urls}


def test_admin_query_counts_do_not_grow_with_the_country(superuser, alice, measure, budget):
    urls = _pages(measure.plan, measure, budget)
    for user in (superuser, alice):
        before = _counts(client_for(user), urls)
        generate_national(size=SMALL_COUNTRY, prefix=f"Gen {user.username}")
        assert _counts(client_for(user), urls) == before, user.username
    assert Measure.objects.count() > 100 and Organisation.objects.count() > 50


def test_plan_change_page_query_count_does_not_grow_with_its_focus_areas(superuser, draft_plan):
    client = client_for(superuser)
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    parent = FocusArea.objects.create(plan=draft_plan, number="1", title="Ett")
    client.get(url)
    few = _count(client, url)
    for number in range(2, 12):
        area = FocusArea.objects.create(plan=draft_plan, number=str(number), title="Område")
        FocusArea.objects.create(plan=draft_plan, parent=area, number="1", title="Arena")
    FocusArea.objects.create(plan=draft_plan, parent=parent, number="1", title="Under ett")
    assert _count(client, url) == few


def test_measure_list_has_no_filter_listing_every_plan(superuser, measure):
    generate_national(size=SMALL_COUNTRY)
    text = client_for(superuser).get(reverse("admin:plans_measure_changelist")).content.decode()
    assert "Handlingsplan 1 för Gen kommun 000" in text  # the plan column
    assert "plan__id__exact" not in text
    found = client_for(superuser).get(
        reverse("admin:plans_measure_changelist"), {"q": "Gen kommun 005"}
    )
    assert found.context["cl"].result_count == 3 * SMALL_COUNTRY.measures_per_plan
