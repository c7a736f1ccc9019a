"""Forms of the council pages."""

import datetime
import re

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
from councils.selectors import seat_organisations, seats_on
from councils.services import GuestAttendance, SeatAttendance
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

    appointment = IdChoiceField(label=_("Vems justering"), queryset=MinutesCheck.objects.none())
    checked_on = forms.DateField(
        label=_("Justerat på papper den"), widget=DateInput(), validators=[validate_date_in_range]
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
    """A body's name, kind, mandate and rules; its organisation among those she manages."""

    class Meta:
        model = Body
        fields = [
            "name",
            "organisation",
            "kind",
            "parent",
            "mandate",
            "tasks",
            "reports_to",
            "min_meetings_per_year",
            "notice_days",
            "record",
            "adjusters_count",
            "minutes_kept_at",
            "distribution_list",
            "is_public",
        ]
        field_classes = {
            "organisation": IdChoiceField,
            "parent": IdChoiceField,
            "min_meetings_per_year": AsciiIntegerField,
            "notice_days": AsciiIntegerField,
            "adjusters_count": AsciiIntegerField,
        }

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.with_paths()
        if not user.is_superuser:
            organisations = organisations.filter(pk__in=organisations_for(user, MANAGE_COUNCILS))
        self.fields["organisation"].queryset = organisations.order_by("name")
        parents = manageable_bodies(user).select_related("organisation")
        if self.instance.pk:
            below = Body.objects.below([self.instance.pk]).values_list("pk", flat=True)
            parents = parents.exclude(pk__in=list(below))
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda b: f"{b.name} ({b.organisation.name})"


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
        fields = ["title", "kind", "presenter", "text", "rule", "nth", "order"]
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
        label=_("Plats"), max_length=300, required=False, validators=[validate_single_line]
    )
    confirm = forms.BooleanField(
        label=_("Skapa mötena ändå, färre än organets minsta antal"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1

    def clean_dates(self) -> list[datetime.date]:
        lines = [line.strip() for line in self.cleaned_data["dates"].splitlines() if line.strip()]
        return [_date_line(line) for line in lines]


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
    """A meeting's time and place."""

    remote_link = forms.URLField(
        label=_("Länk för distansdeltagande"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "place", "remote_link"]
        field_classes = {"starts_at": forms.SplitDateTimeField, "ends_at": forms.SplitDateTimeField}
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


class AgendaItemForm(VersionedModelForm):
    """An agenda item; the plans and measures it concerns among those she may read."""

    class Meta:
        model = AgendaItem
        fields = ["title", "kind", "presenter", "case_number", "text", "plans", "measures"]
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


def _plans_for_agenda(*, user: AnyUser, body: Body):
    """Return the plans an agenda item may concern: the body's organisation's and hers."""
    return linkable_plans(user, body).values("pk")


def _measure_label(measure: Measure) -> str:
    code = f"{measure.code} " if measure.code else ""
    return f"{code}{measure.title[:100]} ({measure.plan.title[:60]})"


class AttachmentForm(forms.Form):
    """A file for an agenda item."""

    file = forms.FileField(label=_("Fil"), max_length=200)


class AttendanceRowForm(forms.Form):
    """How the holder of one seat attended."""

    # A seat with a holder is never vacant: that is read from the holdings, not chosen.
    status = forms.ChoiceField(
        label=_("Närvaro"),
        choices=[c for c in Attendance.Status.choices if c[0] != Attendance.Status.VACANT],
    )
    substitute = forms.TypedChoiceField(
        label=_("Ersättare"), required=False, coerce=int, empty_value=None
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        replaced = cleaned.get("status") == Attendance.Status.REPLACED
        if replaced and not cleaned.get("substitute"):
            self.add_error("substitute", _("Ange vem som ersatte."))
        if not replaced and cleaned.get("substitute"):
            self.add_error("substitute", _("En ersättare anges bara när platsen ersattes."))
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
        record = recorded.get(entry.seat.pk)
        if record is None or record.status == Attendance.Status.VACANT:
            return {"status": Attendance.Status.PRESENT}
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
        """Return whether every row and guest is valid (all are checked, to show every error)."""
        rows = [form.is_valid() for _entry, form in self.rows]
        return all(rows) and self.guests.is_valid()

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
