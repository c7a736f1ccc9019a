"""Looking records up and showing refusals: what every council page shares.

Out of reach answers 404, so ids reveal nothing; readers who may not manage get 403.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from councils import permissions
from councils.models import AgendaItem, Body, Meeting, Seat
from councils.permissions import can_manage_body, readable_bodies, readable_meetings
from councils.selectors import meeting_day
from councils.services import SendingFailed
from plans.services import StaleVersionError


def readable_body(request: HttpRequest, pk: int) -> Body:
    """Return the body if the user reads it; 404 otherwise."""
    return get_object_or_404(readable_bodies(request.user).select_related("organisation"), pk=pk)


def managed_body(request: HttpRequest, pk: int) -> Body:
    """Return the body if the user manages it: 404 if she cannot read it, else 403."""
    body = readable_body(request, pk)
    if not can_manage_body(request.user, body):
        raise PermissionDenied
    return body


def readable_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return the meeting if the user reads it; 404 otherwise."""
    meetings = readable_meetings(request.user).select_related("body__organisation")
    return get_object_or_404(meetings, pk=pk)


def managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return the meeting if the user manages its body: 404 if she cannot read it, else 403."""
    meeting = readable_meeting(request, pk)
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied
    return meeting


def managed_item(request: HttpRequest, pk: int) -> AgendaItem:
    """Return the agenda item if the user manages its body: 404 if she cannot read it, else 403."""
    items = AgendaItem.objects.select_related("meeting__body__organisation")
    item = get_object_or_404(items, pk=pk, meeting__in=readable_meetings(request.user))
    if not can_manage_body(request.user, item.meeting.body):
        raise PermissionDenied
    return item


def managed_seat(request: HttpRequest, pk: int) -> Seat:
    """Return the seat if the user manages its body: 404 if she cannot read it, else 403."""
    seats = Seat.objects.select_related("body__organisation", "organisation")
    seat = get_object_or_404(seats, pk=pk, body__in=readable_bodies(request.user))
    if not can_manage_body(request.user, seat.body):
        raise PermissionDenied
    return seat


def refuse_if_locked(request: HttpRequest, meeting: Meeting) -> HttpResponse | None:
    """Return the way back to a meeting whose minutes are checked, with the reason; else None."""
    try:
        meeting.ensure_unlocked()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("councils:meeting_detail", meeting.pk)
    return None


def add_refusal(form, error: ValidationError | StaleVersionError) -> None:
    """Show a refusal from a service on the form: on its field where the form has it."""
    if isinstance(error, StaleVersionError):
        form.add_error(None, error.describe())
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save_form(form, save: Callable[[], object]) -> bool:
    """Validate the form and run the save; a refusal goes on the form. Return whether saved."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            save()
    except (ValidationError, StaleVersionError) as error:
        add_refusal(form, error)
        return False
    return True


def render_form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a form page; 400 when a form on it was refused."""
    refused = any(getattr(value, "errors", None) for value in context.values())
    return render(request, template, context, status=400 if refused else 200)


def meeting_url(meeting_id: int, anchor: str = "") -> str:
    """Return the meeting page's address, at the anchor if given."""
    url = reverse("councils:meeting_detail", args=[meeting_id])
    return f"{url}#{anchor}" if anchor else url


def saved_message(request: HttpRequest, written: bool, name: str) -> None:
    """Say the record was saved, or that there was nothing to save."""
    if written:
        messages.success(request, _("%(name)s sparat.") % {"name": name})
    else:
        messages.info(request, _("%(name)s: inga ändringar att spara.") % {"name": name})


def document_meeting(request: HttpRequest, pk: int, *, public: bool = False) -> Meeting:
    """Return the meeting if the user reads it (or, with `public`, its minutes are public).

    Everyone else gets 404, anonymous visitors too: a login page for a private meeting and 404
    for a missing one would tell which ids exist. The 404 page offers the login.
    """
    if public and permissions.public_meetings().filter(pk=pk).exists():
        return get_object_or_404(Meeting, pk=pk)
    return get_object_or_404(permissions.readable_meetings(request.user), pk=pk)


def document_file_name(stem: str, meeting: Meeting, extension: str) -> str:
    """Return a document's file name with the meeting's Swedish date."""
    return f"{stem}-{meeting_day(meeting):%Y-%m-%d}.{extension}"


def refusal_messages(error: ValidationError | StaleVersionError | SendingFailed) -> list[str]:
    """Return the Swedish sentences of a service's refusal."""
    if isinstance(error, StaleVersionError):
        return error.describe()
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]
