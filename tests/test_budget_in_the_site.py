"""The budget in the site: a grid of lines × funders per year of the plan, amounts typed as
Swedes write them, totals as the plan document computes them, lines of the plan, a focus area
or a measure, funders from anywhere in the country; nothing written when a save is refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Plan,
)
from plans.selectors import budget_table
from tests.conftest import client_for
from tests.html_forms import main_form, snapshot

pytestmark = pytest.mark.django_db


def _url(budget: Budget) -> str:
    return reverse("plans:budget", args=[budget.plan_id, budget.year])


def _grid(client, budget: Budget):
    response = client.get(_url(budget))
    assert response.status_code == 200
    return main_form(response.content.decode())


def _post(client, budget: Budget, **changes):
    form = _grid(client, budget)
    return client.post(_url(budget), form.data(**changes))


def _cell(budget: Budget, line_name: str) -> BudgetAmount:
    return BudgetAmount.objects.get(line__budget=budget, line__name=line_name)


def _new_line_fields(budget: Budget, kind: str, **fields) -> dict[str, str]:
    """Return the first new row's fields; `amount` and `outcome` name the first funder's cells."""
    funder = budget.funders.first()
    row = {"poster-3-name": fields.pop("name", "Ny post"), "poster-3-kind": kind}
    for key, value in fields.items():
        if key in {"amount", "outcome"}:
            row[f"poster-3-{key}_{funder.pk}"] = value
        else:
            row[f"poster-3-{key}"] = str(value)
    return row


@pytest.fixture
def grid(budget, focus_area, measure) -> Budget:
    """The standing budget (2025, Norberg pays 350 000 on Personal) with an outcome."""
    BudgetAmount.objects.filter(line__budget=budget).update(outcome=Decimal("340000"))
    return budget


def test_the_grid_shows_the_totals_the_plan_document_computes(grid, alice, alingsas):
    second = BudgetFunder.objects.create(
        budget=grid,
        organisation=alingsas,
        order=1,
        rate_per_inhabitant=Decimal("21.08"),
        population=5800,
    )
    line = BudgetLine.objects.create(budget=grid, name="Omkostnad", kind="omkostnad", order=1)
    BudgetAmount.objects.create(line=line, funder=second, amount=Decimal("1234.50"))
    table = budget_table(budget=grid)
    page = client_for(alice).get(_url(grid)).content.decode()
    assert f'id="budget-totalt">{table.total:,.2f}'.replace(",", "\xa0").replace(".", ",") in page
    assert "351\xa0234,50" in page  # the grand total, 350 000 + 1 234,50
    assert "-10\xa0000" in page  # the outcome's difference: 340 000 − 350 000
    assert "122\xa0264" in page  # the grant: 21,08 kr × 5 800 invånare


def test_an_amount_typed_with_spaces_and_a_comma_is_stored_in_kronor(grid, alice):
    line = grid.lines.get()
    funder = grid.funders.get()
    field = f"poster-0-amount_{funder.pk}"
    response = _post(client_for(alice), grid, **{field: "1 234,50"})
    assert response.status_code == 302
    assert BudgetAmount.objects.get(line=line, funder=funder).amount == Decimal("1234.50")
    grid.refresh_from_db()
    assert grid.version == 2
    assert grid.history.first().history_user == alice
    assert line.amounts.get().history.first().history_user == alice


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Beloppet kan inte vara negativt."),
        ("tolv", "Ange beloppet i kronor med siffror, t.ex. 1 234,50."),
    ],
)
def test_a_negative_or_written_amount_is_refused_and_nothing_is_written(
    grid, alice, value, message
):
    funder = grid.funders.get()
    client = client_for(alice)
    form = _grid(client, grid)
    before = snapshot()
    response = client.post(
        _url(grid), form.data(**{f"poster-0-amount_{funder.pk}": value, "title": "Ändrad"})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_new_line_has_its_focus_area_measure_and_amounts_before_any_save(grid, alice, measure):
    """The admin's deadlock: a new line offers the plan's choices and amount columns at once."""
    form = _grid(client_for(alice), grid)
    funder = grid.funders.get()
    assert f"poster-3-amount_{funder.pk}" in form.all_fields
    page = client_for(alice).get(_url(grid)).content.decode()
    assert f'<option value="{measure.focus_area_id}">' in page
    assert f'<option value="{measure.pk}">' in page
    data = form.data(
        **_new_line_fields(grid, "insats", name="Läsfrämjande", measure=measure.pk, amount="5 000")
    )
    assert client_for(alice).post(_url(grid), data).status_code == 302
    line = grid.lines.get(name="Läsfrämjande")
    assert line.measure == measure
    assert line.amounts.get().amount == Decimal("5000")


@pytest.mark.parametrize("kind", ["fokusomrade", "insats"])
def test_another_plans_focus_area_or_measure_is_refused(grid, alice, norberg, kind):
    other = Plan.objects.create(
        owner=norberg, kind="strategi", title="Annan plan", start_year=2025, end_year=2026
    )
    area = FocusArea.objects.create(plan=other, number="9", title="Annat")
    other_measure = Measure.objects.create(plan=other, focus_area=area, title="Annan insats")
    chosen = {"focus_area": area.pk} if kind == "fokusomrade" else {"measure": other_measure.pk}
    client = client_for(alice)
    form = _grid(client, grid)
    before = snapshot()
    response = client.post(
        _url(grid), form.data(**_new_line_fields(grid, kind, amount="100", **chosen))
    )
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert snapshot() == before


def test_a_measure_line_must_name_its_measure(grid, alice):
    client = client_for(alice)
    form = _grid(client, grid)
    before = snapshot()
    response = client.post(_url(grid), form.data(**_new_line_fields(grid, "insats")))
    assert response.status_code == 400
    assert "Ange vilken insats posten gäller." in response.content.decode()
    assert snapshot() == before


def test_a_save_over_anothers_change_is_refused_naming_it(grid, alice, diana):
    client = client_for(alice)
    form = _grid(client, grid)
    assert _post(client_for(diana), grid, title="Dianas rubrik").status_code == 302
    funder = grid.funders.get()
    before = snapshot()
    response = client.post(_url(grid), form.data(**{f"poster-0-amount_{funder.pk}": "1"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "diana" in page.lower()
    assert snapshot() == before


def test_a_new_budget_for_a_year_of_the_period(draft_plan, alice):
    url = reverse("plans:budget_new", args=[draft_plan.pk])
    client = client_for(alice)
    page = client.get(url).content.decode()
    assert '<option value="2026">' in page
    response = client.post(url, {"year": "2026", "title": ""})
    assert response.status_code == 302
    budget = Budget.objects.get(plan=draft_plan, year=2026)
    assert response.url == _url(budget)
    assert budget.history.get().history_user == alice
    before = snapshot()
    assert client.post(url, {"year": "2031"}).status_code == 400
    assert snapshot() == before


def test_a_funder_from_another_county_is_found_by_search_and_added(grid, alice, library):
    region = Organisation.objects.create(name="Region Västmanland", kind="region")
    url = reverse("plans:budget_funder_new", args=[grid.plan_id, grid.year])
    unsearched = client_for(alice).get(url).content.decode()
    assert "Biblioteket" in unsearched  # her own tree first
    assert "Region Västmanland" not in unsearched  # the country only when searched
    searched = client_for(alice).get(url, {"sok": "västman"}).content.decode()
    assert "Region Västmanland" in searched
    form = main_form(searched)
    response = client_for(alice).post(
        url, form.data(organisation=str(region.pk), rate_per_inhabitant="21,08", population="5800")
    )
    assert response.status_code == 302
    funder = grid.funders.get(organisation=region)
    assert funder.grant == Decimal("122264.00")
    grid.refresh_from_db()
    assert grid.version == 2


def test_a_funder_is_added_only_once(grid, alice, norberg):
    url = reverse("plans:budget_funder_new", args=[grid.plan_id, grid.year])
    client = client_for(alice)
    before = snapshot()
    response = client.post(
        url, {"organisation": str(norberg.pk), "loaded_version": str(grid.version)}
    )
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    ("user", "get", "post"),
    [("alice", 200, 302), ("diana", 200, 302), ("bob", 200, 403), ("charlie", 404, 404)],
)
def test_editors_change_readers_read_others_see_nothing(grid, request, user, get, post):
    client = client_for(request.getfixturevalue(user))
    assert client.get(_url(grid)).status_code == get
    funder = grid.funders.get()
    before = snapshot()
    response = client.post(_url(grid), {f"poster-0-amount_{funder.pk}": "1", "title": "x"})
    if post == 302:
        return
    assert response.status_code == post
    assert snapshot() == before


def test_anothers_organisations_plan_is_not_found(grid, charlie):
    for name, args in [
        ("plans:budget", [grid.plan_id, grid.year]),
        ("plans:budget_new", [grid.plan_id]),
        ("plans:budget_funder_new", [grid.plan_id, grid.year]),
    ]:
        assert client_for(charlie).get(reverse(name, args=args)).status_code == 404


def _queries(client, budget: Budget) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(budget)).status_code == 200
    return len(captured)


def test_the_grid_takes_as_many_queries_for_many_lines_as_for_few(grid, alice, measure):
    client = client_for(alice)
    funder = grid.funders.get()

    def add_lines(count: int) -> None:
        for i in range(count):
            line = BudgetLine.objects.create(
                budget=grid, name=f"Post {i}", kind="insats", measure=measure, order=i + 1
            )
            BudgetAmount.objects.create(line=line, funder=funder, amount=Decimal(i))

    add_lines(2)
    few = _queries(client, grid)
    add_lines(20)
    assert _queries(client, grid) == few


def test_a_copied_plan_keeps_its_measure_lines_on_the_copied_measures(grid, alice, measure):
    from plans.services import plan_start

    BudgetLine.objects.create(budget=grid, name="Läsombud", kind="insats", measure=measure)
    copy = Plan(
        owner=grid.plan.owner, kind="verksamhetsplan", title="Ny", start_year=2026, end_year=2026
    )
    plan_start(
        plan=copy,
        user=alice,
        source=grid.plan,
        parts=["focus_areas", "results", "measures", "budgets"],
    )
    line = BudgetLine.objects.get(budget__plan=copy, kind="insats")
    assert line.measure.plan == copy
    assert line.measure.title == measure.title


def test_the_admins_new_budget_offers_the_chosen_plans_focus_areas_and_measures(
    superuser, draft_plan, focus_area, measure
):
    """The admin's trap: a new budget's line offered no focus area until the budget was saved.
    With the plan in the address, or posted (a refused first save), they are offered."""
    url = reverse("admin:plans_budget_add")
    page = client_for(superuser).get(url, {"plan": draft_plan.pk}).content.decode()
    assert f'<option value="{focus_area.pk}">' in page
    assert f'<option value="{measure.pk}">' in page
    empty = client_for(superuser).get(url).content.decode()
    assert f'<option value="{focus_area.pk}">' not in empty


def test_a_funder_added_over_anothers_change_is_refused_naming_it(grid, alice, diana, alingsas):
    url = reverse("plans:budget_funder_new", args=[grid.plan_id, grid.year])
    client = client_for(alice)
    form = main_form(client.get(url, {"sok": "Alingsås"}).content.decode())
    assert _post(client_for(diana), grid, title="Dianas rubrik").status_code == 302
    before = snapshot()
    response = client.post(url, form.data(organisation=str(alingsas.pk)))
    assert response.status_code == 400
    assert "diana" in response.content.decode().lower()
    assert snapshot() == before


def test_the_admins_new_budget_goes_on_to_its_grid_with_a_column_per_funder(
    superuser, draft_plan, norberg
):
    """The admin's other trap: amount columns appear only once a funder is saved. The add page
    says so, and its save goes on to the budget's grid, where they are."""
    client = client_for(superuser)
    url = reverse("admin:plans_budget_add")
    page = client.get(url, {"plan": draft_plan.pk}).content.decode()
    assert "då visas en kolumn för belopp och utfall per finansiär" in page
    form = main_form(page)
    response = client.post(
        url,
        form.data(
            plan=str(draft_plan.pk),
            year="2026",
            # The row her "Lägg till" makes from the page's template row.
            **{
                "funders-TOTAL_FORMS": "1",
                "funders-0-organisation": str(norberg.pk),
                "funders-0-order": "0",
            },
        ),
    )
    budget = Budget.objects.get(plan=draft_plan, year=2026)
    assert response["Location"] == reverse("admin:plans_budget_change", args=[budget.pk])
    funder = budget.funders.get()
    grid = client.get(response["Location"]).content.decode()
    assert f'name="lines-__prefix__-amount_{funder.pk}"' in grid  # each new line has it
