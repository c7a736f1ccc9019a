"""Calendars: a meeting's .ics, and each person's private feed with renewing its address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.models import CalendarFeed, Meeting
from councils.selectors import calendar_feed_meetings, calendar_feed_open
from councils.services import calendar_feed_renew, meetings_calendar
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
    """Return the meetings of the person whose private calendar address this is (no login)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404
    today = timezone.localdate()
    if not calendar_feed_open(user=feed.user, on=today):
        raise Http404  # her seats have ended, her roles are gone or her account is closed
    meetings = calendar_feed_meetings(user=feed.user, on=today)
    content = meetings_calendar(meetings=meetings, name=_("Mina möten"))
    response = _calendar_response(content, "kalender.ics")
    # The address is the secret: keep it out of shared caches and the referrer.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def calendar_feed_renew_view(request: HttpRequest) -> HttpResponse:
    """Give her a new private calendar address (the first, or in place of the old one)."""
    if not calendar_feed_open(user=request.user, on=timezone.localdate()):
        raise Http404(_("Du har ingen plats i något organ och hanterar inga organ."))
    calendar_feed_renew(user=request.user)
    messages.success(
        request, _("Kalendern har en ny adress. En tidigare adress fungerar inte längre.")
    )
    return redirect(reverse("councils:my_meetings") + "#kalender")
