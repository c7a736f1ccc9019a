"""HTML pages of the follow-up: indicators with their figures, and fetching them from Kolada."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans import permissions as plan_permissions
from reports.forms import KoladaImportForm
from reports.kolada import KoladaError
from reports.models import COUNTRY_CODE, Indicator, Source
from reports.permissions import can_edit_indicator, readable_indicators
from reports.selectors import indicator_table
from reports.services import indicator_values_import_kolada

INDICATORS_PER_PAGE = 50


@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    """List the indicators the visitor may read, a page at a time."""
    indicators = readable_indicators(request.user).select_related("owner")
    indicators = indicators.order_by("owner__name", "owner_id", "name", "pk")
    page = Paginator(indicators, INDICATORS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "reports/indicator_list.html", {"page": page})


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an indicator's figures per year; its editors fetch them from Kolada here."""
    indicator = get_object_or_404(readable_indicators(request.user).select_related("owner"), pk=pk)
    form = _import_form(request, indicator)
    if request.method == "POST" and form.is_valid():
        try:
            result = indicator_values_import_kolada(
                kpis=[indicator.kolada_kpi],
                municipalities=form.cleaned_data["areas"],
                years=form.cleaned_data["years"],
                owner=indicator.owner,
                user=request.user,
            )
        except KoladaError as error:
            form.add_error(None, str(error))
        else:
            for line in result.indicators:
                messages.success(request, line.describe())
            return redirect("reports:indicator_detail", pk=indicator.pk)
    context = _context(request, indicator, form)
    return render(
        request,
        "reports/indicator_detail.html",
        context,
        status=400 if form and form.errors else 200,
    )


def _import_form(request: HttpRequest, indicator: Indicator) -> KoladaImportForm | None:
    """Return the Kolada form for the indicator's editors; refuse a POST from anyone else."""
    editable = can_edit_indicator(request.user, indicator)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if not editable:
        return None
    if not indicator.kolada_kpi:
        if request.method == "POST":
            raise BadRequest(_("Indikatorn har inget nyckeltal i Kolada."))
        return None
    return KoladaImportForm(request.POST or None, initial=_import_initial(indicator))


def _import_initial(indicator: Indicator) -> dict:
    """Return the areas she fetched before (or the owner's and the country's) and five years."""
    codes = list(
        indicator.values.order_by("area_code").values_list("area_code", flat=True).distinct()
    )
    if not codes:
        codes = [c for c in (indicator.owner.municipality_code, COUNTRY_CODE) if c]
    # Kolada publishes a year's figures during the next one: the five years before this.
    this_year = timezone.localdate().year
    return {"areas": ",".join(codes), "years": f"{this_year - 5}-{this_year - 1}"}


def _context(request: HttpRequest, indicator: Indicator, form) -> dict:
    plans = plan_permissions.visible_plans(request.user)
    return {
        "indicator": indicator,
        "table": indicator_table(indicator=indicator),
        "from_kolada": indicator.source == Source.KOLADA
        or indicator.values.filter(source=Source.KOLADA).exists(),
        "focus_areas": indicator.focus_areas.filter(plan__in=plans).select_related("plan"),
        "measures": indicator.measures.filter(plan__in=plans).select_related("plan"),
        "form": form,
    }
