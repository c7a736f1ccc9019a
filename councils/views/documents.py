"""The documents: the notice, minutes and extract PDFs; sending the notice and the minutes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from councils import services
from councils.forms import MinutesSendForm, NoticeSendForm
from councils.models import AgendaItem, Dispatch, DispatchRecipient, Meeting
from councils.selectors import dispatch_history, meeting_attachments, minutes_participants
from councils.services import SendingFailed, meeting_send_notice, notice_plan
from councils.services.documents import (
    extract_pdf_document,
    minutes_pdf_document,
    notice_pdf_document,
)
from councils.views.common import (
    document_file_name,
    document_meeting,
    managed_meeting,
    refusal_messages,
)
from folkhalsa.documents import asks, document_response

# Each PDF is typeset in the background once per content; its address shows progress until then
# (folkhalsa/documents.py), behind the same rules on who may read it.


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the notice with the agenda as a PDF, for readers of the meeting."""
    meeting = document_meeting(request, pk)
    filename = document_file_name("kallelse", meeting, "pdf")
    document = notice_pdf_document(
        meeting=meeting, filename=filename, create=asks(request), user=request.user
    )
    return document_response(request, document)


def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the minutes as a PDF: for readers, and for anyone once public and checked."""
    meeting = document_meeting(request, pk, public=True)
    filename = document_file_name("protokoll", meeting, "pdf")
    document = minutes_pdf_document(
        meeting=meeting, filename=filename, create=asks(request), user=request.user
    )
    return document_response(request, document)


def extract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Return one paragraph of the minutes with the checking lines (protokollsutdrag)."""
    item = get_object_or_404(AgendaItem.objects.only("pk", "meeting_id", "paragraph"), pk=pk)
    meeting = document_meeting(request, item.meeting_id, public=True)
    item.meeting = meeting
    stem = "utdrag" + (f"-{item.paragraph}" if item.paragraph else "")
    filename = document_file_name(stem, meeting, "pdf")
    document = extract_pdf_document(
        item=item, filename=filename, create=asks(request), user=request.user
    )
    return document_response(request, document)


def _warn_unreached(request: HttpRequest, dispatch: Dispatch) -> None:
    """Name the recipients whose e-mail the mail server did not take."""
    failed = [
        r.name or r.email
        for r in dispatch.recipients.all()
        if r.outcome == DispatchRecipient.Outcome.REFUSED
    ]
    if failed:
        messages.warning(
            request,
            _("E-posten kunde inte skickas till: %(names)s.") % {"names": ", ".join(failed)},
        )


def _attachments_rule(meeting: Meeting) -> dict:
    """Return what the send pages say of the items' files: which, and when they go as links."""
    return {
        "attachments": meeting_attachments(meeting=meeting),
        "limit": settings.DISPATCH_ATTACHMENT_MAX_BYTES,
        "days": settings.DOWNLOAD_LINK_DAYS,
    }


@login_required
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom the notice will reach and whether it is late; send it on POST."""
    meeting = managed_meeting(request, pk)
    form = NoticeSendForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        confirm = form.cleaned_data["confirm_late"]
        try:
            dispatch = meeting_send_notice(meeting=meeting, user=request.user, confirm_late=confirm)
        except (ValidationError, SendingFailed) as error:
            for text in refusal_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Kallelsen är skickad."))
            _warn_unreached(request, dispatch)
            return redirect("councils:notice_send", pk=meeting.pk)
    context = {"meeting": meeting, "form": form, "plan": notice_plan(meeting=meeting)}
    context["dispatches"] = dispatch_history(meeting=meeting, kind=Dispatch.Kind.NOTICE)
    context.update(_attachments_rule(meeting))
    status = 400 if form.errors else 200
    return render(request, "councils/notice_send.html", context, status=status)


@login_required
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom the checked minutes will reach; send them with the attachments on POST."""
    meeting = managed_meeting(request, pk)
    form = MinutesSendForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            dispatch = services.minutes_send(meeting=meeting, user=request.user)
        except (ValidationError, SendingFailed) as error:
            for text in refusal_messages(error):
                form.add_error(None, text)
        else:
            messages.success(request, _("Protokollet är skickat."))
            _warn_unreached(request, dispatch)
            return redirect("councils:minutes_send", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "form": form,
        "participants": minutes_participants(meeting=meeting),
        "distribution": meeting.body.distribution_addresses,
        "dispatches": dispatch_history(meeting=meeting, kind=Dispatch.Kind.MINUTES),
        **_attachments_rule(meeting),
    }
    status = 400 if form.errors else 200
    return render(request, "councils/minutes_send.html", context, status=status)
