"""The strategist finds 5B through the plan's table of contents, edits it and lands back on it."""

import re

from playwright.sync_api import Page, expect

from plans.models import Measure
from tests.browser.conftest import check_page, in_viewport

PLAN = "Region Norrbottens handlingsplan 2018–2022"
NEW_TITLE = (
    "Erbjuda utbildning i hälsofrämjande stadsplanering för samhällsplanerare i alla kommuner."
)


def _top(page: Page, selector: str) -> float:
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().top")


def _bottom(page: Page, selector: str) -> float:
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().bottom")


def test_strategist_finds_5b_through_the_contents_edits_it_and_lands_back_on_it(page, log_in):
    log_in(page, "norrbotten-strateg")
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "strateg-plan")

    contents = page.get_by_role("navigation", name="Innehåll")
    contents.get_by_role("link", name="2.1. Boende och närmiljö").click()
    assert page.url.endswith("#fokusomrade-2-1")
    assert in_viewport(page, "#fokusomrade-2-1")
    area = page.locator("#fokusomrade-2-1")
    area.get_by_role("link", name="Ändra insats 5B", exact=False).click()
    check_page(page, "strateg-measure-form-5B")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ändra insats 5B: Erbjuda")

    page.get_by_role("textbox", name=re.compile(r"^Insats\b")).fill(NEW_TITLE)
    page.get_by_role("button", name="Spara").click()
    check_page(page, "strateg-saved-5B")

    assert page.url.endswith("#insats-5B")
    assert in_viewport(page, "#insats-5B")  # she is back at the measure, not at the page top
    expect(page.get_by_role("status").first).to_have_text("Insats 5B sparad.")
    assert in_viewport(page, "main > [role=status]"), "the message is in view where she lands"
    assert _bottom(page, "main > [role=status]") <= _top(page, "#insats-5B"), "and hides nothing"
    expect(page.locator("#insats-5B .measure-title")).to_have_text(f"5B {NEW_TITLE}")
    measure = Measure.objects.get(plan__title=PLAN, code="5B")
    assert (measure.title, measure.version) == (NEW_TITLE, 2)
