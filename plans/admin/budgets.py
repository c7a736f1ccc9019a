"""The admin of budgets: the grid of lines × funders with their amounts and outcomes."""

from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from plans.admin.rules import (
    RowChoicesFormSet,
    RowWidgets,
    ScopedInline,
    VersionedAdmin,
    chosen_plan,
)
from plans.forms import (
    BudgetLineForm,
    budget_line_form,
    format_kronor,
)
from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
)
from plans.selectors import budget_table


class BudgetFunderInline(RowWidgets, ScopedInline):
    model = BudgetFunder
    formset = RowChoicesFormSet  # each funder named from its row, not with a query per row
    fields = ["organisation", "order", "rate_per_inhabitant", "population", "share", "grant"]
    readonly_fields = ["grant"]

    @admin.display(description=_("bidrag (kr)"))
    def grant(self, obj: BudgetFunder) -> str:
        return format_kronor(obj.grant) if obj.grant is not None else "–"

    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        # Each row names its organisation by path: read all of them in one recursive query.
        with_paths = Prefetch("organisation", queryset=Organisation.objects.with_paths())
        return super().get_queryset(request).prefetch_related(with_paths)


class BudgetLineInline(ScopedInline):
    model = BudgetLine
    form = BudgetLineForm
    formset = RowChoicesFormSet  # the plan's focus areas and measures read once, not per line
    readonly_fields = ["line_total", "line_difference"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("amounts")

    @admin.display(description=_("summa (kr)"))
    def line_total(self, obj: BudgetLine) -> str:
        return format_kronor(sum((a.amount for a in obj.amounts.all()), Decimal(0)))

    @admin.display(description=_("utfall − budget (kr)"))
    def line_difference(self, obj: BudgetLine) -> str:
        cells = [a for a in obj.amounts.all() if a.outcome is not None]
        if not cells:
            return "–"
        return format_kronor(sum((a.outcome - a.amount for a in cells), Decimal(0)))

    def get_formset(self, request, obj=None, **kwargs):
        funders = list(obj.funders.select_related("organisation")) if obj else []
        kwargs["form"] = budget_line_form(funders, None)
        # Only model fields go to the factory; the amount fields are added by the form.
        kwargs["fields"] = BudgetLineForm.Meta.fields
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        funders = list(obj.funders.all()) if obj else []
        amounts = [f"amount_{f.pk}" for f in funders]
        outcomes = [f"outcome_{f.pk}" for f in funders]
        return [
            "name",
            "kind",
            "focus_area",
            "measure",
            "order",
            *amounts,
            "line_total",
            *outcomes,
            "line_difference",
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The plan's own focus areas and measures: of the budget's plan, or on the add page of
        # the plan in the address or the plan posted, so that a refused first save offers them.
        plan_id = getattr(request, "budget_plan_id", None) or 0
        if db_field.name == "focus_area":
            kwargs["queryset"] = FocusArea.objects.of_plan(plan_id)
        elif db_field.name == "measure":
            kwargs["queryset"] = Measure.objects.filter(plan_id=plan_id).order_by(
                "order", "code", "pk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budget)
class BudgetAdmin(VersionedAdmin):
    list_display = ["__str__", "year", "plan", "total_display"]
    list_filter = ["year"]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__title"]
    autocomplete_fields = ["plan"]
    inlines = [BudgetFunderInline, BudgetLineInline]
    readonly_fields = ["totals"]
    fields = ["plan", "year", "title", "totals"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.budget_plan_id = obj.plan_id if obj else chosen_plan(request)
        return super().get_form(request, obj, change, **kwargs)

    def get_queryset(self, request):
        # The total in the same query as the rows, not three queries per budget.
        total = Subquery(
            BudgetAmount.objects.filter(line__budget=OuterRef("pk"))
            .values("line__budget")
            .annotate(sum=Sum("amount"))
            .values("sum")
        )
        return super().get_queryset(request).annotate(total=total)

    @admin.display(description=_("totalt (kr)"))
    def total_display(self, obj: Budget) -> str:
        return format_kronor(obj.total or Decimal(0))

    def response_add(self, request, obj, post_url_continue=None):
        """Go on to the saved budget: its grid has a column of amounts per funder now (a new
        budget has no funders to make columns of), unless she asked for another new one."""
        if "_addanother" not in request.POST and IS_POPUP_VAR not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("summor"))
    def totals(self, obj: Budget) -> str:
        if obj.pk is None:
            return _(
                "Lägg till finansiärerna och spara: då visas en kolumn för belopp och utfall "
                "per finansiär, och summorna här."
            )
        table = budget_table(budget=obj)
        cells = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            (
                (funder.organisation.name, _budget_and_outcome(total, outcome))
                for funder, total, outcome in zip(
                    table.funders, table.funder_totals, table.outcome_totals, strict=True
                )
            ),
        )
        return format_html(
            "<table>{}<tr><th scope='row'>{}</th><td>{}</td></tr></table>",
            cells,
            _("Totalt"),
            f"{format_kronor(table.total)} kr",
        )


def _budget_and_outcome(total: Decimal, outcome) -> str:
    """Return a funder's budget, and its outcome with the difference once there is one."""
    if outcome.outcome is None:
        return f"{format_kronor(total)} kr"
    return _("%(budget)s kr, utfall %(outcome)s kr (skillnad %(difference)s kr)") % {
        "budget": format_kronor(total),
        "outcome": format_kronor(outcome.outcome),
        "difference": format_kronor(outcome.difference),
    }
