"""Councils and other bodies: seats and who holds them, meetings, agendas, attendance, minutes."""

import datetime
import functools
import secrets

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from folkhalsa.fields import LongTextField, SingleLineCharField
from folkhalsa.validators import validate_date_in_range, validate_single_line
from plans.models import Measure, Organisation, Person, Plan, SubtreeQuerySet, Versioned

# Kommunallagen 8 kap. 12 §: the announcement stays up until the time to appeal (three weeks
# from the day it was posted, 13 kap. 5 §) has run out.
APPEAL_PERIOD = datetime.timedelta(weeks=3)


def appeal_last_day(posted_on: datetime.date) -> datetime.date:
    """Return the last day to appeal against decisions announced on `posted_on`: three weeks
    from the posting (13 kap. 5 §), moved on to the next working day when it falls on a
    Saturday, a Sunday, a public holiday or midsummer, Christmas or New Year's Eve (lag
    (1930:173) om beräkning av lagstadgad tid)."""
    day = posted_on + APPEAL_PERIOD
    while not _working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


@functools.cache
def _days_off(year: int) -> frozenset[datetime.date]:
    """Return the year's public holidays with the eves lag (1930:173) 2 § treats as such:
    midsummer, Christmas and New Year's Eve. Computed once a year per process: the notice board
    asks for each announcement it shows, and the library builds its calendar afresh each time."""
    public = holidays.country_holidays("SE", years=year)
    eves = {datetime.date(year, 12, 24), datetime.date(year, 12, 31)}
    midsummer = next((d for d, name in public.items() if name == "Midsummer Day"), None)
    if midsummer is not None:
        eves.add(midsummer - datetime.timedelta(days=1))
    return frozenset(public) | eves


# The announcement is to be posted no later than the second day after the checking (8 kap. 12 §).
POSTING_DEADLINE = datetime.timedelta(days=2)
# Minutes not checked within this time are flagged to the secretary.
CHECKING_DEADLINE = datetime.timedelta(days=14)


def new_calendar_token() -> str:
    """Return a fresh secret for a person's private calendar address."""
    return secrets.token_urlsafe(24)


def new_download_token() -> str:
    """Return a fresh secret for one recipient's link to one attachment."""
    return secrets.token_urlsafe(32)


class BodyQuerySet(SubtreeQuerySet):
    """Bodies read as a tree: a council and its groups below it (`below`)."""


class Body(Versioned):
    """A council, board, committee or working group owned by an organisation."""

    class Kind(models.TextChoices):
        BOARD = "namnd", _("Nämnd")
        COMMITTEE = "utskott", _("Utskott")
        DRAFTING = "beredning", _("Beredning")
        COUNCIL = "rad", _("Råd")
        COOPERATION = "samverkansorgan", _("Samverkansorgan")
        WORKING_GROUP = "arbetsgrupp", _("Arbetsgrupp")

    class Record(models.TextChoices):
        MINUTES = "protokoll", _("Protokoll, justeras och signeras av ordföranden")
        NOTES = "anteckningar", _("Minnesanteckningar")

    # Bodies under the Local Government Act: checked minutes are announced on the notice board.
    STATUTORY_KINDS = (Kind.BOARD, Kind.COMMITTEE, Kind.DRAFTING)

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ingår i"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("T.ex. rådet som en styrgrupp eller arbetsgrupp hör till."),
    )
    name = SingleLineCharField(_("namn"), max_length=200)
    kind = SingleLineCharField(_("typ"), max_length=20, choices=Kind.choices)
    mandate = LongTextField(_("uppdrag"), blank=True)
    tasks = LongTextField(_("uppgifter"), blank=True)
    reports_to = SingleLineCharField(_("rapporterar till"), max_length=200, blank=True)
    min_meetings_per_year = models.PositiveSmallIntegerField(
        _("minsta antal möten per år"), default=0, validators=[MaxValueValidator(366)]
    )
    notice_days = models.PositiveSmallIntegerField(
        _("kallelse, dagar före mötet"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Kallelsen med föredragningslistan ska nå ledamöterna så här många dagar före."
        ),
    )
    record = SingleLineCharField(
        _("dokumentation"), max_length=20, choices=Record.choices, default=Record.MINUTES
    )
    adjusters_count = models.PositiveSmallIntegerField(
        _("antal justerare"), default=1, validators=[MaxValueValidator(5)]
    )
    minutes_kept_at = SingleLineCharField(
        _("protokollet förvaras"),
        max_length=200,
        blank=True,
        help_text=_("Visas på anslagstavlan, t.ex. Kommunkansliet, kommunhuset."),
    )
    distribution_list = LongTextField(
        _("sändlista för kännedom"),
        blank=True,
        help_text=_("En e-postadress per rad, t.ex. kommunstyrelsens registratur."),
    )
    is_public = models.BooleanField(
        _("offentliga protokoll"),
        default=False,
        help_text=_("Justerade protokoll visas på de publika sidorna."),
    )
    short_name = SingleLineCharField(
        _("namn i besluten"),
        max_length=100,
        blank=True,
        help_text=_(
            "Hur organet nämns i protokollets beslut, t.ex. ”Rådet” eller ”Styrgruppen”. "
            "Tomt: efter typen."
        ),
    )
    convener = models.ForeignKey(
        Person,
        verbose_name=_("kallar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Den som skickar kallelsen, t.ex. folkhälsostrategen."),
    )
    secretary_per_meeting = models.BooleanField(
        _("sekreteraren väljs vid varje möte"),
        default=False,
        help_text=_("Som i en arbetsgrupp där någon av deltagarna för anteckningarna."),
    )
    # Bodies working together: a styrgrupp prepares ("bereder") the council's meetings.
    prepares = models.ForeignKey(
        "self",
        verbose_name=_("bereder ärenden till"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prepared_by",
        help_text=_("T.ex. rådet som styrgruppen alltid sammanträder inför."),
    )
    # Two weeks by default: the prepared body's notice (a week before, as a rule) can then carry
    # what the preparing meeting forwards.
    prepare_days_before = models.PositiveSmallIntegerField(
        _("beredande möte, dagar före"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Hur många dagar före det beredda organets möte det beredande mötet hålls."),
    )
    history = HistoricalRecords()

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="body_unique_name_in_organisation",
                violation_error_message=_("Organisationen har redan ett organ med det namnet."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def history_owner_id(self) -> int:
        return self.organisation_id

    @property
    def is_statutory(self) -> bool:
        """Return whether the body is under the Local Government Act (minutes announced)."""
        return self.kind in self.STATUTORY_KINDS

    @property
    def keeps_minutes(self) -> bool:
        """Return whether the body keeps minutes that are checked and signed."""
        return self.record == self.Record.MINUTES

    @property
    def decision_subject(self) -> str:
        """Return how the minutes name the body in its decisions: "Rådet", "Nämnden" …"""
        if self.short_name.strip():
            return self.short_name.strip()
        return str(BODY_DECISION_SUBJECTS.get(self.kind, _("Organet")))

    @property
    def distribution_addresses(self) -> list[str]:
        """Return the distribution list as addresses, one per non-empty line."""
        return [line.strip() for line in self.distribution_list.splitlines() if line.strip()]

    def clean(self) -> None:
        """Refuse a parent that is the body itself or one below it, and bad addresses."""
        errors = {}
        for address in self.distribution_addresses:
            try:
                validate_email(address)
            except ValidationError:
                errors["distribution_list"] = _(
                    "”%(address)s” är ingen e-postadress. Skriv en adress per rad."
                ) % {"address": address[:100]}
                break
        if (
            self.pk is not None
            and self.parent_id is not None
            and Body.objects.below([self.pk]).filter(pk=self.parent_id).exists()
        ):
            errors["parent"] = _("Ett organ kan inte ingå i sig självt eller i sina grupper.")
        if errors:
            raise ValidationError(errors)


# How the minutes name a body of each kind in its decisions, unless it has a name of its own.
BODY_DECISION_SUBJECTS = {
    Body.Kind.BOARD: _("Nämnden"),
    Body.Kind.COMMITTEE: _("Utskottet"),
    Body.Kind.DRAFTING: _("Beredningen"),
    Body.Kind.COUNCIL: _("Rådet"),
    Body.Kind.COOPERATION: _("Samverkansorganet"),
    Body.Kind.WORKING_GROUP: _("Gruppen"),
}


class Seat(models.Model):
    """A function in a body on behalf of an organisation, held by persons over time."""

    class Role(models.TextChoices):
        CHAIR = "ordforande", _("Ordförande")
        VICE_CHAIR = "vice_ordforande", _("Vice ordförande")
        MEMBER = "ledamot", _("Ledamot")
        SUBSTITUTE = "ersattare", _("Ersättare")
        SECRETARY = "sekreterare", _("Sekreterare")
        CO_OPTED = "adjungerad", _("Adjungerad")
        PROCESS_LEADER = "processledare", _("Processledare")

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="seats"
    )
    function = SingleLineCharField(
        _("funktion"), max_length=200, help_text=_("T.ex. Chef för räddningstjänst.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("för organisation"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    role = SingleLineCharField(_("roll"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plats")
        verbose_name_plural = _("platser")
        ordering = ["body", "order", "id"]

    def __str__(self) -> str:
        return f"{self.function} ({self.get_role_display()}, {self.organisation.name})"


class SeatHolding(models.Model):
    """A person holding a seat from a date, until a date or for now."""

    seat = models.ForeignKey(
        Seat, verbose_name=_("plats"), on_delete=models.CASCADE, related_name="holdings"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="seat_holdings"
    )
    starts_on = models.DateField(_("från och med"), validators=[validate_date_in_range])
    ends_on = models.DateField(
        _("till och med"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("innehavare")
        verbose_name_plural = _("innehavare")
        ordering = ["seat", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_holding_end_not_before_start",
                violation_error_message=_("Slutdatumet kan inte vara före startdatumet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.seat.function}"

    def clean(self) -> None:
        """Refuse an end before the start and a period overlapping another holder's."""
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Slutdatumet kan inte vara före startdatumet.")})
        if not (self.seat_id and self.starts_on):
            return
        others = SeatHolding.objects.filter(seat_id=self.seat_id).exclude(pk=self.pk)
        overlapping = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.starts_on))
        if self.ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=self.ends_on)
        if overlapping.exists():
            raise ValidationError(
                _("Platsen har redan en innehavare under den perioden. Avsluta den först.")
            )


class AgendaKind(models.TextChoices):
    """What an agenda item asks of the meeting."""

    # The body decides within its mandate: "Rådet beslutar".
    DECISION = "beslut", _("Beslut")
    # A recommendation to another body, named in `proposal_to`: "Rådet föreslår kommunstyrelsen".
    PROPOSAL = "forslag", _("Förslag till annat organ")
    # Noted: "Informationen noteras".
    INFORMATION = "information", _("Information")


def clean_proposal_to(kind: str, proposal_to: str) -> None:
    """Ask for the body a proposal goes to, and only for a proposal."""
    if kind == AgendaKind.PROPOSAL and not proposal_to.strip():
        raise ValidationError(
            {"proposal_to": _("Ange vilket organ förslaget går till, t.ex. kommunstyrelsen.")}
        )
    if kind != AgendaKind.PROPOSAL and proposal_to.strip():
        raise ValidationError(
            {"proposal_to": _("Mottagaren anges bara för typen ”Förslag till annat organ”.")}
        )


class StandingItem(models.Model):
    """An agenda item a body has on some meetings every year (the situation report on the
    second meeting, next year's dates on the last)."""

    class Rule(models.TextChoices):
        EVERY = "varje", _("Varje möte")
        NTH = "nummer", _("Årets möte nummer …")
        LAST = "sista", _("Årets sista möte")

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="standing_items"
    )
    title = SingleLineCharField(_("rubrik"), max_length=300)
    kind = SingleLineCharField(
        _("typ"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.INFORMATION
    )
    proposal_to = SingleLineCharField(
        _("förslag till"),
        max_length=200,
        blank=True,
        help_text=_("Vid förslag: organet som förslaget går till, t.ex. kommunstyrelsen."),
    )
    text = LongTextField(_("text"), blank=True)
    presenter = SingleLineCharField(_("föredragande"), max_length=200, blank=True)
    rule = SingleLineCharField(_("regel"), max_length=20, choices=Rule.choices, default=Rule.EVERY)
    nth = models.PositiveSmallIntegerField(
        _("mötets nummer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stående punkt")
        verbose_name_plural = _("stående punkter")
        ordering = ["body", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def applies_to(self, number: int, count: int) -> bool:
        """Return whether the item belongs on the year's meeting `number` of `count`."""
        if self.rule == self.Rule.EVERY:
            return True
        if self.rule == self.Rule.LAST:
            return number == count
        return number == self.nth

    def clean(self) -> None:
        """Ask for the meeting's number with the n-th rule, and only then; a proposal's body."""
        clean_proposal_to(self.kind, self.proposal_to)
        if self.rule == self.Rule.NTH and not self.nth:
            raise ValidationError({"nth": _("Ange vilket av årets möten punkten hör till.")})
        if self.rule != self.Rule.NTH and self.nth:
            raise ValidationError(
                {"nth": _("Mötets nummer anges bara med regeln ”Årets möte nummer …”.")}
            )


class Meeting(Versioned):
    """A meeting of a body: planned → notice sent → held → minutes checked → registered."""

    class Status(models.TextChoices):
        PLANNED = "planerat", _("Planerat")
        NOTICE_SENT = "kallat", _("Kallelse skickad")
        HELD = "genomfort", _("Genomfört")
        CHECKED = "justerat", _("Protokollet justerat")
        REGISTERED = "diariefort", _("Diariefört")

    # From checking on, the minutes are locked: a correction is an amendment.
    LOCKED_STATUSES = (Status.CHECKED, Status.REGISTERED)

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("börjar"), validators=[validate_date_in_range])
    ends_at = models.DateTimeField(
        _("slutar"), null=True, blank=True, validators=[validate_date_in_range]
    )
    place = SingleLineCharField(_("lokal"), max_length=300, blank=True)
    remote_link = models.URLField(
        _("länk för distansdeltagande"), blank=True, validators=[validate_single_line]
    )
    status = SingleLineCharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # The notice: when it went out and whether the secretary confirmed a late one.
    notice_sent_at = models.DateTimeField(
        _("kallelse skickad"), null=True, blank=True, validators=[validate_date_in_range]
    )
    notice_late = models.BooleanField(_("kallelsen skickades sent"), default=False)
    # The minutes.
    minutes_opening = LongTextField(_("protokollets inledning"), blank=True)
    checked_on = models.DateField(
        _("justerat den"), null=True, blank=True, validators=[validate_date_in_range]
    )
    case_number = SingleLineCharField(_("diarienummer"), max_length=100, blank=True)
    registered_on = models.DateField(
        _("diariefört den"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # The notice board (bodies under the Local Government Act only).
    posted_on = models.DateField(
        _("anslaget den"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # A body whose secretary is chosen at each meeting (Body.secretary_per_meeting).
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("sekreterare vid mötet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A preparatory meeting (the styrgrupp's) and the meeting of the body it prepares.
    prepares_meeting = models.ForeignKey(
        "self",
        verbose_name=_("bereder mötet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preparatory_meetings",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["body", "starts_at"]
        indexes = [models.Index(fields=["body", "starts_at"], name="meeting_body_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="meeting_end_not_before_start",
                violation_error_message=_("Mötet kan inte sluta innan det börjar."),
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        local = timezone.localtime(self.starts_at)
        return f"{self.body.name} {local:%Y-%m-%d}"

    @property
    def history_owner_id(self) -> int:
        return self.body.organisation_id

    @property
    def is_locked(self) -> bool:
        """Return whether the minutes are checked and may only be amended."""
        return self.status in self.LOCKED_STATUSES

    def ensure_unlocked(self) -> None:
        """Refuse any change to checked minutes: every front and service calls this first."""
        if self.is_locked:
            raise ValidationError(
                _(
                    "Protokollet är justerat och kan inte ändras. Gör en rättelse i stället, "
                    "så syns vad som ändrades, varför och av vem."
                ),
                code="locked",
            )

    @property
    def announce_by(self) -> datetime.date | None:
        """Return the last day to post the checking on the notice board (KL 8:12), for bodies
        whose minutes are announced."""
        if not (self.checked_on and self.body.is_statutory):
            return None
        return self.checked_on + POSTING_DEADLINE

    @property
    def takes_down_on(self) -> datetime.date | None:
        """Return the last day of the appeal period (`appeal_last_day`), which the announcement
        stays up to."""
        return appeal_last_day(self.posted_on) if self.posted_on else None

    def clean(self) -> None:
        """Refuse an end before the start."""
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("Mötet kan inte sluta innan det börjar.")})


class AgendaItem(Versioned):
    """A numbered item on a meeting's agenda, and in the minutes its paragraph (§)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    kind = SingleLineCharField(
        _("typ"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.INFORMATION
    )
    proposal_to = SingleLineCharField(
        _("förslag till"),
        max_length=200,
        blank=True,
        help_text=_("Vid förslag: organet som förslaget går till, t.ex. kommunstyrelsen."),
    )
    title = SingleLineCharField(_("ärende"), max_length=300)
    presenter = SingleLineCharField(_("föredragande"), max_length=200, blank=True)
    text = LongTextField(_("text"), blank=True)
    case_number = SingleLineCharField(_("diarienummer"), max_length=100, blank=True)
    plans = models.ManyToManyField(Plan, verbose_name=_("planer"), blank=True, related_name="+")
    measures = models.ManyToManyField(
        Measure, verbose_name=_("insatser"), blank=True, related_name="agenda_items"
    )
    standing_item = models.ForeignKey(
        StandingItem,
        verbose_name=_("stående punkt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A preparing body's item marked for the body it prepares ("till rådet"), and on that
    # body's agenda the item it became.
    to_prepared_body = models.BooleanField(_("till det beredda organet"), default=False)
    proposed_from = models.ForeignKey(
        "self",
        verbose_name=_("bereddes i"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_as",
    )
    # The minutes: the paragraph number runs on through the body's year.
    paragraph = models.PositiveIntegerField(_("paragraf"), null=True, blank=True)
    note = LongTextField(_("anteckning"), blank=True)
    decision = LongTextField(
        _("beslut"), blank=True, help_text=_("För rådgivande organ: organets rekommendation.")
    )
    history = HistoricalRecords(m2m_fields=[plans, measures])

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        if self.paragraph:
            return f"§ {self.paragraph} {self.title}"
        return self.title

    @property
    def history_owner_id(self) -> int:
        return self.meeting.body.organisation_id

    def clean(self) -> None:
        """Ask for the body a proposal goes to, and only for a proposal."""
        clean_proposal_to(self.kind, self.proposal_to)


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store attachments under a random name; the name the user gave is kept in the row."""
    return f"councils/attachments/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file on an agenda item: PDF, Word, Excel or an image, type checked by content."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=200)
    name = SingleLineCharField(_("filnamn"), max_length=200)
    content_type = SingleLineCharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["item", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """Who attended in a seat, or a co-opted guest without a seat."""

    class Status(models.TextChoices):
        PRESENT = "narvarande", _("Närvarande")
        ABSENT = "franvarande", _("Frånvarande")
        EXCUSED = "anmalt_forhinder", _("Anmält förhinder")
        REPLACED = "ersatt", _("Ersättare tjänstgör")
        REMOTE = "distans", _("Närvarande på distans")
        # Nobody held the seat on the meeting's day: the minutes still show the whole body.
        VACANT = "vakant", _("Vakant")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="attendances"
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("plats"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
        help_text=_("Den som innehade platsen den dagen."),
    )
    # No default: every seat is marked by the secretary, never assumed present.
    status = SingleLineCharField(_("närvaro"), max_length=20, choices=Status.choices)
    substitute = models.ForeignKey(
        Person,
        verbose_name=_("ersättare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="substitutions",
    )
    guest_name = SingleLineCharField(_("gäst"), max_length=200, blank=True)
    guest_organisation = SingleLineCharField(_("gästens organisation"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        ordering = ["meeting", "seat__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "seat"],
                condition=Q(seat__isnull=False),
                name="attendance_one_per_seat",
                violation_error_message=_("Platsen har redan en närvarorad på mötet."),
            ),
            models.CheckConstraint(
                condition=Q(seat__isnull=False) | ~Q(guest_name=""),
                name="attendance_seat_or_guest",
                violation_error_message=_("Ange en plats eller en gästs namn."),
            ),
            models.CheckConstraint(
                condition=~Q(status="vakant")
                | Q(seat__isnull=False, person__isnull=True, substitute__isnull=True),
                name="attendance_vacant_seat_has_nobody",
                violation_error_message=_("En vakant plats har varken innehavare eller ersättare."),
            ),
        ]

    def __str__(self) -> str:
        if self.person_id:
            who = self.person.name
        else:  # a guest, or a vacant seat
            who = self.guest_name or (self.seat.function if self.seat_id else "")
        return f"{who}: {self.get_status_display()}"

    def clean(self) -> None:
        """Ask for a seat or a guest's name, nobody in a vacant seat, a substitute if replaced."""
        if not self.seat_id and not self.guest_name.strip():
            raise ValidationError(_("Ange en plats eller en gästs namn."))
        if self.status == self.Status.VACANT and (
            self.person_id or self.substitute_id or not self.seat_id
        ):
            raise ValidationError(_("En vakant plats har varken innehavare eller ersättare."))
        if self.status == self.Status.REPLACED and not self.substitute_id:
            raise ValidationError({"substitute": _("Ange vem som ersatte.")})
        if self.status != self.Status.REPLACED and self.substitute_id:
            raise ValidationError(
                {"substitute": _("En ersättare anges bara när platsen ersattes.")}
            )


class MinutesCheck(models.Model):
    """An adjuster appointed at the meeting, who checks ("justerar") the minutes, or the chair,
    who signs them ("undertecknar"); when, and whether on paper or in the site."""

    class Role(models.TextChoices):
        ADJUSTER = "justerare", _("Justerare")
        CHAIR = "ordforande", _("Ordförande, undertecknar")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="checks"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="minutes_checks"
    )
    role = SingleLineCharField(_("roll"), max_length=20, choices=Role.choices)
    checked_at = models.DateTimeField(
        _("justerat"), null=True, blank=True, validators=[validate_date_in_range]
    )
    on_paper = models.BooleanField(_("på papper"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("justering")
        verbose_name_plural = _("justeringar")
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "role"],
                name="minutes_check_unique",
                violation_error_message=_("Personen har redan den uppgiften för protokollet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_role_display()})"


class ChangeRequest(models.Model):
    """An adjuster's request to change the minutes before she checks them (per paragraph, or
    the minutes as a whole), and the secretary's answer."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="change_requests"
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("paragraf"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        Person, verbose_name=_("begärd av"), on_delete=models.PROTECT, related_name="+"
    )
    text = LongTextField(_("önskad ändring"))
    made_at = models.DateTimeField(_("begärd"), validators=[validate_date_in_range])
    answer = LongTextField(_("svar"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(
        _("besvarad"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ändringsbegäran")
        verbose_name_plural = _("ändringsbegäranden")
        ordering = ["meeting", "made_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Amendment(models.Model):
    """A correction of checked minutes: what, why, by whom and when; shown with them."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="amendments"
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("ärende"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    what = LongTextField(_("rättelse"))
    why = LongTextField(_("skäl"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gjord av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_at = models.DateTimeField(_("gjord"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rättelse")
        verbose_name_plural = _("rättelser")
        ordering = ["meeting", "made_at", "id"]

    def __str__(self) -> str:
        return self.what[:80]


class MinutesRecord(models.Model):
    """The minutes as they were checked: what the documents and pages show from then on.

    Written once, in the transaction that locks the minutes; never changed (a correction is an
    Amendment), so renaming a person, a seat or the body does not rewrite the checked record.
    """

    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("möte"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="minutes_record",
    )
    content = models.JSONField(_("innehåll"))
    made_at = models.DateTimeField(_("låst"), editable=False)  # set by the service, never typed

    class Meta:
        verbose_name = _("justerat protokoll")
        verbose_name_plural = _("justerade protokoll")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.made_at:%Y-%m-%d})"


class Dispatch(models.Model):
    """A notice or the minutes sent out: when, by whom and to whom."""

    class Kind(models.TextChoices):
        NOTICE = "kallelse", _("Kallelse")
        MINUTES = "protokoll", _("Protokoll")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="dispatches"
    )
    kind = SingleLineCharField(_("typ"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("skickat"), validators=[validate_date_in_range])
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skickat av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late = models.BooleanField(_("sent skickad"), default=False)
    # What was sent: the files by name and size, and whether the attachments went as links.
    documents = models.JSONField(_("dokument"), default=list)
    attachments_as_links = models.BooleanField(_("bilagor som länkar"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["meeting", "sent_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_at:%Y-%m-%d}"


class DispatchRecipient(models.Model):
    """One recipient of a dispatch: a seat holder (with or without an account) or an address on
    the body's distribution list, and whether she was reached, or why not."""

    class Outcome(models.TextChoices):
        SENT = "skickat", _("Skickat")
        NO_ADDRESS = "ingen_adress", _("Ingen e-postadress")
        REFUSED = "nekat", _("E-postservern tog inte emot brevet")

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("utskick"), on_delete=models.CASCADE, related_name="recipients"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = SingleLineCharField(_("namn"), max_length=200, blank=True)
    function = SingleLineCharField(_("funktion"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True, validators=[validate_single_line])
    outcome = SingleLineCharField(_("utfall"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("mottagare")
        verbose_name_plural = _("mottagare")
        ordering = ["dispatch", "id"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def reached(self) -> bool:
        return self.outcome == self.Outcome.SENT


class DownloadLink(models.Model):
    """One recipient's link to one attachment: works without an account until it expires or
    is revoked; every use is logged (DownloadUse)."""

    recipient = models.ForeignKey(
        DispatchRecipient,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("bilaga"),
        on_delete=models.CASCADE,
        related_name="download_links",
    )
    # The secret; never shown again after the e-mail.
    token = SingleLineCharField(
        _("nyckel"), max_length=64, unique=True, default=new_download_token, editable=False
    )
    expires_at = models.DateTimeField(_("gäller till"), validators=[validate_date_in_range])
    revoked_at = models.DateTimeField(
        _("återkallad"), null=True, blank=True, validators=[validate_date_in_range]
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("återkallad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("nedladdningslänk")
        verbose_name_plural = _("nedladdningslänkar")
        ordering = ["recipient", "attachment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "attachment"], name="download_link_one_per_recipient_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attachment.name} → {self.recipient}"


class DownloadUse(models.Model):
    """A download through a personal link: when, and from which address."""

    link = models.ForeignKey(
        DownloadLink, verbose_name=_("länk"), on_delete=models.CASCADE, related_name="uses"
    )
    used_at = models.DateTimeField(_("hämtad"), validators=[validate_date_in_range])
    address = models.GenericIPAddressField(_("adress"), null=True, blank=True)

    class Meta:
        verbose_name = _("nedladdning")
        verbose_name_plural = _("nedladdningar")
        ordering = ["used_at", "id"]

    def __str__(self) -> str:
        return f"{self.link} {self.used_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A user's private calendar address: the meetings of the bodies where she holds a seat today
    and of those she manages, at a secret only she has (councils/views/calendars.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    # The secret; no history, so an old address cannot be read back from it.
    token = SingleLineCharField(
        _("kalendernyckel"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    renewed_at = models.DateTimeField(_("förnyad"), auto_now=True)

    class Meta:
        verbose_name = _("kalenderadress")
        verbose_name_plural = _("kalenderadresser")

    def __str__(self) -> str:
        return _("Kalenderadress för %(user)s") % {"user": self.user}
