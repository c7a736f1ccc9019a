"""Who changed what and when, before and after, for every record a user edits."""

import pytest
from django.urls import reverse

from plans.models import BudgetAmount, FocusArea, Measure, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_history_records_the_user_and_the_field_changes(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = {
        "focus_area": measure.focus_area_id,
        "result": measure.result_id,
        "code": "1A",
        "title": "Läsfrämjande insatser för fler",
        "status": "pagaende",
        "loaded_version": 1,
    }
    assert client_for(alice).post(url, form).status_code == 302
    record = measure.history.latest()
    assert record.history_user == alice
    delta = record.diff_against(record.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["title"] == ("Läsfrämjande insatser", "Läsfrämjande insatser för fler")
    assert changed["status"] == ("", "pagaende")


def test_plan_history_page_lists_changes_to_the_plan_and_its_measures(alice, measure):
    measure.title = "Bokstart"
    measure._history_user = alice
    measure.save()
    page = client_for(alice).get(reverse("plans:plan_history", args=[measure.plan_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bokstart" in text and "alice" in text and "ändrade" in text


def test_admin_edit_is_recorded_with_the_admin_user(alice, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    form = {
        "title": "Ny titel",
        "kind": draft_plan.kind,
        "owner": draft_plan.owner_id,
        "start_year": 2025,
        "end_year": 2026,
        "status": "utkast",
        "loaded_version": 1,
        "focus_areas-TOTAL_FORMS": 0,
        "focus_areas-INITIAL_FORMS": 0,
    }
    assert client_for(alice).post(url, form).status_code == 302
    latest = Plan.history.filter(id=draft_plan.pk).latest()
    assert latest.history_user == alice and latest.title == "Ny titel"
    assert (
        client_for(alice).get(reverse("admin:plans_plan_history", args=[draft_plan.pk])).status_code
        == 200
    )


# Reference data, and a rater's sheet of scores: saved whole by her alone (Rater.saved_at says
# when), hidden from everyone until the round closes, and never changed after it.
WITHOUT_HISTORY = {"TargetArea", "GlobalGoal", "Rater", "Rating", "Score"}


def test_every_edited_model_keeps_history():
    from django.apps import apps

    edited = [
        m
        for m in apps.get_app_config("plans").get_models()
        if not m.__name__.startswith("Historical")
    ]
    without = [
        m.__name__
        for m in edited
        if m.__name__ not in WITHOUT_HISTORY and not hasattr(m, "history")
    ]
    assert without == []
    assert Measure.history.model.__name__ == "HistoricalMeasure"


def test_plan_history_survives_deleted_focus_areas_and_shows_budget_amounts(alice, budget):
    plan = budget.plan
    parent = FocusArea.objects.create(plan=plan, number="1", title="Överordnat")
    FocusArea.objects.create(plan=plan, parent=parent, number="1", title="Underområde")
    parent.delete()
    amount = BudgetAmount.objects.get()
    amount.amount = 360000
    amount._history_user = alice
    amount.save()
    page = client_for(alice).get(reverse("plans:plan_history", args=[plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Underområde" in text and "tog bort" in text
    assert "”350\xa0000,00” → ”360\xa0000,00”" in text
