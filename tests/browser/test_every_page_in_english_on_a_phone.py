"""Every site page passes axe and fits a phone; in English, the plans' own text stays Swedish."""

import re

from playwright.sync_api import Page

from plans.models import Measure, Plan
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def _choose_english(page: Page) -> None:
    page.get_by_label("Språk").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Byt").click()


def _language_of(page: Page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => e.closest('[lang]').lang")


def test_the_strategists_pages_in_english_keep_the_plan_text_swedish(page, log_in):
    log_in(page, "norrbotten-strateg")
    _choose_english(page)
    check_page(page, "english-start")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "english-plan")
    assert _language_of(page, "h1") == "sv"
    assert _language_of(page, ".measure-title") == "sv"
    assert _language_of(page, "h2") == "en"

    plan = Plan.objects.get(title=PLAN)
    five_b = Measure.objects.get(plan=plan, code="5B")
    for name, url in [
        ("english-plan-form", f"/planer/{plan.pk}/andra/"),
        ("english-measure-form", f"/insatser/{five_b.pk}/andra/"),
        ("english-history", f"/planer/{plan.pk}/historik/"),
    ]:
        assert page.goto(url).status == 200
        check_page(page, name)


def test_a_rapportor_meets_our_403_page_for_a_plan_she_may_not_edit(page, log_in):
    log_in(page, "norrbotten-rapportor")
    plan = Plan.objects.get(title=PLAN)
    response = page.goto(f"/planer/{plan.pk}/andra/")
    check_page(page, "refused-403")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Du saknar behörighet"


def test_a_locked_out_login_meets_a_swedish_page(page, settings):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 2
    page.goto("/konto/logga-in/")
    for attempt in range(2):
        check_page(page, f"login-failing-{attempt}")
        page.get_by_label("Användarnamn").fill("norberg-strateg")
        page.get_by_label("Lösenord").fill("fel lösenord")
        with page.expect_navigation():
            page.get_by_label("Lösenord").press("Enter")
    check_page(page, "locked-out")
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggningen är spärrad"
    assert re.search(r"Försök igen om en timme", page.content())
