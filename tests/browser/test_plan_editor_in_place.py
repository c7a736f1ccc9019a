"""A strategist reorders her plan's measures with the keyboard alone in the plan editor: each
move is swapped in place by htmx and the focus stays on the moved measure's button; the page
passes axe at phone width."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Account, FocusArea, Measure, Organisation, Plan, Role
from tests.browser.conftest import check_page

CODES = ["1A", "1B", "1C"]


@pytest.fixture
def last_measure(site) -> Measure:
    """A draft plan of Norberg with three measures; a strategist of Norberg to arrange them."""
    norberg = Organisation.objects.get(name="Norbergs kommun", parent=None)
    strategist = User.objects.create_user("fokus-strateg", password=DEMO_PASSWORD)
    Role.objects.create(user=strategist, organisation=norberg, kind=Role.Kind.STRATEGIST)
    Account.objects.create(user=strategist, organisation=norberg)
    plan = Plan.objects.create(
        owner=norberg,
        kind=Plan.Kind.OPERATIONS_PLAN,
        title="Fokusplan",
        start_year=2027,
        end_year=2027,
    )
    area = FocusArea.objects.create(plan=plan, number="1", title="Barn och unga")
    measures = [
        Measure.objects.create(
            plan=plan, focus_area=area, code=code, order=n, title=f"Insats {code}"
        )
        for n, code in enumerate(CODES)
    ]
    return measures[-1]


def _at(page, position: int) -> None:
    """Wait until the moved measure shows at the position and htmx has settled the tree."""
    item = page.locator(".plan-editor .measure").nth(position - 1)
    expect(item).to_contain_text("Insats 1C")
    expect(page.locator(".htmx-added, .htmx-settling")).to_have_count(0)


def test_a_measure_moves_in_place_and_keeps_the_focus(page, log_in, last_measure):
    log_in(page, "fokus-strateg")
    page.goto(f"/planer/{last_measure.plan_id}/redigera/")
    check_page(page, "plan-editor")
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")
    button = f"#upp-insats-{last_measure.pk}"
    page.locator(button).focus()

    page.keyboard.press("Enter")
    _at(page, 2)
    expect(page.locator(button)).to_be_focused()
    page.keyboard.press("Enter")
    _at(page, 1)
    expect(page.locator(button)).to_be_focused()
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"  # never reloaded
    codes = last_measure.focus_area.measures.order_by("order").values_list("code", flat=True)
    assert list(codes) == ["1C", "1A", "1B"]
