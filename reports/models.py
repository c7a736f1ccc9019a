"""Follow-up: indicators with their values and targets, rounds in which measure owners report,
what they report, and the published yearly follow-ups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from folkhalsa.fields import LongTextField, SingleLineCharField
from folkhalsa.validators import validate_date_in_range
from plans.models import (
    YEAR_VALIDATORS,
    Candidate,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Versioned,
)

COUNTRY_CODE = "0000"
AREA_CODE_VALIDATOR = RegexValidator(
    r"^[0-9]{4}\Z",
    _(
        "Områdeskoden är fyra siffror, som Kolada skriver dem: 1962 för en kommun, 0019 för en "
        "region, 0000 för riket."
    ),
)
KPI_VALIDATOR = RegexValidator(
    r"^[A-Z][0-9]{5}\Z",
    _("Koladas nyckeltals-id är en stor bokstav och fem siffror, t.ex. N00957."),
)
VALUE_DIGITS = {"max_digits": 16, "decimal_places": 4}


class Sex(models.TextChoices):
    """Kolada's split by sex: total, women (kvinnor), men (män)."""

    TOTAL = "T", _("Totalt")
    WOMEN = "K", _("Kvinnor")
    MEN = "M", _("Män")


class Source(models.TextChoices):
    KOLADA = "kolada", _("Kolada")
    SURVEY = "enkat", _("Enkät")
    MANUAL = "manuell", _("Manuellt inmatad")


class Indicator(models.Model):
    """Something measured to follow a plan up, such as life expectancy or well-being in year 9."""

    class Direction(models.TextChoices):
        HIGHER = "hogre", _("Högre är bättre")
        LOWER = "lagre", _("Lägre är bättre")

    owner = models.ForeignKey(
        Organisation, verbose_name=_("ägare"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = SingleLineCharField(_("namn"), max_length=300)
    description = LongTextField(_("beskrivning"), blank=True)
    unit = SingleLineCharField(_("enhet"), max_length=50, blank=True, help_text=_("T.ex. %, år."))
    direction = SingleLineCharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    source = SingleLineCharField(_("källa"), max_length=10, choices=Source.choices)
    kolada_kpi = SingleLineCharField(
        _("Kolada-id"),
        max_length=6,
        blank=True,
        validators=[KPI_VALIDATOR],
        help_text=_("Nyckeltalets id i Kolada, t.ex. N00957."),
    )
    survey = SingleLineCharField(
        _("enkät"), max_length=200, blank=True, help_text=_("T.ex. Liv och hälsa ung.")
    )
    split_by_sex = models.BooleanField(
        _("uppdelat på kön"),
        default=True,
        help_text=_("Värden för kvinnor och män, inte bara totalt."),
    )
    # As the source names its groups (a survey of the young: flickor/pojkar, tjejer/killar);
    # the values still count as women's and men's (K/M).
    women_label = SingleLineCharField(
        _("kvinnor kallas"), max_length=30, blank=True, help_text=_("T.ex. Tjejer; tomt: Kvinnor.")
    )
    men_label = SingleLineCharField(
        _("män kallas"), max_length=30, blank=True, help_text=_("T.ex. Killar; tomt: Män.")
    )
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("fokusområden"), blank=True, related_name="indicators"
    )
    measures = models.ManyToManyField(
        Measure, verbose_name=_("insatser"), blank=True, related_name="indicators"
    )
    # The candidates (åtgärdsområden) of a prioritisation whose need the indicator shows.
    candidates = models.ManyToManyField(
        Candidate,
        verbose_name=_("åtgärdsområden i prioriteringar"),
        blank=True,
        related_name="indicators",
        help_text=_(
            "Åtgärdsområden vars behov indikatorn visar, med avvikelserna från uppföljningen."
        ),
    )
    history = HistoricalRecords(m2m_fields=[focus_areas, measures, candidates])

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["owner__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kolada_kpi"],
                condition=~Q(kolada_kpi=""),
                name="indicator_unique_kpi_per_owner",
                violation_error_message=_(
                    "Organisationen har redan en indikator för det nyckeltalet."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(source="kolada") | ~Q(kolada_kpi=""),
                name="indicator_kolada_has_kpi",
                violation_error_message=_("Ange nyckeltalets id i Kolada."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_from_kolada(self) -> bool:
        """Return whether values come from Kolada, which asks to be credited where shown."""
        return self.source == Source.KOLADA

    def clean(self) -> None:
        """Refuse a Kolada source without its id, and a survey source without the survey."""
        if self.source == Source.KOLADA and not self.kolada_kpi:
            raise ValidationError({"kolada_kpi": _("Ange nyckeltalets id i Kolada.")})
        if self.source == Source.SURVEY and not self.survey:
            raise ValidationError({"survey": _("Ange vilken enkät värdena kommer från.")})


def _sex_allowed(indicator: Indicator | None, sex: str) -> bool:
    """Return whether the indicator takes values or targets for that sex."""
    return sex == Sex.TOTAL or indicator is None or indicator.split_by_sex


class IndicatorValue(models.Model):
    """One figure of an indicator: an area, a year (or a tertial of it) and a sex."""

    class Status(models.TextChoices):
        PRESENT = "", _("Värde finns")
        MISSING = "saknas", _("Saknas")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="values"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Organisationen området motsvarar, om den finns i Folkhälsa."),
    )
    area_code = SingleLineCharField(_("områdeskod"), max_length=4, validators=[AREA_CODE_VALIDATOR])
    area_name = SingleLineCharField(_("område"), max_length=200)
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    tertial = models.PositiveSmallIntegerField(
        _("tertial"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Tomt för helår."),
    )
    sex = SingleLineCharField(_("kön"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.DecimalField(_("värde"), null=True, blank=True, **VALUE_DIGITS)
    status = SingleLineCharField(
        _("status"), max_length=10, choices=Status.choices, blank=True, default=Status.PRESENT
    )
    source = SingleLineCharField(_("källa"), max_length=10, choices=Source.choices)
    imported_at = models.DateTimeField(
        _("hämtat"), null=True, blank=True, validators=[validate_date_in_range]
    )
    # A survey's figure is read with how many answered and what share of those asked did.
    respondents = models.PositiveIntegerField(
        _("antal svarande (n)"),
        null=True,
        blank=True,
        help_text=_("För enkätvärden: hur många som svarade, om källan anger det."),
    )
    response_rate = models.DecimalField(
        _("svarsfrekvens (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("För enkätvärden: andelen av de tillfrågade som svarade, i procent."),
    )
    # Invented to show the product (the demo): marked "Demo" wherever shown, never credited to
    # a source it did not come from.
    is_demo = models.BooleanField(_("påhittat (demo)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        ordering = ["indicator", "area_code", "year", "tertial", "sex"]
        # The admin's year filter reads its first and last year at the ends of this index.
        indexes = [models.Index(fields=["year"], name="indicator_value_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "year", "sex"],
                condition=Q(tertial__isnull=True),
                name="indicator_value_unique_year",
                violation_error_message=_(
                    "Indikatorn har redan ett värde för det området, året och könet."
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "area_code", "year", "tertial", "sex"],
                condition=Q(tertial__isnull=False),
                name="indicator_value_unique_tertial",
                violation_error_message=_(
                    "Indikatorn har redan ett värde för det området, tertialet och könet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True, status="saknas")
                | Q(value__isnull=False, status=""),
                name="indicator_value_missing_has_status",
                violation_error_message=_(
                    "Ange ett värde, eller markera att det saknas – inte båda."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values),
                name="indicator_value_sex",
                violation_error_message=_("Kön anges som T, K eller M."),
            ),
            models.CheckConstraint(
                condition=Q(tertial__isnull=True) | Q(tertial__gte=1, tertial__lte=3),
                name="indicator_value_tertial",
                violation_error_message=_("Tertialet är 1, 2 eller 3."),
            ),
            models.CheckConstraint(
                condition=Q(response_rate__isnull=True)
                | Q(response_rate__gte=0, response_rate__lte=100),
                name="indicator_value_response_rate",
                violation_error_message=_("Svarsfrekvensen är en procent mellan 0 och 100."),
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.year} T{self.tertial}" if self.tertial else str(self.year)
        return f"{self.area_name} {period} {self.get_sex_display()}"

    @property
    def is_missing(self) -> bool:
        return self.status == self.Status.MISSING

    def clean(self) -> None:
        """Refuse a value together with "saknas", neither of them, a sex the indicator does
        not split by, and an organisation that is another area than the code says."""
        errors = {}
        if self.value is None and self.status != self.Status.MISSING:
            errors["value"] = _("Ange ett värde, eller markera att det saknas.")
        if self.value is not None and self.status == self.Status.MISSING:
            errors["status"] = _("Ett värde som saknas kan inte ha ett tal; töm värdet.")
        indicator = self.indicator if self.indicator_id else None
        if not _sex_allowed(indicator, self.sex):
            errors["sex"] = _("Indikatorn är inte uppdelad på kön; ange totalt.")
        if self.source != Source.SURVEY:
            for field in ("respondents", "response_rate"):
                if getattr(self, field) is not None:
                    errors[field] = _("Anges bara för värden från en enkät.")
        code = self.organisation.municipality_code if self.organisation_id else ""
        if code and self.area_code and code != self.area_code:
            errors["organisation"] = _(
                "Organisationen har kommunkoden %(code)s, inte områdets kod."
            ) % {"code": code}
        if errors:
            raise ValidationError(errors)


class IndicatorTarget(models.Model):
    """What an indicator should reach in a year, for everyone or for women or men."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    sex = SingleLineCharField(_("kön"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.DecimalField(_("målvärde"), **VALUE_DIGITS)
    is_demo = models.BooleanField(_("påhittat (demo)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        ordering = ["indicator", "year", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "sex"],
                name="indicator_target_unique",
                violation_error_message=_("Indikatorn har redan ett mål för det året och könet."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values),
                name="indicator_target_sex",
                violation_error_message=_("Kön anges som T, K eller M."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.get_sex_display()}: {self.value}"

    def clean(self) -> None:
        """Refuse a target for women or men on an indicator not split by sex."""
        indicator = self.indicator if self.indicator_id else None
        if not _sex_allowed(indicator, self.sex):
            raise ValidationError({"sex": _("Indikatorn är inte uppdelad på kön; ange totalt.")})


class FollowUpRound(models.Model):
    """A follow-up of a plan for a year or a tertial: every measure is reported by a due date."""

    class Period(models.TextChoices):
        YEAR = "helar", _("Helår")
        T1 = "t1", _("Tertial 1 (januari–april)")
        T2 = "t2", _("Tertial 2 (maj–augusti)")
        T3 = "t3", _("Tertial 3 (september–december)")

    class Status(models.TextChoices):
        OPEN = "oppen", _("Öppen")
        CLOSED = "stangd", _("Stängd")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="follow_up_rounds"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    period = SingleLineCharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.YEAR
    )
    due_on = models.DateField(_("sista dag att rapportera"), validators=[validate_date_in_range])
    status = SingleLineCharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("öppnad av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("öppnad"), auto_now_add=True)
    last_reminded_on = models.DateField(
        _("senast påmind"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uppföljningsomgång")
        verbose_name_plural = _("uppföljningsomgångar")
        ordering = ["plan", "-year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "period"],
                name="follow_up_round_unique_period",
                violation_error_message=_("Planen har redan en uppföljning för den perioden."),
            ),
        ]

    def __str__(self) -> str:
        return _("Uppföljning %(period)s %(year)s – %(plan)s") % {
            "period": self.get_period_display().split(" (")[0].lower(),
            "year": self.year,
            "plan": self.plan.title,
        }

    @property
    def is_open(self) -> bool:
        """Return whether measure owners may still report."""
        return self.status == self.Status.OPEN


class MeasureReport(Versioned):
    """A measure owner's report on one measure in a follow-up round."""

    class Status(models.TextChoices):
        """The fixed scale; each shown with its colour *and* its label, never colour alone."""

        ON_TRACK = "enligt_plan", _("Enligt plan")
        AT_RISK = "risk", _("Risk för avvikelse")
        DEVIATING = "avviker", _("Avviker")
        NOT_STARTED = "ej_paborjad", _("Ej påbörjad")
        DONE = "genomford", _("Genomförd")
        CANCELLED = "avbruten", _("Avbruten")

    class State(models.TextChoices):
        NOT_REPORTED = "ej_rapporterad", _("Ej rapporterad")
        DRAFT = "utkast", _("Utkast")
        SUBMITTED = "inskickad", _("Inskickad")
        RETURNED = "returnerad", _("Returnerad för komplettering")
        ACCEPTED = "godkand", _("Godkänd")

    # The states in which the measure's owner may still write.
    EDITABLE_STATES = (State.NOT_REPORTED, State.DRAFT, State.RETURNED)
    # The states the strategist counts as not reported when she chases owners.
    MISSING_STATES = (State.NOT_REPORTED, State.DRAFT, State.RETURNED)

    round = models.ForeignKey(
        FollowUpRound,
        verbose_name=_("uppföljningsomgång"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="reports"
    )
    state = SingleLineCharField(
        _("läge"), max_length=20, choices=State.choices, default=State.NOT_REPORTED
    )
    # The assessment (bedömning), a scale of its own beside the measure's plan-state.
    status = SingleLineCharField(_("bedömning"), max_length=20, choices=Status.choices, blank=True)
    progress = LongTextField(
        _("hur går det?"),
        blank=True,
        help_text=_("Vad har gjorts under perioden, vad återstår och varför."),
    )
    figure_reached = models.DecimalField(
        _("uppnått värde"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**12)],
        help_text=_("Det värde ni nått, om det förväntade resultatet anges med en siffra."),
    )
    comment = LongTextField(_("kommentar från strategen"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inskickad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(
        _("inskickad"), null=True, blank=True, validators=[validate_date_in_range]
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(
        _("granskad"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rapport om insats")
        verbose_name_plural = _("rapporter om insatser")
        ordering = ["round", "measure__order", "measure__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "measure"],
                name="measure_report_unique",
                violation_error_message=_("Insatsen har redan en rapport i omgången."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} – {self.get_state_display()}"

    @property
    def history_owner_id(self) -> int:
        return self.measure.plan.owner_id

    @property
    def is_editable(self) -> bool:
        """Return whether the owner may still write the report."""
        return self.round.is_open and self.state in self.EDITABLE_STATES


class PublishedFollowUp(models.Model):
    """A published yearly follow-up: what it showed and the PDF, frozen as they were."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="published_follow_ups"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    # Every figure the report shows, as the selector gathered it (reports/documents.py).
    content = models.JSONField(_("innehåll"))
    # Typeset once from the content by a background task (folkhalsa/documents.py), then kept:
    # empty until then.
    pdf = models.BinaryField(_("pdf"), blank=True, default=b"")
    docx = models.BinaryField(_("Word-fil"), blank=True, default=b"")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicerad av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publicerad"), validators=[validate_date_in_range])
    # Who published, by name and title as they stood then: never a login name.
    publisher = SingleLineCharField(_("publicerad av (namn och titel)"), max_length=300, blank=True)
    # A new version of a year's report says what changed and why; the one it replaces is kept.
    reason = LongTextField(_("vad som ändrats och varför"), blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("ersatt av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    history = HistoricalRecords(excluded_fields=["pdf", "docx", "content"])

    class Meta:
        verbose_name = _("publicerad uppföljning")
        verbose_name_plural = _("publicerade uppföljningar")
        ordering = ["plan", "-year", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                condition=Q(replaced_by__isnull=True),
                name="published_follow_up_one_current_per_year",
                violation_error_message=_("Året har redan en publicerad uppföljning."),
            ),
        ]

    def __str__(self) -> str:
        return _("Uppföljning %(year)s – %(plan)s") % {"year": self.year, "plan": self.plan.title}

    @property
    def is_current(self) -> bool:
        """Return whether this is the year's report as published now (not archived)."""
        return self.replaced_by_id is None


class FollowUpText(Versioned):
    """The strategist's words in a plan's yearly follow-up: the summary, with an analysis per
    focus area (AreaAnalysis); written before publishing, shown in the PDF as she wrote them."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="follow_up_texts"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    summary = LongTextField(
        _("sammanfattande bedömning"),
        blank=True,
        help_text=_("Hur arbetet med planen har gått under året, i ord, för politiken."),
    )
    # The decision the report goes with, as the cover names it.
    case_number = SingleLineCharField(
        _("diarienummer"), max_length=50, blank=True, help_text=_("T.ex. KS 2025/123.")
    )
    received_by = SingleLineCharField(
        _("behandlas av"),
        max_length=200,
        blank=True,
        help_text=_("Nämnden eller rådet som tar emot rapporten, t.ex. kommunstyrelsen."),
    )
    received_on = models.DateField(
        _("sammanträdesdag"), null=True, blank=True, validators=[validate_date_in_range]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uppföljningens text")
        verbose_name_plural = _("uppföljningens texter")
        ordering = ["plan", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="follow_up_text_unique_year",
                violation_error_message=_("Året har redan en text för uppföljningen."),
            ),
        ]

    def __str__(self) -> str:
        return _("Uppföljningens text %(year)s – %(plan)s") % {
            "year": self.year,
            "plan": self.plan.title,
        }

    @property
    def history_owner_id(self) -> int:
        return self.plan.owner_id


class AreaAnalysis(models.Model):
    """The strategist's analysis of a focus area in the year's follow-up."""

    text = models.ForeignKey(
        FollowUpText,
        verbose_name=_("uppföljningens text"),
        on_delete=models.CASCADE,
        related_name="areas",
    )
    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("fokusområde"), on_delete=models.CASCADE, related_name="+"
    )
    went_well = LongTextField(_("det som har gått bra"), blank=True)
    deviations = LongTextField(_("varför insatser avviker"), blank=True)
    next_steps = LongTextField(_("det som händer nästa år"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("analys av fokusområde")
        verbose_name_plural = _("analyser av fokusområden")
        constraints = [
            models.UniqueConstraint(
                fields=["text", "focus_area"],
                name="area_analysis_unique_area",
                violation_error_message=_("Fokusområdet har redan en analys det året."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.focus_area)

    def clean(self) -> None:
        """Keep the analysis on a focus area of the text's own plan."""
        if self.text_id and self.focus_area_id and self.focus_area.plan_id != self.text.plan_id:
            raise ValidationError({"focus_area": _("Fokusområdet hör till en annan plan.")})
