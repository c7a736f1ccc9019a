"""A strategist reorders her plan's measures with the keyboard alone in the plan editor: each
move is swapped in place by htmx and the focus stays on the moved measure's button; the page
passes axe at phone width."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Account, FocusArea, Measure, Organisation, Plan, Result, Role
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


def _focused_text(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.textContent")


def test_adding_moving_and_deleting_in_place_by_keyboard(page, log_in, last_measure):
    """She adds a measure, moves it under another focus area and deletes it, all by keyboard,
    the page never reloading: after each the keyboard is on the item (or where it was)."""
    plan = last_measure.plan
    other = FocusArea.objects.create(plan=plan, number="2", title="Äldre")
    log_in(page, "fokus-strateg")
    page.goto(f"/planer/{plan.pk}/redigera/")
    check_page(page, "plan-editor-two-areas")
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")

    page.locator("#id_insats-title").fill("Läsfrämjande för äldre")
    page.get_by_role("button", name="Lägg till insatsen").focus()
    page.keyboard.press("Enter")
    added = page.locator(".plan-editor .measure", has_text="Läsfrämjande för äldre")
    expect(added).to_be_focused()
    expect(page.get_by_role("status")).to_contain_text("lades till")
    new = Measure.objects.get(title="Läsfrämjande för äldre")
    assert new.code == "1D"

    page.locator(f"#insats-{new.pk} a", has_text="Flytta till…").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#flytta-rubrik")).to_be_focused()
    check_page(page, "plan-editor-move-in-place")
    page.get_by_label("Till fokusområde").select_option(str(other.pk))
    page.locator("#flytta button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#insats-{new.pk}")).to_be_focused()
    expect(page.locator(f"#fokusomrade-{other.pk} #insats-{new.pk}")).to_have_count(1)
    assert page.url.endswith("/redigera/")  # the move's question is answered

    page.locator(f"#insats-{new.pk} a", has_text="Ta bort…").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#ta-bort-rubrik")).to_be_focused()
    check_page(page, "plan-editor-delete-in-place")
    page.locator("#ta-bort button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#fokusomrade-{other.pk}-rubrik")).to_be_focused()
    expect(page.locator(f"#insats-{new.pk}")).to_have_count(0)
    assert not Measure.objects.filter(pk=new.pk).exists()
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"  # never reloaded
    check_page(page, "plan-editor-after-delete-in-place")


def test_she_edits_a_focus_area_and_a_result_from_the_editor(page, log_in, last_measure):
    """ "Ändra…" on a focus area and on a result opens its own page; saved, she is back in the
    editor at the item; each page passes axe (also at phone width)."""
    area = last_measure.focus_area
    result = Result.objects.create(focus_area=area, number=1, title="Fler barn läser")
    log_in(page, "fokus-strateg")
    page.goto(f"/planer/{area.plan_id}/redigera/")

    page.locator(f"#fokusomrade-{area.pk} > .editor-controls a", has_text="Ändra…").click()
    check_page(page, "focus-area-edit")
    page.get_by_role("textbox", name="Rubrik").fill("Barn och unga i Norberg")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("sparad")
    check_page(page, "focus-area-edit-saved")
    area.refresh_from_db()
    assert area.title == "Barn och unga i Norberg"

    page.locator(f"#resultat-{result.pk} a", has_text="Ändra…").click()
    check_page(page, "result-edit")
    page.get_by_role("textbox", name="Långsiktigt förväntat resultat").fill(
        "Fler barn läser varje dag"
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("sparad")
    result.refresh_from_db()
    assert result.title == "Fler barn läser varje dag"
