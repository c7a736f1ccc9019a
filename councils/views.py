"""The council pages: bodies, meetings, minutes and documents."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from councils import forms as council_forms
from councils import permissions, selectors, services
from councils.forms import MinutesSendForm, NoticeSendForm
from councils.models import (
    AgendaItem,
    Attachment,
    Body,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from councils.permissions import (
    can_check_minutes,
    can_create_bodies,
    can_manage_body,
    readable_bodies,
    readable_meetings,
)
from councils.selectors import (
    body_meetings_for_calendar,
    body_tree,
    meeting_attendance,
    meeting_day,
    meeting_items,
    minutes_participants,
    seats_on,
    seats_with_holdings,
    sub_bodies,
    year_meetings,
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
from plans.selectors import measure_anchor
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


# --- Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings) ---

# Looking records up: out of reach answers 404, so ids reveal nothing; readers who may not
# manage get 403.


def _readable_body(request: HttpRequest, pk: int) -> Body:
    return get_object_or_404(readable_bodies(request.user).select_related("organisation"), pk=pk)


def _managed_body(request: HttpRequest, pk: int) -> Body:
    body = _readable_body(request, pk)
    if not can_manage_body(request.user, body):
        raise PermissionDenied
    return body


def _readable_meeting(request: HttpRequest, pk: int) -> Meeting:
    meetings = readable_meetings(request.user).select_related("body__organisation")
    return get_object_or_404(meetings, pk=pk)


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = _readable_meeting(request, pk)
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def _managed_item(request: HttpRequest, pk: int) -> AgendaItem:
    items = AgendaItem.objects.select_related("meeting__body__organisation")
    item = get_object_or_404(items, pk=pk, meeting__in=readable_meetings(request.user))
    if not can_manage_body(request.user, item.meeting.body):
        raise PermissionDenied
    return item


def _managed_seat(request: HttpRequest, pk: int) -> Seat:
    seats = Seat.objects.select_related("body__organisation", "organisation")
    seat = get_object_or_404(seats, pk=pk, body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, seat.body):
        raise PermissionDenied
    return seat


def _locked(request: HttpRequest, meeting: Meeting) -> HttpResponse | None:
    """Return the way back to a meeting whose minutes are checked, with the reason; else None."""
    try:
        meeting.ensure_unlocked()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("councils:meeting_detail", meeting.pk)
    return None


def _add_errors(form, error: ValidationError | StaleVersionError) -> None:
    """Show a refusal from a service on the form: on its field where the form has it."""
    if isinstance(error, StaleVersionError):
        form.add_error(None, error.describe())
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _saved(form, save: Callable[[], object]) -> bool:
    """Validate the form and run the save; a refusal goes on the form. Return whether saved."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            save()
    except (ValidationError, StaleVersionError) as error:
        _add_errors(form, error)
        return False
    return True


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a form page; 400 when a form on it was refused."""
    refused = any(getattr(value, "errors", None) for value in context.values())
    return render(request, template, context, status=400 if refused else 200)


def _meeting_url(meeting_id: int, anchor: str = "") -> str:
    url = reverse("councils:meeting_detail", args=[meeting_id])
    return f"{url}#{anchor}" if anchor else url


# Bodies.


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    """List the bodies she reads as a tree, councils with their groups below them."""
    context = {
        "tree": body_tree(user=request.user),
        "can_create": can_create_bodies(request.user),
    }
    return render(request, "councils/body_list.html", context)


@login_required
@transaction.atomic
def body_create(request: HttpRequest) -> HttpResponse:
    """Create a body in an organisation whose councils she manages."""
    if not can_create_bodies(request.user):
        raise PermissionDenied
    form = council_forms.BodyForm(request.POST or None, user=request.user)

    def save() -> None:
        services.body_save(body=form.instance, expected_version=1, user=request.user)

    if request.method == "POST" and _saved(form, save):
        messages.success(request, _("%(name)s skapat.") % {"name": form.instance.name})
        return redirect("councils:body_detail", form.instance.pk)
    return _page(request, "councils/body_form.html", {"form": form})


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a body: its rules, its seats and holders on a day, the year's meetings, its groups."""
    body = _readable_body(request, pk)
    choice = council_forms.BodyPageForm(request.GET or None)
    day, year = choice.chosen()
    parent = None
    if body.parent_id:  # shown only if she reads it too
        parent = readable_bodies(request.user).filter(pk=body.parent_id).first()
    context = {
        "body": body,
        "choice": choice,
        "day": day,
        "year": year,
        "seats": seats_on(body=body, on=day),
        "meetings": year_meetings(body=body, year=year),
        "children": sub_bodies(body=body, user=request.user),
        "parent": parent,
        "can_manage": can_manage_body(request.user, body),
    }
    return render(request, "councils/body_detail.html", context)


@login_required
@transaction.atomic
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a body's name, kind, mandate and rules."""
    body = _managed_body(request, pk)
    form = council_forms.BodyForm(request.POST or None, instance=body, user=request.user)

    def save() -> None:
        expected = form.expected_version()
        form.written = services.body_save(
            body=form.instance, expected_version=expected, user=request.user
        )

    if request.method == "POST" and _saved(form, save):
        _saved_message(request, form.written, body.name)
        return redirect("councils:body_detail", body.pk)
    return _page(request, "councils/body_form.html", {"form": form, "body": body})


def _saved_message(request: HttpRequest, written: bool, name: str) -> None:
    if written:
        messages.success(request, _("%(name)s sparat.") % {"name": name})
    else:
        messages.info(request, _("%(name)s: inga ändringar att spara.") % {"name": name})


# Seats and holders.


@login_required
def body_seats(request: HttpRequest, pk: int) -> HttpResponse:
    """List the seats with their holders today; add a seat."""
    body = _managed_body(request, pk)
    form = council_forms.SeatForm(request.POST or None, body=body, instance=Seat(body=body))
    if request.method == "POST" and _saved(
        form, lambda: services.seat_save(seat=form.instance, user=request.user)
    ):
        messages.success(
            request, _("Platsen %(name)s har lagts till.") % {"name": form.instance.function}
        )
        return redirect("councils:body_seats", body.pk)
    seats = seats_with_holdings(body=body)
    context = {"body": body, "form": form, "seats": seats}
    return _page(request, "councils/body_seats.html", context)


@login_required
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a seat's function, organisation, role or order."""
    seat = _managed_seat(request, pk)
    form = council_forms.SeatForm(request.POST or None, body=seat.body, instance=seat)
    if request.method == "POST" and _saved(
        form, lambda: services.seat_save(seat=form.instance, user=request.user)
    ):
        messages.success(request, _("Platsen %(name)s sparad.") % {"name": seat.function})
        return redirect("councils:body_seats", seat.body_id)
    return _page(
        request, "councils/seat_form.html", {"form": form, "seat": seat, "body": seat.body}
    )


@login_required
def seat_holder_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a seat a holder for a period: a person of its organisation, or a new one."""
    seat = _managed_seat(request, pk)
    form = council_forms.SeatHolderForm(request.POST or None, seat=seat)

    def save() -> None:
        data = form.cleaned_data
        services.seat_holding_create(
            seat=seat,
            person=data["person"],
            new_person=form.new_person(),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            user=request.user,
        )

    if request.method == "POST" and _saved(form, save):
        messages.success(
            request, _("Platsen %(name)s har fått en innehavare.") % {"name": seat.function}
        )
        return redirect("councils:body_seats", seat.body_id)
    context = {"form": form, "seat": seat, "body": seat.body}
    return _page(request, "councils/seat_holder_form.html", context)


@login_required
def seat_holding_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a holding: the seat is vacant after the day until it gets a new holder."""
    holdings = SeatHolding.objects.select_related("seat__body", "person")
    holding = get_object_or_404(holdings, pk=pk, seat__body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, holding.seat.body):
        raise PermissionDenied
    form = council_forms.HoldingEndForm(request.POST or None)

    def save() -> None:
        services.seat_holding_end(
            holding=holding, ends_on=form.cleaned_data["ends_on"], user=request.user
        )

    if request.method == "POST" and _saved(form, save):
        messages.success(
            request,
            _("%(name)s innehar inte längre platsen efter %(day)s.")
            % {"name": holding.person.name, "day": holding.ends_on},
        )
        return redirect("councils:body_seats", holding.seat.body_id)
    context = {"form": form, "holding": holding, "body": holding.seat.body}
    return _page(request, "councils/seat_holding_end.html", context)


# Standing items.


@login_required
def body_standing_items(request: HttpRequest, pk: int) -> HttpResponse:
    """List the body's standing agenda items with their rules; add one."""
    body = _managed_body(request, pk)
    item = StandingItem(body=body)
    form = council_forms.StandingItemForm(request.POST or None, instance=item)
    if request.method == "POST" and _saved(
        form, lambda: services.standing_item_save(item=form.instance, user=request.user)
    ):
        messages.success(
            request, _("Den stående punkten %(name)s har lagts till.") % {"name": item.title}
        )
        return redirect("councils:body_standing_items", body.pk)
    items = body.standing_items.order_by("order", "pk")
    context = {"body": body, "form": form, "items": items}
    return _page(request, "councils/body_standing_items.html", context)


def _managed_standing_item(request: HttpRequest, pk: int) -> StandingItem:
    items = StandingItem.objects.select_related("body")
    item = get_object_or_404(items, pk=pk, body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, item.body):
        raise PermissionDenied
    return item


@login_required
def standing_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a standing item or its rule."""
    item = _managed_standing_item(request, pk)
    form = council_forms.StandingItemForm(request.POST or None, instance=item)
    if request.method == "POST" and _saved(
        form, lambda: services.standing_item_save(item=form.instance, user=request.user)
    ):
        messages.success(request, _("Den stående punkten %(name)s sparad.") % {"name": item.title})
        return redirect("councils:body_standing_items", item.body_id)
    context = {"form": form, "item": item, "body": item.body}
    return _page(request, "councils/standing_item_form.html", context)


@login_required
def standing_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a standing item after a confirmation; meetings keep the items made from it."""
    item = _managed_standing_item(request, pk)
    if request.method == "POST":
        services.standing_item_delete(item=item)
        messages.success(
            request, _("Den stående punkten %(name)s borttagen.") % {"name": item.title}
        )
        return redirect("councils:body_standing_items", item.body_id)
    context = {"body": item.body, "item": item}
    return render(request, "councils/standing_item_delete.html", context)


# The year's meetings.


@login_required
def meeting_series(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a year's meetings in one step; confirm first when they are fewer than the minimum."""
    body = _managed_body(request, pk)
    form = council_forms.MeetingSeriesForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = services.meeting_series_check(body=body, year=data["year"], dates=data["dates"])
        if not (check.below_minimum and not data["confirm"]):
            created = _create_series(request, form, body)
            if created is not None:
                messages.success(
                    request,
                    _("%(count)s möten skapade för %(year)s.")
                    % {"count": len(created), "year": data["year"]},
                )
                return redirect(
                    reverse("councils:body_detail", args=[body.pk]) + f"?ar={data['year']}#moten"
                )
        else:
            form.add_error(
                "confirm", _("Bekräfta för att skapa färre möten än organets minsta antal.")
            )
    context = {"body": body, "form": form, "check": check}
    return _page(request, "councils/meeting_series.html", context)


def _create_series(request: HttpRequest, form, body: Body) -> list[Meeting] | None:
    """Create the series the form holds; put a refusal on the form and return None."""
    data = form.cleaned_data
    try:
        return services.meeting_series_create(
            body=body,
            year=data["year"],
            dates=data["dates"],
            starts=data["starts"],
            ends=data["ends"],
            place=data["place"],
            user=request.user,
        )
    except ValidationError as error:
        form.add_error("dates", error)
        return None


# A meeting and its agenda.


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a meeting: time, place and status, the numbered agenda with links and attachments,
    and attendance; managers get the editing actions."""
    meeting = _readable_meeting(request, pk)
    items = meeting_items(meeting=meeting, user=request.user)
    for item in items:
        for measure in item.shown_measures:
            measure.anchor = measure_anchor(measure)
    can_manage = can_manage_body(request.user, meeting.body)
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "items": items,
        "attendance": meeting_attendance(meeting=meeting),
        "can_manage": can_manage,
        # The minutes' state and the documents: their own parts of the page.
        "minutes_state": selectors.minutes_state(meeting=meeting),
        "documents": selectors.meeting_documents(meeting=meeting, can_manage=can_manage),
    }
    return render(request, "councils/meeting_detail.html", context)


@login_required
@transaction.atomic
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a meeting's time and place."""
    meeting = _managed_meeting(request, pk)
    refused = _locked(request, meeting)
    if refused:
        return refused
    form = council_forms.MeetingForm(request.POST or None, instance=meeting)

    def save() -> None:
        form.written = services.meeting_update(
            meeting=form.instance, expected_version=form.expected_version(), user=request.user
        )

    if request.method == "POST" and _saved(form, save):
        _saved_message(request, form.written, _("Mötet"))
        return redirect(_meeting_url(meeting.pk))
    return _page(request, "councils/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@transaction.atomic
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item at the end of a meeting's agenda."""
    meeting = _managed_meeting(request, pk)
    refused = _locked(request, meeting)
    if refused:
        return refused
    item = AgendaItem(meeting=meeting)
    form = council_forms.AgendaItemForm(request.POST or None, instance=item, user=request.user)

    def save() -> None:
        services.agenda_item_save(
            item=form.instance, expected_version=1, user=request.user, m2m=form.m2m_values()
        )

    if request.method == "POST" and _saved(form, save):
        messages.success(request, _("Ärendet %(name)s har lagts till.") % {"name": item.title})
        return redirect(_meeting_url(meeting.pk, f"arende-{item.pk}"))
    context = {"form": form, "meeting": meeting}
    return _page(request, "councils/item_form.html", context)


@login_required
@transaction.atomic
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an agenda item, its text and the plans and measures it concerns."""
    item = _managed_item(request, pk)
    refused = _locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.AgendaItemForm(request.POST or None, instance=item, user=request.user)

    def save() -> None:
        form.written = services.agenda_item_save(
            item=form.instance,
            expected_version=form.expected_version(),
            user=request.user,
            m2m=form.m2m_values(),
        )

    if request.method == "POST" and _saved(form, save):
        _saved_message(request, form.written, item.title)
        return redirect(_meeting_url(item.meeting_id, f"arende-{item.pk}"))
    cancel = _meeting_url(item.meeting_id, f"arende-{item.pk}")
    context = {"form": form, "meeting": item.meeting, "item": item, "cancel": cancel}
    return _page(request, "councils/item_form.html", context)


@login_required
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an agenda item and its attachments, after a confirmation."""
    item = _managed_item(request, pk)
    refused = _locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.DeleteForm(request.POST or None, initial={"loaded_version": item.version})

    def delete() -> None:
        services.agenda_item_delete(item=item, expected_version=form.cleaned_data["loaded_version"])

    if request.method == "POST" and _saved(form, delete):
        messages.success(request, _("Ärendet %(name)s borttaget.") % {"name": item.title})
        return redirect(_meeting_url(item.meeting_id, "dagordning"))
    context = {
        "form": form,
        "meeting": item.meeting,
        "item": item,
        "attachments": item.attachments.all(),
    }
    return _page(request, "councils/item_delete.html", context)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an agenda item one step up or down."""
    item = _managed_item(request, pk)
    refused = _locked(request, item.meeting)
    if refused:
        return refused
    direction = request.POST.get("riktning")
    if direction not in {"upp", "ned"}:
        messages.error(request, _("Välj om ärendet ska flyttas upp eller ned."))
        return redirect(_meeting_url(item.meeting_id, "dagordning"))
    try:
        services.agenda_item_move(item=item, up=direction == "upp", user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_meeting_url(item.meeting_id, f"arende-{item.pk}"))


# Attachments.


@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to an agenda item: PDF, Word, Excel, PNG or JPEG within the size limit."""
    item = _managed_item(request, pk)
    refused = _locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.AttachmentForm(request.POST or None, request.FILES or None)

    def save() -> None:
        form.attachment = services.attachment_add(
            item=item, upload=form.cleaned_data["file"], user=request.user
        )

    if request.method == "POST" and _saved(form, save):
        messages.success(
            request, _("Bilagan %(name)s har lagts till.") % {"name": form.attachment.name}
        )
        return redirect(_meeting_url(item.meeting_id, f"arende-{item.pk}"))
    context = {
        "form": form,
        "meeting": item.meeting,
        "item": item,
        "limit": settings.ATTACHMENT_MAX_BYTES,
    }
    return _page(request, "councils/attachment_form.html", context)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send an attachment to a reader of its meeting, as a download under its stored name."""
    attachments = Attachment.objects.filter(item__meeting__in=readable_meetings(request.user))
    attachment = get_object_or_404(attachments, pk=pk)
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an attachment after a confirmation."""
    attachments = Attachment.objects.select_related("item__meeting__body")
    attachment = get_object_or_404(
        attachments, pk=pk, item__meeting__in=readable_meetings(request.user)
    )
    meeting = attachment.item.meeting
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    refused = _locked(request, meeting)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.attachment_delete(attachment=attachment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bilagan %(name)s borttagen.") % {"name": attachment.name})
        return redirect(_meeting_url(meeting.pk, f"arende-{attachment.item_id}"))
    context = {"attachment": attachment, "meeting": meeting}
    return render(request, "councils/attachment_delete.html", context)


# Attendance.


@login_required
def meeting_attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record attendance per seat, prefilled from the holders on the meeting's day, and guests."""
    meeting = _managed_meeting(request, pk)
    refused = _locked(request, meeting)
    if refused:
        return refused
    sheet = council_forms.AttendanceSheet(request.POST or None, meeting=meeting)
    if request.method == "POST" and sheet.is_valid():
        try:
            services.attendance_record(
                meeting=meeting,
                seats=sheet.seat_rows(),
                guests=sheet.guest_rows(),
                user=request.user,
            )
        except ValidationError as error:
            sheet.errors.extend(error.messages)
        else:
            messages.success(request, _("Närvaron sparad."))
            return redirect(_meeting_url(meeting.pk, "narvaro"))
    context = {"meeting": meeting, "sheet": sheet}
    status = 400 if sheet.errors or sheet.has_form_errors() else 200
    return render(request, "councils/attendance.html", context, status=status)
