"""Region Dalarna's strategist opens round 2 of Samlingen's prioritisation for three raters,
two of them score every candidate by keyboard, she closes the round, reads the ranking and the
resources-against-effect picture, and turns the top six of theme 1 into a new plan (issue 21).

Two tests, each from the demo as it stood before round 2: the round opened, scored and closed in
the browser; then the ranking and the decision, after the same round made through the services."""

import datetime
import re

from django.contrib.auth.models import User
from playwright.sync_api import Page

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Measure, Plan, Prioritisation, Rater, Rating, Round
from plans.prioritisation.services import SheetInput, round_close, round_open, scores_save
from tests.browser.conftest import check_page, focus_ring
from tests.browser.keyboard import MIN_CONTRAST, focused_name, press_and_land, tab_to

TITLE = "Samlingens första fas, prioritering av direkta åtgärder"
THEME_ONE = "Temaområde 1. Ge alla barn en bra start i livet"
STRATEGIST = "dalarna-strateg"
RATERS = {
    "falun-strateg": "Cecilia Demo (Falu kommun)",
    "borlange-rapportor": "David Demo (Borlänge kommun)",
    "mora-lasare": "Greta Demo (Mora kommun)",
}
ROUND_TITLE = "Verksamhetsansvariga: ett andra steg om barns start i livet"
COMMENT = "Familjecentralerna når de familjer som behöver stödet mest."
PLAN_TITLE = "Handlingsplan för en bra start i livet 2027–2030"
# The fields of a rater's sheet in the order the page has them (and Tab reaches them).
SHEET_FIELDS = """els => els.map(e => ({
  id: e.id, kind: e.tagName, other: e.closest('fieldset').querySelector('legend')
    .innerText.startsWith('Övrigt förslag')}))"""


def _field(page: Page, label: str):
    """Return the form field with the label (Django writes it with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _before_round_two() -> Prioritisation:
    """Take the demo back to where round 1 had closed: no round 2, nothing decided."""
    prioritisation = Prioritisation.objects.get(title=TITLE)
    Round.objects.filter(prioritisation=prioritisation, number=2).delete()
    Prioritisation.objects.filter(pk=prioritisation.pk).update(
        decided_by="", decided_on=None, decision_reference="", plan=None
    )
    prioritisation.candidates.update(measure=None, focus_area=None)
    for user in User.objects.filter(username__in=[STRATEGIST, *RATERS]):
        user.set_password(DEMO_PASSWORD)
        user.save()
    return prioritisation


def _round_two_scored_and_closed(prioritisation: Prioritisation) -> None:
    """Open round 2 over theme 1 for the three raters, let two score everything (5 for the
    named areas, 2 for the other proposals) and close it, as the first test does by hand."""
    users = {u.username: u for u in User.objects.filter(username__in=[STRATEGIST, *RATERS])}
    round_ = round_open(
        round_=Round(prioritisation=prioritisation, title=ROUND_TITLE),
        raters=[(users[name], "verksamhetsansvariga") for name in RATERS],
        candidates=prioritisation.candidates.filter(theme__number=1),
        user=users[STRATEGIST],
    )
    criteria = list(prioritisation.criteria.values_list("pk", flat=True))
    for rater in Rater.objects.filter(round=round_, user__username__in=list(RATERS)[:2]):
        scores_save(
            rater=rater,
            sheets=[
                SheetInput(
                    candidate=c.pk, scores=dict.fromkeys(criteria, 5 if c.number else 2), comment=""
                )
                for c in round_.candidates.all()
            ],
        )
    round_close(round_=round_, expected_version=round_.version, user=users[STRATEGIST])


def _tick_only(page: Page, legend: str, wanted) -> None:
    """Tick the group's boxes whose label is wanted, untick the others (the form offers the
    last round's choices)."""
    boxes = page.get_by_role("group", name=legend).get_by_role("checkbox")
    states = boxes.evaluate_all("els => els.map(e => [e.labels[0].innerText.trim(), e.checked])")
    for index, (label, checked) in enumerate(states):
        if wanted(label) != checked:
            boxes.nth(index).click()


def _open_round(page: Page) -> None:
    """Title the round, narrow it to theme 1, name the three raters and open it."""
    page.get_by_role("link", name="Öppna en ny omgång").click()
    check_page(page, "prioritisation-round-new")
    _field(page, "Rubrik").fill(ROUND_TITLE)
    _field(page, "Bedömarna deltar i egenskap av").fill("verksamhetsansvariga")
    _tick_only(page, "Åtgärdsområden att poängsätta", lambda label: label.startswith("1. "))
    _tick_only(page, "Bedömare", lambda label: label in RATERS.values())
    page.get_by_role("button", name="Öppna omgången").click()
    check_page(page, "prioritisation-round-opened")


def _score_by_keyboard(page: Page, *, high: str, comment: str = "") -> None:
    """Reach every score with Tab and choose it by its digit (the other proposals get 2, the
    named ones `high`), type the comment on the first candidate, and save with Enter."""
    fields = page.locator("main form select, main form textarea").evaluate_all(SHEET_FIELDS)
    first_comment = next(i for i, f in enumerate(fields) if f["kind"] == "TEXTAREA")
    tab_to(page, page.locator(f"label[for='{fields[0]['id']}']").inner_text().strip())
    for index, field in enumerate(fields):
        if index:
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == field["id"]
        if field["kind"] == "SELECT":
            page.keyboard.press("2" if field["other"] else high)
        elif comment and index == first_comment:
            page.keyboard.type(comment)
        assert focus_ring(page) >= MIN_CONTRAST, f"focus ring on {field['id']}"
    chosen = page.locator("main form select").evaluate_all("els => els.map(e => e.value)")
    assert chosen == ["2" if f["other"] else high for f in fields if f["kind"] == "SELECT"]
    page.keyboard.press("Tab")
    assert focused_name(page) == "Spara poängen" and focus_ring(page) >= MIN_CONTRAST
    press_and_land(page)


def _rater_opens_her_sheet(new_tab, log_in, username: str, *, by_overview: bool) -> Page:
    """Log the rater in (a browser of her own) and let her find her sheet from the menu: by
    the prioritisation's overview ("Dina poäng"), or straight from the list."""
    tab = new_tab()
    log_in(tab, username)
    tab.get_by_role("navigation").get_by_role("link", name="Prioriteringar").click()
    check_page(tab, f"prioritisation-list-{username}")
    if by_overview:
        tab.get_by_role("link", name=TITLE, exact=True).click()
        check_page(tab, f"prioritisation-{username}")
        tab.get_by_role("link", name="Dina poäng").click()
    else:  # the list names what she has to score
        to_score = tab.get_by_role("region", name="Att poängsätta")
        to_score.get_by_role("link", name=re.compile(rf"^{re.escape(TITLE)}: Omgång 2")).click()
    check_page(tab, f"prioritisation-sheet-{username}")
    return tab


def _theme_one(page: Page):
    """Return theme 1's section of the ranking."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=THEME_ONE))


def _top_six_of_theme_one(page: Page) -> list[str]:
    """Return the candidates ranked 1–6 in theme 1, as the ranking's table names them."""
    top = []
    for row in _theme_one(page).locator("tbody tr").all():
        place = int(row.locator("td").first.inner_text().split()[0])
        if place <= 6:
            top.append(row.locator("th").inner_text().strip())
    return top


def test_strategist_opens_round_two_and_two_raters_score_it_by_keyboard(page, log_in, new_tab):
    prioritisation = _before_round_two()
    log_in(page, STRATEGIST)
    page.get_by_role("navigation").get_by_role("link", name="Prioriteringar").click()
    check_page(page, "prioritisation-list")
    page.get_by_role("link", name=TITLE, exact=True).click()
    check_page(page, "prioritisation-detail")
    _open_round(page)
    assert "0 av 3 bedömare har poängsatt allt" in page.locator("#antal").inner_text()
    round_ = prioritisation.rounds.get(status=Round.Status.OPEN)
    theme_one = set(prioritisation.candidates.filter(theme__number=1))
    assert set(round_.candidates.all()) == theme_one and round_.rater_rows.count() == 3

    first = _rater_opens_her_sheet(new_tab, log_in, "falun-strateg", by_overview=True)
    _score_by_keyboard(first, high="5", comment=COMMENT)
    check_page(first, "prioritisation-scored-falun")
    assert "Du har poängsatt alla åtgärdsområden." in first.get_by_role("status").first.inner_text()
    second = _rater_opens_her_sheet(new_tab, log_in, "borlange-rapportor", by_overview=False)
    assert COMMENT not in second.content(), "nobody sees another's comment before the close"
    _score_by_keyboard(second, high="4")
    check_page(second, "prioritisation-scored-borlange")

    page.reload()
    check_page(page, "prioritisation-round-two-of-three")
    assert "2 av 3 bedömare har poängsatt allt" in page.locator("#antal").inner_text()
    page.get_by_role("button", name="Stäng omgången").click()
    check_page(page, "prioritisation-round-closed")
    assert Rating.objects.get(rater__round=round_, comment__gt="").comment == COMMENT
    assert page.get_by_role("link", name="Sammanvägd rangordning").is_visible()


def test_strategist_reads_the_ranking_and_turns_the_top_six_of_theme_one_into_a_plan(page, log_in):
    prioritisation = _before_round_two()
    _round_two_scored_and_closed(prioritisation)
    log_in(page, STRATEGIST)
    page.get_by_role("navigation").get_by_role("link", name="Prioriteringar").click()
    check_page(page, "prioritisation-list-after-round-two")
    page.get_by_role("link", name=TITLE, exact=True).click()
    check_page(page, "prioritisation-detail-after-round-two")
    page.get_by_role("link", name="Rangordning", exact=True).click()
    check_page(page, "prioritisation-ranking")  # at 1280 px, and again at 390 px
    method = page.get_by_role("region", name="Så har rangordningen räknats").inner_text()
    assert f"Omgång 2: {ROUND_TITLE}" in method, "the ranking merges the new round"
    assert "Tydlig topplista: de 6 främsta" in _theme_one(page).locator(".pattern").inner_text()
    assert page.get_by_role("img", name="Resurser mot förväntad effekt").is_visible()
    assert page.locator("#bild-tabell").get_by_role("row").count() > 1
    top_six = _top_six_of_theme_one(page)
    assert len(top_six) == 6 and not any("Övrigt förslag" in title for title in top_six)

    page.get_by_role("link", name="Beslut till plan").click()
    check_page(page, "prioritisation-decision")
    for title in top_six:
        page.get_by_role(
            "checkbox", name=re.compile(rf"^1\. {re.escape(title)} – plats [1-6]")
        ).check()
    page.get_by_role("radio", name="insatser, under ett fokusområde per tema").check()
    _field(page, "Den nya planens titel").fill(PLAN_TITLE)
    _field(page, "Startår").fill("2027")
    _field(page, "Slutår").fill("2030")
    _field(page, "Beslutande organ").fill("Samlingens styrgrupp")
    _field(page, "Beslutsdatum").fill("2026-09-15")
    _field(page, "Diarienummer").fill("RD 2026/214")
    page.get_by_role("button", name="Registrera beslutet och skapa posterna").click()
    check_page(page, "prioritisation-plan")
    assert page.get_by_role("heading", level=1).inner_text() == PLAN_TITLE
    shown = page.locator("li.measure .measure-title").all_inner_texts()
    assert all(any(title.split(". ", 1)[1] in m for m in shown) for title in top_six)

    plan = Plan.objects.get(title=PLAN_TITLE)
    chosen = prioritisation.candidates.filter(measure__plan=plan).select_related("measure")
    assert sorted(str(c) for c in chosen) == sorted(top_six)
    assert all(c.measure.title == c.title for c in chosen)
    assert Measure.objects.filter(plan=plan).count() == 6
    prioritisation.refresh_from_db()
    assert (prioritisation.plan, prioritisation.decided_by, prioritisation.decision_reference) == (
        plan,
        "Samlingens styrgrupp",
        "RD 2026/214",
    )
    assert prioritisation.decided_on == datetime.date(2026, 9, 15)
