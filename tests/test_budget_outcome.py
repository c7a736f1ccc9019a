"""Budget outcome (utfall) beside the budget per line and funder, and grants per inhabitant."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.models import BudgetAmount, BudgetFunder
from plans.selectors import budget_table
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def _grid_post(user, budget, **changes) -> object:
    """Post the budget's admin page as shown, with the given fields changed."""
    url = reverse("admin:plans_budget_change", args=[budget.pk])
    client = client_for(user)
    form = main_form(client.get(url).content.decode())
    return client.post(url, form.data(**changes))


def test_outcome_typed_in_the_grid_is_saved_beside_the_budget(alice, budget):
    funder, line = budget.funders.get(), budget.lines.get()
    response = _grid_post(alice, budget, **{f"lines-0-outcome_{funder.pk}": "362 500,50"})
    assert response.status_code == 302
    cell = BudgetAmount.objects.get(line=line, funder=funder)
    assert (cell.amount, cell.outcome) == (Decimal("350000"), Decimal("362500.50"))


def test_negative_outcome_is_refused_in_swedish_and_nothing_is_saved(alice, budget):
    funder = budget.funders.get()
    response = _grid_post(alice, budget, **{f"lines-0-outcome_{funder.pk}": "-5"})
    assert response.status_code == 200
    assert "Beloppet kan inte vara negativt." in response.content.decode()
    assert BudgetAmount.objects.get().outcome is None


def test_database_refuses_a_negative_outcome(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAmount.objects.update(outcome=Decimal("-1"))


def test_plan_page_shows_budget_outcome_and_difference(alice, budget, alingsas):
    region = BudgetFunder.objects.create(budget=budget, organisation=alingsas, order=1)
    line = budget.lines.get()
    BudgetAmount.objects.filter(line=line).update(outcome=Decimal("340000"))
    BudgetAmount.objects.create(line=line, funder=region, amount=0, outcome=Decimal("12000"))
    table = budget_table(budget=budget)
    cells = table.outcome_rows[0][1]
    assert [c.difference for c in cells] == [Decimal("-10000"), Decimal("12000")]
    html = client_for(alice).get(reverse("plans:plan_detail", args=[budget.plan_id])).content
    html = html.decode()
    assert "Utfall 2025" in html and "Skillnad" in html
    assert "-10\xa0000" in html and "340\xa0000" in html


def test_budget_without_outcome_shows_no_outcome_table(alice, budget):
    html = client_for(alice).get(reverse("plans:plan_detail", args=[budget.plan_id])).content
    assert "Utfall 2025" not in html.decode()
    assert not budget_table(budget=budget).has_outcome


@pytest.mark.parametrize(
    ("share", "grant"), [(50, "43214.00"), (100, "86428.00"), (None, "86428.00")]
)
def test_grant_per_inhabitant_is_rate_times_population_times_share(budget, share, grant):
    # Seed 001: 21,08 kr per inhabitant; half the sum in 2023, the whole from 2024.
    funder = budget.funders.get()
    funder.rate_per_inhabitant, funder.population, funder.share = Decimal("21.08"), 4100, share
    assert funder.grant == Decimal(grant)


def test_plan_page_explains_the_grant(alice, budget):
    budget.funders.update(rate_per_inhabitant=Decimal("21.08"), population=4100, share=50)
    html = client_for(alice).get(reverse("plans:plan_detail", args=[budget.plan_id])).content
    assert "21,08 kr per invånare × 4\xa0100 invånare × 50 % = 43\xa0214 kr" in html.decode()


def test_rate_needs_its_population_and_share_is_at_most_whole(budget):
    funder = budget.funders.get()
    funder.rate_per_inhabitant = Decimal("21.08")
    with pytest.raises(ValidationError, match="både kronor per invånare och antalet invånare"):
        funder.full_clean()
    funder.population, funder.share = 4100, 150
    with pytest.raises(ValidationError, match="högst 100"):
        funder.full_clean()
