"""Personal download links: a recipient fetches an item's file without an account; the body's
managers revoke a recipient's links or a whole dispatch's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from councils.models import Dispatch, DispatchRecipient
from councils.services import download_link_open, download_links_revoke
from councils.views.common import managed_meeting, meeting_url
from folkhalsa.throttling import client_address


@require_GET
def download_link(request: HttpRequest, token: str) -> FileResponse:
    """Send the file of a working personal link, logging the use; 404 for an unknown, expired
    or revoked secret and for a file no longer there. No login: the secret is the key."""
    link = download_link_open(token=token, address=client_address(request))
    if link is None:
        raise Http404
    attachment = link.attachment
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    # The address is the secret: kept out of every cache, and of the referrer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


EVERY_LINK = "alla"


class RevokeLinksForm(forms.Form):
    """Whose links to revoke: one recipient's, or every link of the dispatch."""

    whose = forms.ChoiceField(
        label=gettext_lazy("Vilka länkar"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Välj vilka länkar som ska återkallas."),
            "invalid_choice": gettext_lazy("Välj en mottagare i listan."),
        },
    )

    def __init__(self, *args, dispatch: Dispatch, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        having_links = dispatch.recipients.filter(links__isnull=False).distinct().order_by("id")
        self.recipients = {str(r.pk): r for r in having_links}
        self.fields["whose"].choices = [
            (EVERY_LINK, _("Alla länkar i utskicket")),
            *((pk, _recipient_label(r)) for pk, r in self.recipients.items()),
        ]

    def recipient(self) -> DispatchRecipient | None:
        """Return the recipient chosen; None for every link of the dispatch."""
        return self.recipients.get(self.cleaned_data["whose"])


def _recipient_label(recipient: DispatchRecipient) -> str:
    if recipient.name and recipient.email:
        return f"{recipient.name} ({recipient.email})"
    return recipient.name or recipient.email


@login_required
def download_links_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke one recipient's links or every link of a dispatch; for the managers
    of the meeting's body (404 for who cannot read the meeting, 403 for its other readers)."""
    dispatch = get_object_or_404(
        Dispatch.objects.only("pk", "meeting_id", "kind", "sent_at"), pk=pk
    )
    meeting = managed_meeting(request, dispatch.meeting_id)
    if request.method == "POST":
        form = RevokeLinksForm(request.POST, dispatch=dispatch)
    else:
        chosen = request.GET.get("mottagare", EVERY_LINK)
        form = RevokeLinksForm(initial={"whose": chosen}, dispatch=dispatch)
        if chosen != EVERY_LINK and chosen not in form.recipients:
            raise Http404  # a recipient of another dispatch, or one without links
    if form.is_bound and form.is_valid():
        recipient = form.recipient()
        count = download_links_revoke(dispatch=dispatch, recipient=recipient, user=request.user)
        (messages.success if count else messages.info)(request, _revoked_message(recipient, count))
        return redirect(meeting_url(meeting.pk, f"utskick-{dispatch.pk}"))
    context = {"meeting": meeting, "dispatch": dispatch, "form": form}
    status = 400 if form.errors else 200
    return render(request, "councils/download_links_revoke.html", context, status=status)


def _revoked_message(recipient: DispatchRecipient | None, count: int) -> str:
    if count == 0:
        return _("Det fanns inga fungerande länkar att återkalla.")
    if recipient is None:
        return _("Alla länkar i utskicket är återkallade (%(count)s).") % {"count": count}
    return _("Länkarna till %(name)s är återkallade (%(count)s).") % {
        "name": recipient.name or recipient.email,
        "count": count,
    }
