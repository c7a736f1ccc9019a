"""Bad input is refused with a Swedish message and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import BudgetAmount, FocusArea, Measure, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _plan_post(plan: Plan, **changes) -> dict:
    data = {
        "title": plan.title,
        "kind": plan.kind,
        "owner": plan.owner_id,
        "parent": plan.parent_id or "",
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "vision": "",
        "purpose": "",
        "status": plan.status,
        "adopted_by": "",
        "adopted_on": "",
        "revised_on": "",
        "loaded_version": plan.version,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_end_year_before_start_year_is_refused(superuser, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    response = client_for(superuser).post(url, _plan_post(draft_plan, end_year=2020))
    assert "Slutåret kan inte vara före startåret." in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.end_year == 2026


def test_plan_cannot_be_its_own_parent(superuser, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    response = client_for(superuser).post(url, _plan_post(draft_plan, parent=draft_plan.pk))
    assert "En plan kan inte vara överordnad sig själv" in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.parent is None


def test_a_cycle_of_parent_plans_is_refused(superuser, draft_plan, adopted_plan):
    adopted_plan.parent = draft_plan
    adopted_plan.save()
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    response = client_for(superuser).post(url, _plan_post(draft_plan, parent=adopted_plan.pk))
    assert "En plan kan inte vara överordnad sig själv" in response.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.parent is None


def _measure_post(measure: Measure, **changes) -> dict:
    data = {
        "plan": measure.plan_id,
        "focus_area": measure.focus_area_id,
        "result": measure.result_id or "",
        "code": measure.code,
        "order": measure.order,
        "title": measure.title,
        "description": "",
        "target_group": "",
        "expected_result": "",
        "target_year": "",
        "start_year": "",
        "end_year": "",
        "status": "",
        "approach": "",
        "loaded_version": measure.version,
        "responsibilities-TOTAL_FORMS": 0,
        "responsibilities-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_measure_in_a_focus_area_of_another_plan_is_refused(superuser, measure, adopted_plan):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="9", title="Annan plan")
    url = reverse("admin:plans_measure_change", args=[measure.pk])
    post = _measure_post(measure, focus_area=elsewhere.pk, result="")
    response = client_for(superuser).post(url, post)
    # The admin offers the measure's plan's focus areas only; the model says why, to every front.
    assert "Välj ett giltigt alternativ" in response.content.decode()
    measure.refresh_from_db()
    assert measure.focus_area.plan_id == measure.plan_id
    measure.focus_area = elsewhere
    with pytest.raises(ValidationError) as refused:
        measure.full_clean()
    assert "Fokusområdet hör till en annan plan än insatsen." in str(refused.value)


def test_duplicate_measure_code_within_a_plan_is_refused(superuser, measure):
    url = reverse("admin:plans_measure_add")
    post = _measure_post(measure, title="En till", loaded_version="")
    response = client_for(superuser).post(url, post)
    assert "Det finns redan en insats med den koden i planen." in response.content.decode()
    assert Measure.objects.filter(code="1A").count() == 1


def test_same_code_in_another_plan_is_allowed(superuser, measure, adopted_plan):
    area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Annat")
    post = _measure_post(measure, plan=adopted_plan.pk, focus_area=area.pk, result="")
    response = client_for(superuser).post(reverse("admin:plans_measure_add"), post)
    assert response.status_code == 302
    assert Measure.objects.filter(code="1A").count() == 2


def test_negative_budget_amount_is_refused(superuser, budget):
    line = budget.lines.get()
    funder = budget.funders.get()
    url = reverse("admin:plans_budget_change", args=[budget.pk])
    post = {
        "plan": budget.plan_id,
        "year": budget.year,
        "title": budget.title,
        "loaded_version": budget.version,
        "funders-TOTAL_FORMS": 1,
        "funders-INITIAL_FORMS": 1,
        "funders-0-id": funder.pk,
        "funders-0-budget": budget.pk,
        "funders-0-organisation": funder.organisation_id,
        "funders-0-order": 0,
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 1,
        "lines-0-id": line.pk,
        "lines-0-budget": budget.pk,
        "lines-0-name": line.name,
        "lines-0-kind": line.kind,
        "lines-0-focus_area": "",
        "lines-0-order": 0,
        f"lines-0-amount_{funder.pk}": "-5",
    }
    response = client_for(superuser).post(url, post)
    assert "Beloppet kan inte vara negativt." in response.content.decode()
    assert BudgetAmount.objects.get().amount == 350000
    post[f"lines-0-amount_{funder.pk}"] = "400000"
    assert client_for(superuser).post(url, post).status_code == 302
    assert BudgetAmount.objects.get().amount == 400000


def test_budget_amount_cannot_be_negative_in_the_database(budget):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAmount.objects.update(amount=-1)
