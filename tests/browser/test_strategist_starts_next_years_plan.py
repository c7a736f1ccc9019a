"""Norberg's strategist starts the 2027 operations plan in the site: once as a copy of the
strategy (by keyboard alone), once from scratch; she imports five measures from Excel after a
preview that shows one row's error, corrects the file, imports it, and exports the plan again.
Her actions are counted (the admin's route took about 97)."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from plans.models import FocusArea, Measure, Organisation, Plan
from plans.services import plan_start
from tests.browser.conftest import check_page
from tests.browser.keyboard import press_and_land, tab_to

STRATEGY = "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026"
HEADERS = ["Fokusområde", "Nr", "Insats", "Målgrupp", "Målår", "Huvudaktör", "Ansvarig", "Status"]


class Actions:
    """Count what she does: each click, each field filled, each key that moves on."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, n: int = 1) -> None:
        self.count += n


def _field(page: Page, label: str):
    """Return the form field with the label (Django writes it with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _measures_file(path: Path, area: str, *, status_of_third: str) -> Path:
    """Write five measures the way a strategist's Excel sheet holds them."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for n, (title, group) in enumerate(
        [
            ("Föräldraträffar på biblioteket", "Föräldrar"),
            ("Läxhjälp i skolan", "Elever i åk 4–9"),
            ("Sommarlovsaktiviteter", "Barn och unga"),
            ("Seniorträffar", "Äldre"),
            ("Trygga vägar till skolan", "Elever"),
        ],
        start=1,
    ):
        status = status_of_third if n == 3 else "Pågående"
        sheet.append([area, f"9{chr(64 + n)}", title, group, 2027, "", "Norbergs kommun", status])
    book.save(path)
    return path


def _start_as_copy_by_keyboard(page: Page, act: Actions) -> None:
    """From the start page to a new plan, copied from the strategy, with the keyboard alone."""
    check_page(page, "start-strategist")
    tab_to(page, "Ny plan")
    press_and_land(page)
    act(2)
    check_page(page, "plan-new")
    for label, value in [
        ("Ägare", "Norbergs kommun"),
        ("Typ", "Verksamhetsplan"),
    ]:
        tab_to(page, label)
        _field(page, label).select_option(label=value)
        act(2)
    for label, value in [
        ("Titel", "Verksamhetsplan för folkhälsa 2027"),
        ("Startår", "2027"),
        ("Slutår", "2027"),
    ]:
        tab_to(page, label)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        act(2)
    for label in ("Överordnad plan", "Kopia av"):
        tab_to(page, label)
        option = _field(page, label).locator("option", has_text=STRATEGY)
        _field(page, label).select_option(value=option.get_attribute("value"))
        act(2)
    tab_to(page, "Skapa planen")
    press_and_land(page)
    act(2)


@pytest.fixture
def strategy(site) -> Plan:
    return Plan.objects.get(title=STRATEGY)


def test_strategist_starts_next_years_plan_as_a_copy_by_keyboard(page, log_in, strategy):
    act = Actions()
    log_in(page, "norberg-strateg")
    act(3)

    _start_as_copy_by_keyboard(page, act)

    check_page(page, "plan-new-copy")
    assert "Planen skapades med" in page.get_by_role("status").first.inner_text()
    copy = Plan.objects.get(title="Verksamhetsplan för folkhälsa 2027")
    assert copy.status == Plan.Status.DRAFT and copy.parent_id == strategy.pk
    assert sorted(copy.measures.values_list("code", flat=True)) == sorted(
        strategy.measures.values_list("code", flat=True)
    )
    assert not copy.measures.exclude(status="").exists(), "statuses never come along"
    print(f"norberg-strateg, a plan as a copy: {act.count} actions")


def test_strategist_starts_a_plan_from_scratch(page, log_in):
    act = Actions()
    log_in(page, "norberg-strateg")
    page.get_by_role("link", name="Ny plan", exact=True).click()
    act(4)
    check_page(page, "plan-new-empty")
    _field(page, "Ägare").select_option(label="Norbergs kommun")
    _field(page, "Typ").select_option(label="Verksamhetsplan")
    _field(page, "Titel").fill("Verksamhetsplan 2027, ny")
    _field(page, "Startår").fill("2027")
    _field(page, "Slutår").fill("2027")
    page.get_by_role("button", name="Skapa planen").click()
    act(6)
    check_page(page, "plan-new-from-scratch")
    assert "Planen skapades som ett tomt utkast." in page.get_by_role("status").first.inner_text()
    assert Plan.objects.get(title="Verksamhetsplan 2027, ny").measures.count() == 0
    print(f"norberg-strateg, a plan from scratch: {act.count} actions")


def test_strategist_imports_measures_after_correcting_a_row_and_exports_them(
    page, log_in, strategy, tmp_path
):
    plan = Plan(
        owner=strategy.owner,
        kind=Plan.Kind.OPERATIONS_PLAN,
        title="Verksamhetsplan för folkhälsa 2027",
        start_year=2027,
        end_year=2027,
        parent=strategy,
    )
    user = User.objects.get(username="norberg-strateg")
    plan_start(plan=plan, user=user, source=strategy, parts=["focus_areas"])
    area = str(plan.focus_areas.order_by("pk").first().title)
    act = Actions()
    log_in(page, "norberg-strateg")
    page.goto(f"/planer/{plan.pk}/")
    act(4)
    check_page(page, "plan-2027")

    # Five measures from Excel: the third row's status is not one of the plan's.
    wrong = _measures_file(tmp_path / "insatser.xlsx", area, status_of_third="Klar snart")
    page.get_by_role("link", name="Importera insatser").click()
    act()
    check_page(page, "measures-import")
    page.get_by_label(re.compile("^Fil")).set_input_files(str(wrong))
    page.get_by_role("button", name="Visa vad som händer").click()
    act(2)
    check_page(page, "measures-import-error")
    main = page.locator("main").inner_text()
    assert "Filen kan inte importeras som den är" in main and "Klar snart" in main
    assert not plan.measures.exists(), "nothing saved"

    right = _measures_file(tmp_path / "insatser-rättad.xlsx", area, status_of_third="Pågående")
    page.get_by_role("link", name="Ladda upp filen igen").click()
    check_page(page, "measures-import-again")
    page.get_by_label(re.compile("^Fil")).set_input_files(str(right))
    page.get_by_role("button", name="Visa vad som händer").click()
    act(3)
    check_page(page, "measures-import-preview")
    page.get_by_role("button", name="Importera").click()
    act()
    check_page(page, "measures-imported")
    codes = sorted(plan.measures.values_list("code", flat=True))
    assert codes == ["9A", "9B", "9C", "9D", "9E"]

    # And out again: the export carries the import's columns.
    with page.expect_download() as download:
        page.get_by_role("link", name="Insatserna som Excel-fil").click()
    act()
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))][:3] == [
        "Fokusområde",
        "Nr",
        "Insats",
    ]
    titles = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Sommarlovsaktiviteter" in titles
    print(f"norberg-strateg, import and export: {act.count} actions")


@pytest.fixture
def empty_plan(strategy) -> Plan:
    """Next year's operations plan, started empty (as the journey above does)."""
    plan = Plan(
        owner=strategy.owner,
        kind=Plan.Kind.OPERATIONS_PLAN,
        title="Verksamhetsplan 2027",
        start_year=2027,
        end_year=2027,
        parent=strategy,
    )
    plan_start(plan=plan, user=User.objects.get(username="norberg-strateg"))
    return plan


def _editor_form(page: Page, action: str):
    return page.locator(f'form[aria-labelledby="{action}-rubrik"]')


def _add_area(page: Page, act: Actions, title: str) -> None:
    form = _editor_form(page, "fokusomrade")
    form.get_by_label(re.compile("^Rubrik")).fill(title)
    form.get_by_role("button", name="Lägg till fokusområdet").click()
    act(2)
    _settled(page, page.locator(".plan-editor").get_by_role("heading", name=re.compile(title)))
    check_page(page, f"editor-area-{title[:10]}")


def _add_measure(page: Page, act: Actions, title: str, area: str) -> None:
    form = _editor_form(page, "insats")
    form.get_by_label(re.compile("^Insats")).fill(title)
    form.get_by_label(re.compile("^Fokusområde")).select_option(label=area)
    form.get_by_role("button", name="Lägg till insatsen").click()
    act(3)
    _settled(page, page.locator(".plan-editor .measure", has_text=title))
    check_page(page, f"editor-measure-{title[:10]}")


def _settled(page: Page, shown) -> None:
    """Wait until the editor's answer in place (htmx) shows the item and has settled."""
    expect(shown).to_have_count(1)
    expect(page.locator(".htmx-request, .htmx-added, .htmx-settling")).to_have_count(0)


def test_strategist_builds_her_plan_in_the_editor(page, log_in, empty_plan):
    act = Actions()
    log_in(page, "norberg-strateg")
    page.goto(f"/planer/{empty_plan.pk}/")
    act(2)
    check_page(page, "plan-2027-empty")
    page.get_by_role("link", name="Redigera planen").click()
    act()
    check_page(page, "editor")

    _add_area(page, act, "Trygg uppväxt")
    _add_area(page, act, "Hälsosamt åldrande")
    _add_measure(page, act, "Föräldraträffar", "1 Trygg uppväxt")
    _add_measure(page, act, "Läxhjälp", "1 Trygg uppväxt")
    _add_measure(page, act, "Seniorträffar", "1 Trygg uppväxt")
    codes = dict(empty_plan.measures.values_list("title", "code"))
    assert codes == {"Föräldraträffar": "1A", "Läxhjälp": "1B", "Seniorträffar": "1C"}

    # Seniorträffar belongs under healthy ageing: moved, its code kept.
    page.get_by_role("link", name=re.compile("^Flytta till… 1C")).click()
    act()
    _settled(page, page.locator("#flytta-rubrik"))
    check_page(page, "editor-move")
    page.get_by_label(re.compile("^Till fokusområde")).select_option(label="2 Hälsosamt åldrande")
    page.get_by_role("button", name="Flytta", exact=True).click()
    act(2)
    _settled(page, page.get_by_role("status").filter(has_text="Insats 1C flyttades."))
    check_page(page, "editor-moved")
    moved = empty_plan.measures.get(title="Seniorträffar")
    assert moved.focus_area.title == "Hälsosamt åldrande" and moved.code == "1C"
    print(f"norberg-strateg, two focus areas, three measures, one move: {act.count} actions")


def test_strategist_names_a_lead_actor_and_a_partner_from_another_county(page, log_in, empty_plan):
    county = Organisation.objects.create(name="Region Västmanland", kind="region")
    area = FocusArea.objects.create(plan=empty_plan, number="1", title="Trygg uppväxt")
    measure = Measure.objects.create(
        plan=empty_plan, focus_area=area, code="1A", title="Föräldraträffar"
    )
    act = Actions()
    log_in(page, "norberg-strateg")
    page.goto(f"/insatser/{measure.pk}/andra/")
    act(2)
    check_page(page, "measure-actors")
    page.get_by_role("searchbox", name="Sök organisation i hela landet").fill("Västmanland")
    page.get_by_role("button", name="Sök", exact=True).click()
    act(2)
    check_page(page, "measure-actors-search")
    for field, row, choice in [
        ("Organisation", 1, "\u00a0\u00a0\u00a0Familjestödet"),  # indented under Norberg
        ("Roll", 1, "Huvudaktör"),
        ("Organisation", 2, "Region Västmanland"),
        ("Roll", 2, "Samverkanspart"),
        ("Samverkan", 2, "Samverkan är önskvärd"),
    ]:
        page.get_by_label(f"{field}, aktör {row}", exact=True).select_option(label=choice)
    page.get_by_role("button", name="Spara").click()
    act(6)
    check_page(page, "measure-actors-saved")
    parts = [(r.organisation.name, r.role) for r in measure.responsibilities.all()]
    assert parts == [("Familjestödet", "huvudaktor"), ("Region Västmanland", "samverkanspart")]
    assert county.responsibilities.get().cooperation == "onskvard"
    print(f"norberg-strateg, a lead actor and a partner: {act.count} actions")


def _add_funder(page: Page, act: Actions, name: str, search: str = "") -> None:
    page.get_by_role("link", name="Lägg till finansiär").click()
    act()
    check_page(page, f"budget-funder-{name[:10]}")
    if search:
        page.get_by_label("Namn", exact=True).fill(search)
        page.get_by_role("button", name="Sök", exact=True).click()
        act(2)
        check_page(page, f"budget-funder-search-{search}")
    page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Lägg till finansiären").click()
    act(2)
    check_page(page, f"budget-funder-added-{name[:10]}")


def test_strategist_enters_a_budget_with_two_funders(page, log_in, empty_plan):
    county = Organisation.objects.create(name="Region Västmanland", kind="region")
    FocusArea.objects.create(plan=empty_plan, number="1", title="Trygg uppväxt")
    act = Actions()
    log_in(page, "norberg-strateg")
    page.goto(f"/planer/{empty_plan.pk}/")
    act(2)
    check_page(page, "plan-2027-budget")
    page.get_by_role("link", name="Budget", exact=True).click()
    act()
    check_page(page, "budget-new")
    page.get_by_role("button", name="Skapa budgeten").click()
    act()
    check_page(page, "budget-2027")

    _add_funder(page, act, "Norbergs kommun")
    _add_funder(page, act, "Region Västmanland", search="Västmanland")
    budget = empty_plan.budgets.get(year=2027)
    own, region = (
        budget.funders.get(organisation__name="Norbergs kommun"),
        budget.funders.get(organisation=county),
    )
    page.get_by_label("Post 1", exact=True).fill("Föräldraträffar, material")
    page.get_by_label("Typ, post 1", exact=True).select_option(label="Fokusområde")
    page.get_by_label("Fokusområde, post 1", exact=True).select_option(label="1 Trygg uppväxt")
    page.locator(f"#id_poster-0-amount_{own.pk}").fill("12 500,50")
    page.locator(f"#id_poster-0-amount_{region.pk}").fill("30 000")
    page.get_by_label("Post 2", exact=True).fill("Samordnare")
    page.get_by_label("Typ, post 2", exact=True).select_option(label="Personal")
    page.locator(f"#id_poster-1-amount_{own.pk}").fill("150 000")
    page.get_by_role("button", name="Spara budgeten").click()
    act(10)
    check_page(page, "budget-saved")
    main = page.locator("main").inner_text()
    assert "192 500,50" in main.replace("\u00a0", " "), "the grand total"
    assert budget.lines.count() == 2
    print(f"norberg-strateg, a budget with two funders: {act.count} actions")
