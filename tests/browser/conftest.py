"""Browser journeys: Playwright drives Debian's Chromium against the live server with the demo.

Fixtures and helpers for every journey:
- `site`: the live server's address, with the demo data as loaded (put back after each test);
- `page`: a Chromium tab at 1280 px that records every page it lands on;
- `new_tab(beside=page)`: a second tab in the same browser (same login); `new_tab(**options)`: a
  tab in a browser context of its own, e.g. `java_script_enabled=False`;
- `log_in(page, username)`: log in through the login form as a demo account;
- `check_page(page, name)`: axe-core finds no serious or critical violation (on a tab without
  JavaScript, reached by GET: in a twin tab with it, as axe needs it), the page has no
  horizontal overflow at 390 px, and a screenshot is saved to tests/browser/screenshots/ (not
  committed). Call it after every navigation: a test fails if it landed on a page it never checked;
- `in_viewport(page, selector)`: whether the element's top is in the visible part of the window;
- `focus_ring(page)`: the contrast of the focused element's outline against what surrounds it.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from plans.demo.loader import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 900}
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m browser` selects exactly these."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _skip_unless_required(reason: str) -> None:
    """Skip the journeys, or fail when REQUIRE_BROWSER=1 demands them."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1 demands the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        _skip_unless_required(f"{CHROMIUM} is missing: install it with `apt-get install chromium`")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls journeys
    # make to look up demo records are still plain synchronous calls. Only while journeys run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def site(live_server, demo) -> str:
    """Return the live server's address, its database holding the demo as loaded.

    A journey commits (the live server answers in other threads, as in production); afterwards
    the whole database is put back from the copy taken when the demo was loaded
    (`tests/conftest.py`), on SQLite and on PostgreSQL alike.
    """
    return live_server.url


@pytest.fixture
def new_tab(browser: Browser, site: str) -> Iterator[Callable[..., Page]]:
    """Return a helper that opens a tab recording every page it lands on.

    `new_tab(java_script_enabled=False)` opens it in a browser context of its own, made with
    those options; `new_tab(beside=page)` opens a second tab in the page's context (same cookies,
    so the same login). A test fails if any of its tabs landed on a page it never checked.
    """
    contexts, tabs = [], []

    def open_tab(*, beside: Page | None = None, **options) -> Page:
        if beside is None:
            contexts.append(browser.new_context(viewport=DESKTOP, base_url=site, **options))
            contexts[-1].set_default_timeout(10_000)
        tab = (beside.context if beside else contexts[-1]).new_page()
        tab.landed, tab.checked = [], set()
        tab.scripts_off = (
            beside.scripts_off if beside else options.get("java_script_enabled") is False
        )
        tab.on("framenavigated", lambda frame: _record_landing(tab, frame))
        tabs.append(tab)
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    unchecked = [url for tab in tabs for url in tab.landed if url not in tab.checked]
    assert not unchecked, f"pages visited but never checked with check_page: {unchecked}"


@pytest.fixture
def page(new_tab: Callable[..., Page]) -> Page:
    """Return a Chromium tab at 1280 px, with JavaScript, on the live server."""
    return new_tab()


def _record_landing(tab: Page, frame) -> None:
    if frame == tab.main_frame:
        tab.landed.append(_without_fragment(frame.url))


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@pytest.fixture
def log_in() -> Callable[[Page, str], None]:
    """Return a helper that logs a demo account in through the login form."""

    def log_in_as(page: Page, username: str) -> None:
        page.goto("/konto/logga-in/")
        check_page(page, f"login-{username}")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="Logga in").click()
        check_page(page, f"logged-in-{username}")
        assert page.get_by_role("button", name=re.compile("Logga ut")).is_visible()

    return log_in_as


# The axe rules whose outcome depends on the width of the screen, run again at phone width.
PHONE_RULES = ["scrollable-region-focusable", "color-contrast"]


def check_page(page: Page, name: str) -> None:
    """Fail on serious axe violations or overflow at phone width; save a screenshot."""
    page.wait_for_load_state()
    _assert_accessible(page, name)
    _assert_fits_phone(page, name)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    page.checked.add(_without_fragment(page.url))


@pytest.fixture(name="check_page")
def check_page_fixture() -> Callable[[Page, str], None]:
    return check_page


def _assert_accessible(page: Page, name: str, rules: list[str] | None = None) -> None:
    violations = _axe_violations(page, rules)
    blocking = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
    width = page.viewport_size["width"]
    assert not blocking, f"axe at {width} px on {name} ({page.url}): {blocking}"


def _axe_violations(page: Page, rules: list[str] | None = None) -> list[dict]:
    """Return axe-core's violations (of the rules given, else all); a tab without JavaScript is
    checked in a twin that has it."""
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if not page.scripts_off:
        return Axe().run(page, options=options).response["violations"]
    # axe is JavaScript, and where scripts are off Chromium never settles its promises: the same
    # address with the same cookies in a tab that runs scripts gets the same markup from the server.
    twin = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        twin.add_cookies(page.context.cookies())
        tab = twin.new_page()
        tab.goto(page.url)
        return Axe().run(tab, options=options).response["violations"]
    finally:
        twin.close()


def _assert_fits_phone(page: Page, name: str) -> None:
    viewport = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{name} ({page.url}) is {width} px wide at {PHONE_WIDTH} px"
        # What only a narrow screen shows: a table box that scrolls must take the keyboard's
        # focus, and text that wraps onto another background must still be readable.
        _assert_accessible(page, name, rules=PHONE_RULES)
    finally:
        page.set_viewport_size(viewport)


def in_viewport(page: Page, selector: str) -> bool:
    """Return whether the element's top is within the visible part of the window (to a pixel)."""
    top = page.locator(selector).evaluate("e => e.getBoundingClientRect().top")
    return -1 < top < page.viewport_size["height"]


# The outline's colour against the first opaque background just outside the element's box, where
# the ring is drawn, as WCAG computes contrast (relative luminance).
FOCUS_RING_CONTRAST = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 0;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const box = el.getBoundingClientRect();
  const ring = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  const x = Math.max(0, box.left - ring), y = box.top + box.height / 2;
  let node = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
  let background = [255, 255, 255];
  for (; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { background = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(rgb(style.outlineColor)), lum(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def focus_ring(page: Page) -> float:
    """Return the focused element's outline contrast (0 when it has no visible outline)."""
    return page.evaluate(FOCUS_RING_CONTRAST)
