"""An anonymous visitor (or an organisation's open-data officer) finds the open data from the
start page, then Region Norrbotten's page on registering its catalogue with the data portal,
and downloads its plan's measures as CSV; each page passes axe and fits a phone (check_page)."""

from tests.browser.conftest import check_page


def test_anonymous_finds_an_organisations_catalogue_and_how_to_register_it(page):
    page.goto("/")
    check_page(page, "open-data-start")
    page.get_by_role("link", name="Öppna data", exact=True).click()
    check_page(page, "open-data")
    assert page.get_by_role("heading", level=1).inner_text() == "Öppna data"
    organisations = page.get_by_role("region", name="Organisationer med öppna data")
    organisations.get_by_role("link", name="Region Norrbotten", exact=True).click()
    check_page(page, "open-data-organisation")
    assert "Region Norrbotten" in page.get_by_role("heading", level=1).inner_text()
    address = page.locator("dd code").first.inner_text()
    assert address.endswith("/katalog.rdf")
    assert page.get_by_role("link", name="admin.dataportal.se").first.is_visible()
    contents = page.get_by_role("region", name="Det här finns i katalogen")
    csv_link = contents.get_by_role("link", name="Insatserna som CSV").first
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename.endswith(".csv")
