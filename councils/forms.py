"""Forms of the council pages."""

import datetime
import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Body,
    ChangeRequest,
    Meeting,
    MinutesCheck,
    Seat,
    StandingItem,
)
from councils.permissions import (
    choosable_people,
    holder_register,
    linkable_plans,
    manageable_bodies,
    seat_holder_choices,
)
from councils.selectors import (
    bodies_preparing,
    body_in_text,
    genitive,
    meeting_day,
    prepared_body_of,
    seat_organisations,
    seats_on,
)
from councils.services import GuestAttendance, Preparation, SeatAttendance
from folkhalsa.validators import validate_date_in_range, validate_long_text, validate_single_line
from plans.forms import (
    AsciiIntegerField,
    IdChoiceField,
    IdMultipleChoiceField,
    VersionedModelForm,
    is_id,
)
from plans.models import Measure, Organisation, Person, Plan
from plans.permissions import MANAGE_COUNCILS, AnyUser, organisations_for, visible_plans

# --- Minutes, checking, amendments, registration, notice board (wt-minutes) ---


class DateInput(forms.DateInput):
    """A date picked with the browser's calendar, in ISO form."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class MinutesOpeningForm(VersionedModelForm):
    """The minutes' opening text (who opened the meeting, what was approved)."""

    class Meta:
        model = Meeting
        fields = ["minutes_opening"]
        widgets = {"minutes_opening": forms.Textarea(attrs={"rows": 4})}


class MinutesItemForm(VersionedModelForm):
    """One paragraph of the minutes: a note and, for a decision or a proposal, its text, led
    by the body's words ("Rådet beslutar", "Rådet föreslår kommunstyrelsen")."""

    class Meta:
        model = AgendaItem
        fields = ["note", "decision", "to_prepared_body"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, lead_in: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lead_in = lead_in
        self.fields["decision"].help_text = ""
        if self.instance.kind == AgendaKind.INFORMATION:
            del self.fields["decision"]  # noted: "Informationen noteras"
        else:
            self.fields["decision"].label = lead_in
        offer_to_prepared_body(self)


class AdjustersForm(forms.Form):
    """The adjusters appointed at the meeting, among those present."""

    adjusters = IdMultipleChoiceField(
        label=_("Justerare"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # The adjusters appointed when she opened the page, so that only her own changes are saved.
    loaded = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, present, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shown = self.initial.get("adjusters", [])
        self.fields["loaded"].initial = ",".join(str(pk) for pk in shown)
        field = self.fields["adjusters"]
        field.queryset = present
        field.label_from_instance = lambda person: person.name
        field.help_text = _("Välj %(count)s bland de närvarande.") % {"count": count}
        self.count = count

    def clean_loaded(self) -> set[int] | None:
        """Return the ids shown when she opened the page; None from a form without them."""
        if self.add_prefix("loaded") not in self.data:
            return None
        parts = [part for part in self.cleaned_data["loaded"].split(",") if part]
        if not all(is_id(part) for part in parts):
            raise forms.ValidationError(_("Formuläret är felaktigt. Ladda om sidan."))
        return {int(part) for part in parts}

    def clean_adjusters(self) -> list[Person]:
        adjusters = list(self.cleaned_data["adjusters"])
        if len(adjusters) > self.count:
            raise forms.ValidationError(
                _("Välj högst %(count)s justerare.") % {"count": self.count}
            )
        return adjusters


class PaperCheckForm(forms.Form):
    """A check done on paper: whose, and on which day."""

    appointment = IdChoiceField(
        label=_("Vems justering eller underskrift"), queryset=MinutesCheck.objects.none()
    )
    checked_on = forms.DateField(
        label=_("Justerat eller undertecknat på papper den"),
        widget=DateInput(),
        validators=[validate_date_in_range],
    )

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
    what = forms.CharField(
        label=_("Rättelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_long_text],
    )
    why = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_long_text],
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("order", "id")


def _paragraph_label(item: AgendaItem) -> str:
    paragraph = f"§ {item.paragraph} " if item.paragraph else ""
    return f"{paragraph}{item.title}"


class ChangeRequestForm(forms.Form):
    """An adjuster's request to change a paragraph, or the minutes as a whole, before she
    checks them."""

    item = IdChoiceField(
        label=_("Gäller"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("Protokollet i sin helhet"),
    )
    text = forms.CharField(
        label=_("Vad vill du ha ändrat?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_long_text],
        error_messages={"required": _("Skriv vad du vill ha ändrat.")},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("order", "id")
        self.fields["item"].label_from_instance = _paragraph_label


class ChangeRequestAnswerForm(forms.Form):
    """The secretary's answer to one change request: "Ändrat", or why not."""

    begaran = IdChoiceField(widget=forms.HiddenInput, queryset=ChangeRequest.objects.none())
    svar = forms.CharField(
        label=_("Ditt svar"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_long_text],
        error_messages={"required": _("Skriv ditt svar, t.ex. ”Ändrat” eller varför inte.")},
        help_text=_("Ändra protokollet först om du håller med, och svara sedan ”Ändrat”."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        open_requests = meeting.change_requests.filter(answered_at__isnull=True)
        self.fields["begaran"].queryset = open_requests
        self.fields["begaran"].error_messages["invalid_choice"] = _(
            "Begäran är redan besvarad eller hör inte till mötet. Ladda om sidan."
        )


class RegisterForm(forms.Form):
    """Registering checked minutes: the diarienummer and the date."""

    case_number = forms.CharField(
        label=_("Diarienummer"), max_length=100, validators=[validate_single_line]
    )
    registered_on = forms.DateField(
        label=_("Diariefört den"), widget=DateInput(), validators=[validate_date_in_range]
    )

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registered_on"].initial = today


class PostingForm(forms.Form):
    """The day the announcement of the checking was actually posted."""

    posted_on = forms.DateField(
        label=_("Anslaget den"), widget=DateInput(), validators=[validate_date_in_range]
    )


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


# --- Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings) ---

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# An order is a small number; a larger one would only overflow the database.
MAX_ORDER = 10_000


class BodyForm(VersionedModelForm):
    """A body's name, kind, mandate and rules; its organisation among those she manages; who
    convenes (a person of its organisation); the body whose meetings it prepares."""

    class Meta:
        model = Body
        fields = [
            "name",
            "short_name",
            "organisation",
            "kind",
            "parent",
            "mandate",
            "tasks",
            "reports_to",
            "min_meetings_per_year",
            "notice_days",
            "convener",
            "record",
            "adjusters_count",
            "secretary_per_meeting",
            "minutes_kept_at",
            "distribution_list",
            "is_public",
            "prepares",
            "prepare_days_before",
        ]
        field_classes = {
            "organisation": IdChoiceField,
            "parent": IdChoiceField,
            "convener": IdChoiceField,
            "prepares": IdChoiceField,
            "min_meetings_per_year": AsciiIntegerField,
            "notice_days": AsciiIntegerField,
            "adjusters_count": AsciiIntegerField,
            "prepare_days_before": AsciiIntegerField,
        }

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.with_paths()
        if not user.is_superuser:
            organisations = organisations.at(organisations_for(user, MANAGE_COUNCILS))
        self.fields["organisation"].queryset = organisations.order_by("name")
        parents = manageable_bodies(user).select_related("organisation")
        if self.instance.pk:
            below = Body.objects.below([self.instance.pk]).values_list("pk", flat=True)
            parents = parents.exclude(pk__in=list(below))
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda b: f"{b.name} ({b.organisation.name})"
        self._offer_conveners(user)
        self._offer_prepared_bodies(user)
        # Left empty, the number of days stays as it is (7 for a new body).
        self.fields["prepare_days_before"].required = False

    def _offer_conveners(self, user: AnyUser) -> None:
        """Offer the people of the body's organisation and its units that she may name (for a
        new body: of the organisations she manages), and whoever convenes now."""
        people = choosable_people(user)
        if self.instance.organisation_id:
            people = people.filter(organisation__in=_tree_of(self.instance.organisation_id))
        elif not user.is_superuser:
            people = people.filter(organisation__in=organisations_for(user, MANAGE_COUNCILS))
        now = Q(pk=self.instance.convener_id) if self.instance.convener_id else Q(pk__in=[])
        field = self.fields["convener"]
        field.queryset = (
            Person.objects.filter(Q(pk__in=people.values("pk")) | now)
            .select_related("organisation")
            .order_by("name", "pk")
        )
        field.label_from_instance = _person_label
        field.error_messages["invalid_choice"] = _(
            "Välj en person i organets organisation eller dess enheter."
        )

    def _offer_prepared_bodies(self, user: AnyUser) -> None:
        """Offer the bodies she manages in the same organisation (its whole tree), never the
        body itself, its own groups (they report to it) nor one that prepares its meetings
        (that would be a circle)."""
        bodies = manageable_bodies(user)
        if self.instance.organisation_id:
            bodies = bodies.filter(organisation__in=_same_tree(self.instance.organisation_id))
        if self.instance.pk:
            own_groups = Body.objects.below([self.instance.pk]).values_list("pk", flat=True)
            bodies = bodies.exclude(pk__in=bodies_preparing(body=self.instance) | set(own_groups))
        now = Q(pk=self.instance.prepares_id) if self.instance.prepares_id else Q(pk__in=[])
        field = self.fields["prepares"]
        field.queryset = (
            Body.objects.filter(Q(pk__in=bodies.values("pk")) | now)
            .select_related("organisation")
            .order_by("name", "pk")
        )
        field.label_from_instance = lambda b: f"{b.name} ({b.organisation.name})"
        field.error_messages["invalid_choice"] = _(
            "Välj ett organ i samma organisation som du är sekreterare för: inte organet självt "
            "och inte ett organ som bereder dess ärenden."
        )

    def clean_prepare_days_before(self) -> int:
        days = self.cleaned_data["prepare_days_before"]
        return self.instance.prepare_days_before if days is None else days

    def clean(self) -> dict:
        """Keep who convenes within the body's organisation, and the body it prepares within
        the same organisation, also when the organisation is changed in the same form."""
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if organisation is None:
            return cleaned
        moved = "organisation" in self.changed_data
        convener = cleaned.get("convener")
        changed = moved or "convener" in self.changed_data
        outside = convener and not _tree_of(organisation.pk).filter(pk=convener.organisation_id)
        if changed and outside:
            self.add_error("convener", _("Den som kallar ska höra till organets organisation."))
        prepares = cleaned.get("prepares")
        changed = moved or "prepares" in self.changed_data
        outside = prepares and not _same_tree(organisation.pk).filter(pk=prepares.organisation_id)
        if changed and outside:
            message = _("Ett organ bereder bara ärenden till organ i samma organisation.")
            self.add_error("prepares", message)
        return cleaned


def _tree_of(organisation_id: int):
    """Return the organisation and its units (ids, one recursive query)."""
    return Organisation.objects.below([organisation_id]).values("pk")


def _same_tree(organisation_id: int):
    """Return every organisation of the tree the organisation belongs to, from its top (ids)."""
    path = Organisation.objects.with_tree_fields().get(pk=organisation_id).tree_path
    return _tree_of(path[0])


def _person_label(person: Person) -> str:
    named = ", ".join(part for part in (person.name, person.title) if part)
    return f"{named} ({person.organisation.name})"


class SeatForm(forms.ModelForm):
    """A seat's function, the organisation it is held on behalf of, its role and order."""

    class Meta:
        model = Seat
        fields = ["function", "organisation", "role", "order"]
        field_classes = {"organisation": IdChoiceField, "order": AsciiIntegerField}

    def __init__(self, *args, body: Body, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = seat_organisations(body=body)
        if self.instance.pk is None:
            self.initial["organisation"] = body.organisation_id
        self.fields["order"].max_value = MAX_ORDER
        self.fields["order"].widget.attrs["max"] = MAX_ORDER


class SeatHolderForm(forms.Form):
    """Give a seat a holder: a person of the user's register, or a new person added to it.

    A seat held on behalf of an organisation whose register she does not read (the police, the
    region, another municipality) takes its holder from the body's organisation's register.
    """

    person = IdChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("– ny person (fyll i nedan) –"),
    )
    name = forms.CharField(
        label=_("Ny person: namn"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
    )
    title = forms.CharField(
        label=_("Ny person: titel"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
    )
    email = forms.EmailField(label=_("Ny person: e-post"), required=False)
    starts_on = forms.DateField(
        label=_("Från och med"), widget=DATE_INPUT, validators=[validate_date_in_range]
    )
    ends_on = forms.DateField(
        label=_("Till och med"),
        widget=DATE_INPUT,
        required=False,
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, seat: Seat, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = seat_holder_choices(user, seat).select_related("organisation")
        person.label_from_instance = lambda p: f"{p.name} ({p.organisation.name})"
        person.error_messages["invalid_choice"] = _(
            "Personen finns inte bland dem du kan välja: bara personer i din organisations "
            "register. Skriv in en ny person i stället."
        )
        self.register = Organisation.objects.get(pk=holder_register(user, seat))
        if self.register.pk != seat.organisation_id:
            self.outside_note = _(
                "Platsen innehas för %(seat)s, vars personregister du inte når. Välj en person "
                "vid %(register)s eller skriv in en ny: den nya personen läggs in i registret "
                "för %(register)s, och platsen företräder fortfarande %(seat)s."
            ) % {"seat": seat.organisation.name, "register": self.register.name}
            person.help_text = self.outside_note
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("name"):
            raise ValidationError(_("Välj en person eller skriv in en ny, inte båda."))
        if not cleaned.get("person") and not cleaned.get("name") and not self.errors:
            raise ValidationError(_("Välj en person eller skriv in namnet på en ny."))
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Slutdatumet kan inte vara före startdatumet."))
        return cleaned

    def new_person(self) -> dict | None:
        """Return the new person's fields, or None when she chose an existing person."""
        data = self.cleaned_data
        if data["person"]:
            return None
        return {"name": data["name"], "title": data["title"], "email": data["email"]}


class HoldingEndForm(forms.Form):
    """The last day a person holds a seat."""

    ends_on = forms.DateField(
        label=_("Sista dagen"), widget=DATE_INPUT, validators=[validate_date_in_range]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].initial = timezone.localdate()


class StandingItemForm(forms.ModelForm):
    """A standing agenda item with its rule: every meeting, the n-th or the last."""

    class Meta:
        model = StandingItem
        fields = ["title", "kind", "proposal_to", "presenter", "text", "rule", "nth", "order"]
        field_classes = {"nth": AsciiIntegerField, "order": AsciiIntegerField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].max_value = MAX_ORDER
        self.fields["order"].widget.attrs["max"] = MAX_ORDER


DATE_LINE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class MeetingSeriesForm(forms.Form):
    """Next year's meetings: the year, the dates, the times and the place."""

    year = AsciiIntegerField(label=_("År"), min_value=2000, max_value=2100)
    dates = forms.CharField(
        label=_("Datum"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Ett datum per rad, ÅÅÅÅ-MM-DD."),
    )
    starts = forms.TimeField(label=_("Börjar kl."), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("Slutar kl."), widget=TIME_INPUT, required=False)
    place = forms.CharField(
        label=_("Lokal"), max_length=300, required=False, validators=[validate_single_line]
    )
    confirm = forms.BooleanField(
        label=_("Skapa mötena ändå, färre än organets minsta antal"), required=False
    )

    def __init__(self, *args, preparing: Sequence[Body] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
        # The bodies preparing this one's meetings that she manages too (the styrgrupp).
        self.preparing = list(preparing)
        for body in self.preparing:
            self._add_preparation_fields(body)

    def _add_preparation_fields(self, body: Body) -> None:
        """Add a body's choice to hold a preparatory meeting before each new meeting."""
        key = f"bereds_{body.pk}"
        same = _("Tomt: samma som mötena ovan.")
        self.fields[f"{key}_skapa"] = forms.BooleanField(
            label=_preparing_label(body), required=False, initial=True
        )
        self.fields[f"{key}_dagar"] = AsciiIntegerField(
            label=_("Antal dagar före varje möte"),
            min_value=1,
            max_value=90,
            required=False,
            initial=body.prepare_days_before,
        )
        self.fields[f"{key}_borjar"] = forms.TimeField(
            label=_("Börjar kl."), widget=TIME_INPUT, required=False, help_text=same
        )
        self.fields[f"{key}_slutar"] = forms.TimeField(
            label=_("Slutar kl."), widget=TIME_INPUT, required=False
        )
        self.fields[f"{key}_lokal"] = forms.CharField(
            label=_("Lokal"),
            max_length=300,
            required=False,
            validators=[validate_single_line],
            help_text=same,
        )

    def series_fields(self) -> list:
        """Return the bound fields of the series itself (not of a preparing body)."""
        return [field for field in self.visible_fields() if not PREPARATION_KEY.match(field.name)]

    def preparation_groups(self) -> list[tuple[Body, list]]:
        """Return each preparing body with its bound fields, for a fieldset of its own."""
        parts = ("skapa", "dagar", "borjar", "slutar", "lokal")
        return [(b, [self[f"bereds_{b.pk}_{part}"] for part in parts]) for b in self.preparing]

    def clean_dates(self) -> list[datetime.date]:
        lines = [line.strip() for line in self.cleaned_data["dates"].splitlines() if line.strip()]
        return [_date_line(line) for line in lines]

    def clean(self) -> dict:
        """Refuse a preparing body not offered (one she does not manage), and a preparation
        without its number of days or with an end before its start."""
        cleaned = super().clean()
        offered = {str(body.pk) for body in self.preparing}
        posted = {m.group(1) for m in map(PREPARATION_KEY.match, self.data) if m}
        if posted - offered:
            raise ValidationError(
                _("Du kan bara skapa beredande möten för organ som du är sekreterare för.")
            )
        for body in self.preparing:
            key = f"bereds_{body.pk}"
            if not cleaned.get(f"{key}_skapa"):
                continue
            if cleaned.get(f"{key}_dagar") is None and f"{key}_dagar" not in self.errors:
                self.add_error(f"{key}_dagar", _("Ange hur många dagar före mötena."))
            starts, ends = cleaned.get(f"{key}_borjar"), cleaned.get(f"{key}_slutar")
            if ends and not starts:
                message = _("Ange när mötena börjar, eller lämna båda tomma.")
                self.add_error(f"{key}_borjar", message)
            elif starts and ends and ends <= starts:
                self.add_error(f"{key}_slutar", _("Mötena måste sluta efter att de börjar."))
        return cleaned

    def preparations(self) -> list[Preparation]:
        """Return the preparatory meetings asked for, as the service takes them."""
        chosen = []
        for body in self.preparing:
            key = f"bereds_{body.pk}"
            if self.cleaned_data.get(f"{key}_skapa"):
                chosen.append(
                    Preparation(
                        body=body,
                        days_before=self.cleaned_data[f"{key}_dagar"],
                        starts=self.cleaned_data[f"{key}_borjar"],
                        ends=self.cleaned_data[f"{key}_slutar"],
                        place=self.cleaned_data[f"{key}_lokal"],
                    )
                )
        return chosen


# A preparing body's fields on the series form: bereds_<id>_skapa, _dagar, _borjar …
PREPARATION_KEY = re.compile(r"bereds_([0-9]+)_")


def _preparing_label(body: Body) -> str:
    """Return "Skapa styrgruppens beredande möten" (by the body's name in decisions, if any)."""
    if body.short_name.strip():
        return _("Skapa %(whose)s beredande möten") % {"whose": genitive(body_in_text(body))}
    return _("Skapa beredande möten för %(body)s") % {"body": body.name}


def _date_line(line: str) -> datetime.date:
    """Return the date a line holds (ÅÅÅÅ-MM-DD, digits 0–9); refuse anything else."""
    try:
        if DATE_LINE.match(line):
            day = datetime.date.fromisoformat(line)
            validate_date_in_range(day)
            return day
    except ValueError:
        pass  # a day that does not exist, e.g. 2026-02-30
    raise ValidationError(
        _("”%(line)s” är inget datum. Skriv ett datum per rad, t.ex. 2026-02-12.")
        % {"line": line[:40]}
    )


class MeetingForm(VersionedModelForm):
    """A meeting's time and place, and for a body choosing its secretary at each meeting (the
    förebyggargrupp), who keeps the minutes."""

    remote_link = forms.URLField(
        label=_("Länk för distansdeltagande"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "place", "remote_link", "secretary"]
        field_classes = {
            "starts_at": forms.SplitDateTimeField,
            "ends_at": forms.SplitDateTimeField,
            "secretary": IdChoiceField,
        }
        widgets = {
            "starts_at": forms.SplitDateTimeWidget(
                date_attrs={"type": "date"},
                time_attrs={"type": "time"},
                date_format="%Y-%m-%d",
                time_format="%H:%M",
            ),
            "ends_at": forms.SplitDateTimeWidget(
                date_attrs={"type": "date"},
                time_attrs={"type": "time"},
                date_format="%Y-%m-%d",
                time_format="%H:%M",
            ),
        }

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        body = self.instance.body
        if not body.secretary_per_meeting:
            del self.fields["secretary"]
            return
        # Those holding a seat in the body on the meeting's day and the body's organisation's
        # people, as far as she may name them; and whoever was chosen.
        day = meeting_day(self.instance)
        holders = Person.objects.filter(
            Q(seat_holdings__seat__body=body, seat_holdings__starts_on__lte=day)
            & (Q(seat_holdings__ends_on__isnull=True) | Q(seat_holdings__ends_on__gte=day))
        )
        own = Q(organisation__in=_tree_of(body.organisation_id))
        people = choosable_people(user).filter(Q(pk__in=holders.values("pk")) | own)
        now = Q(pk=self.instance.secretary_id) if self.instance.secretary_id else Q(pk__in=[])
        field = self.fields["secretary"]
        field.queryset = (
            Person.objects.filter(Q(pk__in=people.values("pk")) | now)
            .select_related("organisation")
            .order_by("name", "pk")
        )
        field.label_from_instance = _person_label
        field.help_text = _(
            "Organet väljer sin sekreterare vid varje möte; protokollet namnger henne."
        )
        field.error_messages["invalid_choice"] = _(
            "Välj någon som har en plats i organet på mötesdagen eller hör till dess organisation."
        )


class AgendaItemForm(VersionedModelForm):
    """An agenda item; the plans and measures it concerns among those she may read."""

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "kind",
            "proposal_to",
            "presenter",
            "case_number",
            "text",
            "to_prepared_body",
            "plans",
            "measures",
        ]
        field_classes = {"plans": IdMultipleChoiceField, "measures": IdMultipleChoiceField}

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plans = _plans_for_agenda(user=user, body=self.instance.meeting.body)
        linked = self.instance.plans.all() if self.instance.pk else Plan.objects.none()
        linked_measures = (
            self.instance.measures.values("plan") if self.instance.pk else Plan.objects.none()
        )
        # The body's organisation's plans she reads, those she edits, and those already linked.
        readable = visible_plans(user)
        shown = readable.filter(Q(pk__in=plans) | Q(pk__in=linked) | Q(pk__in=linked_measures))
        self.fields["plans"].queryset = shown.order_by("title")
        self.fields["measures"].queryset = (
            Measure.objects.filter(plan__in=shown)
            .select_related("plan")
            .order_by("plan__title", "code", "pk")
        )
        self.fields["measures"].label_from_instance = _measure_label
        self.fields["measures"].widget.attrs["size"] = 10
        offer_to_prepared_body(self)


def offer_to_prepared_body(form: forms.ModelForm) -> None:
    """Offer "Till rådet" on an item of a meeting that prepares another body's meeting (the
    styrgrupp's before the council's), and only there."""
    prepared = prepared_body_of(form.instance.meeting)
    if prepared is None:
        del form.fields["to_prepared_body"]
        return
    field = form.fields["to_prepared_body"]
    field.label = _("Till %(body)s") % {"body": body_in_text(prepared)}
    field.help_text = _(
        "Ärendet förs till föredragningslistan för %(whose)s möte som det här mötet bereder när "
        "du sparar. Tar du bort krysset tas det bort därifrån, om ingen har ändrat det där."
    ) % {"whose": genitive(body_in_text(prepared))}


def _plans_for_agenda(*, user: AnyUser, body: Body):
    """Return the plans an agenda item may concern: the body's organisation's and hers."""
    return linkable_plans(user, body).values("pk")


def _measure_label(measure: Measure) -> str:
    code = f"{measure.code} " if measure.code else ""
    return f"{code}{measure.title[:100]} ({measure.plan.title[:60]})"


class AttachmentForm(forms.Form):
    """A file for an agenda item."""

    file = forms.FileField(label=_("Fil"), max_length=200)


# A seat with a holder is never vacant: that is read from the holdings, not chosen. Nothing is
# chosen until the secretary marks it: attendance starts unknown, never assumed present.
SEAT_STATUSES = [
    ("", _("– markera –")),
    *(
        (status.value, status.label)
        for status in (
            Attendance.Status.PRESENT,
            Attendance.Status.REMOTE,
            Attendance.Status.ABSENT,
            Attendance.Status.EXCUSED,
            Attendance.Status.REPLACED,
        )
    ),
]


class AttendanceRowForm(forms.Form):
    """How the holder of one seat attended; left unmarked, the sheet names the seat."""

    status = forms.ChoiceField(label=_("Närvaro"), choices=SEAT_STATUSES, required=False)
    substitute = forms.TypedChoiceField(
        label=_("Ersättare"), required=False, coerce=int, empty_value=None
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        replaced = cleaned.get("status") == Attendance.Status.REPLACED
        if replaced and not cleaned.get("substitute"):
            self.add_error("substitute", _("Ange vilken ersättare som tjänstgör."))
        if not replaced and cleaned.get("substitute"):
            self.add_error(
                "substitute", _("En ersättare anges bara när närvaron är ”Ersättare tjänstgör”.")
            )
        return cleaned


GUEST_STATUSES = [
    (Attendance.Status.PRESENT, Attendance.Status.PRESENT.label),
    (Attendance.Status.REMOTE, Attendance.Status.REMOTE.label),
]


class GuestForm(forms.Form):
    """A co-opted guest: name, organisation and how she took part."""

    guest_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Namn"), max_length=200, required=False, validators=[validate_single_line]
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, validators=[validate_single_line]
    )
    status = forms.ChoiceField(label=_("Närvaro"), choices=GUEST_STATUSES)
    remove = forms.BooleanField(label=_("Ta bort"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("organisation") and not cleaned.get("name"):
            self.add_error("name", _("Ange gästens namn."))
        return cleaned


GuestFormSet = forms.formset_factory(GuestForm, extra=2, max_num=50, absolute_max=60)


class BodyPageForm(forms.Form):
    """The body page's choices (GET): the day whose holders are shown and the year's meetings."""

    datum = forms.DateField(
        label=_("Ledamöter den"),
        widget=DATE_INPUT,
        required=False,
        validators=[validate_date_in_range],
    )
    ar = AsciiIntegerField(label=_("Möten år"), min_value=2000, max_value=2100, required=False)

    def chosen(self) -> tuple[datetime.date, int]:
        """Return the chosen day and year; today and this year where none or a wrong one."""
        today = timezone.localdate()
        if not self.is_bound:
            return today, today.year
        self.is_valid()  # the fields that are valid are used, the others shown with their error
        data = self.cleaned_data
        return data.get("datum") or today, data.get("ar") or today.year


class DeleteForm(forms.Form):
    """A confirmation of a deletion, with the version she saw (a changed record is not deleted)."""

    loaded_version = AsciiIntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


class AttendanceSheet:
    """The attendance page's form: a row per seat held on the meeting's day, and the guests.

    Each seat's row is prefilled from what was recorded, else with its holder present; a seat
    nobody held that day is shown and recorded as vacant, with nothing to choose. Substitutes are
    chosen among the people of the seats' organisations and the body's that the user may name.
    """

    def __init__(self, data, *, meeting: Meeting, user: AnyUser) -> None:
        # Seats left unmarked in a posted sheet (entry, form), named in its message.
        self.unmarked: list = []
        day = timezone.localtime(meeting.starts_at).date()
        recorded = {a.seat_id: a for a in meeting.attendances.filter(seat__isnull=False)}
        self.seats = seats_on(body=meeting.body, on=day)
        self.people = self._people(meeting, user)
        choices = [("", _("– ingen –"))] + [
            (p.pk, f"{p.name} ({p.organisation.name})") for p in self.people.values()
        ]
        self.rows = []
        # Every seat in seat order, with its form; a vacant seat's form is None.
        self.lines = []
        for entry in self.seats:
            form = None
            if entry.holder is not None:
                initial = self._initial(recorded, entry)
                form = AttendanceRowForm(data, prefix=f"plats-{entry.seat.pk}", initial=initial)
                form.fields["substitute"].choices = choices
                self.rows.append((entry, form))
            self.lines.append((entry, form))
        self.guests = GuestFormSet(data, prefix="gaster", initial=self._guests(meeting))
        self.errors: list[str] = []

    @staticmethod
    def _people(meeting: Meeting, user: AnyUser) -> dict[int, Person]:
        """Return the substitutes to choose from: the user's register's people of the seats'
        organisations and of the body's own, and those already recorded as substitutes."""
        organisations = Q(organisation__in=meeting.body.seats.values("organisation"))
        own = Q(organisation=meeting.body.organisation_id)
        recorded = Q(pk__in=meeting.attendances.values("substitute"))
        choosable = choosable_people(user).filter(organisations | own).values("pk")
        people = Person.objects.filter(Q(pk__in=choosable) | recorded).select_related(
            "organisation"
        )
        return {person.pk: person for person in people.order_by("name", "pk")}

    @staticmethod
    def _initial(recorded: dict, entry) -> dict:
        """Return what was marked for the seat's holder; nothing where nothing was."""
        record = recorded.get(entry.seat.pk)
        unmarked = record is None or record.status in ("", Attendance.Status.VACANT)
        if unmarked or record.person_id != entry.holder.pk:
            return {}
        return {"status": record.status, "substitute": record.substitute_id}

    @staticmethod
    def _guests(meeting: Meeting) -> list[dict]:
        guests = meeting.attendances.filter(seat__isnull=True).order_by("pk")
        return [
            {
                "guest_id": g.pk,
                "name": g.guest_name,
                "organisation": g.guest_organisation,
                "status": g.status,
            }
            for g in guests
        ]

    def is_valid(self) -> bool:
        """Return whether every row and guest is valid and every held seat is marked (all are
        checked, to show every error)."""
        rows = [form.is_valid() for _entry, form in self.rows]
        guests = self.guests.is_valid()
        self.unmarked = [
            (entry, form)
            for entry, form in self.rows
            if form.is_valid() and not form.cleaned_data["status"]
        ]
        for _entry, form in self.unmarked:
            form.unmarked = True
            attrs = form.fields["status"].widget.attrs
            attrs.update({"aria-invalid": "true", "aria-describedby": f"{form.prefix}-omarkerad"})
        message = _("Markera närvaro för: %(seats)s.") % {
            "seats": ", ".join(
                f"{entry.seat.function} ({entry.holder.name})" for entry, _form in self.unmarked
            )
        }
        if self.unmarked and message not in self.errors:
            self.errors.append(message)
        return all(rows) and guests and not self.unmarked

    def has_form_errors(self) -> bool:
        rows = any(form.errors for _entry, form in self.rows)
        return rows or (self.guests.is_bound and not self.guests.is_valid())

    def seat_rows(self) -> list[SeatAttendance]:
        """Return each seat's attendance as the service takes it, vacant seats included."""
        return [self._seat_row(entry, form) for entry, form in self.lines]

    def _seat_row(self, entry, form: AttendanceRowForm | None) -> SeatAttendance:
        if form is None:
            return SeatAttendance(seat=entry.seat, person=None, status=Attendance.Status.VACANT)
        return SeatAttendance(
            seat=entry.seat,
            person=entry.holder,
            status=form.cleaned_data["status"],
            substitute=self.people.get(form.cleaned_data["substitute"]),
        )

    def guest_rows(self) -> list[GuestAttendance]:
        """Return the guests to keep, add and remove; empty new rows are left out."""
        rows = []
        for data in (form.cleaned_data for form in self.guests):
            if not data or not (data.get("name") or data.get("guest_id")):
                continue
            rows.append(
                GuestAttendance(
                    pk=data.get("guest_id"),
                    name=data["name"],
                    organisation=data["organisation"],
                    status=data["status"],
                    remove=data["remove"] or not data["name"],
                )
            )
        return rows
