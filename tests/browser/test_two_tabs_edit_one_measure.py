"""Two tabs edit one measure: the second meets the conflict, loses nothing and chooses per field."""

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from plans.models import Measure
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"
FIRST = {"Insats": "Titel från första fliken", "Målgrupp": "Målgrupp från första fliken"}
SECOND = {
    "Insats": "Titel från andra fliken",
    "Målgrupp": "Målgrupp från andra fliken",
    "Beskrivning": "Beskrivning som bara andra fliken skrev.",
}
KEEP_MINE = re.compile("^Det jag skrev")
TAKE_SAVED = re.compile("^Det som är sparat nu")


def _field(tab: Page, label: str) -> Locator:
    return tab.get_by_role("textbox", name=re.compile(rf"^{label}\b"))


def _choice(tab: Page, label: str, option: re.Pattern) -> Locator:
    group = tab.get_by_role("group", name=f"Vilken version av ”{label}” ska sparas?")
    return group.get_by_role("radio", name=option)


def _fill_and_save(tab: Page, values: dict[str, str]) -> None:
    for label, value in values.items():
        _field(tab, label).fill(value)
    tab.get_by_role("button", name="Spara").click()


def _stored(measure: Measure) -> tuple:
    measure.refresh_from_db()
    return measure.title, measure.target_group, measure.description, measure.version


def _meet_the_conflict(page: Page, new_tab: Callable[..., Page], log_in) -> tuple[Page, Measure]:
    """Open 5A in two tabs, save in the first, save other values in the second: the conflict."""
    log_in(page, "norrbotten-strateg")
    measure = Measure.objects.get(plan__title=PLAN, code="5A")
    second = new_tab(beside=page)
    for tab, name in [(page, "tab1-form"), (second, "tab2-form")]:
        tab.goto(f"/insatser/{measure.pk}/andra/")
        check_page(tab, name)
    _fill_and_save(page, FIRST)
    check_page(page, "tab1-saved")
    expect(page.get_by_role("status").first).to_have_text("Insats 5A sparad.")
    _fill_and_save(second, SECOND)
    check_page(second, "tab2-conflict")
    return second, measure


def test_second_tab_sees_both_values_keeps_her_title_and_takes_the_saved_target_group(
    page, new_tab, log_in
):
    second, measure = _meet_the_conflict(page, new_tab, log_in)
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Någon har sparat ändringar medan du skrev")
    expect(alert).to_contain_text("Du själv, i en annan flik sparade ändringar")
    for label in ("Insats", "Målgrupp"):
        expect(_field(second, label)).to_have_value(SECOND[label])  # what she typed is still there
        beside = second.locator(".field", has=_field(second, label))
        expect(beside.get_by_text(f"Sparat nu: ”{FIRST[label]}”")).to_be_visible()
        expect(_choice(second, label, KEEP_MINE)).to_be_checked()
    expect(_field(second, "Beskrivning")).to_have_value(SECOND["Beskrivning"])
    expect(_choice(second, "Beskrivning", KEEP_MINE)).to_have_count(0)  # only she changed it
    assert _stored(measure) == (FIRST["Insats"], FIRST["Målgrupp"], "", 2)  # nothing saved yet

    _choice(second, "Målgrupp", TAKE_SAVED).check()
    second.get_by_role("button", name="Spara").click()
    check_page(second, "tab2-resolved")
    assert second.url.endswith("#insats-5A")
    expect(second.get_by_role("status").first).to_have_text("Insats 5A sparad.")
    expect(second.locator("#insats-5A .measure-title")).to_have_text(f"5A {SECOND['Insats']}")
    assert _stored(measure) == (
        SECOND["Insats"],
        FIRST["Målgrupp"],
        SECOND["Beskrivning"],
        3,
    )


def test_the_conflicts_way_out_opens_the_saved_version_without_posting_again(page, new_tab, log_in):
    second, measure = _meet_the_conflict(page, new_tab, log_in)
    history = measure.history.count()
    second.get_by_role("link", name=re.compile("^Öppna formuläret på nytt")).click()
    check_page(second, "tab2-reopened")

    expect(second.get_by_role("alert")).to_have_count(0)  # a plain GET: no conflict again
    expect(_field(second, "Insats")).to_have_value(FIRST["Insats"])
    expect(_field(second, "Målgrupp")).to_have_value(FIRST["Målgrupp"])
    assert _stored(measure) == (FIRST["Insats"], FIRST["Målgrupp"], "", 2)
    assert measure.history.count() == history
