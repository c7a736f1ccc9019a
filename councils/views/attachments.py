"""An agenda item's attachments: upload, download (readers only), delete."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from councils import forms as council_forms
from councils import services
from councils.models import Attachment
from councils.permissions import can_manage_body, readable_meetings
from councils.views.common import (
    managed_item,
    meeting_url,
    refuse_if_locked,
    render_form_page,
    save_form,
)


@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to an agenda item: PDF, Word, Excel, PNG or JPEG within the size limit."""
    item = managed_item(request, pk)
    refused = refuse_if_locked(request, item.meeting)
    if refused:
        return refused
    form = council_forms.AttachmentForm(request.POST or None, request.FILES or None)

    def save() -> None:
        form.attachment = services.attachment_add(
            item=item, upload=form.cleaned_data["file"], user=request.user
        )

    if request.method == "POST" and save_form(form, save):
        messages.success(
            request, _("Bilagan %(name)s har lagts till.") % {"name": form.attachment.name}
        )
        return redirect(meeting_url(item.meeting_id, f"arende-{item.pk}"))
    context = {
        "form": form,
        "meeting": item.meeting,
        "item": item,
        "limit": settings.ATTACHMENT_MAX_BYTES,
    }
    return render_form_page(request, "councils/attachment_form.html", context)


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
    refused = refuse_if_locked(request, meeting)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.attachment_delete(attachment=attachment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bilagan %(name)s borttagen.") % {"name": attachment.name})
        return redirect(meeting_url(meeting.pk, f"arende-{attachment.item_id}"))
    context = {"attachment": attachment, "meeting": meeting}
    return render(request, "councils/attachment_delete.html", context)
