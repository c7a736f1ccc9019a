"""Someone without a mouse logs in and reaches a plan by Tab and Enter alone, seeing the focus."""

from plans.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import check_page
from tests.browser.keyboard import focused_name, press_and_land, tab_to


def test_keyboard_alone_logs_in_and_reaches_a_plan(page):
    page.goto("/")
    check_page(page, "keyboard-start")
    tab_to(page, "Logga in")
    press_and_land(page)
    check_page(page, "keyboard-login")

    assert focused_name(page) == "Användarnamn", "the login page starts in the user name field"
    page.keyboard.type("norberg-strateg")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_and_land(page)
    check_page(page, "keyboard-logged-in")

    tab_to(page, "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026")
    press_and_land(page)
    check_page(page, "keyboard-plan")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026"
