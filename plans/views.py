"""HTML pages for plans: read the plan, edit it, report on measures, see its history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plans import permissions
from plans.forms import MeasureForm, MeasureStatusForm, PlanForm
from plans.models import Measure, Organisation, Plan
from plans.selectors import (
    deleted_plan,
    deleted_records,
    plan_budget_tables,
    plan_history,
    plan_tree,
)
from plans.services import StaleVersionError, versioned_save


def _visible_plan(request: HttpRequest, pk: int) -> Plan:
    """Return the plan if the user may read it; 404 otherwise, so ids reveal nothing."""
    return get_object_or_404(permissions.visible_plans(request.user).select_related("owner"), pk=pk)


def _visible_measure(request: HttpRequest, pk: int) -> Measure:
    """Return the measure if the user may read its plan; 404 otherwise."""
    visible = permissions.visible_plans(request.user)
    return get_object_or_404(Measure.objects.select_related("plan__owner"), pk=pk, plan__in=visible)


PLANS_PER_PAGE = 25


def home(request: HttpRequest) -> HttpResponse:
    """List the plans the visitor may read, a page at a time, grouped by owner, searchable."""
    query = request.GET.get("q", "").strip()[:200]
    plans = permissions.visible_plans(request.user).select_related("owner")
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(owner__name__icontains=query))
    plans = plans.order_by("owner__name", "owner_id", "-start_year", "title", "pk")
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "plans/home.html", {"page": page, "query": query})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a plan with its focus areas, results, measures and budgets."""
    plan = _visible_plan(request, pk)
    context = {
        "plan": plan,
        "parent": _visible_parent(request, plan),
        "tree": plan_tree(plan=plan),
        "budgets": plan_budget_tables(plan=plan),
        "can_edit": permissions.can_edit_plan(request.user, plan),
        "can_see_history": permissions.can_see_history(request.user, plan),
        "reportable": permissions.reportable_measure_ids(request.user, plan),
    }
    return render(request, "plans/plan_detail.html", context)


def _visible_parent(request: HttpRequest, plan: Plan) -> Plan | None:
    """Return the plan's parent if the user may read it: a draft's title is not public."""
    if plan.parent_id is None:
        return None
    return permissions.visible_plans(request.user).filter(pk=plan.parent_id).first()


@transaction.atomic
def _edit(request: HttpRequest, form_class: type, instance, template: str, context: dict):
    """Show and save a versioned edit form; a stale save is refused with what changed."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        try:
            versioned_save(
                instance=record, expected_version=form.expected_version(), user=request.user
            )
        except StaleVersionError as error:
            form.add_error(None, error.describe())
        else:
            form.save_m2m()
            messages.success(request, _("Ändringarna är sparade."))
            return None
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a plan's own fields."""
    plan = _visible_plan(request, pk)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    response = _edit(request, PlanForm, plan, "plans/plan_form.html", {"plan": plan})
    return response or redirect("plans:plan_detail", pk=plan.pk)


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a measure."""
    measure = _visible_measure(request, pk)
    if not permissions.can_edit_plan(request.user, measure.plan):
        raise PermissionDenied
    context = {"measure": measure, "plan": measure.plan}
    response = _edit(request, MeasureForm, measure, "plans/measure_form.html", context)
    return response or redirect("plans:plan_detail", pk=measure.plan_id)


@login_required
def measure_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the status of a measure the user's organisation is responsible for."""
    measure = _visible_measure(request, pk)
    if not permissions.can_report_on_measure(request.user, measure):
        raise PermissionDenied
    context = {"measure": measure, "plan": measure.plan}
    response = _edit(request, MeasureStatusForm, measure, "plans/measure_report.html", context)
    return response or redirect("plans:plan_detail", pk=measure.plan_id)


@login_required
def plan_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show who changed what in the plan, newest first; a deleted plan's history too."""
    existing = permissions.visible_plans(request.user).filter(pk=pk).first()
    plan = existing or deleted_plan(pk=pk)
    if plan is None:
        raise Http404
    if not permissions.can_read_organisation_history(request.user, plan.owner_id):
        # A plan she may read says so; a deleted one does not exist for her.
        if existing is None:
            raise Http404
        raise PermissionDenied
    entries = plan_history(plan=plan)
    context = {"plan": plan, "entries": entries, "deleted": existing is None}
    return render(request, "plans/plan_history.html", context)


@login_required
def organisation_deleted(request: HttpRequest, pk: int) -> HttpResponse:
    """List what was deleted from the organisation's plans, people and units (members only)."""
    organisation = get_object_or_404(Organisation, pk=pk)  # organisation names are public
    if not permissions.can_read_organisation_history(request.user, organisation.pk):
        raise PermissionDenied
    records = deleted_records(organisation=organisation)
    context = {"organisation": organisation, "records": records}
    return render(request, "plans/organisation_deleted.html", context)
