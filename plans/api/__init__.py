"""The REST API's plans: organisations, people, plans with their focus areas, results and
measures, responsibilities and budgets (folkhalsa/api.py has the shared parts).

Reads are what the pages show the same user (`visible_plans`); writes are the workbench's
forms and services (`plan_item_add`, the edit forms with `versioned_save_with_rows`,
`plan_item_delete`, `plan_start`), under the record's version. One module per resource family:
`organisations` (with the vocabularies and people), `plans` (with focus areas and results),
`measures`, `budgets`; `writes` has what their writes share.
"""

from plans.api.budgets import BudgetViewSet
from plans.api.measures import MeasureViewSet, ResponsibilityViewSet
from plans.api.organisations import (
    GlobalGoalViewSet,
    OrganisationViewSet,
    PersonViewSet,
    TagViewSet,
    TargetAreaViewSet,
)
from plans.api.plans import FocusAreaViewSet, PlanViewSet, ResultViewSet


def register(router) -> None:
    """Add the plans' resources to the API's router."""
    router.register("target-areas", TargetAreaViewSet, basename="targetarea")
    router.register("global-goals", GlobalGoalViewSet, basename="globalgoal")
    router.register("tags", TagViewSet, basename="tag")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("people", PersonViewSet, basename="person")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("focus-areas", FocusAreaViewSet, basename="focusarea")
    router.register("results", ResultViewSet, basename="result")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("responsibilities", ResponsibilityViewSet, basename="responsibility")
    router.register("budgets", BudgetViewSet, basename="budget")
