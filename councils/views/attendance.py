"""A meeting's attendance: per seat, prefilled from the holders that day, and guests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from councils import forms as council_forms
from councils import services
from councils.views.common import managed_meeting, meeting_url, refuse_if_locked


@login_required
def meeting_attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record attendance per seat, prefilled from the holders on the meeting's day, and guests."""
    meeting = managed_meeting(request, pk)
    refused = refuse_if_locked(request, meeting)
    if refused:
        return refused
    sheet = council_forms.AttendanceSheet(request.POST or None, meeting=meeting, user=request.user)
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
            return redirect(meeting_url(meeting.pk, "narvaro"))
    context = {"meeting": meeting, "sheet": sheet}
    status = 400 if sheet.errors or sheet.has_form_errors() else 200
    return render(request, "councils/attendance.html", context, status=status)
