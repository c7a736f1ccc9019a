""" "Ny plan": a strategist starts a plan, empty or as a copy of a plan she may read; the copy
is one transaction, keeps codes, nesting, actors and tags, and never the follow-up."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Plan,
    Responsibility,
    Result,
    Tag,
)
from plans.services import plan_start
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for
from tests.html_forms import snapshot

pytestmark = pytest.mark.django_db

URL = reverse("plans:plan_new")
ALL_PARTS = ["focus_areas", "results", "measures", "budgets"]


def _post(owner, **changes) -> dict:
    data = {
        "owner": owner.pk,
        "kind": Plan.Kind.OPERATIONS_PLAN,
        "title": "Verksamhetsplan 2027",
        "start_year": 2027,
        "end_year": 2027,
        "parent": "",
        "source": "",
        "parts": ALL_PARTS,
    }
    data.update(changes)
    return data


def _next_year(owner) -> Plan:
    """Return a new (unsaved) operations plan for 2026."""
    return Plan(owner=owner, kind="verksamhetsplan", title="Ny", start_year=2026, end_year=2026)


def _source(plan: Plan, library, norberg, alingsas, *, measures: int = 1) -> Plan:
    """Fill the plan: a focus area with an arena below it, a result, measures with a lead actor,
    a partner and tags, a status, a follow-up report, and a budget with an amount."""
    area = FocusArea.objects.create(plan=plan, number="1", title="Barn och unga")
    arena = FocusArea.objects.create(plan=plan, parent=area, number="2", title="Förskolan")
    result = Result.objects.create(focus_area=arena, number=3, title="Fler barn läser")
    tags = [Tag.objects.get_or_create(name=name)[0] for name in ("Färdplan 2035", "ANDT")]
    for n in range(measures):
        measure = Measure.objects.create(
            plan=plan,
            focus_area=arena,
            result=result,
            code=f"{n + 1}A",
            order=n,
            title=f"Läsombud {n}",
            target_group="Barn 1–5 år",
            status=Measure.Status.ONGOING,
        )
        measure.tags.set(tags)
        Responsibility.objects.create(
            measure=measure, organisation=library, role=Responsibility.Role.LEAD
        )
        Responsibility.objects.create(
            measure=measure,
            organisation=alingsas,
            role=Responsibility.Role.PARTNER,
            cooperation=Responsibility.Cooperation.DESIRABLE,
        )
    round_ = FollowUpRound.objects.create(
        plan=plan, year=plan.start_year, due_on=datetime.date(2026, 1, 31)
    )
    MeasureReport.objects.create(round=round_, measure=measure, status="enligt_plan")
    budget = Budget.objects.create(plan=plan, year=plan.start_year, title="Folkhälsobudget")
    funder = BudgetFunder.objects.create(budget=budget, organisation=norberg, order=0)
    line = BudgetLine.objects.create(
        budget=budget, name="Förskolan", kind=BudgetLine.Kind.FOCUS_AREA, focus_area=arena
    )
    BudgetAmount.objects.create(line=line, funder=funder, amount=Decimal("50000"))
    return plan


def test_an_empty_plan_is_made_as_a_draft_with_her_name_in_its_history(alice, norberg):
    response = client_for(alice).post(URL, _post(norberg), follow=True)
    plan = Plan.objects.get(title="Verksamhetsplan 2027")
    assert response.redirect_chain == [(reverse("plans:plan_detail", args=[plan.pk]), 302)]
    assert "Planen skapades som ett tomt utkast." in response.content.decode()
    assert plan.status == Plan.Status.DRAFT and plan.owner == norberg
    assert plan.history.get().history_user == alice
    assert not plan.focus_areas.exists()


def test_a_copy_keeps_codes_nesting_actors_and_tags_but_no_status_or_follow_up(
    alice, norberg, library, alingsas, draft_plan
):
    source = _source(draft_plan, library, norberg, alingsas)
    response = client_for(alice).post(
        URL, _post(norberg, source=source.pk, start_year=2026, end_year=2026), follow=True
    )
    assert (
        "Planen skapades med 2 fokusområden, 1 resultat, 1 insats, 2 ansvariga aktörer och "
        "1 budgetpost." in response.content.decode()
    )
    plan = Plan.objects.get(title="Verksamhetsplan 2027")
    arena = plan.focus_areas.get(parent__isnull=False)
    assert (arena.parent.number, arena.number, arena.full_number) == ("1", "2", "1.2")
    measure = plan.measures.get()
    assert (measure.code, measure.target_group, measure.status) == ("1A", "Barn 1–5 år", "")
    assert measure.focus_area == arena and measure.result.focus_area == arena
    assert measure.result.number == 3
    actors = {(r.organisation, r.role, r.cooperation) for r in measure.responsibilities.all()}
    assert actors == {
        (library, "huvudaktor", ""),
        (alingsas, "samverkanspart", "onskvard"),
    }
    assert {t.name for t in measure.tags.all()} == {"Färdplan 2035", "ANDT"}
    assert not MeasureReport.objects.filter(measure=measure).exists()
    assert not plan.follow_up_rounds.exists()
    # Every record made has a history row naming her, and the measure's holds its tags.
    created = measure.history.get()
    assert created.history_user == alice and created.history_type == "+"
    assert {row.tag.name for row in created.tags.all()} == {"Färdplan 2035", "ANDT"}
    made = {FocusArea: 2, Result: 1, Responsibility: 2, Budget: 1, BudgetFunder: 1, BudgetLine: 1}
    for model, count in made.items():
        assert model.history.filter(history_user=alice, history_type="+").count() == count
    # The budget moves with the plan's start, funders and lines without amounts.
    budget = plan.budgets.get()
    assert (budget.year, budget.title) == (2026, "Folkhälsobudget")
    assert [f.organisation for f in budget.funders.all()] == [norberg]
    line = budget.lines.get()
    assert (line.name, line.focus_area) == ("Förskolan", arena)
    assert not BudgetAmount.objects.filter(line__budget=budget).exists()
    history = client_for(alice).get(reverse("plans:plan_history", args=[plan.pk]))
    assert 'skapade insats ”<span lang="sv">1A Läsombud 0</span>”' in history.content.decode()
    # The source is as it was.
    assert draft_plan.measures.get().status == Measure.Status.ONGOING


def test_measures_without_their_focus_areas_are_refused_and_nothing_is_written(
    alice, norberg, library, alingsas, draft_plan
):
    source = _source(draft_plan, library, norberg, alingsas)
    client = client_for(alice)
    before = snapshot()
    response = client.post(URL, _post(norberg, source=source.pk, parts=["measures", "results"]))
    assert response.status_code == 400
    assert "kryssa i fokusområden också" in response.content.decode()
    assert snapshot() == before


def test_budget_lines_of_focus_areas_need_the_focus_areas(
    alice, norberg, library, alingsas, draft_plan
):
    source = _source(draft_plan, library, norberg, alingsas)
    client = client_for(alice)
    before = snapshot()
    response = client.post(
        URL, _post(norberg, source=source.pk, parts=["budgets"], start_year=2025)
    )
    assert response.status_code == 400
    assert "kan bara kopieras tillsammans med fokusområdena" in response.content.decode()
    assert snapshot() == before


def test_a_plan_implements_a_plan_of_a_broader_kind(alice, norberg, draft_plan):
    client = client_for(alice)
    before = snapshot()
    response = client.post(URL, _post(norberg, kind=Plan.Kind.STRATEGY, parent=draft_plan.pk))
    assert response.status_code == 400
    assert "En strategi kan inte genomföra en handlingsplan." in response.content.decode()
    assert snapshot() == before
    client.post(URL, _post(norberg, parent=draft_plan.pk))
    assert Plan.objects.get(title="Verksamhetsplan 2027").parent == draft_plan


def test_another_organisations_drafts_and_organisations_are_not_offered(
    charlie, norberg, draft_plan, adopted_plan
):
    client = client_for(charlie)
    page = client.get(URL).content.decode()
    assert draft_plan.title not in page
    assert f'value="{norberg.pk}"' not in page
    # A published plan is anyone's to read, so to copy (and to implement).
    assert adopted_plan.title in page
    for field in ("source", "parent"):
        before = snapshot()
        data = _post(charlie.roles.get().organisation, **{field: draft_plan.pk})
        assert client.post(URL, data).status_code == 400
        assert snapshot() == before
    before = snapshot()
    assert client.post(URL, _post(norberg)).status_code == 400
    assert snapshot() == before
    client.post(URL, _post(charlie.roles.get().organisation, source=adopted_plan.pk))
    assert Plan.objects.filter(title="Verksamhetsplan 2027", owner__name="Alingsås kommun").exists()


def test_a_reporter_is_refused_and_anonymous_is_sent_to_log_in(bob, norberg, adopted_plan):
    assert client_for(bob).get(URL).status_code == 403
    assert client_for(bob).post(URL, _post(norberg)).status_code == 403
    response = client_for(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    home = client_for(bob).get(reverse("plans:home")).content.decode()
    assert URL not in home
    page = client_for(bob).get(reverse("plans:plan_detail", args=[adopted_plan.pk]))
    assert URL not in page.content.decode()


def test_the_links_lead_to_the_form_with_the_plan_to_copy_chosen(alice, adopted_plan):
    client = client_for(alice)
    assert URL in client.get(reverse("plans:home")).content.decode()
    page = client.get(reverse("plans:plan_detail", args=[adopted_plan.pk])).content.decode()
    link = f"{URL}?kopia={adopted_plan.pk}"
    assert link in page
    form = client.get(link).context["form"]
    assert form["source"].value() == adopted_plan.pk
    assert (form["start_year"].value(), form["end_year"].value()) == (2027, 2031)


def test_the_copy_is_all_or_nothing(alice, norberg, library, alingsas, draft_plan, monkeypatch):
    source = _source(draft_plan, library, norberg, alingsas)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "_copy_budgets", broken)
    before = snapshot()
    plan = _next_year(norberg)
    with pytest.raises(RuntimeError):
        plan_start(plan=plan, user=alice, source=source, parts=ALL_PARTS)
    assert snapshot() == before


def test_the_copys_queries_do_not_grow_with_its_measures(
    alice, norberg, library, alingsas, draft_plan
):
    counts = []
    for size in (2, 12):
        source = Plan.objects.create(
            owner=norberg, kind="verksamhetsplan", title=f"{size}", start_year=2025, end_year=2025
        )
        _source(source, library, norberg, alingsas, measures=size)
        plan = _next_year(norberg)
        with CaptureQueriesContext(connection) as queries:
            made = plan_start(plan=plan, user=alice, source=source, parts=ALL_PARTS)
        assert made["measures"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
