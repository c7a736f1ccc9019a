"""Pages of the follow-up: indicators and their Kolada import; rounds, the owners' reports, the
strategist's review; the yearly PDF, its publishing, and the exports."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from folkhalsa.documents import DOCX, PDF, Status, asks, document_response, file_response
from plans import permissions as plan_permissions
from plans.services import StaleVersionError
from reports import permissions
from reports.documents import (
    follow_up_document,
    indicator_changes,
    indicator_chart,
    status_changes,
    survey_credit,
)
from reports.forms import (
    OWNER_CHOICES_AT_ONCE,
    FollowUpFilterForm,
    GapForm,
    KoladaImportForm,
    MeasureReportForm,
    PublishForm,
    ReviewForm,
    RoundForm,
)
from reports.kolada import KoladaError
from reports.models import (
    COUNTRY_CODE,
    FollowUpRound,
    Indicator,
    MeasureReport,
    PublishedFollowUp,
    Source,
)
from reports.permissions import can_edit_indicator, readable_indicators
from reports.selectors import (
    follow_up_plans,
    indicator_table,
    managed_owners,
    managed_rounds,
    my_open_reports,
    plan_measure_rows,
    published_follow_up,
    round_overview,
    working_follow_up,
)
from reports.services import (
    follow_up_preview_document,
    follow_up_publish,
    indicator_values_import_kolada,
    name_and_title,
    plan_pdf_document,
    publish_refusals,
    published_document,
    reminder_reach,
    report_review,
    report_save,
    round_close,
    round_open,
    round_send_reminders,
)
from reports.spreadsheets import measures_workbook

INDICATORS_PER_PAGE = 50
FOLLOW_UP_PLANS_PER_PAGE = 20


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
    values = list(indicator.values.filter(tertial__isnull=True).order_by("year", "area_code"))
    table = indicator_table(indicator=indicator, values=values)
    chart, chart_alt = indicator_chart(indicator, table)
    return {
        "indicator": indicator,
        "table": table,
        "chart": chart,
        "chart_alt": chart_alt,
        "survey_credit": survey_credit(indicator, values, table),
        # Invented figures (the demo) are marked, and never credited to Kolada.
        "demo": indicator.values.filter(is_demo=True).exists()
        or indicator.targets.filter(is_demo=True).exists(),
        "from_kolada": indicator.values.filter(source=Source.KOLADA, is_demo=False).exists()
        or (indicator.source == Source.KOLADA and not indicator.values.exists()),
        "focus_areas": indicator.focus_areas.filter(plan__in=plans).select_related("plan"),
        "measures": indicator.measures.filter(plan__in=plans).select_related("plan"),
        "form": form,
    }


def _managed_round(request: HttpRequest, pk: int) -> FollowUpRound:
    """Return the round if the user manages its plan; 404 otherwise, so ids reveal nothing."""
    round_ = get_object_or_404(FollowUpRound.objects.select_related("plan__owner"), pk=pk)
    if not permissions.can_manage_round(request.user, round_):
        raise Http404
    return round_


def _readable_report(request: HttpRequest, pk: int) -> MeasureReport:
    """Return the report if the user writes or reviews it; 404 otherwise."""
    reports = permissions.readable_reports(request.user).select_related(
        "round__plan__owner", "measure"
    )
    return get_object_or_404(reports, pk=pk)


@login_required
def followup_home(request: HttpRequest) -> HttpResponse:
    """List the plans whose follow-up she manages with their rounds, those with something to
    do first, a page at a time; filtered by organisation, year and title."""
    owners = managed_owners(user=request.user, limit=OWNER_CHOICES_AT_ONCE)
    if not owners:
        return redirect("reports:my_reports")
    filters = FollowUpFilterForm(request.GET, owners=owners)
    chosen = filters.chosen()
    plans = follow_up_plans(user=request.user, today=timezone.localdate(), **chosen)
    page = Paginator(plans, FOLLOW_UP_PLANS_PER_PAGE).get_page(request.GET.get("sida"))
    managed_rounds(plans=page.object_list, year=chosen.get("year"))
    context = {
        "page": page,
        "filters": filters,
        "filtering": any(chosen.values()),
        "year": chosen.get("year"),
    }
    return render(request, "reports/followup_home.html", context)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """Show "Mina insatser": the measures she reports on in the open rounds."""
    grouped = my_open_reports(user=request.user)
    return render(request, "reports/my_reports.html", {"grouped": grouped})


@login_required
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a follow-up round for one of her plans."""
    plan = get_object_or_404(plan_permissions.visible_plans(request.user), pk=pk)
    if not plan_permissions.can_edit_plan(request.user, plan):
        raise Http404
    form = RoundForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_open(
                plan=plan,
                year=data["year"],
                period=data["period"],
                due_on=data["due_on"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Uppföljningen är öppnad. Rapportörerna ser den nu."))
            return redirect("reports:round_detail", round_.pk)
    status = 400 if form.errors else 200
    return render(request, "reports/round_form.html", {"plan": plan, "form": form}, status=status)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the round: per organisation what is reported and what is missing."""
    round_ = _managed_round(request, pk)
    reports, owners = round_overview(round_=round_)
    context = {"round": round_, "reports": reports, "owners": owners}
    return render(request, "reports/round_detail.html", context)


@login_required
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom a reminder reaches and which measures it cannot, and why; e-mail the
    rapportörer who have not reported once she confirms."""
    round_ = _managed_round(request, pk)
    if request.method == "POST":
        try:
            reminders, reach = round_send_reminders(round_=round_, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            sent = [r for r in reminders if r.sent]
            messages.success(
                request,
                ngettext(
                    "Påminnelse skickad till %(count)s rapportör.",
                    "Påminnelse skickad till %(count)s rapportörer.",
                    len(sent),
                )
                % {"count": len(sent)},
            )
            if unreached := [r.user.email for r in reminders if not r.sent]:
                messages.warning(
                    request,
                    _("Påminnelsen kunde inte skickas till: %(addresses)s.")
                    % {"addresses": ", ".join(unreached)},
                )
            if reach.unreached:
                messages.warning(
                    request,
                    _("%(count)s insatser nåddes inte av påminnelsen; se listan på sidan.")
                    % {"count": len(reach.unreached)},
                )
        return redirect("reports:round_remind", round_.pk)
    context = {"round": round_, "plan": round_.plan, "reach": reminder_reach(round_=round_)}
    return render(request, "reports/round_remind.html", context)


@login_required
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the round."""
    round_ = _managed_round(request, pk)
    round_close(round_=round_, user=request.user)
    messages.success(request, _("Uppföljningen är stängd."))
    return redirect("reports:round_detail", round_.pk)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a report as a draft, or submit it to the strategist."""
    report = _readable_report(request, pk)
    if not permissions.can_write_report(request.user, report):
        raise Http404
    form = MeasureReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if _save_report(request, form, submit=submit):
            return redirect(reverse("reports:my_reports") + f"#rapport-{report.pk}")
    status = 400 if form.errors else 200
    context = {"report": report, "form": form, "measure": report.measure}
    return render(request, "reports/report_form.html", context, status=status)


@transaction.atomic
def _save_report(request: HttpRequest, form: MeasureReportForm, *, submit: bool) -> bool:
    """Validate and save the form in one transaction (the form's check takes the report's row
    lock, held until the save); put a refusal on the form; say what was done."""
    if not form.is_valid():
        return False
    report = form.save(commit=False)
    try:
        report_save(
            report=report,
            expected_version=form.expected_version(),
            user=request.user,
            submit=submit,
        )
    except StaleVersionError as error:
        form.add_error(None, error.describe())
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    name = report.measure.code or _("insatsen")
    if submit:
        messages.success(request, _("Rapporten om %(name)s är inskickad.") % {"name": name})
    else:
        messages.success(request, _("Utkastet för %(name)s är sparat.") % {"name": name})
    return True


@login_required
def report_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a submitted report or return it with a comment."""
    report = _readable_report(request, pk)
    if not permissions.can_manage_round(request.user, report.round):
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("action") == "accept"
        try:
            report_review(
                report=report,
                user=request.user,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            done = _("godkänd") if accept else _("returnerad")
            messages.success(request, _("Rapporten är %(done)s.") % {"done": done})
            return redirect(reverse("reports:round_detail", args=[report.round_id]))
    status = 400 if form.errors else 200
    submitter = report.submitted_by
    context = {
        "report": report,
        "form": form,
        "measure": report.measure,
        "submitter": (name_and_title(submitter) or _("en rapportör")) if submitter else "",
    }
    return render(request, "reports/report_review.html", context, status=status)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_measures_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the plan's measures with their latest follow-up as an Excel file.

    The plan's editors get the reports as they stand (submitted, reviewed or not); everyone else
    only what the latest published follow-up showed.
    """
    plan = get_object_or_404(plan_permissions.visible_plans(request.user), pk=pk)
    if plan_permissions.can_edit_plan(request.user, plan):
        reported = working_follow_up(plan=plan)
    else:
        reported = published_follow_up(plan=plan)
    rows = plan_measure_rows(plan=plan, reported=reported)
    content = measures_workbook(title=plan.title, rows=rows)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"insatser-{plan.pk}-{slugify(plan.title)[:60]}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A published follow-up's large fields: lists of them read neither.
FROZEN = ("pdf", "docx", "content")


def plan_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a plan's follow-up: published reports for its readers; rounds and drafts for editors."""
    plan = get_object_or_404(plan_permissions.visible_plans(request.user), pk=pk)
    can_edit = plan_permissions.can_edit_plan(request.user, plan)
    every = list(
        PublishedFollowUp.objects.filter(plan=plan)
        .select_related("replaced_by")
        .defer(*FROZEN, *(f"replaced_by__{name}" for name in FROZEN))
    )
    published = [p for p in every if p.replaced_by_id is None]
    archived = [p for p in every if p.replaced_by_id is not None]
    rounds = list(plan.follow_up_rounds.all()) if can_edit else []
    years = list(range(plan.end_year, plan.start_year - 1, -1))
    gap_form = GapForm(request.GET or None)
    context = {
        "gap_form": gap_form,
        "gap": gap_form.gap(),
        "plan": plan,
        "published": published,
        "archived": archived,
        "rounds": rounds,
        "years": years,
        "can_edit": can_edit,
    }
    return render(request, "reports/plan_follow_up.html", context)


def edited_plan(request: HttpRequest, pk: int, year: int):
    """Return the plan if the user edits it and the year is in its period; 404 otherwise."""
    plan = get_object_or_404(plan_permissions.visible_plans(request.user), pk=pk)
    if not plan_permissions.can_edit_plan(request.user, plan):
        raise Http404
    if not plan.start_year <= year <= plan.end_year:
        raise Http404
    return plan


@login_required
def follow_up_preview(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Return the year's follow-up as it reads now as a PDF, without publishing it (typeset in
    the background; a page shows progress until it is ready)."""
    plan = edited_plan(request, pk, year)
    gap = preview_gap(request)
    content = follow_up_document(plan=plan, year=year, gap=gap)
    document = follow_up_preview_document(
        content=content, year=year, word=False, create=asks(request), user=request.user
    )
    return document_response(request, document)


def preview_gap(request: HttpRequest) -> Decimal:
    """Return the gap a preview is asked for, written one way (5, 5.0 and 5.00 are one document);
    400 for a gap the form refuses, rather than another document of the default."""
    form = GapForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise BadRequest(
            _("Skillnaden mellan kvinnor och män ska vara ett tal från 0 med högst två decimaler.")
        )
    gap = form.gap().normalize()
    return gap.quantize(Decimal(1)) if gap == gap.to_integral_value() else gap


@login_required
def follow_up_publish_view(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Show what publishing the year's follow-up would publish, and to whom, with why it may
    not be published yet; publish it once she confirms (its content and PDF frozen)."""
    plan = edited_plan(request, pk, year)
    posted = request.POST if request.method == "POST" else None  # an empty post is a post
    form = PublishForm(posted, initial={"skillnad": GapForm(request.GET).gap()})
    current = (
        PublishedFollowUp.objects.filter(plan=plan, year=year, replaced_by__isnull=True)
        .defer("pdf", "docx", "content")
        .first()
    )
    if request.method == "POST" and form.is_valid():
        try:
            published = follow_up_publish(
                plan=plan,
                year=year,
                user=request.user,
                gap=form.gap(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Uppföljningen för %(year)s är publicerad.") % {"year": year}
            )
            url = reverse("reports:plan_follow_up", args=[plan.pk])
            return redirect(url + f"#publicerad-{published.pk}")
    gap = form.gap() if form.is_bound and form.is_valid() else form.initial["skillnad"]
    content = follow_up_document(plan=plan, year=year, gap=gap)
    context = {
        "plan": plan,
        "year": year,
        "form": form,
        "gap": gap,
        "current": current,
        "refusals": publish_refusals(plan=plan, year=year),
        "summary": content["summary"],
        "period": content["period"],
        "publisher": name_and_title(request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "reports/follow_up_publish.html", context, status=status)


def _published(request: HttpRequest, pk: int) -> PublishedFollowUp:
    """Return the published follow-up if the user may read its plan; 404 otherwise."""
    visible = plan_permissions.visible_plans(request.user)
    return get_object_or_404(
        PublishedFollowUp.objects.select_related("plan"), pk=pk, plan__in=visible
    )


def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the PDF exactly as it was published (rendered once; progress until then)."""
    return _published_file(request, pk, word=False)


def published_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the published follow-up as a Word file, made once from what was published."""
    return _published_file(request, pk, word=True)


def _published_file(request: HttpRequest, pk: int, *, word: bool) -> HttpResponse:
    """Answer with a published follow-up's stored file, or with how its making goes."""
    field = "docx" if word else "pdf"
    published = _published(request, pk)
    if not getattr(published, field):
        document = published_document(published=published, word=word, create=asks(request))
        if document is None or document.status != Status.READY or request.method == "POST":
            return document_response(request, document)
        published.refresh_from_db(fields=[field])  # stored by the task since it was read
    elif request.method == "POST":
        return redirect(request.get_full_path())  # stored: nothing to try again
    extension, content_type = ("docx", DOCX) if word else ("pdf", PDF)
    filename = f"uppfoljning-{published.year}.{extension}"
    return file_response(bytes(getattr(published, field)), filename, content_type)


@login_required
def follow_up_preview_docx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Return the year's follow-up as it reads now as a Word file, without publishing it (made
    in the background; a page shows progress until it is ready)."""
    plan = edited_plan(request, pk, year)
    content = follow_up_document(plan=plan, year=year, gap=preview_gap(request))
    document = follow_up_preview_document(
        content=content, year=year, word=True, create=asks(request), user=request.user
    )
    return document_response(request, document)


def published_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare a published follow-up with the one published for the year before."""
    published = _published(request, pk)
    previous = (
        PublishedFollowUp.objects.filter(
            plan=published.plan, year__lt=published.year, replaced_by__isnull=True
        )
        .order_by("-year", "-published_at")
        .first()
    )
    changes, indicators = [], {"moved": [], "unchanged": 0}
    if previous:
        changes = status_changes(before=previous.content, after=published.content)
        indicators = indicator_changes(before=previous.content, after=published.content)
    context = {
        "published": published,
        "previous": previous,
        "changes": changes,
        "indicators": indicators,
    }
    return render(request, "reports/published_compare.html", context)


def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the whole plan as a PDF for whoever may read the plan (typeset in the background
    once per content; a page shows progress until it is ready)."""
    plan = get_object_or_404(
        plan_permissions.visible_plans(request.user).select_related("owner"), pk=pk
    )
    filename = f"{slugify(plan.title)[:80] or 'plan'}.pdf"
    document = plan_pdf_document(
        plan=plan, filename=filename, create=asks(request), user=request.user
    )
    return document_response(request, document)
