"""The council pages: bodies, meetings, minutes and documents."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils import forms as council_forms
from councils import permissions, selectors, services
from councils.forms import MinutesSendForm, NoticeSendForm
from councils.models import AgendaItem, Body, Meeting, MinutesCheck
from councils.permissions import can_check_minutes, can_manage_body, readable_meetings
from councils.selectors import (
    body_meetings_for_calendar,
    meeting_day,
    minutes_participants,
)
from councils.services import (
    SendingFailed,
    body_renew_calendar_token,
    meeting_send_notice,
    meetings_calendar,
    notice_plan,
    render_extract_pdf,
    render_minutes_pdf,
    render_notice_pdf,
)
from plans.services import StaleVersionError

# --- Minutes, checking, amendments, registration, notice board, public pages (wt-minutes) ---


def _readable_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return the meeting if the user reads it; 404 otherwise, so ids reveal nothing."""
    meetings = readable_meetings(request.user).select_related("body__organisation")
    return get_object_or_404(meetings, pk=pk)


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return the meeting if the user manages its body: 404 if she cannot read it, else 403."""
    meeting = _readable_meeting(request, pk)
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _minutes_url(meeting: Meeting) -> str:
    return reverse("councils:minutes", args=[meeting.pk])


def _refusal(error: ValidationError | StaleVersionError) -> list[str]:
    """Return the Swedish sentences of a refusal."""
    if isinstance(error, StaleVersionError):
        return error.describe()
    return error.messages


def _minutes_context(meeting: Meeting) -> dict:
    """Return what every page showing the minutes needs (a fixed number of queries)."""
    return {
        "meeting": meeting,
        "body": meeting.body,
        "state": selectors.minutes_state(meeting=meeting),
        "items": selectors.minutes_items(meeting=meeting),
        "whole_amendments": selectors.whole_minutes_amendments(meeting=meeting),
        "attendances": selectors.attendance_list(meeting=meeting),
        "advisory": not meeting.body.is_statutory,
    }


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the minutes (the body's managers) or read them (members and readers)."""
    meeting = _readable_meeting(request, pk)
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
        adjusters = editor["adjusters"].cleaned_data["adjusters"] if editor["adjusters"] else []
        try:
            written = services.minutes_save(
                meeting=meeting, user=request.user, texts=texts, adjusters=adjusters
            )
        except (ValidationError, StaleVersionError) as error:
            errors = _refusal(error)
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
    context = _minutes_context(meeting)
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
    meeting = _readable_meeting(request, pk)
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
    context = {**_minutes_context(meeting), "appointment": appointment}
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
    context = {**_minutes_context(meeting), "form": form}
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def minutes_paper_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a check done on paper, with its date (the body's managers)."""
    meeting = _managed_meeting(request, pk)
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
    meeting = _managed_meeting(request, pk)
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
    meeting = _managed_meeting(request, pk)
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
    meeting = _managed_meeting(request, pk)
    form = council_forms.PostingForm(request.POST or None, initial={"posted_on": meeting.posted_on})

    def save(data: dict) -> None:
        services.minutes_post_announcement(
            meeting=meeting, posted_on=data["posted_on"], user=request.user
        )

    done = _("Anslagsdatumet är sparat.")
    return _form_page(request, meeting, form, "councils/notice_board_post.html", save, done)


def notice_board(request: HttpRequest) -> HttpResponse:
    """Show the announcements of checked minutes that are up today (public)."""
    context = {"announcements": selectors.notice_board(), "today": timezone.localdate()}
    return render(request, "councils/notice_board.html", context)


PUBLIC_MINUTES_PER_PAGE = 25


def public_minutes_list(request: HttpRequest) -> HttpResponse:
    """List the checked minutes of public bodies, newest first (public)."""
    minutes = selectors.public_minutes_list()
    page = Paginator(minutes, PUBLIC_MINUTES_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "councils/public_minutes_list.html", {"page": page})


def public_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Show checked minutes of a public body with their amendments (public); others 404."""
    meeting = get_object_or_404(selectors.public_minutes_list(), pk=pk)
    context = _minutes_context(meeting)
    return render(request, "councils/public_minutes.html", context)


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """Show her coming meetings and the minutes waiting for her check."""
    mine = selectors.my_meetings(user=request.user)
    return render(request, "councils/my_meetings.html", {"mine": mine})


# --- Documents: PDFs, sending the notice and the minutes, calendars (wt-documents) -------------


class LoginFirst(Exception):
    """An anonymous visitor asked for a document only members read: log in first."""


def _document_meeting(request: HttpRequest, pk: int, *, public: bool = False) -> Meeting:
    """Return the meeting if the user reads it (or, with `public`, its minutes are public).

    Others get 404, so ids reveal nothing; anonymous visitors are asked to log in first.
    """
    if public and permissions.public_meetings().filter(pk=pk).exists():
        return get_object_or_404(Meeting, pk=pk)
    if not request.user.is_authenticated:
        raise LoginFirst
    return get_object_or_404(permissions.readable_meetings(request.user), pk=pk)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file_name(stem: str, meeting: Meeting, extension: str) -> str:
    return f"{stem}-{meeting_day(meeting):%Y-%m-%d}.{extension}"


def _login_first(view):
    """Send an anonymous visitor to the login page when the view asks for it."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LoginFirst:
            return redirect_to_login(request.get_full_path())

    wrapped.__doc__, wrapped.__name__ = view.__doc__, view.__name__
    return wrapped


@_login_first
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the notice with the agenda as a PDF, for readers of the meeting."""
    meeting = _document_meeting(request, pk)
    return _pdf_response(render_notice_pdf(meeting=meeting), _file_name("kallelse", meeting, "pdf"))


@_login_first
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the minutes as a PDF: for readers, and for anyone once public and checked."""
    meeting = _document_meeting(request, pk, public=True)
    content = render_minutes_pdf(meeting=meeting)
    return _pdf_response(content, _file_name("protokoll", meeting, "pdf"))


@_login_first
def extract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return one paragraph of the minutes with the checking lines (protokollsutdrag)."""
    item = get_object_or_404(AgendaItem.objects.only("pk", "meeting_id", "paragraph"), pk=pk)
    meeting = _document_meeting(request, item.meeting_id, public=True)
    item.meeting = meeting
    content = render_extract_pdf(item=item)
    stem = "utdrag" + (f"-{item.paragraph}" if item.paragraph else "")
    return _pdf_response(content, _file_name(stem, meeting, "pdf"))


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return the meeting if the user manages its body: 404 unless she reads it, else 403."""
    meeting = get_object_or_404(
        permissions.readable_meetings(request.user).select_related("body"), pk=pk
    )
    if not permissions.can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _refusal(error: ValidationError | SendingFailed) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


@login_required
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom the notice will reach and whether it is late; send it on POST."""
    meeting = _managed_meeting(request, pk)
    form = NoticeSendForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        confirm = form.cleaned_data["confirm_late"]
        try:
            meeting_send_notice(meeting=meeting, user=request.user, confirm_late=confirm)
        except (ValidationError, SendingFailed) as error:
            for text in _refusal(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Kallelsen är skickad."))
            return redirect("councils:notice_send", pk=meeting.pk)
    context = {"meeting": meeting, "form": form, "plan": notice_plan(meeting=meeting)}
    context["dispatches"] = meeting.dispatches.filter(kind="kallelse").select_related("sent_by")
    status = 400 if form.errors else 200
    return render(request, "councils/notice_send.html", context, status=status)


@login_required
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom the checked minutes will reach; send them with the attachments on POST."""
    meeting = _managed_meeting(request, pk)
    form = MinutesSendForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.minutes_send(meeting=meeting, user=request.user)
        except (ValidationError, SendingFailed) as error:
            for text in _refusal(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Protokollet är skickat."))
            return redirect("councils:minutes_send", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "form": form,
        "participants": minutes_participants(meeting=meeting),
        "distribution": meeting.body.distribution_addresses,
        "dispatches": meeting.dispatches.filter(kind="protokoll").select_related("sent_by"),
    }
    status = 400 if form.errors else 200
    return render(request, "councils/minutes_send.html", context, status=status)


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@_login_first
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the meeting as a calendar file, for readers of the meeting."""
    meeting = _document_meeting(request, pk)
    meeting = Meeting.objects.select_related("body").prefetch_related("items").get(pk=meeting.pk)
    content = meetings_calendar(meetings=[meeting], name=meeting.body.name)
    return _calendar_response(content, _file_name("mote", meeting, "ics"))


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Return every meeting of the body whose private calendar address this is (no login)."""
    body = Body.objects.filter(calendar_token=token).first()
    if body is None:
        raise Http404
    meetings = body_meetings_for_calendar(body=body)
    content = meetings_calendar(meetings=meetings, name=body.name)
    response = _calendar_response(content, "kalender.ics")
    # The address is the secret: keep it out of shared caches and the referrer.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def calendar_token_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the body's private calendar address to its managers; renew it on POST."""
    body = get_object_or_404(permissions.readable_bodies(request.user), pk=pk)
    if not permissions.can_manage_body(request.user, body):
        raise PermissionDenied
    if request.method == "POST":
        body_renew_calendar_token(body=body)
        messages.success(
            request, _("Kalendern har en ny adress. Den gamla adressen fungerar inte längre.")
        )
        return redirect("councils:calendar_token_renew", pk=body.pk)
    return render(request, "councils/calendar_token.html", {"body": body})
