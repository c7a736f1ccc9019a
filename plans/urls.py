"""URLs of the plan pages."""

from django.urls import path

from plans import views
from plans.prioritisation import views as prioritisation
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
    # Prioritisations (plans/prioritisation/): candidates, rounds of scoring, ranking, decision.
    path("prioriteringar/", prioritisation.prioritisation_list, name="prioritisations"),
    path("prioriteringar/ny/", prioritisation.prioritisation_new, name="prioritisation_new"),
    path(
        "prioriteringar/<int:pk>/",
        prioritisation.prioritisation_detail,
        name="prioritisation_detail",
    ),
    path(
        "prioriteringar/<int:pk>/andra/",
        prioritisation.prioritisation_edit,
        name="prioritisation_edit",
    ),
    path("prioriteringar/<int:pk>/kriterier/", prioritisation.criteria_edit, name="criteria_edit"),
    path("prioriteringar/<int:pk>/teman/ny/", prioritisation.theme_new, name="theme_new"),
    path("prioriteringar/teman/<int:pk>/andra/", prioritisation.theme_edit, name="theme_edit"),
    path(
        "prioriteringar/<int:pk>/atgardsomraden/ny/",
        prioritisation.candidate_new,
        name="candidate_new",
    ),
    path(
        "prioriteringar/atgardsomraden/<int:pk>/andra/",
        prioritisation.candidate_edit,
        name="candidate_edit",
    ),
    path(
        "prioriteringar/atgardsomraden/<int:pk>/ta-bort/",
        prioritisation.candidate_delete,
        name="candidate_delete",
    ),
    path("prioriteringar/<int:pk>/omgangar/ny/", prioritisation.round_new, name="round_new"),
    path("prioriteringar/omgangar/<int:pk>/", prioritisation.round_view, name="round"),
    path(
        "prioriteringar/omgangar/<int:pk>/poang/",
        prioritisation.round_scores,
        name="round_scores",
    ),
    path(
        "prioriteringar/omgangar/<int:pk>/paminn/",
        prioritisation.round_remind,
        name="round_remind",
    ),
    path("prioriteringar/omgangar/<int:pk>/stang/", prioritisation.round_close, name="round_close"),
    path("prioriteringar/<int:pk>/rangordning/", prioritisation.ranking_view, name="ranking"),
    path("prioriteringar/<int:pk>/beslut/", prioritisation.decision, name="decision"),
    path(
        "prioriteringar/<int:pk>/rapport.pdf",
        prioritisation.report_pdf,
        name="prioritisation_pdf",
    ),
    path(
        "prioriteringar/<int:pk>/poang.xlsx",
        prioritisation.scores_xlsx,
        name="prioritisation_xlsx",
    ),
]
