"""Forms of the council pages."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.models import AgendaItem, AgendaKind, Meeting, MinutesCheck
from plans.forms import IdChoiceField, IdMultipleChoiceField, VersionedModelForm
from plans.models import Person
from plans.services import editor_name

# --- Minutes, checking, amendments, registration, notice board (wt-minutes) ---


class DateInput(forms.DateInput):
    """A date picked with the browser's calendar, in ISO form."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CouncilVersionedForm(VersionedModelForm):
    """A versioned form of the council pages: only the body's managers edit, and they see who."""

    def _who(self, editor, viewer) -> str:
        return editor_name(editor, viewer)


class MinutesOpeningForm(CouncilVersionedForm):
    """The minutes' opening text (who opened the meeting, what was approved)."""

    class Meta:
        model = Meeting
        fields = ["minutes_opening"]
        widgets = {"minutes_opening": forms.Textarea(attrs={"rows": 4})}


class MinutesItemForm(CouncilVersionedForm):
    """One paragraph of the minutes: a note and, for a decision, the decision or recommendation."""

    class Meta:
        model = AgendaItem
        fields = ["note", "decision"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, advisory: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].help_text = ""
        if self.instance.kind != AgendaKind.DECISION:
            del self.fields["decision"]
        elif advisory:
            # An advisory body decides nothing: it recommends.
            self.fields["decision"].label = _("Rekommendation")


class AdjustersForm(forms.Form):
    """The adjusters appointed at the meeting, among those present."""

    adjusters = IdMultipleChoiceField(
        label=_("Justerare"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, present, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["adjusters"]
        field.queryset = present
        field.label_from_instance = lambda person: person.name
        field.help_text = _("Välj %(count)s bland de närvarande.") % {"count": count}
        self.count = count

    def clean_adjusters(self) -> list[Person]:
        adjusters = list(self.cleaned_data["adjusters"])
        if len(adjusters) > self.count:
            raise forms.ValidationError(
                _("Välj högst %(count)s justerare.") % {"count": self.count}
            )
        return adjusters


class PaperCheckForm(forms.Form):
    """A check done on paper: whose, and on which day."""

    appointment = IdChoiceField(label=_("Vems justering"), queryset=MinutesCheck.objects.none())
    checked_on = forms.DateField(label=_("Justerat på papper den"), widget=DateInput())

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        waiting = meeting.checks.filter(checked_at__isnull=True).select_related("person")
        self.fields["appointment"].queryset = waiting
        self.fields["appointment"].label_from_instance = lambda c: (
            f"{c.person.name} ({c.get_role_display().lower()})"
        )


class AmendmentForm(forms.Form):
    """A correction of checked minutes: of which item, what and why."""

    item = IdChoiceField(
        label=_("Gäller"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("Hela protokollet"),
    )
    what = forms.CharField(label=_("Rättelse"), widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("order", "id")


class RegisterForm(forms.Form):
    """Registering checked minutes: the diarienummer and the date."""

    case_number = forms.CharField(label=_("Diarienummer"), max_length=100)
    registered_on = forms.DateField(label=_("Diariefört den"), widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registered_on"].initial = today


class PostingForm(forms.Form):
    """The day the announcement of the checking was actually posted."""

    posted_on = forms.DateField(label=_("Anslaget den"), widget=DateInput())


# --- Documents: sending the notice and the minutes (wt-documents) ------------------------------


class NoticeSendForm(forms.Form):
    """Send the notice; a late one only with the secretary's confirmation."""

    confirm_late = forms.BooleanField(
        label=_("Jag vet att kallelsen är sen och vill skicka den ändå"),
        required=False,
        help_text=_("Att kallelsen var sen syns sedan på mötet och i utskicket."),
    )


class MinutesSendForm(forms.Form):
    """Send the checked minutes: nothing to fill in, the button is the confirmation."""
