"""The admin reads as the documents do: trees in order, amounts in Swedish, labels in Swedish."""

from decimal import Decimal

import pytest
from django.urls import reverse

from plans.admin.budgets import BudgetLineForm
from plans.models import BudgetAmount, BudgetFunder, FocusArea, Organisation
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_organisations_are_listed_as_an_indented_tree(superuser, library, alingsas):
    Organisation.objects.create(name="Arkivet", parent=library.parent)
    rows = client_for(superuser).get(reverse("admin:plans_organisation_changelist"))
    names = [row.name for row in rows.context["cl"].result_list]
    assert names == ["Alingsås kommun", "Norbergs kommun", "Arkivet", "Biblioteket"]
    assert "\u2003Biblioteket" in rows.content.decode()


def test_focus_areas_are_in_document_order_in_the_list_and_on_the_plan(superuser, draft_plan):
    one = FocusArea.objects.create(plan=draft_plan, number="1", title="Ett", order=0)
    two = FocusArea.objects.create(plan=draft_plan, number="2", title="Två", order=1)
    FocusArea.objects.create(plan=draft_plan, parent=two, number="2", title="Två två", order=1)
    FocusArea.objects.create(plan=draft_plan, parent=two, number="1", title="Två ett", order=0)
    FocusArea.objects.create(plan=draft_plan, number="3", title="Tre", order=2)
    client = client_for(superuser)
    listed = client.get(reverse("admin:plans_focusarea_changelist")).context["cl"].result_list
    assert [area.full_number for area in listed] == ["1", "2", "2.1", "2.2", "3"]
    page = client.get(reverse("admin:plans_plan_change", args=[draft_plan.pk]))
    rows = page.context["inline_admin_formsets"][0].formset.forms
    assert [form.instance.full_number for form in rows] == ["1", "2", "2.1", "2.2", "3"]
    assert one.full_number == "1"


def test_budget_amounts_show_in_swedish_notation_with_totals(superuser, budget):
    line = budget.lines.get()
    BudgetAmount.objects.filter(line=line).update(amount=Decimal("1234567.50"))
    text = client_for(superuser).get(reverse("admin:plans_budget_change", args=[budget.pk]))
    body = text.content.decode()
    assert 'value="1 234 567,50"' in body  # the cell
    assert "1 234 567,50 kr" in body  # the funder's column total and the budget's total
    assert "field-line_total" in body


@pytest.mark.parametrize("typed", ["1 234,50", "1234,50", "1\u00a0234,50", "1234.50"])
def test_amounts_typed_in_swedish_notation_are_accepted(budget, typed):
    funder = BudgetFunder.objects.get(budget=budget)
    form = _line_form(budget, funder, typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data[f"amount_{funder.pk}"] == Decimal("1234.50")


@pytest.mark.parametrize("typed", ["tusen", "1,2,3", "12 kr", "1.234,50"])
def test_garbage_amount_is_refused_in_swedish(budget, typed):
    funder = BudgetFunder.objects.get(budget=budget)
    form = _line_form(budget, funder, typed)
    assert not form.is_valid()
    assert form.errors[f"amount_{funder.pk}"] == [
        "Ange beloppet i kronor med siffror, t.ex. 1 234,50."
    ]


def test_negative_amount_is_refused_in_swedish(budget):
    funder = BudgetFunder.objects.get(budget=budget)
    form = _line_form(budget, funder, "-5")
    assert form.errors[f"amount_{funder.pk}"] == ["Beloppet kan inte vara negativt."]


def test_login_throttling_is_named_in_swedish(superuser):
    text = client_for(superuser).get(reverse("admin:index")).content.decode()
    assert "Inloggningsspärr" in text and "Inloggningsförsök" in text
    assert "Inloggningsloggar" in text and "Misslyckade inloggningar" in text
    assert "Access attempts" not in text and "Axes" not in text


def _line_form(budget, funder, typed: str) -> BudgetLineForm:
    form_class = type("Grid", (BudgetLineForm,), {"funders": [funder]})
    data = {"name": "Personal", "kind": "personal", "order": "0", "budget": budget.pk}
    data[f"amount_{funder.pk}"] = typed
    return form_class(data=data, instance=budget.lines.get())
