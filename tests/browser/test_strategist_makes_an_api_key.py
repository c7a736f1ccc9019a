"""Norrbotten's strategist makes a personal API key on Mitt konto by keyboard, copies it once,
reads the API's docs page, and revokes the key; each page passes axe and fits a phone."""

import re

from tests.browser.conftest import check_page
from tests.browser.keyboard import tab_to


def test_strategist_makes_reads_about_and_revokes_an_api_key(page, log_in):
    log_in(page, "norrbotten-strateg")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mitt konto").click()
    check_page(page, "account")
    assert page.get_by_role("heading", level=1).inner_text() == "Mitt konto"
    assert page.get_by_text("Du har inga API-nycklar.").is_visible()
    tab_to(page, "Namn")
    page.keyboard.type("Power BI")
    tab_to(page, "Skapa nyckel")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "account-new-key")
    key = page.get_by_label("Nyckel", exact=True).input_value()
    assert re.fullmatch(r"fh_[A-Za-z0-9_-]{40,}", key)
    assert page.get_by_role("status").filter(has_text="visas bara nu").is_visible()
    row = page.get_by_role("row", name=re.compile("Power BI"))
    assert "Aldrig" in row.inner_text()
    # The key works against the API, and the page shows its use.
    answer = page.request.get("/api/v1/plans/", headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 200 and answer.json()["count"] > 0
    page.reload()
    check_page(page, "account-used-key")
    assert not page.get_by_label("Nyckel", exact=True).count()  # shown once
    assert "Aldrig" not in page.get_by_role("row", name=re.compile("Power BI")).inner_text()
    page.get_by_role("link", name="API:ets beskrivning").click()
    check_page(page, "api-docs")
    assert page.get_by_role("heading", level=1).inner_text() == "Folkhälsa API"
    measures = page.get_by_role("heading", name="PATCH /api/v1/measures/{id}/")
    assert measures.is_visible()
    assert page.get_by_role("table", name="Fält i JSON-objektet som skickas").first.is_visible()
    page.go_back()
    check_page(page, "account-again")
    with page.expect_navigation():
        page.get_by_role("button", name="Återkalla Power BI").click()
    check_page(page, "account-revoked")
    assert page.get_by_text("Nyckeln är återkallad").is_visible()
    answer = page.request.get("/api/v1/plans/", headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 401
