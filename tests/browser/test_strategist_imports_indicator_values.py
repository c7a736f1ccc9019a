"""Norberg's strategist reads an indicator (values per year and sex, the target, the county and
the country beside them) and fetches newer figures from Kolada by keyboard; when Kolada fails
she reads why in Swedish and nothing is stored. Kolada is the local fake the unit tests use."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from reports.models import Indicator, IndicatorValue
from tests.browser.conftest import BLOCKING_IMPACTS, DESKTOP, PHONE_WIDTH, check_page
from tests.browser.keyboard import press_and_land, tab_to
from tests.kolada_fake import NEXT_PAGE

COLUMNS = ["År", "Kvinnor", "Män", "Totalt", "Mål", "Region Västmanland", "Riket"]


@pytest.fixture
def indicator(site) -> Indicator:
    return Indicator.objects.get(owner__name="Norbergs kommun", kolada_kpi="N00957")


def _row(page: Page, year: int) -> list[str]:
    """Return the texts of the year's row in the table of values."""
    table = page.get_by_role("table", name="Norberg med jämförelser")
    return [table.get_by_role("row", name=str(year)).get_by_role("rowheader").inner_text()] + (
        table.get_by_role("row", name=str(year)).get_by_role("cell").all_inner_texts()
    )


def _axe_on_a_phone(page: Page) -> list[str]:
    """Return axe's serious violations at phone width, where the table scrolls in its box."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        violations = Axe().run(page).response["violations"]
    finally:
        page.set_viewport_size(DESKTOP)
    return [v["id"] for v in violations if v["impact"] in BLOCKING_IMPACTS]


def _open_indicator(page: Page, log_in, indicator: Indicator) -> None:
    """Log in as Norberg's strategist and go from the footer to the indicator."""
    log_in(page, "norberg-strateg")
    page.get_by_role("link", name="Indikatorer").click()
    check_page(page, "indicators")
    page.get_by_role("link", name=indicator.name, exact=True).click()
    check_page(page, f"indicator-{indicator.pk}")


def _fetch_by_keyboard(page: Page, *, years: str, areas: str) -> None:
    """Fill the Kolada form and send it with the keyboard alone."""
    tab_to(page, "År")
    page.keyboard.press("Control+A")
    page.keyboard.type(years)
    tab_to(page, "Områden")
    page.keyboard.press("Control+A")
    page.keyboard.type(areas)
    tab_to(page, "Hämta från Kolada")
    press_and_land(page)


def test_strategist_reads_an_indicator_and_imports_kolada_values(page, log_in, indicator, kolada):
    kolada.serve_norberg()
    _open_indicator(page, log_in, indicator)
    headers = page.get_by_role("table").get_by_role("columnheader").all_inner_texts()
    assert headers == COLUMNS
    assert _row(page, 2022) == ["2022", "38", "26", "31,8", "", "26,6", "25,3"]
    assert _row(page, 2024)[4] == "30", "the target stands in its year"
    assert _axe_on_a_phone(page) == [], "a keyboard scrolls the table on a phone"

    _fetch_by_keyboard(page, years="2022-2023", areas="1962,0019,0000")
    check_page(page, "indicator-imported")
    assert NEXT_PAGE in kolada.requests, "both pages of Kolada's answer were read"
    status = page.get_by_role("status").inner_text()
    assert "Ohälsotal, dagar (N00957) för Norbergs kommun fick Koladas uppgifter." in status
    assert "18 ändrade" in status and "1 saknas i Kolada" in status
    assert _row(page, 2022) == ["2022", "33,1", "22,4", "27,6", "", "22,8", "21,4"]
    assert _row(page, 2023) == ["2023", "31,9", "saknas", "26,2", "", "22,3", "20,9"]
    assert _row(page, 2021)[1:4] == ["38,6", "26,6", "32,4"], "years not asked for are kept"


def test_kolada_failing_is_told_in_swedish_and_nothing_is_imported(page, log_in, indicator, kolada):
    kolada.serve_norberg()
    kolada.serve_raw(NEXT_PAGE, b'{"error": "internal"}', status=500)
    before = list(IndicatorValue.objects.filter(indicator=indicator).order_by("pk").values_list())
    _open_indicator(page, log_in, indicator)

    _fetch_by_keyboard(page, years="2022-2023", areas="1962,0019,0000")
    check_page(page, "indicator-import-failed")
    alert = page.get_by_role("alert").inner_text()
    assert "Inget hämtades" in alert
    assert "Kolada svarade med ett fel (HTTP 500). Försök igen senare." in alert
    assert page.get_by_role("textbox", name="År").input_value() == "2022-2023"
    assert _row(page, 2022) == ["2022", "38", "26", "31,8", "", "26,6", "25,3"]
    after = list(IndicatorValue.objects.filter(indicator=indicator).order_by("pk").values_list())
    assert after == before
    indicator.refresh_from_db()
    assert indicator.name == "Ohälsotal", "not renamed either: the first page changed nothing"
