"""Two people save the same record at the same moment, on PostgreSQL with real transactions:
both changes land merged, or one is refused naming the other; never one silently reverted.

Each case runs ROUNDS rounds. In a round two threads, each with its own client and database
connection, open the edit page (so both start from the same version), wait at a barrier, and
post at once. The database is then read: a save answered as done must be there.
"""

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from councils.models import AgendaItem, Meeting, MinutesCheck
from plans.models import (
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Person,
    Role,
)
from reports.models import FollowUpText, MeasureReport
from reports.services import round_open
from tests.conftest import PASSWORD
from tests.html_forms import HtmlForm, form_with, main_form
from tests.minutes_helpers import present, seat_member

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
# An admin page is slow to render on a busy machine: fewer rounds keep its tests under 20 s.
ADMIN_ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are only real on PostgreSQL")


@dataclass(frozen=True)
class Edit:
    """What one of the two people changes: the posted fields, and how to see it stored."""

    user: User
    fields: dict[str, str] | Callable[[HtmlForm], dict[str, str]]
    stored: Callable[[], bool]
    # Who saved is named only to those who may read the record's history; others read
    # "Någon annan" (tests/test_conflict_names_only_to_history_readers.py).
    reads_history: bool = True
    # Which of the page's forms she posts: the main one unless another is named.
    form_of: Callable[[str], HtmlForm | None] = main_form

    def data(self, form: HtmlForm) -> dict[str, list[str]]:
        """Return what her browser posts: the page's form with her changes."""
        return form.data(**(self.fields(form) if callable(self.fields) else self.fields))


@dataclass(frozen=True)
class Outcome:
    saved: bool
    text: str


def _colleague(username: str, name: str, organisation: Organisation, kind: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=name, is_staff=True)
    Role.objects.create(user=user, organisation=organisation, kind=kind)
    return user


def _outcome(response) -> Outcome:
    """Return whether the post was saved, and what the answer said (page and messages)."""
    notes = list(messages.get_messages(response.wsgi_request))
    refused = response.status_code != 302 or any(n.level == messages.ERROR for n in notes)
    text = " ".join(str(n) for n in notes) + response.content.decode()
    return Outcome(saved=not refused, text=text)


def _excerpt(page: str) -> str:
    """Return the sentence of a page that tells why a save was refused, for a failure."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    found = re.search(r"[^.]{0,80}(sparade|ändrade|Sparat nu|kan inte)[^.]{0,120}", text)
    fields = re.findall(r"Sparat nu: ”[^”]*”", text)
    return (found.group(0) if found else text[:200]) + " " + " ".join(fields)


def _race(url: str, edits: list[Edit]) -> list[Outcome]:
    """Let both open the page, then post their edits at the same moment; return the answers."""
    barrier = threading.Barrier(len(edits))
    outcomes: list[Outcome | None] = [None] * len(edits)
    errors: list[BaseException] = []

    def run(index: int, edit: Edit) -> None:
        try:
            client = Client()
            client.force_login(edit.user)
            form = edit.form_of(client.get(url).content.decode())
            data = edit.data(form)
            barrier.wait(timeout=15)
            outcomes[index] = _outcome(client.post(url, data))
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(edits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return outcomes


def _lost(edits: list[Edit], outcomes: list[Outcome]) -> list[str]:
    """Return what went wrong in a round: a save answered as done but not stored, or a refusal
    that does not name the other person (or refuses both)."""
    wrong = []
    for edit, outcome, other in zip(edits, outcomes, reversed(edits), strict=True):
        name = other.user.first_name if edit.reads_history else "Någon annan"
        if outcome.saved and not edit.stored():
            wrong.append(f"{edit.user.first_name}'s save {edit.fields} was answered but lost")
        elif not outcome.saved and name not in outcome.text:
            said = _excerpt(outcome.text)
            wrong.append(f"{edit.user.first_name} was refused without naming {name}: {said}")
    if not any(outcome.saved for outcome in outcomes):
        wrong.append("both were refused")
    return wrong


def _rounds(
    url: str,
    edits_of_round: Callable[[int], list[Edit]],
    *,
    merged: bool = False,
    rounds: int = ROUNDS,
) -> None:
    """Race `rounds` times; fail naming every round in which a write was lost (or, with
    `merged`, in which either was refused: changes of different fields are merged)."""
    lost = {}
    for number in range(rounds):
        edits = edits_of_round(number)
        outcomes = _race(url, edits)
        wrong = _lost(edits, outcomes)
        if merged and not all(outcome.saved for outcome in outcomes):
            wrong.append("changes of different fields were not merged")
        if wrong:
            lost[number] = wrong
    assert not lost, f"{len(lost)} of {rounds} rounds went wrong: {lost}"


def _field_is(model, pk: int, name: str, value: object) -> Callable[[], bool]:
    return lambda: getattr(model._base_manager.get(pk=pk), name) == value


# --- The site's measure form ---------------------------------------------------------------


@pytest.fixture
def dora(norberg) -> User:
    return _colleague("dora", "Dora", norberg, Role.Kind.STRATEGIST)


@pytest.fixture
def anna(alice) -> User:
    alice.first_name = "Anna"
    alice.save()
    return alice


def _measure_edit(user: User, measure: Measure, name: str, value: str) -> Edit:
    return Edit(user, {name: value}, _field_is(Measure, measure.pk, name, value))


def test_two_saves_of_different_fields_of_a_measure_both_land(anna, dora, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    _rounds(
        url,
        lambda n: [
            _measure_edit(anna, measure, "target_group", f"Föräldrar {n}"),
            _measure_edit(dora, measure, "description", f"Läsning i hemmet {n}"),
        ],
        merged=True,
    )


def test_two_saves_of_the_same_field_of_a_measure_never_lose_one(anna, dora, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    _rounds(
        url,
        lambda n: [
            _measure_edit(anna, measure, "target_group", f"Föräldrar {n}"),
            _measure_edit(dora, measure, "target_group", f"Barn {n}"),
        ],
    )


# --- The admin: a measure's title and a budget's amounts ------------------------------------


def test_two_saves_of_a_measures_title_in_the_admin_never_lose_one(anna, dora, measure):
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    _rounds(
        url,
        lambda n: [
            _measure_edit(anna, measure, "title", f"Läsfrämjande insatser {n}"),
            _measure_edit(dora, measure, "title", f"Läsning för alla {n}"),
        ],
        rounds=ADMIN_ROUNDS,
    )


def test_a_title_and_a_description_saved_at_once_in_the_admin_both_land(anna, dora, measure):
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    _rounds(
        url,
        lambda n: [
            _measure_edit(anna, measure, "title", f"Läsfrämjande insatser {n}"),
            _measure_edit(dora, measure, "description", f"Läsning i hemmet {n}"),
        ],
        merged=True,
        rounds=ADMIN_ROUNDS,
    )


def _amount_edit(user: User, line: BudgetLine, funder: BudgetFunder, kronor: int) -> Edit:
    amount = Decimal(kronor)

    def cell(form: HtmlForm) -> dict[str, str]:
        row = next(name for name, value in form.fields if value == str(line.pk) and "-id" in name)
        return {row.replace("-id", f"-amount_{funder.pk}"): str(kronor)}

    return Edit(
        user,
        cell,
        lambda: BudgetAmount.objects.filter(line=line, funder=funder, amount=amount).exists(),
    )


@pytest.fixture
def grid(budget):
    """The budget's two lines (Personal, Tryck) and its one funder."""
    funder = budget.funders.get()
    personnel = budget.lines.get()
    printing = BudgetLine.objects.create(
        budget=budget, name="Tryck", kind=BudgetLine.Kind.PERSONNEL, order=1
    )
    BudgetAmount.objects.create(line=printing, funder=funder, amount=Decimal(1000))
    return personnel, printing, funder


def test_two_budget_amounts_saved_at_once_in_the_admin_never_lose_one(anna, dora, budget, grid):
    personnel, printing, funder = grid
    url = reverse("admin:plans_budget_change", args=[budget.pk])
    _rounds(
        url,
        lambda n: [
            _amount_edit(anna, personnel, funder, 360_000 + n),
            _amount_edit(dora, printing, funder, 2000 + n),
        ],
        rounds=ADMIN_ROUNDS,
    )


def test_one_budget_amount_saved_twice_at_once_in_the_admin_never_loses_one(
    anna, dora, budget, grid
):
    personnel, _printing, funder = grid
    url = reverse("admin:plans_budget_change", args=[budget.pk])
    _rounds(
        url,
        lambda n: [
            _amount_edit(anna, personnel, funder, 360_000 + n),
            _amount_edit(dora, personnel, funder, 400_000 + n),
        ],
        rounds=ADMIN_ROUNDS,
    )


# --- The minutes and an agenda item --------------------------------------------------------


@pytest.fixture
def secretaries(diana, norberg) -> tuple[User, User]:
    diana.first_name = "Diana"
    diana.save()
    return diana, _colleague("sara", "Sara", norberg, Role.Kind.SECRETARY)


@pytest.fixture
def two_items(meeting) -> tuple[AgendaItem, AgendaItem]:
    first = meeting.items.get()
    second = AgendaItem.objects.create(
        meeting=meeting, order=2, kind="information", title="Lägesbild", paragraph=2
    )
    return first, second


def _note(user: User, item: AgendaItem, text: str) -> Edit:
    return Edit(
        user, {f"arende-{item.pk}-note": text}, _field_is(AgendaItem, item.pk, "note", text)
    )


def test_two_paragraphs_of_the_minutes_saved_at_once_both_land(secretaries, meeting, two_items):
    diana, sara = secretaries
    first, second = two_items
    url = reverse("councils:minutes", args=[meeting.pk])
    _rounds(
        url,
        lambda n: [
            _note(diana, first, f"Strategen redovisade {n}."),
            _note(sara, second, f"Rådet informerades {n}."),
        ],
        merged=True,
    )


def test_one_paragraph_of_the_minutes_saved_twice_at_once_never_loses_one(
    secretaries, meeting, two_items
):
    diana, sara = secretaries
    first, _second = two_items
    url = reverse("councils:minutes", args=[meeting.pk])
    _rounds(
        url,
        lambda n: [
            _note(diana, first, f"Strategen redovisade {n}."),
            _note(sara, first, f"Uppföljningen visades {n}."),
        ],
    )


def test_adjusters_appointed_while_a_paragraph_is_saved_both_land(secretaries, meeting, two_items):
    diana, sara = secretaries
    first, _second = two_items
    adam, bea = seat_member(meeting.body, "Adam Ledamot"), seat_member(meeting.body, "Bea Ledamot")
    present(meeting, adam)
    present(meeting, bea)
    url = reverse("councils:minutes", args=[meeting.pk])

    def appoint(person: Person) -> Edit:
        adjusters = meeting.checks.filter(role=MinutesCheck.Role.ADJUSTER)
        stored = lambda: list(adjusters.values_list("person_id", flat=True)) == [person.pk]  # noqa: E731
        return Edit(diana, {"justering-adjusters": str(person.pk)}, stored)

    _rounds(
        url,
        lambda n: [appoint([adam, bea][n % 2]), _note(sara, first, f"Rådet informerades {n}.")],
        merged=True,
    )


def _item_edit(user: User, item: AgendaItem, name: str, value: str) -> Edit:
    return Edit(user, {name: value}, _field_is(AgendaItem, item.pk, name, value))


def test_a_title_and_a_text_of_an_agenda_item_saved_at_once_both_land(secretaries, meeting):
    diana, sara = secretaries
    meeting.status = Meeting.Status.PLANNED
    meeting.save()
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    _rounds(
        url,
        lambda n: [
            _item_edit(diana, item, "title", f"Uppföljning {n}"),
            _item_edit(sara, item, "text", f"Strategen redovisar {n}."),
        ],
        merged=True,
    )


def test_an_agenda_items_title_saved_twice_at_once_never_loses_one(secretaries, meeting):
    diana, sara = secretaries
    meeting.status = Meeting.Status.PLANNED
    meeting.save()
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    _rounds(
        url,
        lambda n: [
            _item_edit(diana, item, "title", f"Uppföljning {n}"),
            _item_edit(sara, item, "title", f"Handlingsplanen {n}"),
        ],
    )


# --- A follow-up report --------------------------------------------------------------------


@pytest.fixture
def report(alice, bob, measure) -> MeasureReport:
    bob.first_name = "Bob"
    bob.save()
    round_open(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=alice
    )
    return MeasureReport.objects.get(measure=measure)


@pytest.fixture
def berit(library) -> User:
    return _colleague("berit", "Berit", library, Role.Kind.REPORTER)


def _report_edit(user: User, report: MeasureReport, name: str, value: str) -> Edit:
    fields = {name: value, "action": "draft"}
    stored = _field_is(MeasureReport, report.pk, name, value)
    return Edit(user, fields, stored, reads_history=False)


def test_a_reports_text_and_status_saved_at_once_both_land(bob, berit, report):
    url = reverse("reports:report_edit", args=[report.pk])
    _rounds(
        url,
        lambda n: [
            _report_edit(bob, report, "progress", f"Läsgrupper startade {n}."),
            _report_edit(berit, report, "status", ["enligt_plan", "risk"][n % 2]),
        ],
        merged=True,
    )


def test_a_reports_text_saved_twice_at_once_never_loses_one(bob, berit, report):
    url = reverse("reports:report_edit", args=[report.pk])
    _rounds(
        url,
        lambda n: [
            _report_edit(bob, report, "progress", f"Läsgrupper startade {n}."),
            _report_edit(berit, report, "progress", f"Biblioteket öppnade {n}."),
        ],
    )


def test_a_report_saves_on_postgresql_without_a_wrapping_transaction(bob, report):
    client = Client()
    client.force_login(bob)
    url = reverse("reports:report_edit", args=[report.pk])
    data = {"loaded_version": report.version, "status": "risk", "progress": "Försenat."}
    response = client.post(url, {**data, "action": "draft"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.progress) == ("risk", "Försenat.")
    assert report.state == MeasureReport.State.DRAFT


# --- The plan editor: two strategists reorder measures at once -----------------------------


def _step_up(user: User, measure: Measure, past: Measure) -> Edit:
    """Her press on ↑ beside the measure, which her page shows just below `past`: the step
    form of her page, with the versions of both. Stored when the measure's history has her
    step and it stands above `past`, as she meant."""
    made = Measure.history.filter(id=measure.pk, history_user=user).count()

    def moved() -> bool:
        order = list(
            Measure.objects.filter(focus_area=measure.focus_area_id)
            .order_by("order", "code", "pk")
            .values_list("pk", flat=True)
        )
        stepped = Measure.history.filter(id=measure.pk, history_user=user).count() > made
        return stepped and order.index(measure.pk) < order.index(past.pk)

    return Edit(
        user,
        {"steg": "upp"},
        moved,
        form_of=lambda page: form_with(page, atgard="steg", post=f"insats-{measure.pk}"),
    )


def test_two_strategists_reordering_at_once_never_lose_a_move(anna, dora, draft_plan):
    """Anna moves A2 up while Dora moves A3 up, from the same page: both land, or the one whose
    page went stale is refused naming the other (a step from a stale page would undo the other's
    step); a move answered as done is in the measure's history."""
    url = reverse("plans:plan_editor", args=[draft_plan.pk])
    areas = []

    def round_(number: int) -> list[Edit]:
        area = FocusArea.objects.create(plan=draft_plan, number=str(number + 1), title="Område")
        areas.append(area)
        first, second, third = (
            Measure.objects.create(
                plan=draft_plan, focus_area=area, code=f"{number + 1}{c}", title=c, order=order
            )
            for order, c in enumerate("ABC")
        )
        return [_step_up(anna, second, past=first), _step_up(dora, third, past=second)]

    _rounds(url, round_)
    for area in areas:
        orders = list(area.measures.values_list("order", flat=True))
        assert len(orders) == len(set(orders)) == 3, "every measure keeps a place of its own"


# --- The strategist's text of the yearly follow-up -----------------------------------------


def _text_edit(user: User, plan, name: str, value: str) -> Edit:
    """An edit of the year's summary (a field of the text) or of the first focus area's
    analysis (a row of the page: omraden-0-…)."""

    def stored() -> bool:
        text = FollowUpText.objects.get(plan=plan, year=2025)
        if name.startswith("omraden-0-"):
            analysis = text.areas.filter(focus_area__parent=None).order_by("focus_area__order")
            return getattr(analysis.first(), name.removeprefix("omraden-0-"), None) == value
        return getattr(text, name) == value

    return Edit(user, {name: value}, stored)


@pytest.fixture
def year_text(anna, measure) -> FollowUpText:
    """The year's text as saved once before: both strategists open the same version."""
    text = FollowUpText.objects.create(plan=measure.plan, year=2025, summary="Första utkastet.")
    text.areas.create(focus_area=measure.focus_area, went_well="Läsgrupperna.")
    return text


def test_a_follow_ups_summary_and_an_areas_analysis_saved_at_once_never_lose_one(
    anna, dora, year_text
):
    plan = year_text.plan
    url = reverse("reports:follow_up_text", args=[plan.pk, 2025])
    _rounds(
        url,
        lambda n: [
            _text_edit(anna, plan, "summary", f"Ett år med bra samarbete {n}."),
            _text_edit(dora, plan, "omraden-0-next_steps", f"Fler läsgrupper {n}."),
        ],
    )


def test_a_follow_ups_summary_saved_twice_at_once_never_loses_one(anna, dora, year_text):
    plan = year_text.plan
    url = reverse("reports:follow_up_text", args=[plan.pk, 2025])
    _rounds(
        url,
        lambda n: [
            _text_edit(anna, plan, "summary", f"Ett år med bra samarbete {n}."),
            _text_edit(dora, plan, "summary", f"Ett år med personalbrist {n}."),
        ],
    )
