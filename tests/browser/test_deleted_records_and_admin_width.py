"""What was deleted stays readable for the organisation's members; the admin fits a laptop."""

import pytest
from django.contrib.auth.models import User

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Budget, FocusArea, Measure, Plan
from tests.browser.conftest import DESKTOP, check_page


def test_strategist_finds_a_deleted_measure_in_her_organisations_deleted_records(page, log_in):
    plan = Plan.objects.get(owner__name="Norbergs kommun")
    measure = Measure.objects.filter(plan=plan).order_by("pk").first()
    measure._history_user = User.objects.get(username="norberg-strateg")
    measure.delete()

    log_in(page, "norberg-strateg")
    page.goto(f"/planer/{plan.pk}/historik/")
    check_page(page, "deleted-plan-history")
    page.get_by_role("link", name="Borttagna poster i organisationen").click()
    check_page(page, "deleted-records")
    table = page.get_by_role("table")
    assert measure.title[:40] in table.inner_text()
    assert "norberg-strateg" in table.inner_text()


ADMIN_PAGES = [
    "/admin/",
    "/admin/plans/organisation/",
    "/admin/plans/plan/",
    "/admin/plans/measure/",
    "/admin/plans/focusarea/",
    "/admin/plans/budget/",
]


@pytest.mark.parametrize("username", ["admin", "norrbotten-strateg"])
def test_admin_pages_fit_1280_pixels(browser, site, username):
    context = browser.new_context(viewport=DESKTOP, base_url=site)
    tab = context.new_page()
    tab.goto("/admin/login/")
    tab.get_by_label("Användarnamn").fill(username)
    tab.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    with tab.expect_navigation():
        tab.get_by_role("button", name="Logga in").click()
    plan = Plan.objects.get(title__startswith="Region Norrbottens")
    area = FocusArea.objects.filter(plan=plan).order_by("pk").first()
    pages = [
        *ADMIN_PAGES,
        f"/admin/plans/plan/{plan.pk}/change/",
        f"/admin/plans/focusarea/{area.pk}/change/",
        f"/admin/plans/measure/{Measure.objects.filter(plan=plan).first().pk}/change/",
        # The budget grid (Alingsås): the superuser sees it.
        *(
            f"/admin/plans/budget/{b.pk}/change/"
            for b in Budget.objects.all()
            if username == "admin"
        ),
    ]
    wide = {}
    for path in pages:
        assert tab.goto(path).status == 200, path
        width = tab.evaluate("document.scrollingElement.scrollWidth")
        if width > DESKTOP["width"]:
            wide[path] = width
    context.close()
    assert not wide, f"wider than {DESKTOP['width']} px: {wide}"
