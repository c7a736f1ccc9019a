"""The minutes: writing, checking (digitally or on paper), amendments, registering, posting."""

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
from councils.views.common import managed_meeting, readable_meeting, refusal_messages
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
        "advisory": not meeting.body.is_statutory,
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
        try:
            written = services.minutes_save(
                meeting=meeting,
                user=request.user,
                texts=texts,
                adjusters=chosen.get("adjusters", []),
                adjusters_shown=chosen.get("loaded"),
            )
        except (ValidationError, StaleVersionError) as error:
            errors = refusal_messages(error)
        else:
            if written:
                messages.success(request, _("Protokollet sparat."))
            else:
                messages.info(request, _("Protokollet: inga ändringar att spara."))
            return redirect(_minutes_url(meeting))
    meeting.refresh_from_db()
    return _minutes_page(request, meeting, manages=True, editor=editor, errors=errors, status=400)


def _editor(meeting: Meeting, data=None) -> dict:
    """Return the editor's forms: the opening, one per item, and the adjusters."""
    advisory = not meeting.body.is_statutory
    opening = council_forms.MinutesOpeningForm(data, instance=meeting, prefix="protokoll")
    items = [
        council_forms.MinutesItemForm(
            data, instance=item, prefix=f"arende-{item.pk}", advisory=advisory
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
    context.update(
        manages=manages,
        editor=editor if editing else None,
        errors=errors or [],
        can_check=can_check_minutes(request.user, meeting) is not None,
        chair=_missing_chair(meeting, context["state"]),
    )
    return render(request, "councils/minutes.html", context, status=status)


def _missing_chair(meeting: Meeting, state: selectors.MinutesState):
    """Return whether the chair seat was vacant when a chair should sign (for a warning)."""
    if not state.chair_missing or meeting.status != Meeting.Status.HELD:
        return None
    return selectors.chair_on(body=meeting.body, day=selectors.meeting_day(meeting))


@login_required
def minutes_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the minutes one was appointed to check (adjuster or chair), with one action."""
    meeting = readable_meeting(request, pk)
    appointment = can_check_minutes(request.user, meeting)
    if appointment is None:
        raise PermissionDenied
    if request.method == "POST":
        services.minutes_check(meeting=meeting, user=request.user)
        meeting.refresh_from_db()
        if meeting.is_locked:
            done = _("Du har justerat protokollet. Det är nu justerat och låst.")
            messages.success(request, done)
        else:
            messages.success(request, _("Du har justerat protokollet."))
        return redirect(_minutes_url(meeting))
    context = {**minutes_context(meeting), "appointment": appointment}
    return render(request, "councils/minutes_check.html", context)


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
