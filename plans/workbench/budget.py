"""The budget in the site: a plan's budget for a year as a grid of lines × funders, with the
totals and the outcome; starting a budget for a year of the plan's period; adding a funder,
any organisation of the country, found by name.

A budget is started before its grid is shown, so a new line offers the plan's focus areas and
measures and a column per funder from the start: no order of saving can deadlock.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import inlineformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import permissions
from plans.forms import (
    AsciiIntegerField,
    BudgetLineForm,
    IdChoiceField,
    SafeInlineFormSet,
    SwedishAmountField,
    VersionedModelForm,
    budget_line_form,
    is_id,
)
from plans.models import Budget, BudgetFunder, BudgetLine, FocusArea, Measure, Organisation, Plan
from plans.selectors import budget_table
from plans.services import (
    StaleVersionError,
    budget_funder_add,
    budget_grid_save,
    budget_start,
)

# New lines offered at once below the saved ones.
NEW_LINES = 3
# Organisations listed per part of a search (her own tree, the rest of the country).
SEARCH_RESULTS = 30


def _plan(request: HttpRequest, pk: int, *, edit: bool) -> Plan:
    """Return the plan if she may read it (404 otherwise); 403 for a change she may not make."""
    plan = get_object_or_404(permissions.visible_plans(request.user).select_related("owner"), pk=pk)
    if edit and not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _budget_url(budget: Budget) -> str:
    return reverse("plans:budget", args=[budget.plan_id, budget.year])


class BudgetStartForm(forms.Form):
    """The year of a new budget, among the years of the plan's period without one."""

    year = forms.TypedChoiceField(label=gettext_lazy("År"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Rubrik"), max_length=200, required=False)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


@login_required
def budget_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a budget ("Ny budget") for a year of the plan's period that has none."""
    plan = _plan(request, pk, edit=True)
    taken = set(plan.budgets.values_list("year", flat=True))
    years = [y for y in range(plan.start_year, plan.end_year + 1) if y not in taken]
    form = BudgetStartForm(request.POST or None, years=years)
    if request.method == "POST" and years and form.is_valid():
        data = form.cleaned_data
        try:
            budget = budget_start(
                plan=plan, year=data["year"], title=data["title"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            made = _("Budgeten för %(year)s har skapats.") % {"year": budget.year}
            messages.success(request, made)
            return redirect(_budget_url(budget))
    budgets = plan.budgets.order_by("year")
    context = {"plan": plan, "form": form, "years": years, "budgets": budgets}
    return render(request, "plans/budget_new.html", context, status=400 if form.errors else 200)


class BudgetForm(VersionedModelForm):
    """The budget's own field, and the version the grid was loaded at."""

    class Meta:
        model = Budget
        fields = ["title"]


class FunderForm(forms.ModelForm):
    """A funder's column: its order, and the grant per inhabitant where it pays one."""

    class Meta:
        model = BudgetFunder
        fields = ["order", "rate_per_inhabitant", "population", "share"]
        field_classes = {
            "order": AsciiIntegerField,
            "rate_per_inhabitant": SwedishAmountField,
            "population": AsciiIntegerField,
            "share": AsciiIntegerField,
        }
        # In the grid the column heads say what a cell is; the page on adding explains.
        help_texts = dict.fromkeys(["rate_per_inhabitant", "population", "share"], "")


class GridLineForm(BudgetLineForm):
    """A line of the site's grid: numbers typed with 0–9 only."""

    class Meta(BudgetLineForm.Meta):
        field_classes = {**BudgetLineForm.Meta.field_classes, "order": AsciiIntegerField}


# A grid builds one form per row the browser says it sends: a count typed by hand is refused
# (Django's "Skicka som mest … formulär") before the server builds thousands.
MAX_LINES, MAX_FUNDERS = 300, 50

FunderFormSet = inlineformset_factory(
    Budget,
    BudgetFunder,
    form=FunderForm,
    formset=SafeInlineFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_FUNDERS,
    absolute_max=MAX_FUNDERS,
)


def _choices(queryset, empty: str) -> list[tuple[object, str]]:
    """Return a select's options once for every line, not one query per line."""
    return [("", empty), *((record.pk, str(record)) for record in queryset)]


def _grid(request: HttpRequest, budget: Budget, funders: list[BudgetFunder]):
    """Return the budget's form and its formsets (lines, funders), bound to a POST if any."""
    return budget_grid(request.POST if request.method == "POST" else None, budget, funders)


def budget_grid(data, budget: Budget, funders: list[BudgetFunder]):
    """Return the budget's form and its formsets (lines, funders), bound to `data` if given:
    the grid page's, and the API's (plans/api.py), which posts it as the page would."""
    line_form = budget_line_form(funders, budget.plan_id, base=GridLineForm)
    LineFormSet = inlineformset_factory(
        Budget,
        BudgetLine,
        form=line_form,
        formset=SafeInlineFormSet,
        fields=BudgetLineForm.Meta.fields,
        extra=NEW_LINES,
        can_delete=True,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
    )
    lines = LineFormSet(
        data, instance=budget, prefix="poster", queryset=budget.lines.prefetch_related("amounts")
    )
    areas = _choices(FocusArea.objects.of_plan(budget.plan_id), _("Inget fokusområde"))
    measures = _choices(
        Measure.objects.filter(plan_id=budget.plan_id).order_by("order", "code", "pk"),
        _("Ingen insats"),
    )
    for form in lines.forms:
        form.fields["focus_area"].widget.choices = areas
        form.fields["measure"].widget.choices = measures
    funder_forms = FunderFormSet(
        data, instance=budget, prefix="finansiarer", queryset=budget.funders.all()
    )
    return BudgetForm(data, instance=budget), lines, funder_forms


def _rows(lines, table) -> list[tuple]:
    """Return each line's form with its cells (amount, outcome, the outcome's difference) and
    its total, as the grid shows them; new lines have no cells stored yet."""
    stored = {line.pk: cells for line, cells in table.outcome_rows}
    totals = {line.pk: total for line, _amounts, total in table.rows}
    rows = []
    for form in lines.forms:
        cells = stored.get(form.instance.pk) or [None] * len(table.funders)
        fields = form.amount_fields()
        rows.append((form, list(zip(fields, cells, strict=True)), totals.get(form.instance.pk)))
    return rows


@login_required
def budget_view(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Show the budget of a year; its editors change the grid, add lines and funders."""
    plan = _plan(request, pk, edit=request.method == "POST")
    budget = get_object_or_404(Budget, plan=plan, year=year)
    budget.plan = plan
    can_edit = permissions.can_edit_plan(request.user, plan)
    context = {"plan": plan, "budget": budget, "can_edit": can_edit}
    if not can_edit:
        table = budget_table(budget=budget)
        rows = [
            (line, cells, total)
            for (line, _amounts, total), (_line, cells) in zip(
                table.rows, table.outcome_rows, strict=True
            )
        ]
        return render(request, "plans/budget.html", {**context, "table": table, "read_rows": rows})
    with transaction.atomic():
        funders = list(budget.funders.select_related("organisation"))
        form, lines, funder_forms = _grid(request, budget, funders)
        if request.method == "POST" and _valid(form, lines, funder_forms):
            try:
                written = budget_grid_save(
                    form=form, formsets=[lines, funder_forms], user=request.user
                )
            except StaleVersionError as error:
                form.add_error(None, error.describe())
            else:
                if written:
                    messages.success(request, _("Budgeten sparad."))
                else:
                    messages.info(request, _("Budgeten: inga ändringar att spara."))
                return redirect(_budget_url(budget))
        table = budget_table(budget=budget)
    errors = bool(form.errors or lines.total_error_count() or funder_forms.total_error_count())
    context |= {
        "form": form,
        "lines": lines,
        "funder_forms": funder_forms,
        "table": table,
        "rows": _rows(lines, table),
        "formsets": [lines, funder_forms],
        "has_errors": errors,
    }
    return render(request, "plans/budget.html", context, status=400 if errors else 200)


def _valid(*parts) -> bool:
    """Return whether every part of the page is valid; each is checked, so each shows its errors."""
    valid = [part.is_valid() for part in parts]
    return all(valid)


class FunderAddForm(FunderForm):
    """A new funder: an organisation anywhere in the country, and its grant if it pays one."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(FunderForm.Meta):
        fields = ["organisation", "rate_per_inhabitant", "population", "share"]
        field_classes = {**FunderForm.Meta.field_classes, "organisation": IdChoiceField}
        widgets = {"organisation": forms.RadioSelect}
        help_texts = {}

    def __init__(self, *args, budget: Budget, found: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.budget = budget
        self.instance.order = budget.funders.count()
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.exclude(pk__in=budget.funders.values("organisation"))
        field.empty_label = None
        # Only the organisations found are listed; any of the country is accepted.
        field.widget.choices = [(o.pk, o.path) for o in found]


def _search(budget: Budget, query: str) -> tuple[list[Organisation], list[Organisation]]:
    """Return the organisations of the plan owner's own tree (named like the query, if any),
    and, only when she searches, the rest of the country named like it; never the budget's
    funders."""
    plan = budget.plan
    with_paths = Organisation.objects.with_paths().exclude(
        pk__in=budget.funders.values("organisation")
    )
    own = with_paths.below([plan.owner_id])
    named = Q(name__icontains=query) if query else Q()
    mine = list(own.filter(named).order_by("tree_ordering")[:SEARCH_RESULTS])
    if not query:
        return mine, []
    others = with_paths.filter(named).exclude(pk__in=[o.pk for o in own]).order_by("name", "pk")
    return mine, list(others[:SEARCH_RESULTS])


@login_required
def budget_funder_new(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Add a funder to the budget: search by name, pick from the list (no script needed)."""
    plan = _plan(request, pk, edit=True)
    budget = get_object_or_404(Budget, plan=plan, year=year)
    budget.plan = plan
    query = request.GET.get("sok", "").strip()[:200]
    mine, others = _search(budget, query)
    chosen = request.POST.get("organisation", "")
    found = mine + others
    if is_id(chosen) and all(str(o.pk) != chosen for o in found):
        # The one she picked stays in the list when the form is shown again.
        found += list(Organisation.objects.with_paths().filter(pk=int(chosen)))
    form = FunderAddForm(
        request.POST or None,
        budget=budget,
        found=found,
        initial={"loaded_version": budget.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            budget_funder_add(
                funder=form.instance,
                expected_version=form.cleaned_data["loaded_version"],
                user=request.user,
            )
        except StaleVersionError as error:
            form.add_error(None, error.describe())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(funder)s har lagts till som finansiär.")
                % {"funder": form.instance.organisation.name},
            )
            return redirect(_budget_url(budget))
    context = {
        "plan": plan,
        "budget": budget,
        "form": form,
        "query": query,
        "mine": mine,
        "others": others,
    }
    return render(request, "plans/budget_funder.html", context, status=400 if form.errors else 200)
