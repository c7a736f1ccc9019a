"""The year's meetings, a meeting and its agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils import forms as council_forms
from councils import selectors, services
from councils.models import AgendaItem, Body
from councils.permissions import can_manage_body
from councils.selectors import meeting_attendance, meeting_items
from councils.views.common import (
    managed_body,
    managed_item,
    managed_meeting,
    meeting_url,
    readable_meeting,
    refuse_if_locked,
    render_form_page,
    save_form,
    saved_message,
)
from plans.selectors import measure_anchor


@login_required
def meeting_series(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a year's meetings in one step, with the preparatory meetings of the bodies
    preparing them that she manages too; confirm first when they are fewer than the minimum."""
    body = managed_body(request, pk)
    preparing = list(body.prepared_by.order_by("name", "pk"))
    managed = [other for other in preparing if can_manage_body(request.user, other)]
    form = council_forms.MeetingSeriesForm(request.POST or None, preparing=managed)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = services.meeting_series_check(body=body, year=data["year"], dates=data["dates"])
        if not (check.below_minimum and not data["confirm"]):
            created = _create_series(request, form, body)
            if created is not None:
                _series_messages(request, created, data["year"])
                return redirect(
                    reverse("councils:body_detail", args=[body.pk]) + f"?ar={data['year']}#moten"
                )
        else:
            form.add_error(
                "confirm", _("Bekräfta för att skapa färre möten än organets minsta antal.")
            )
    unmanaged = [other for other in preparing if other not in managed]
    context = {"body": body, "form": form, "check": check, "unmanaged": unmanaged}
    return render_form_page(request, "councils/meeting_series.html", context)


def _create_series(request: HttpRequest, form, body: Body) -> services.SeriesCreated | None:
    """Create the series the form holds; put a refusal on the form and return None."""
    data = form.cleaned_data
    try:
        return services.meeting_year_create(
            body=body,
            year=data["year"],
            dates=data["dates"],
            starts=data["starts"],
            ends=data["ends"],
            place=data["place"],
            user=request.user,
            preparations=form.preparations(),
        )
    except ValidationError as error:
        # A meeting's own rule names its field (ends_at): shown above the form.
        form.add_error(None if hasattr(error, "error_dict") else "dates", error)
        return None


def _series_messages(request: HttpRequest, created: services.SeriesCreated, year: int) -> None:
    """Say how many meetings were made, the preparatory ones too, and any day not doubled."""
    messages.success(
        request,
        _("%(count)s möten skapade för %(year)s.") % {"count": len(created.meetings), "year": year},
    )
    if created.preparatory:
        messages.success(
            request,
            _("%(count)s beredande möten skapade.") % {"count": len(created.preparatory)},
        )
    for note in created.notes:
        messages.info(request, note)


def forward_messages(request: HttpRequest, notes: list[services.ForwardNote]) -> None:
    """Tell her where items marked for the prepared body went, or why they did not."""
    for note in notes:
        (messages.warning if note.refused else messages.info)(request, note.text)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a meeting: time, place and status, the numbered agenda with links and attachments,
    and attendance; managers get the editing actions."""
    meeting = readable_meeting(request, pk)
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
        # The meeting it prepares, and the meetings preparing it (the styrgrupp's).
        "together": selectors.meeting_together(meeting=meeting, user=request.user),
    }
    return render(request, "councils/meeting_detail.html", context)


@login_required
@transaction.atomic
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a meeting's time and place."""
    meeting = managed_meeting(request, pk)
    refused = refuse_if_locked(request, meeting)
    if refused:
        return refused
    form = council_forms.MeetingForm(request.POST or None, instance=meeting, user=request.user)

    def save() -> None:
        form.written = services.meeting_update(
            meeting=form.instance, expected_version=form.expected_version(), user=request.user
        )

    if request.method == "POST" and save_form(form, save):
        saved_message(request, form.written, _("Mötet"))
        return redirect(meeting_url(meeting.pk))
    return render_form_page(
        request, "councils/meeting_form.html", {"form": form, "meeting": meeting}
    )


@login_required
@transaction.atomic
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item at the end of a meeting's agenda."""
    meeting = managed_meeting(request, pk)
    refused = refuse_if_locked(request, meeting)
    if refused:
        return refused
    item = AgendaItem(meeting=meeting)
    form = council_forms.AgendaItemForm(request.POST or None, instance=item, user=request.user)
    notes: list[services.ForwardNote] = []

    def save() -> None:
        services.agenda_item_save(
            item=form.instance,
            expected_version=1,
            user=request.user,
            m2m=form.m2m_values(),
            notes=notes,
        )

    if request.method == "POST" and save_form(form, save):
        messages.success(request, _("Ärendet %(name)s har lagts till.") % {"name": item.title})
        forward_messages(request, notes)
        return redirect(meeting_url(meeting.pk, f"arende-{item.pk}"))
    context = {"form": form, "meeting": meeting}
    return render_form_page(request, "councils/item_form.html", context)


@login_required
@transaction.atomic
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an agenda item, its text and the plans and measures it concerns."""
    item = managed_item(request, pk)
    refused = refuse_if_locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.AgendaItemForm(request.POST or None, instance=item, user=request.user)
    notes: list[services.ForwardNote] = []

    def save() -> None:
        form.written = services.agenda_item_save(
            item=form.instance,
            expected_version=form.expected_version(),
            user=request.user,
            m2m=form.m2m_values(),
            notes=notes,
        )

    if request.method == "POST" and save_form(form, save):
        saved_message(request, form.written, item.title)
        forward_messages(request, notes)
        return redirect(meeting_url(item.meeting_id, f"arende-{item.pk}"))
    cancel = meeting_url(item.meeting_id, f"arende-{item.pk}")
    context = {"form": form, "meeting": item.meeting, "item": item, "cancel": cancel}
    return render_form_page(request, "councils/item_form.html", context)


@login_required
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an agenda item and its attachments, after a confirmation."""
    item = managed_item(request, pk)
    refused = refuse_if_locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.DeleteForm(request.POST or None, initial={"loaded_version": item.version})

    def delete() -> None:
        services.agenda_item_delete(item=item, expected_version=form.cleaned_data["loaded_version"])

    if request.method == "POST" and save_form(form, delete):
        messages.success(request, _("Ärendet %(name)s borttaget.") % {"name": item.title})
        return redirect(meeting_url(item.meeting_id, "dagordning"))
    context = {
        "form": form,
        "meeting": item.meeting,
        "item": item,
        "attachments": item.attachments.all(),
    }
    return render_form_page(request, "councils/item_delete.html", context)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an agenda item one step up or down."""
    item = managed_item(request, pk)
    refused = refuse_if_locked(request, item.meeting)
    if refused:
        return refused
    direction = request.POST.get("riktning")
    if direction not in {"upp", "ned"}:
        messages.error(request, _("Välj om ärendet ska flyttas upp eller ned."))
        return redirect(meeting_url(item.meeting_id, "dagordning"))
    try:
        services.agenda_item_move(item=item, up=direction == "upp", user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(meeting_url(item.meeting_id, f"arende-{item.pk}"))
