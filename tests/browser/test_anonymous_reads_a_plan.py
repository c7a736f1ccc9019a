"""Anonymous visitors read adopted plans and meet our own 404 page for a draft."""

from plans.models import Plan
from tests.browser.conftest import check_page


def test_anonymous_reads_an_adopted_plan_and_meets_our_404_for_a_draft(page):
    page.goto("/")
    check_page(page, "anonymous-start")
    page.get_by_role("link", name="Region Norrbottens handlingsplan 2018–2022").click()
    check_page(page, "anonymous-plan")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Region Norrbottens")

    draft = Plan.objects.get(status=Plan.Status.DRAFT)
    response = page.goto(f"/planer/{draft.pk}/")
    check_page(page, "anonymous-draft-404")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Sidan finns inte"
    assert draft.title not in page.content()
    page.get_by_role("link", name="Till startsidan").click()
    check_page(page, "anonymous-back-to-start")
    # Every page's footer leads to the accessibility statement.
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighet").click()
    check_page(page, "anonymous-accessibility-statement")
    assert page.get_by_role("heading", level=1).inner_text() == "Tillgänglighetsredogörelse"
