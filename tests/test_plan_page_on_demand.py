"""A plan too large to show at once: each top focus area shows its counts and opens on demand,
through a link to the same page (in place with htmx), in the same number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility
from plans.selectors import MEASURES_AT_ONCE
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Per top area: (number, measures directly under it, measures in its one sub-area).
AREAS = [("1", 60, 20), ("2", 50, 0), ("3", 30, 10)]  # 170 measures: over MEASURES_AT_ONCE


@pytest.fixture
def large_plan(adopted_plan, library) -> Plan:
    return fill_large_plan(adopted_plan, library)


def fill_large_plan(plan: Plan, actor: Organisation) -> Plan:
    """Give the plan 170 measures in three top areas, two with a sub-area."""
    rows = []
    for order, (number, direct, below) in enumerate(AREAS):
        top = FocusArea.objects.create(
            plan=plan, number=number, order=order, title=f"Område {number}"
        )
        sub = FocusArea.objects.create(plan=plan, parent=top, number="1", title=f"Arena {number}.1")
        for n in range(direct + below):
            area = top if n < direct else sub
            status = "genomford" if n % 10 == 0 else "pagaende"
            code = f"{number}-{n}"
            rows.append(
                Measure(
                    plan=plan,
                    focus_area=area,
                    code=code,
                    title=f"Insats {code}",
                    order=n,
                    status=status,
                )
            )
    measures = Measure.objects.bulk_create(rows)
    Responsibility.objects.bulk_create(
        Responsibility(measure=m, organisation=actor, role="ansvarig") for m in measures
    )
    assert len(measures) > MEASURES_AT_ONCE
    return plan


def _get(plan: Plan, **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client_for(None).get(reverse("plans:plan_detail", args=[plan.pk]), params)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _listed(page: str) -> list[str]:
    return re.findall(r'<li class="measure" id="insats-([^"]+)"', page)


def _top(plan: Plan, number: str) -> FocusArea:
    return FocusArea.objects.get(plan=plan, parent=None, number=number)


def test_a_large_plan_shows_each_top_area_closed_with_its_count_and_a_link(large_plan):
    page, _ = _get(large_plan)
    assert _listed(page) == []
    assert "Här finns 170 insatser: öppna ett fokusområde i taget" in page
    assert "80 insatser." in page and "50 insatser." in page and "40 insatser." in page
    area = _top(large_plan, "2")
    opens = f'href="/planer/{large_plan.pk}/?fokusomrade={area.pk}#fokusomrade-2"'
    assert opens in page
    assert f'hx-get="/planer/{large_plan.pk}/?fokusomrade={area.pk}#fokusomrade-2"' in page
    # A link to a measure or a sub-area lands on the closed area that holds it.
    closed = page.split('id="fokusomrade-3"')[1].split("</section>")[0]
    assert 'id="insats-3-35"' in closed and 'id="fokusomrade-3-1"' in closed
    assert 'href="#fokusomrade-3-1"' in page  # the table of contents still lists sub-areas


def test_opening_an_area_lists_its_measures_and_its_sub_areas_only(large_plan):
    area = _top(large_plan, "1")
    page, _ = _get(large_plan, fokusomrade=area.pk)
    listed = _listed(page)
    assert sorted(listed) == sorted(f"1-{n}" for n in range(80))
    assert 'id="fokusomrade-1-1-rubrik"' in page  # its sub-area, open
    assert f'href="/planer/{large_plan.pk}/#fokusomrade-1"' in page  # "Dölj insatserna"
    assert "Dölj insatserna" in page and page.count("Visa insatserna") == 2


def test_a_filter_is_kept_when_an_area_opens_and_counts_what_passes(large_plan):
    page, _ = _get(large_plan, q="Insats", status="pagaende")
    assert "153 insatser passar filtret." in page  # 170 less the 17 done: still too many
    assert "72 av 80 insatser passar filtret." in page
    area = _top(large_plan, "1")
    assert f"?q=Insats&amp;status=pagaende&amp;fokusomrade={area.pk}#fokusomrade-1" in page
    page, _ = _get(large_plan, q="Insats", status="pagaende", fokusomrade=area.pk)
    assert len(_listed(page)) == 72 and "1-0" not in _listed(page)


def test_a_filter_that_leaves_few_measures_lists_them_all(large_plan):
    page, _ = _get(large_plan, status="genomford")
    assert len(_listed(page)) == 17
    assert "Visa insatserna" not in page and "öppna ett fokusområde" not in page


def test_an_area_that_is_not_a_top_area_of_the_plan_opens_nothing(large_plan, draft_plan):
    elsewhere = FocusArea.objects.create(plan=draft_plan, number="1", title="Annan plan")
    sub = FocusArea.objects.get(plan=large_plan, parent=_top(large_plan, "1"))
    for value in ("abc", "-1", "99999999999999999999", str(elsewhere.pk), str(sub.pk), "١"):
        page, _ = _get(large_plan, fokusomrade=value)
        assert _listed(page) == [] and page.count("Visa insatserna") == 3


def test_htmx_opens_an_area_in_place(large_plan):
    area = _top(large_plan, "3")
    response = client_for(None).get(
        reverse("plans:plan_detail", args=[large_plan.pk]),
        {"fokusomrade": area.pk},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.startswith('<div id="insatslista">') and "<html" not in page
    assert sorted(_listed(page)) == sorted(f"3-{n}" for n in range(40))


def test_a_small_plan_lists_every_measure_as_before(measure):
    measure.plan.status = Plan.Status.ADOPTED
    measure.plan.save()
    page, _ = _get(measure.plan)
    assert _listed(page) == ["1A"] and "Visa insatserna" not in page


def test_the_query_count_is_the_same_closed_opened_and_small(large_plan, measure):
    measure.plan.status = Plan.Status.ADOPTED
    measure.plan.save()
    _, small = _get(measure.plan)
    _, closed = _get(large_plan)
    _, opened = _get(large_plan, fokusomrade=_top(large_plan, "1").pk)
    _, filtered = _get(large_plan, status="pagaende", fokusomrade=_top(large_plan, "2").pk)
    assert small == closed == opened == filtered == 14
