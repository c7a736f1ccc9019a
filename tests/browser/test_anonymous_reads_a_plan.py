"""An anonymous visitor starts at the public start page, reaches Norrbotten's plan through its
organisation's page with each measure's published progress, goes on to an indicator's chart and
the accessibility statement; a draft meets our own 404 page."""

from plans.models import Plan
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def test_anonymous_goes_from_the_start_page_to_a_plans_published_progress(page):
    page.goto("/")
    check_page(page, "anonymous-start")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Folkhälsoarbetet i kommuner och regioner"
    )
    publishers = page.get_by_role("region", name="Organisationer som publicerar")
    publishers.get_by_role("link", name="Region Norrbotten").click()
    check_page(page, "anonymous-organisation")
    assert page.get_by_role("heading", level=1).inner_text() == "Region Norrbotten"
    assert page.get_by_role("link", name="Uppföljning 2021 (PDF)").is_visible()

    page.get_by_role("link", name=PLAN, exact=True).click()
    check_page(page, "anonymous-plan")
    assert page.get_by_role("heading", level=1).inner_text() == PLAN
    source = page.locator(".assessment-source").inner_text()
    assert "från den publicerade uppföljningen Helår 2021" in source
    first = page.locator(".measure").first.locator(".assessment").inner_text()
    assert first.startswith("◆ Genomförd · Helår 2021, publicerad"), first
    contents = page.get_by_role("navigation", name="Innehåll")
    assert contents.get_by_text("Genomförd:").first.is_visible()

    page.get_by_role("contentinfo").get_by_role("link", name="Indikatorer").click()
    check_page(page, "anonymous-indicators")
    page.get_by_role("link", name="Ohälsotal").first.click()
    check_page(page, "anonymous-indicator")
    chart = page.locator("img.chart")
    assert chart.is_visible() and len(chart.get_attribute("alt")) > 40  # the figures in words

    # Every page's footer leads to the accessibility statement.
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighet").click()
    check_page(page, "anonymous-accessibility-statement")
    assert page.get_by_role("heading", level=1).inner_text() == "Tillgänglighetsredogörelse"


def test_anonymous_meets_our_404_for_a_draft_and_finds_the_way_back(page):
    # The demo's drafts (Norsjö's grant demo, the plan Samlingen's decision started): any one.
    draft = Plan.objects.filter(status=Plan.Status.DRAFT).order_by("pk").first()
    response = page.goto(f"/planer/{draft.pk}/")
    check_page(page, "anonymous-draft-404")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
    assert draft.title not in page.content()
    page.get_by_role("link", name="Till startsidan").click()
    check_page(page, "anonymous-back-to-start")
    assert page.url.endswith("/")
    assert page.get_by_role("link", name="Region Norrbotten").is_visible()
