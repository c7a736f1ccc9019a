"""The plans' API lists ask the same number of queries whatever their page size and the data:
counted with one plan of a few records, then with more of everything (and a full page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from folkhalsa.api import token_create
from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Person,
    Plan,
    Responsibility,
    Result,
    Tag,
    TargetArea,
)
from tests.test_api_plans import api

pytestmark = pytest.mark.django_db

LISTS = [
    "measure",
    "plan",
    "focusarea",
    "result",
    "organisation",
    "person",
    "responsibility",
    "budget",
    "tag",
    "targetarea",
    "globalgoal",
]


def _grow(plan: Plan, organisations: list, number: int) -> None:
    """Add `number` focus areas, each with a result, two measures with actors, tags and
    target areas, contacts, and a budget line with amounts."""
    areas = list(TargetArea.objects.all()[:2])
    budget = Budget.objects.create(plan=plan, year=plan.start_year + len(plan.budgets.all()))
    funder = BudgetFunder.objects.create(budget=budget, organisation=organisations[0])
    start = plan.focus_areas.count()
    for index in range(start, start + number):
        area = FocusArea.objects.create(plan=plan, number=f"9{index}", title=f"Område {index}")
        result = Result.objects.create(focus_area=area, number=1, title="Resultat")
        person = Person.objects.create(name=f"Person {index}", organisation=organisations[0])
        tag = Tag.objects.create(name=f"Etikett {plan.pk}-{index}")
        for letter in "AB":
            measure = Measure.objects.create(
                plan=plan, focus_area=area, result=result, code=f"9{index}{letter}", title="I"
            )
            measure.tags.add(tag)
            measure.target_areas.set(areas)
            measure.contacts.add(person)
            for organisation in organisations:
                Responsibility.objects.create(
                    measure=measure, organisation=organisation, role="samverkanspart"
                )
        line = BudgetLine.objects.create(budget=budget, name=f"Post {index}", kind="personal")
        BudgetAmount.objects.create(line=line, funder=funder, amount=100)


def _counts(client) -> dict[str, int]:
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(f"api:{name}-list") + "?page_size=500")
        assert response.status_code == 200, (name, response.content)
        counts[name] = len(queries)
    return counts


def test_each_list_asks_the_same_queries_at_two_sizes(alice, norberg, library, draft_plan):
    client = api(token=token_create(user=alice, name="Test")[1])
    client.get(reverse("api:api-root"))  # the key's last use is written once a minute at most
    _grow(draft_plan, [norberg], 1)
    small = _counts(client)
    other = Plan.objects.create(
        owner=norberg, kind="program", title="Program", start_year=2025, end_year=2026
    )
    _grow(draft_plan, [norberg, library], 6)
    _grow(other, [library, norberg], 8)
    large = _counts(client)
    assert large == small
    assert client.get(reverse("api:measure-list")).json()["count"] == 2 + 12 + 16
