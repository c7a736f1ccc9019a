"""Reaching a control with the Tab key alone, as someone without a mouse does."""

from playwright.sync_api import Page

from tests.browser.conftest import focus_ring

MAX_TABS = 40
MIN_CONTRAST = 3.0
# What a person sees as the focused element's name: a field's label, else its text.
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  return (el.labels && el.labels.length ? el.labels[0].innerText : el.innerText) || '';
}"""


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the focused element's name is `name`; each stop must show its ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = focused_name(page)
        contrast = focus_ring(page)
        assert contrast >= MIN_CONTRAST, f"focus ring on {focused!r}: contrast {contrast:.1f}"
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached in {MAX_TABS} Tab presses on {page.url}")


def focused_name(page: Page) -> str:
    """Return the name of the element that has the focus."""
    return page.evaluate(FOCUSED_NAME).strip().removesuffix(":")


def press_and_land(page: Page, key: str = "Enter") -> None:
    """Press the key on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
