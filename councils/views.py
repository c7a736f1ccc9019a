"""The council pages: bodies, meetings, minutes and documents."""

# --- Documents: PDFs, sending the notice and the minutes, calendars (wt-documents) -------------

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from councils import permissions, services
from councils.forms import MinutesSendForm, NoticeSendForm
from councils.models import AgendaItem, Body, Meeting
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
