"""Without JavaScript the plan's filters are a plain GET form that narrows the list of measures."""

import re

from playwright.sync_api import Page, expect

from plans.models import Measure, Plan
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def _shown_anchors(page: Page) -> list[str]:
    return page.locator("#insatslista li.measure").evaluate_all("items => items.map(i => i.id)")


def test_status_filter_is_a_get_form_that_narrows_the_list_without_javascript(new_tab):
    tab = new_tab(java_script_enabled=False)
    plan = Plan.objects.get(title=PLAN)
    measures = Measure.objects.filter(plan=plan)
    new = [f"insats-{m.code}" for m in measures.filter(status=Measure.Status.NEW)]
    assert len(new) == 1 < measures.count()  # the document calls one measure "Nytt förslag"
    tab.goto(f"/planer/{plan.pk}/")
    check_page(tab, "nojs-plan")
    assert len(_shown_anchors(tab)) == measures.count()

    plan_state = tab.get_by_role("combobox", name=re.compile("^Läge i planen"))
    plan_state.select_option(label="Nytt förslag")
    with tab.expect_navigation():  # a whole page load: the form is submitted as a GET
        tab.get_by_role("button", name="Filtrera").click()
    check_page(tab, "nojs-plan-new")
    assert re.search(r"\?(.*&)?status=nytt_forslag", tab.url)
    expect(tab.locator(".filter-result")).to_have_text("1 insats passar filtret.")
    assert _shown_anchors(tab) == new
    plan_state = tab.get_by_role("combobox", name=re.compile("^Läge i planen"))
    expect(plan_state).to_have_value("nytt_forslag")

    with tab.expect_navigation():
        tab.get_by_role("link", name="Visa alla insatser").click()
    check_page(tab, "nojs-plan-all-again")
    assert len(_shown_anchors(tab)) == measures.count()
