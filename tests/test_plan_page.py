"""The plan page shows the plan as the document has it, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Plan, Responsibility
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _queries(client, plan: Plan, **filters) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("plans:plan_detail", args=[plan.pk]), filters)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_plan_page_query_count_does_not_grow_with_the_plan(measure, demo):
    measure.plan.status = Plan.Status.ADOPTED
    measure.plan.save()
    small, _ = _queries(client_for(None), measure.plan)
    norrbotten = Plan.objects.get(title__startswith="Region Norrbottens")
    large, text = _queries(client_for(None), norrbotten)
    # The page, the plan, its parts, each prefetch (actors, tags, target areas, goals,
    # contacts) and the latest assessments (plans.follow_up): the same for 1 measure as for 100.
    assert small == large == 14
    assert "Region Norrbotten › Avdelningen för regional utveckling › Kulturenheten › " in text
    assert "Samverkan är en förutsättning" in text.replace("samverkan är en", "Samverkan är en")


def test_plan_page_query_count_with_filters_does_not_grow_with_the_plan(demo, measure):
    measure.plan.status = Plan.Status.ADOPTED
    measure.plan.save()
    norrbotten = Plan.objects.get(title__startswith="Region Norrbottens")
    counts = []
    for plan in (measure.plan, norrbotten):
        actor = Responsibility.objects.filter(measure__plan=plan).first().organisation_id
        filters = {"status": "pagaende", "q": "a", "actor": actor}
        count, text = _queries(client_for(None), plan, **filters)
        assert "passar filtret" in text and "Filtret kunde inte användas" not in text
        counts.append(count)
    assert counts == [14, 14]


def test_plan_page_shows_the_budget_with_totals(demo):
    plan = Plan.objects.get(title__startswith="Verksamhetsplan för folkhälsa")
    plan.status = Plan.Status.ADOPTED
    plan.save()
    _, text = _queries(client_for(None), plan)
    assert "Budget 2024" in text and "1\xa0050\xa0000" in text and "2\xa0100\xa0000" in text
