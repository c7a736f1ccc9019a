"""Calendars: a meeting's .ics, a body's private feed and renewing its address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from councils import permissions
from councils.models import Body, Meeting
from councils.selectors import body_meetings_for_calendar
from councils.services import body_renew_calendar_token, meetings_calendar
from councils.views.common import document_file_name, document_meeting


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the meeting as a calendar file, for readers of the meeting."""
    meeting = document_meeting(request, pk)
    meeting = Meeting.objects.select_related("body").prefetch_related("items").get(pk=meeting.pk)
    content = meetings_calendar(meetings=[meeting], name=meeting.body.name)
    return _calendar_response(content, document_file_name("mote", meeting, "ics"))


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
