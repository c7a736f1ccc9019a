"""The minutes: writing, change requests and their answers, checking and signing (digitally or
on paper), amendments, registering, posting."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils import forms as council_forms
from councils import selectors, services
from councils.models import Meeting, MinutesCheck
from councils.permissions import can_check_minutes, can_manage_body
from councils.views.common import (
    add_refusal,
    managed_meeting,
    readable_meeting,
    refusal_messages,
)
from councils.views.meetings import forward_messages
from plans.forms import is_id
from plans.services import StaleVersionError


def _minutes_url(meeting: Meeting) -> str:
    return reverse("councils:minutes", args=[meeting.pk])


def minutes_context(meeting: Meeting) -> dict:
    """Return what every page showing the minutes needs (a fixed number of queries).

    What the minutes say comes from `document`, the checked record once they are checked; the
    items are the meeting's own, for the editor and the agenda before the meeting.
    """
    return {
        "meeting": meeting,
        "body": meeting.body,
        "state": selectors.minutes_state(meeting=meeting),
        "document": selectors.minutes_document(meeting=meeting),
        "items": selectors.minutes_items(meeting=meeting),
    }


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the minutes (the body's managers) or read them (members and readers)."""
    meeting = readable_meeting(request, pk)
    manages = can_manage_body(request.user, meeting.body)
    if request.method != "POST":
        return _minutes_page(request, meeting, manages=manages)
    if not manages:
        raise PermissionDenied
    step = request.POST.get("step")
    if step == "held":
        return _act(request, meeting, services.meeting_mark_held, _("Mötet är genomfört."))
    if step == "finish":
        done = _("Minnesanteckningarna är klara och låsta.")
        return _act(request, meeting, services.minutes_finish_notes, done)
    return _save_minutes(request, meeting)


def _act(request: HttpRequest, meeting: Meeting, action: Callable, done: str) -> HttpResponse:
    """Run a one-button action on the meeting; back on the minutes with what happened."""
    try:
        action(meeting=meeting, user=request.user)
    except ValidationError as error:
        for sentence in error.messages:
            messages.error(request, sentence)
    else:
        messages.success(request, done)
    return redirect(_minutes_url(meeting))


@transaction.atomic
def _save_minutes(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """Validate every part of the editor, then save them all or nothing."""
    editor = _editor(meeting, data=request.POST)
    errors: list[str] = []
    valid = [form.is_valid() for form in editor["forms"]]  # every form, so each shows its errors
    if all(valid):
        texts = [(form.save(commit=False), form.expected_version()) for form in editor["texts"]]
        chosen = editor["adjusters"].cleaned_data if editor["adjusters"] else {}
        notes: list[services.ForwardNote] = []
        try:
            written = services.minutes_save(
                meeting=meeting,
                user=request.user,
                texts=texts,
                adjusters=chosen.get("adjusters", []),
                adjusters_shown=chosen.get("loaded"),
                notes=notes,
            )
        except (ValidationError, StaleVersionError) as error:
            errors = refusal_messages(error)
        else:
            if written:
                messages.success(request, _("Protokollet sparat."))
            else:
                messages.info(request, _("Protokollet: inga ändringar att spara."))
            forward_messages(request, notes)
            return redirect(_minutes_url(meeting))
    meeting.refresh_from_db()
    return _minutes_page(request, meeting, manages=True, editor=editor, errors=errors, status=400)


def _editor(meeting: Meeting, data=None) -> dict:
    """Return the editor's forms: the opening, one per item, and the adjusters."""
    subject = selectors.decision_subject(meeting.body)
    opening = council_forms.MinutesOpeningForm(data, instance=meeting, prefix="protokoll")
    items = [
        council_forms.MinutesItemForm(
            data,
            instance=item,
            prefix=f"arende-{item.pk}",
            lead_in=selectors.decision_words(
                kind=item.kind, subject=subject, proposal_to=item.proposal_to
            ),
        )
        for item in meeting.items.order_by("order", "id")
    ]
    adjusters = None
    if meeting.body.keeps_minutes:
        appointed = meeting.checks.filter(role=MinutesCheck.Role.ADJUSTER)
        chair = meeting.checks.filter(role=MinutesCheck.Role.CHAIR).values("person_id")
        adjusters = council_forms.AdjustersForm(
            data,
            prefix="justering",
            # The chair signs: she is not offered as an adjuster.
            present=selectors.present_people(meeting=meeting).exclude(pk__in=chair),
            count=meeting.body.adjusters_count,
            initial={"adjusters": list(appointed.values_list("person_id", flat=True))},
        )
    texts = [opening, *items]
    return {
        "opening": opening,
        "items": items,
        "adjusters": adjusters,
        "texts": texts,
        "forms": texts + ([adjusters] if adjusters else []),
    }


def _minutes_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    manages: bool,
    editor: dict | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Show the editor to managers of a held meeting, else the minutes to read."""
    context = minutes_context(meeting)
    editing = manages and meeting.status == Meeting.Status.HELD
    if editing:
        editor = editor or _editor(meeting)
        editor["has_errors"] = any(form.errors for form in editor["forms"])
        editor["has_conflicts"] = any(getattr(form, "conflicts", None) for form in editor["forms"])
        forms_by_item = {form.instance.pk: form for form in editor["items"]}
        for item in context["items"]:
            item.form = forms_by_item.get(item.pk)
    appointment = can_check_minutes(request.user, meeting)
    context.update(
        manages=manages,
        editor=editor if editing else None,
        errors=errors or [],
        can_check=appointment is not None,
        signs=appointment is not None and appointment.role == MinutesCheck.Role.CHAIR,
        chair=_missing_chair(meeting, context["state"]),
        change_requests=_with_answer_forms(meeting) if manages else [],
    )
    return render(request, "councils/minutes.html", context, status=status)


def _missing_chair(meeting: Meeting, state: selectors.MinutesState):
    """Return whether the chair seat was vacant when a chair should sign (for a warning)."""
    if not state.chair_missing or meeting.status != Meeting.Status.HELD:
        return None
    return selectors.chair_on(body=meeting.body, day=selectors.meeting_day(meeting))


def _appointment(request: HttpRequest, meeting: Meeting) -> MinutesCheck:
    """Return her own appointment to check or sign the minutes, not yet done; 403 otherwise."""
    appointment = can_check_minutes(request.user, meeting)
    if appointment is None:
        raise PermissionDenied
    return appointment


@login_required
def minutes_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The adjuster's (or the chair's) page: the minutes first, then her actions: check (the
    chair: sign) with one action, or ask the secretary for a change."""
    meeting = readable_meeting(request, pk)
    appointment = _appointment(request, meeting)
    if request.method != "POST":
        return _check_page(request, meeting, appointment)
    try:
        services.minutes_check(meeting=meeting, user=request.user)
    except ValidationError as error:
        return _check_page(request, meeting, appointment, errors=error.messages, status=400)
    meeting.refresh_from_db()
    signs = appointment.role == MinutesCheck.Role.CHAIR
    if meeting.is_locked:
        done = _("Protokollet är nu justerat och låst.")
        mine = _("Du har undertecknat protokollet.") if signs else _("Du har justerat protokollet.")
        messages.success(request, f"{mine} {done}")
    else:
        messages.success(
            request,
            _("Du har undertecknat protokollet.") if signs else _("Du har justerat protokollet."),
        )
    return redirect(_minutes_url(meeting))


@login_required
def change_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the secretary to change a paragraph, or the minutes as a whole, before checking."""
    meeting = readable_meeting(request, pk)
    appointment = _appointment(request, meeting)
    form = council_forms.ChangeRequestForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_create(
                meeting=meeting,
                user=request.user,
                item=form.cleaned_data["item"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            done = _("Din begäran om ändring är skickad till sekreteraren.")
            messages.success(request, done)
            return redirect(_check_url(meeting, "mina-begaranden"))
    status = 400 if form.errors else 200
    return _check_page(request, meeting, appointment, request_form=form, status=status)


def _check_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("councils:minutes_check", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _check_page(
    request: HttpRequest,
    meeting: Meeting,
    appointment: MinutesCheck,
    *,
    request_form=None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Show the minutes she checks, her change requests with their answers, then her actions."""
    mine = selectors.change_requests(meeting=meeting, person=appointment.person)
    context = {
        **minutes_context(meeting),
        "appointment": appointment,
        "signs": appointment.role == MinutesCheck.Role.CHAIR,
        "my_requests": mine,
        "waiting": [r for r in mine if not r.is_answered],
        "request_form": request_form or council_forms.ChangeRequestForm(meeting=meeting),
        "errors": errors or [],
    }
    return render(request, "councils/minutes_check.html", context, status=status)


@login_required
def change_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """The adjusters' change requests on the minutes, each open one with a form to answer it
    (the body's managers)."""
    meeting = managed_meeting(request, pk)
    bound = None
    if request.method == "POST":
        bound = _answer_form(meeting, data=request.POST)
        if bound.is_valid():
            try:
                answered = services.change_request_answer(
                    change_request=bound.cleaned_data["begaran"],
                    user=request.user,
                    answer=bound.cleaned_data["svar"],
                )
            except ValidationError as error:
                add_refusal(bound, error)
            else:
                done = _(
                    "Svaret till %(name)s är sparat och visas på sidan där protokollet justeras."
                )
                messages.success(request, done % {"name": answered.requested_by.name})
                return redirect(f"{_minutes_url(meeting)}#andringsbegaranden")
    requests = _with_answer_forms(meeting, bound)
    refused = bound is not None and bool(bound.errors)
    shown = any(r.form is bound for r in requests)
    context = {
        **minutes_context(meeting),
        "change_requests": requests,
        # A refusal of a request no longer open (answered, or the minutes locked meanwhile).
        "errors": [e for errors in bound.errors.values() for e in errors]
        if refused and not shown
        else [],
    }
    status = 400 if refused else 200
    return render(request, "councils/minutes_change_requests.html", context, status=status)


def _answer_form(meeting: Meeting, *, data=None, request_pk: int | str | None = None):
    """Return the answer form of one request; its ids carry the request's, so that the forms
    of several requests on one page stay apart."""
    if data is not None:
        request_pk = data.get("begaran", "")
    key = request_pk if is_id(str(request_pk)) else "x"
    return council_forms.ChangeRequestAnswerForm(
        data,
        meeting=meeting,
        auto_id=f"svar-{key}-%s",
        initial={"begaran": request_pk},
    )


def _with_answer_forms(meeting: Meeting, bound=None) -> list:
    """Return the meeting's change requests, each open one with its answer form (the posted
    one as posted, with its errors)."""
    requests = selectors.change_requests(meeting=meeting)
    posted = bound.data.get("begaran") if bound is not None else None
    for change_request in requests:
        change_request.form = None
        if not change_request.is_answered and meeting.status == Meeting.Status.HELD:
            if posted == str(change_request.pk):
                change_request.form = bound
            else:
                change_request.form = _answer_form(meeting, request_pk=change_request.pk)
    return requests


def _form_page(
    request: HttpRequest,
    meeting: Meeting,
    form,
    template: str,
    save: Callable[[dict], object],
    done: str,
) -> HttpResponse:
    """Show a form of the minutes' pages; save it through the service; refusals re-show it."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            for sentence in error.messages:
                form.add_error(None, sentence)
        else:
            messages.success(request, done)
            return redirect(_minutes_url(meeting))
    meeting.refresh_from_db()
    context = {**minutes_context(meeting), "form": form}
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def minutes_paper_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check done on paper, with its date (the body's managers)."""
    meeting = managed_meeting(request, pk)
    form = council_forms.PaperCheckForm(request.POST or None, meeting=meeting)

    def save(data: dict) -> None:
        services.minutes_check_on_paper(
            meeting=meeting, check=data["appointment"], on=data["checked_on"], user=request.user
        )

    done = _("Justeringen på papper är registrerad.")
    return _form_page(request, meeting, form, "councils/minutes_paper_check.html", save, done)


@login_required
def minutes_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a correction of checked minutes (the body's managers)."""
    meeting = managed_meeting(request, pk)
    form = council_forms.AmendmentForm(request.POST or None, meeting=meeting)

    def save(data: dict) -> None:
        services.minutes_amend(
            meeting=meeting,
            item=data["item"],
            what=data["what"],
            why=data["why"],
            user=request.user,
        )

    done = _("Rättelsen är registrerad och visas med protokollet.")
    return _form_page(request, meeting, form, "councils/minutes_amend.html", save, done)


@login_required
def minutes_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register checked minutes with their diarienummer and date (the body's managers)."""
    meeting = managed_meeting(request, pk)
    form = council_forms.RegisterForm(request.POST or None, today=timezone.localdate())

    def save(data: dict) -> None:
        services.minutes_register(
            meeting=meeting,
            case_number=data["case_number"],
            registered_on=data["registered_on"],
            user=request.user,
        )

    done = _("Protokollet är diariefört.")
    return _form_page(request, meeting, form, "councils/minutes_register.html", save, done)


@login_required
def notice_board_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day the checking was actually posted on the notice board."""
    meeting = managed_meeting(request, pk)
    form = council_forms.PostingForm(request.POST or None, initial={"posted_on": meeting.posted_on})

    def save(data: dict) -> None:
        services.minutes_post_announcement(
            meeting=meeting, posted_on=data["posted_on"], user=request.user
        )

    done = _("Anslagsdatumet är sparat.")
    return _form_page(request, meeting, form, "councils/notice_board_post.html", save, done)
