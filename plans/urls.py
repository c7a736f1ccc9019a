"""URLs of the plan pages."""

from django.urls import path

from plans import views
from plans.workbench import budget, measure_import, new_plan, plan_editor

app_name = "plans"

urlpatterns = [
    path("planer/", views.home, name="home"),
    path("planer/ny/", new_plan.plan_new, name="plan_new"),
    path("planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/redigera/", plan_editor.plan_editor, name="plan_editor"),
    path("planer/<int:pk>/historik/", views.plan_history_view, name="plan_history"),
    path("planer/<int:pk>/budget/", budget.budget_new, name="budget_new"),
    path("planer/<int:pk>/budget/<int:year>/", budget.budget_view, name="budget"),
    path(
        "planer/<int:pk>/budget/<int:year>/finansiar/",
        budget.budget_funder_new,
        name="budget_funder_new",
    ),
    path("planer/<int:pk>/importera/", measure_import.measures_import, name="measures_import"),
    path(
        "organisationer/<int:pk>/borttaget/",
        views.organisation_deleted,
        name="organisation_deleted",
    ),
    path("insatser/<int:pk>/andra/", views.measure_edit, name="measure_edit"),
    path("fokusomraden/<int:pk>/andra/", plan_editor.focus_area_edit, name="focus_area_edit"),
    path("resultat/<int:pk>/andra/", plan_editor.result_edit, name="result_edit"),
    path("insatser/<int:pk>/rapportera/", views.measure_report, name="measure_report"),
]
