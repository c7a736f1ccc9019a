"""Forms of the council pages."""

# --- Documents: sending the notice and the minutes (wt-documents) ------------------------------

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeSendForm(forms.Form):
    """Send the notice; a late one only with the secretary's confirmation."""

    confirm_late = forms.BooleanField(
        label=_("Jag vet att kallelsen är sen och vill skicka den ändå"),
        required=False,
        help_text=_("Att kallelsen var sen syns sedan på mötet och i utskicket."),
    )


class MinutesSendForm(forms.Form):
    """Send the checked minutes: nothing to fill in, the button is the confirmation."""
