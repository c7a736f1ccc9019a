"""Norberg's strategist opens her strategy's årshjul from the plan page, chooses the year,
reaches a date on the wheel with the Tab key and follows it; Norsjö's secretary opens her
council's from the body page; the busiest organisation's year prints on one A4 page."""

import io
import re

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from folkhalsa.year_wheel import year_events
from plans.models import Organisation
from tests.browser.conftest import SCREENSHOTS, check_page, focus_ring
from tests.browser.keyboard import MIN_CONTRAST, press_and_land

pytestmark = pytest.mark.browser

COUNCIL = "Folkhälso- och trygghetsrådet"
YEAR = 2025  # the demo's council meets 2025–2027; its 2025 is the fullest
IN_WHEEL = "() => !!document.activeElement.closest('svg.wheel')"
FOCUSED_LABEL = "() => document.activeElement.getAttribute('aria-label') || ''"


def _tab_into_the_wheel(page) -> str:
    """Press Tab until a mark of the wheel has the focus, each stop showing its ring; return
    the mark's name."""
    for _ in range(60):
        page.keyboard.press("Tab")
        assert focus_ring(page) >= MIN_CONTRAST, page.evaluate(FOCUSED_LABEL)
        if page.evaluate(IN_WHEEL):
            return page.evaluate(FOCUSED_LABEL)
    raise AssertionError("no mark of the wheel reached with Tab")


def test_strategist_tabs_to_a_date_on_the_wheel_and_follows_it(page, log_in):
    log_in(page, "norberg-strateg")
    page.goto("/planer/")
    check_page(page, "year-wheel-plans")
    page.get_by_role("link", name=re.compile("^Norbergs kommuns strategi")).first.click()
    check_page(page, "year-wheel-plan-page")
    page.get_by_role("main").get_by_role("link", name="Årshjul", exact=True).click()
    check_page(page, "year-wheel-plan-this-year")
    # The page opens on this year (the clock's); she types the year of the last follow-up.
    page.get_by_label("År", exact=True).fill(str(YEAR))
    with page.expect_navigation():
        page.get_by_label("År", exact=True).press("Enter")
    check_page(page, "year-wheel-plan")
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Årshjul {YEAR} – ")
    # The list is the wheel's text alternative: the same dates, twelve months.
    wheel = page.get_by_role("group", name="Hjulet")
    assert wheel.locator("a").count() == page.locator(".year-wheel-month li").count() > 0
    assert page.locator(".year-wheel-month h3").count() == 12

    name = _tab_into_the_wheel(page)  # from the year's field, just before the wheel
    assert name.startswith("31 januari: Sista dag att rapportera: Helår 2024")
    press_and_land(page)
    check_page(page, "year-wheel-followed-mark")
    assert re.search(r"/uppfoljning/\d+/$", page.url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith("uppföljning helår 2024")


def test_secretary_opens_her_councils_year_from_its_page(page, log_in):
    log_in(page, "norsjo-sekreterare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Råd och möten"
    ).click()
    check_page(page, "year-wheel-bodies")
    page.get_by_role("link", name=COUNCIL, exact=True).first.click()
    check_page(page, "year-wheel-body")
    page.get_by_role("link", name="Årshjul: möten och sista dag för kallelse").click()
    check_page(page, "year-wheel-council")
    assert page.get_by_role("heading", level=1).inner_text().endswith(f" – {COUNCIL}")
    wheel = page.get_by_role("group", name="Hjulet")
    assert wheel.locator("a").count() == page.locator(".year-wheel-month li").count()


def _busiest_organisation() -> tuple[Organisation, int]:
    """Return the top-level organisation with the most dates in the year, and how many."""
    root = User.objects.get(username="admin")
    counted = [
        (len(year_events(root, year=YEAR, organisation=o)), o)
        for o in Organisation.objects.filter(parent__isnull=True)
    ]
    count, organisation = max(counted, key=lambda pair: pair[0])
    return organisation, count


def test_the_busiest_organisations_year_prints_on_one_a4_page(page, log_in):
    organisation, count = _busiest_organisation()
    assert count >= 20  # the print is tried on a full year, not an empty one
    log_in(page, "admin")
    page.goto(f"/organisationer/{organisation.pk}/arshjul/?ar={YEAR}")
    check_page(page, "year-wheel-busiest")
    assert page.locator(".year-wheel-month li").count() == count
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "year-wheel-print.pdf").write_bytes(pdf)  # to look at, as the screenshots
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
