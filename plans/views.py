"""HTML pages for plans: read the plan, edit it, see its history; reporting leads to the
follow-up (`plans.follow_up`)."""

from collections.abc import Callable, Iterable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from plans import permissions
from plans.follow_up import follow_up
from plans.forms import MeasureFilterForm, MeasureForm, PlanForm
from plans.models import Measure, Organisation, Plan
from plans.prioritisation.selectors import decided_from
from plans.selectors import (
    FocusAreaNode,
    deleted_plan,
    deleted_records,
    measure_actors,
    measure_anchor,
    measures_shown,
    open_on_demand,
    plan_budget_tables,
    plan_history,
    plan_measures,
    plan_tree,
)
from plans.services import StaleVersionError, versioned_save_with_rows
from plans.workbench import actors


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
    context = {"page": page, "query": query, "can_start": permissions.can_start_plans(request.user)}
    return render(request, "plans/home.html", context)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a plan with a table of contents, filters, focus areas, measures and budgets.

    An htmx request from the filter form gets only the list of measures, to swap in place.
    Past `MEASURES_AT_ONCE` measures, the top focus areas open one at a time (`?fokusomrade=`).
    """
    plan = _visible_plan(request, pk)
    measures = plan_measures(plan=plan)
    assessments = follow_up().assessments(plan=plan, user=request.user)
    for measure in measures:
        measure.assessment = assessments.get(measure.pk)
    reportable = permissions.reportable_measure_ids(request.user, plan)
    can_edit = permissions.can_edit_plan(request.user, plan)
    filters = MeasureFilterForm(
        request.GET or None,
        actors=measure_actors(measures),
        offer_mine=bool(reportable) and not can_edit,
    )
    chosen = filters.measure_filter(mine=reportable)
    tree = plan_tree(plan=plan, measures=measures, shown=chosen.matches if chosen else None)
    on_demand = open_on_demand(tree, opened=_opened_area(request))
    if on_demand:
        _area_links(request, tree)
    report_urls = follow_up().report_urls(user=request.user, plan=plan, measure_ids=reportable)
    _link_measures(measures_shown(tree), can_edit=can_edit, report_urls=report_urls)
    context = {
        "plan": plan,
        "tree": tree,
        "filters": filters,
        "filtering": chosen is not None,
        "shown_count": sum(node.shown for node in tree),
        "on_demand": on_demand,
        "can_edit": can_edit,
        "reportable": reportable,
        # Readers who do not work on the plan see the published follow-up: say which one.
        "published_assessment": next((a for a in assessments.values() if a.published), None),
    }
    if _wants_list_only(request):
        response = render(request, "plans/_plan_measures.html", context)
        patch_vary_headers(response, ["HX-Request"])  # so no cache serves it as the page
        return response
    context["budgets"] = plan_budget_tables(plan=plan)
    context["parent"] = _visible_parent(request, plan)
    context["can_see_history"] = permissions.can_see_history(request.user, plan)
    context["can_start"] = permissions.can_start_plans(request.user)
    context["from_prioritisation"] = decided_from(plan=plan, user=request.user)
    return render(request, "plans/plan_detail.html", context)


def _link_measures(
    measures: Iterable[Measure], *, can_edit: bool, report_urls: dict[int, str]
) -> None:
    """Give each measure the links she may follow, made here: a template tag per row costs more.

    Reporting happens in the follow-up: the link leads to the open round's report."""
    for measure in measures:
        measure.links = []
        if can_edit:
            text = _("Ändra insats %(code)s") % {"code": measure.code}
            measure.links.append((reverse("plans:measure_edit", args=[measure.pk]), text))
        if measure.pk in report_urls:
            text = _("Rapportera i uppföljningen %(code)s") % {"code": measure.code}
            measure.links.append((report_urls[measure.pk], text))
        if measure.links:  # Truncator only where it cuts: it costs in a plan of thousands
            title = measure.title
            measure.short_title = title if len(title) <= 80 else Truncator(title).chars(80)


# The plan page's parameter naming the top focus area opened in a plan shown on demand.
OPENED_AREA = "fokusomrade"


def _opened_area(request: HttpRequest) -> int | None:
    """Return the id of the top focus area the visitor opened; none for anything else."""
    value = request.GET.get(OPENED_AREA, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def _area_links(request: HttpRequest, tree: list[FocusAreaNode]) -> None:
    """Give each top focus area the address of the page, with the same filters, that opens it
    (or, for the open one, closes it), landing on the area."""
    params = request.GET.copy()
    params.pop(OPENED_AREA, None)
    for node in tree:
        if node.closed:
            params[OPENED_AREA] = str(node.area.pk)
        else:
            params.pop(OPENED_AREA, None)
        query = params.urlencode()
        node.toggle_url = f"{request.path}{'?' if query else ''}{query}#{node.anchor}"


def _visible_parent(request: HttpRequest, plan: Plan) -> Plan | None:
    """Return the plan's parent if the user may read it: a draft's title is not public."""
    if plan.parent_id is None:
        return None
    return permissions.visible_plans(request.user).filter(pk=plan.parent_id).first()


def _wants_list_only(request: HttpRequest) -> bool:
    """Return whether htmx asks for the list of measures alone (not to restore its history)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in headers


def _plan_url(plan_id: int, anchor: str) -> str:
    """Return the address of a place on the plan page."""
    return reverse("plans:plan_detail", args=[plan_id]) + "#" + anchor


@transaction.atomic
def edit_page(
    request: HttpRequest,
    form_class: type,
    instance,
    template: str,
    context: dict,
    rows: Callable | None = None,
) -> tuple[HttpResponse | None, bool]:
    """Show and save a versioned edit form; return (page to show, whether a save was written).

    The page is None once the form is saved (or had nothing to save). A conflict re-shows the
    form with her input, the saved values beside it and a choice per field. `rows(data)`
    gives a formset of rows saved with the record, as a change of it (the measure's actors).
    """
    data = request.POST or None
    form = form_class(data, instance=instance)
    formsets = [rows(data)] if rows else []
    # A post without the rows (another client, an older page) leaves them as they are.
    posted = [f for f in formsets if f.is_bound]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in posted):
        form.save(commit=False)
        try:
            written = versioned_save_with_rows(form=form, formsets=posted, user=request.user)
            for formset in posted:
                formset.save()
        except StaleVersionError as error:
            form.add_error(None, error.describe())
        else:
            return None, written
    failed = form.errors or any(f.total_error_count() for f in posted)
    context = {**context, "form": form, "rows": formsets[0] if formsets else None}
    return render(request, template, context, status=400 if failed else 200), False


def saved_message(request: HttpRequest, written: bool, name: str) -> None:
    """Tell her what was saved, by name, or that there was nothing to save."""
    if written:
        messages.success(request, _("%(name)s sparad.") % {"name": name})
    else:
        messages.info(request, _("%(name)s: inga ändringar att spara.") % {"name": name})


def _measure_name(measure: Measure) -> str:
    if measure.code:
        return _("Insats %(code)s") % {"code": measure.code}
    return _("Insatsen")


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a plan's own fields; back on the plan page at its heading once saved."""
    plan = _visible_plan(request, pk)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    page, written = edit_page(request, PlanForm, plan, "plans/plan_form.html", {"plan": plan})
    if page is not None:
        return page
    saved_message(request, written, _("Planen"))
    return redirect(_plan_url(plan.pk, "planen"))


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a measure; back on the plan page at the measure once saved."""
    measure = _visible_measure(request, pk)
    if not permissions.can_edit_plan(request.user, measure.plan):
        raise PermissionDenied
    anchor = measure_anchor(measure)
    context = {
        "measure": measure,
        "plan": measure.plan,
        "anchor": anchor,
        "actors_help": actors.ACTORS_HELP,
    }
    term = request.GET.get(actors.SEARCH, "").strip()[:100]
    page, written = edit_page(
        request,
        partial(MeasureForm, user=request.user),
        measure,
        "plans/measure_form.html",
        context,
        rows=lambda data: actors.actor_rows(data, measure, term),
    )
    if page is not None:
        return page
    saved_message(request, written, _measure_name(measure))
    return redirect(_plan_url(measure.plan_id, anchor))


@login_required
def measure_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address for reporting on a measure, kept for bookmarks: reporting happens in the
    follow-up, so it leads to the open round's report, or to the measure saying none is open."""
    measure = _visible_measure(request, pk)
    if not permissions.can_report_on_measure(request.user, measure):
        raise PermissionDenied
    urls = follow_up().report_urls(user=request.user, plan=measure.plan, measure_ids={measure.pk})
    if measure.pk in urls:
        return redirect(urls[measure.pk])
    messages.info(
        request,
        _("Ingen uppföljning av insatsen är öppen. Du rapporterar i uppföljningen när den öppnas."),
    )
    return redirect(_plan_url(measure.plan_id, measure_anchor(measure)))


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
