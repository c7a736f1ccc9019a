"""The prioritisation's pages: the list, the overview with themes, candidates and criteria,
rounds (open, score, remind, close), the merged ranking with the resources-against-effect
picture, the decision that makes a plan, and the report as PDF and Excel.

Out of reach answers 404; readable but not hers to change answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from plans import permissions
from plans.follow_up import follow_up
from plans.models import Candidate, Prioritisation, Rater, Round, Theme
from plans.prioritisation import documents, selectors, services
from plans.prioritisation.forms import (
    CandidateForm,
    DecisionForm,
    PrioritisationForm,
    PrioritisationNewForm,
    RoundForm,
    ScoresForm,
    ThemeForm,
    criteria_formset,
)
from plans.services import StaleVersionError, versioned_save
from plans.views import edit_page, saved_message


def _readable(request: HttpRequest, pk: int) -> Prioritisation:
    return get_object_or_404(
        permissions.readable_prioritisations(request.user).select_related("owner", "plan"), pk=pk
    )


def _editable(request: HttpRequest, pk: int) -> Prioritisation:
    prioritisation = _readable(request, pk)
    if not permissions.can_edit_prioritisation(request.user, prioritisation):
        raise PermissionDenied
    return prioritisation


def _editable_part(request: HttpRequest, model: type, pk: int):
    """Return the theme, candidate or round if she may change its prioritisation: 404 if she
    may not read it, 403 if she only reads it."""
    readable = permissions.readable_prioritisations(request.user)
    part = get_object_or_404(
        model.objects.select_related("prioritisation__owner"), pk=pk, prioritisation__in=readable
    )
    if not permissions.can_edit_prioritisation(request.user, part.prioritisation):
        raise PermissionDenied
    return part


def _round(request: HttpRequest, pk: int) -> Round:
    readable = permissions.readable_prioritisations(request.user)
    return get_object_or_404(
        Round.objects.select_related("prioritisation__owner"),
        pk=pk,
        prioritisation__in=readable,
    )


def _detail_url(prioritisation: Prioritisation, anchor: str = "") -> str:
    url = reverse("plans:prioritisation_detail", kwargs={"pk": prioritisation.pk})
    return f"{url}#{anchor}" if anchor else url


@login_required
def prioritisation_list(request: HttpRequest) -> HttpResponse:
    prioritisations = (
        permissions.readable_prioritisations(request.user)
        .select_related("owner")
        .order_by("owner__name", "title", "pk")
    )
    rater_rows = selectors.my_rater_rows(request.user)
    return render(
        request,
        "plans/prioritisation/list.html",
        {
            "prioritisations": prioritisations,
            "rater_rows": rater_rows,
            "can_start": permissions.can_start_plans(request.user),
        },
    )


@login_required
@transaction.atomic
def prioritisation_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_start_plans(request.user):
        raise PermissionDenied
    form = PrioritisationNewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        prioritisation = form.save(commit=False)
        try:
            services.prioritisation_start(prioritisation=prioritisation, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Prioriteringen är skapad med fyra kriterier från Dalarnas modell. Lägg till "
                    "temaområden och åtgärdsområden."
                ),
            )
            return redirect(_detail_url(prioritisation))
    return render(
        request,
        "plans/prioritisation/form.html",
        {
            "form": form,
            "heading": _("Ny prioritering"),
            "cancel_url": reverse("plans:prioritisations"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def prioritisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _readable(request, pk)
    can_edit = permissions.can_edit_prioritisation(request.user, prioritisation)
    rounds = selectors.rounds_of(prioritisation)
    themes = selectors.themes_with_candidates(prioritisation)
    needs = follow_up().needs(
        user=request.user, candidate_ids=[c.pk for t in themes for c in t.candidates.all()]
    )
    for theme in themes:
        for candidate in theme.candidates.all():
            candidate.needs = needs.get(candidate.pk, [])
    mine = (
        {r.round_id: r for r in Rater.objects.filter(round__in=rounds, user=request.user)}
        if request.user.is_authenticated
        else {}
    )
    return render(
        request,
        "plans/prioritisation/detail.html",
        {
            "prioritisation": prioritisation,
            "can_edit": can_edit,
            "criteria": list(prioritisation.criteria.all()),
            "themes": themes,
            "rounds": [(r, mine.get(r.pk)) for r in rounds],
            "has_closed": any(r.status == Round.Status.CLOSED for r in rounds),
            "reads_scores": permissions.can_read_scores(request.user, prioritisation),
            "open_round": next((r for r in rounds if r.is_open), None),
            "decided": selectors.decided_items(prioritisation),
        },
    )


@login_required
def prioritisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    context = {
        "heading": _("Ändra prioriteringen"),
        "cancel_url": _detail_url(prioritisation),
        "prioritisation": prioritisation,
    }
    page, written = edit_page(
        request, PrioritisationForm, prioritisation, "plans/prioritisation/form.html", context
    )
    if page is not None:
        return page
    saved_message(request, written, _("Prioriteringen"))
    return redirect(_detail_url(prioritisation))


@login_required
@transaction.atomic
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    formset = criteria_formset(request.POST or None, prioritisation)
    if request.method == "POST" and formset.is_valid():
        for order, form in enumerate(formset.ordered_forms if formset.can_order else formset.forms):
            if form in formset.deleted_forms:
                continue
            form.instance.order = order
        formset.save()
        messages.success(request, _("Kriterierna är sparade."))
        return redirect(_detail_url(prioritisation, "kriterier"))
    return render(
        request,
        "plans/prioritisation/criteria.html",
        {"prioritisation": prioritisation, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@transaction.atomic
def theme_new(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    return _theme_page(request, prioritisation, Theme(prioritisation=prioritisation))


@login_required
@transaction.atomic
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _editable_part(request, Theme, pk)
    return _theme_page(request, theme.prioritisation, theme)


def _theme_page(request: HttpRequest, prioritisation: Prioritisation, theme: Theme) -> HttpResponse:
    if theme.pk is None and not request.POST:
        theme.number = (prioritisation.themes.count() or 0) + 1
    form = ThemeForm(request.POST or None, instance=theme, prioritisation=prioritisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Temaområdet är sparat."))
        return redirect(_detail_url(prioritisation, f"tema-{theme.pk}"))
    heading = _("Nytt temaområde") if theme.pk is None else _("Ändra temaområde")
    return render(
        request,
        "plans/prioritisation/form.html",
        {
            "form": form,
            "heading": heading,
            "prioritisation": prioritisation,
            "cancel_url": _detail_url(prioritisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@transaction.atomic
def candidate_new(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    form = CandidateForm(
        request.POST or None,
        instance=Candidate(prioritisation=prioritisation),
        prioritisation=prioritisation,
    )
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        versioned_save(
            instance=candidate,
            expected_version=1,
            user=request.user,
            m2m={"target_areas": form.cleaned_data["target_areas"]},
        )
        messages.success(request, _("Åtgärdsområdet är sparat."))
        return redirect(_detail_url(prioritisation, f"atgardsomrade-{candidate.pk}"))
    return render(
        request,
        "plans/prioritisation/form.html",
        {
            "form": form,
            "heading": _("Nytt åtgärdsområde"),
            "prioritisation": prioritisation,
            "cancel_url": _detail_url(prioritisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _editable_part(request, Candidate, pk)
    prioritisation = candidate.prioritisation
    context = {
        "heading": _("Ändra åtgärdsområde"),
        "prioritisation": prioritisation,
        "delete_url": reverse("plans:candidate_delete", args=[candidate.pk]),
        "cancel_url": _detail_url(prioritisation, f"atgardsomrade-{candidate.pk}"),
    }
    page, written = edit_page(
        request, CandidateForm, candidate, "plans/prioritisation/form.html", context
    )
    if page is not None:
        return page
    saved_message(request, written, candidate.title)
    return redirect(_detail_url(prioritisation, f"atgardsomrade-{candidate.pk}"))


@login_required
@require_POST
def candidate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _editable_part(request, Candidate, pk)
    prioritisation = candidate.prioritisation
    try:
        services.candidate_delete(candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:candidate_edit", pk=candidate.pk)
    messages.success(request, _("%(title)s är borttaget.") % {"title": candidate.title})
    return redirect(_detail_url(prioritisation, "teman"))


@login_required
@transaction.atomic
def round_new(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    last = prioritisation.rounds.order_by("-number").first()
    initial = {}
    if last is not None:
        initial = {
            "candidates": list(last.candidates.values_list("pk", flat=True)),
            "raters": list(last.rater_rows.values_list("user_id", flat=True)),
        }
    else:
        initial = {"candidates": list(prioritisation.candidates.values_list("pk", flat=True))}
    form = RoundForm(
        request.POST or None,
        initial=initial,
        instance=Round(prioritisation=prioritisation),
        prioritisation=prioritisation,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        round_ = form.save(commit=False)
        capacity = form.cleaned_data["capacity"]
        try:
            services.round_open(
                round_=round_,
                raters=[(u, capacity) for u in form.cleaned_data["raters"]],
                candidates=form.cleaned_data["candidates"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Omgång %(number)s är öppen. %(count)s bedömare har fått e-post.",
                    "Omgång %(number)s är öppen. %(count)s bedömare har fått e-post.",
                    len(form.cleaned_data["raters"]),
                )
                % {"number": round_.number, "count": len(form.cleaned_data["raters"])},
            )
            return redirect("plans:round", pk=round_.pk)
    return render(
        request,
        "plans/prioritisation/round_new.html",
        {"form": form, "prioritisation": prioritisation, "cancel_url": _detail_url(prioritisation)},
        status=400 if form.errors else 200,
    )


@login_required
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    prioritisation = round_.prioritisation
    can_edit = permissions.can_edit_prioritisation(request.user, prioritisation)
    raters = list(round_.rater_rows.select_related("user__account__organisation").order_by("pk"))
    mine = next((r for r in raters if r.user_id == request.user.pk), None)
    return render(
        request,
        "plans/prioritisation/round.html",
        {
            "round": round_,
            "prioritisation": prioritisation,
            "can_edit": can_edit,
            "raters": raters,
            "completed": sum(1 for r in raters if r.completed_at),
            "mine": mine,
            "candidate_count": round_.candidates.count(),
        },
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _editable_part(request, Round, pk)
    version = request.POST.get("version", "")
    try:
        expected = int(version) if version.isascii() and version.isdigit() else -1
        services.round_close(round_=round_, expected_version=expected, user=request.user)
    except StaleVersionError:
        messages.error(request, _("Omgången har ändrats sedan du öppnade sidan. Försök igen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Omgången är stängd. Rangordningen visar nu dess poäng."))
    return redirect("plans:round", pk=round_.pk)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _editable_part(request, Round, pk)
    try:
        count = services.round_remind(round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s bedömare har fått en påminnelse.",
                "%(count)s bedömare har fått en påminnelse.",
                count,
            )
            % {"count": count},
        )
    return redirect("plans:round", pk=round_.pk)


@login_required
@transaction.atomic
def round_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """A rater's own sheet: only her scores, never another's."""
    round_ = _round(request, pk)
    rater = Rater.objects.filter(round=round_, user=request.user).first()
    if rater is None:
        raise PermissionDenied
    candidates = list(round_.candidates.select_related("theme").order_by("theme__number", "pk"))
    criteria = list(round_.prioritisation.criteria.all())
    form = ScoresForm(
        request.POST or None,
        round_=round_,
        candidates=candidates,
        criteria=criteria,
        saved=selectors.own_sheet(rater),
    )
    if request.method == "POST":
        if not round_.is_open:
            messages.error(request, _("Omgången är stängd. Poängen kan inte längre ändras."))
            return redirect("plans:round", pk=round_.pk)
        if form.is_valid():
            try:
                complete = services.scores_save(
                    rater=rater, sheets=form.sheets(candidates, criteria)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if complete:
                    messages.success(
                        request, _("Dina poäng är sparade. Du har poängsatt alla åtgärdsområden.")
                    )
                else:
                    messages.info(
                        request,
                        _("Dina poäng är sparade. Några poäng saknas ännu; fortsätt när du vill."),
                    )
                return redirect("plans:round", pk=round_.pk)
    return render(
        request,
        "plans/prioritisation/scores.html",
        {
            "round": round_,
            "prioritisation": round_.prioritisation,
            "form": form,
            "criteria": criteria,
            "closed": not round_.is_open,
        },
        status=400 if form.errors else 200,
    )


def _method(request: HttpRequest, prioritisation: Prioritisation) -> str:
    value = request.GET.get("metod", "")
    return value if value in Prioritisation.Method.values else prioritisation.method


def _round_number(request: HttpRequest) -> int | None:
    value = request.GET.get("omgang", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else None


@login_required
def ranking_view(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _readable(request, pk)
    method = _method(request, prioritisation)
    round_number = _round_number(request)
    ranking = selectors.ranking(prioritisation, method=method, round_number=round_number)
    shortlist = selectors.shortlist(prioritisation)
    return render(
        request,
        "plans/prioritisation/ranking.html",
        {
            "prioritisation": prioritisation,
            "ranking": ranking,
            "method": method,
            "methods": Prioritisation.Method.choices,
            "round_number": round_number,
            "all_rounds": [r for r in selectors.rounds_of(prioritisation) if not r.is_open],
            "shortlist": documents.effect_rows(shortlist),
            "picture": documents.effect_picture(shortlist),
            "can_edit": permissions.can_edit_prioritisation(request.user, prioritisation),
        },
    )


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _editable(request, pk)
    ranking = selectors.ranking(prioritisation)
    places = {row.candidate: row for t in ranking.themes for row in t.rows}
    form = DecisionForm(
        request.POST or None,
        prioritisation=prioritisation,
        user=request.user,
        initial={
            "decided_by": prioritisation.decided_by,
            "decided_on": prioritisation.decided_on,
            "reference": prioritisation.decision_reference,
            "plan": prioritisation.plan_id,
        },
    )
    form.fields["candidates"].label_from_instance = lambda c: _candidate_label(c, places)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        expected = int(version) if version.isascii() and version.isdigit() else -1
        try:
            plan = services.decision_to_plan(
                prioritisation=prioritisation,
                expected_version=expected,
                candidates=list(form.cleaned_data["candidates"]),
                plan=form.target_plan(),
                as_=form.cleaned_data["as_"],
                decided_by=form.cleaned_data["decided_by"],
                decided_on=form.cleaned_data["decided_on"],
                reference=form.cleaned_data["reference"],
                user=request.user,
            )
        except StaleVersionError:
            form.add_error(
                None,
                _("Prioriteringen har ändrats sedan du öppnade sidan. Ladda om och försök igen."),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len(form.cleaned_data["candidates"])
            messages.success(
                request,
                ngettext(
                    "Beslutet är registrerat och %(count)s åtgärdsområde står nu i planen.",
                    "Beslutet är registrerat och %(count)s åtgärdsområden står nu i planen.",
                    count,
                )
                % {"count": count},
            )
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/prioritisation/decision.html",
        {"prioritisation": prioritisation, "form": form},
        status=400 if form.errors else 200,
    )


def _candidate_label(candidate: Candidate, places: dict) -> str:
    """Name a candidate with its theme and its place in the theme's merged ranking."""
    row = places.get(candidate.pk)
    label = f"{candidate.theme.number}. {candidate}"
    if row is None or row.value is None:
        return label
    return _("%(label)s – plats %(rank)s i temat, %(value)s") % {
        "label": label,
        "rank": row.rank_label,
        "value": str(row.value).replace(".", ","),
    }


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _readable(request, pk)
    pdf = documents.report_pdf(prioritisation)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="prioritering-{prioritisation.pk}.pdf"'
    return response


@login_required
def scores_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    prioritisation = _readable(request, pk)
    if not permissions.can_read_scores(request.user, prioritisation):
        raise PermissionDenied
    content = documents.scores_workbook(prioritisation)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="poang-{prioritisation.pk}.xlsx"'
    return response
