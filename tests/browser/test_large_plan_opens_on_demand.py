"""A plan too large to show at once: a reader opens one top focus area at a time, in place with
JavaScript (the keyboard on its heading) and as a plain link without; a link to a measure inside
a closed area opens the area and lands on the measure."""

import re

from playwright.sync_api import Page, expect

from plans.models import Organisation, Plan
from tests.browser.conftest import check_page
from tests.test_plan_page_on_demand import fill_large_plan


def _large_plan() -> Plan:
    owner = Organisation.objects.get(name="Region Norrbotten")
    plan = Plan.objects.create(
        owner=owner,
        kind=Plan.Kind.ACTION_PLAN,
        title="Stor handlingsplan",
        start_year=2025,
        end_year=2028,
        status=Plan.Status.ADOPTED,
    )
    return fill_large_plan(plan, owner)


def _listed(page: Page) -> int:
    return page.locator("#insatslista li.measure").count()


def test_a_reader_opens_one_focus_area_at_a_time_in_place(page):
    plan = _large_plan()
    page.goto(f"/planer/{plan.pk}/")
    check_page(page, "large-plan-closed")
    assert _listed(page) == 0
    expect(page.locator(".on-demand")).to_contain_text("Här finns 170 insatser")

    page.get_by_role("link", name="Visa insatserna 2 Område 2").click()
    heading = page.get_by_role("heading", name="2. Område 2", level=3)
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?fokusomrade=\d+"))
    check_page(page, "large-plan-area-2-in-place")
    assert _listed(page) == 50

    page.get_by_role("link", name="Dölj insatserna 2 Område 2").click()
    expect(page.get_by_role("heading", name="2. Område 2", level=3)).to_be_focused()
    check_page(page, "large-plan-closed-again")
    assert _listed(page) == 0

    # A link to a measure inside a closed area (from a meeting, say) lands on the measure.
    page.goto(f"/planer/{plan.pk}/#insats-3-35")
    expect(page.locator("li.measure#insats-3-35")).to_be_visible()
    check_page(page, "large-plan-measure-by-anchor")
    assert "fokusomrade=" in page.url and _listed(page) == 40


def test_without_javascript_an_area_opens_through_a_link(new_tab):
    tab = new_tab(java_script_enabled=False)
    plan = _large_plan()
    tab.goto(f"/planer/{plan.pk}/")
    check_page(tab, "nojs-large-plan")
    with tab.expect_navigation():
        tab.get_by_role("link", name="Visa insatserna 1 Område 1").click()
    check_page(tab, "nojs-large-plan-area-1")
    assert _listed(tab) == 80
    expect(tab.get_by_role("heading", name="1.1. Arena 1.1")).to_be_visible()
