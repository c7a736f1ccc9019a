"""Someone without a mouse logs in and reaches a plan by Tab and Enter alone, seeing the focus."""

from playwright.sync_api import Page

from plans.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import check_page, focus_ring

MAX_TABS = 40
MIN_CONTRAST = 3.0
# What a person sees as the focused element's name: a field's label, else its text.
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  return (el.labels && el.labels.length ? el.labels[0].innerText : el.innerText) || '';
}"""


def _tab_to(page: Page, name: str) -> None:
    """Press Tab until the focused element's text is the name; each stop shows its ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = _focused(page)
        contrast = focus_ring(page)
        assert contrast >= MIN_CONTRAST, f"focus ring on {focused!r}: contrast {contrast:.1f}"
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached in {MAX_TABS} Tab presses on {page.url}")


def _focused(page: Page) -> str:
    return page.evaluate(FOCUSED_NAME).strip().removesuffix(":")


def _press_enter_and_land(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_alone_logs_in_and_reaches_a_plan(page):
    page.goto("/")
    check_page(page, "keyboard-start")
    _tab_to(page, "Logga in")
    _press_enter_and_land(page)
    check_page(page, "keyboard-login")

    assert _focused(page) == "Användarnamn", "the login page starts in the user name field"
    page.keyboard.type("norberg-strateg")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    _press_enter_and_land(page)
    check_page(page, "keyboard-logged-in")

    _tab_to(page, "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026")
    _press_enter_and_land(page)
    check_page(page, "keyboard-plan")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026"
