"""A prioritisation, as seed 004 describes one: candidates (åtgärdsområden) grouped by theme,
criteria with weights on one scale, rounds of scoring by named raters, and the decision that
turns the chosen candidates into a plan.

The models belong to the `plans` app (imported by `plans.models`); the ranking is computed, never
stored (`plans.prioritisation.ranking`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from folkhalsa.fields import LongTextField, SingleLineCharField
from folkhalsa.validators import validate_date_in_range
from plans.models import FocusArea, Measure, Organisation, Plan, TargetArea, Versioned

LEVELS = [MinValueValidator(1), MaxValueValidator(5)]


class Prioritisation(Versioned):
    """A choice among candidates, made together by an organisation or a collaboration."""

    class Method(models.TextChoices):
        MEAN = "medelvarde", _("Viktat medelvärde")
        MEDIAN = "median", _("Median av raternas viktade poäng")

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("ägare"),
        on_delete=models.PROTECT,
        related_name="prioritisations",
    )
    title = SingleLineCharField(_("titel"), max_length=300)
    description = LongTextField(_("syfte och underlag"), blank=True)
    scale_min = models.PositiveSmallIntegerField(
        _("skalans lägsta poäng"), default=1, validators=[MaxValueValidator(9)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("skalans högsta poäng"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    method = SingleLineCharField(
        _("sammanvägning"), max_length=20, choices=Method.choices, default=Method.MEAN
    )
    # The decision: who decided, when, under which diarienummer, and the plan that followed.
    decided_by = SingleLineCharField(
        _("beslutande organ"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Regionala samverkansrådet eller Kommunstyrelsen."),
    )
    decided_on = models.DateField(
        _("beslutsdatum"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decision_reference = SingleLineCharField(
        _("diarienummer"), max_length=100, blank=True, help_text=_("T.ex. RD 2019/123.")
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan som följer av beslutet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prioritisations",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prioritering")
        verbose_name_plural = _("prioriteringar")
        ordering = ["owner__name", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def history_owner_id(self) -> int:
        return self.owner_id

    @property
    def is_decided(self) -> bool:
        return self.decided_on is not None

    def clean(self) -> None:
        if None not in (self.scale_min, self.scale_max) and self.scale_max <= self.scale_min:
            raise ValidationError(
                {"scale_max": _("Skalans högsta poäng måste vara större än den lägsta.")}
            )


class Criterion(models.Model):
    """What every candidate is scored on, with its weight in the merged score."""

    prioritisation = models.ForeignKey(
        Prioritisation,
        verbose_name=_("prioritering"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    name = SingleLineCharField(_("kriterium"), max_length=200)
    description = LongTextField(_("beskrivning"), blank=True, max_length=2000)
    weight = models.DecimalField(
        _("vikt"),
        max_digits=3,
        decimal_places=1,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
        help_text=_("Från 0,1 till 10. Ett kriterium med vikt 2 väger dubbelt så tungt som 1."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")
        ordering = ["prioritisation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "name"],
                name="criterion_unique_name",
                violation_error_message=_("Prioriteringen har redan ett kriterium med det namnet."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A theme area (temaområde) the candidates are grouped under."""

    prioritisation = models.ForeignKey(
        Prioritisation,
        verbose_name=_("prioritering"),
        on_delete=models.CASCADE,
        related_name="themes",
    )
    number = models.PositiveSmallIntegerField(_("nummer"), validators=[MinValueValidator(1)])
    title = SingleLineCharField(_("temaområde"), max_length=300)
    description = LongTextField(_("beskrivning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("temaområde")
        verbose_name_plural = _("temaområden")
        ordering = ["prioritisation", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "number"],
                name="theme_unique_number",
                violation_error_message=_(
                    "Prioriteringen har redan ett temaområde med det numret."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Candidate(Versioned):
    """A candidate (åtgärdsområde): what it is, what it serves, and what adopting it means."""

    prioritisation = models.ForeignKey(
        Prioritisation,
        verbose_name=_("prioritering"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("temaområde"), on_delete=models.PROTECT, related_name="candidates"
    )
    number = SingleLineCharField(_("nummer"), max_length=20, blank=True)
    title = SingleLineCharField(_("åtgärdsområde"), max_length=300)
    description = LongTextField(_("beskrivning"), blank=True)
    target_areas = models.ManyToManyField(
        TargetArea, verbose_name=_("nationella målområden"), blank=True, related_name="candidates"
    )
    shortlisted = models.BooleanField(
        _("på kortlistan"),
        default=False,
        help_text=_("Kortlistans åtgärdsområden får konsekvenser, resurser och effekt beskrivna."),
    )
    consequence_adopt = LongTextField(_("konsekvens om förslaget antas"), blank=True)
    consequence_nothing = LongTextField(_("konsekvens om inget görs"), blank=True)
    resources = LongTextField(_("resurser som behövs"), blank=True)
    resources_level = models.PositiveSmallIntegerField(
        _("resursinsats (1–5)"),
        null=True,
        blank=True,
        validators=LEVELS,
        help_text=_("1 mycket liten, 5 mycket stor."),
    )
    effect = LongTextField(_("förväntad effekt"), blank=True)
    effect_level = models.PositiveSmallIntegerField(
        _("förväntad effekt (1–5)"),
        null=True,
        blank=True,
        validators=LEVELS,
        help_text=_("1 mycket liten, 5 mycket stor."),
    )
    # The decision that chose it (a prioritisation may be decided in steps, into several plans)
    # and the plan item it became: the link back from the plan to its scores.
    decided_by = SingleLineCharField(_("beslutat av"), max_length=200, blank=True, editable=False)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True, editable=False)
    decision_reference = SingleLineCharField(
        _("diarienummer"), max_length=100, blank=True, editable=False
    )
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("blev fokusområde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("blev insats"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
    )
    history = HistoricalRecords(m2m_fields=[target_areas])

    class Meta:
        verbose_name = _("åtgärdsområde")
        verbose_name_plural = _("åtgärdsområden")
        ordering = ["prioritisation", "theme__number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def history_owner_id(self) -> int:
        return self.prioritisation.owner_id

    def clean(self) -> None:
        chosen = self.theme_id and self.prioritisation_id
        if chosen and self.theme.prioritisation_id != self.prioritisation_id:
            raise ValidationError({"theme": _("Välj ett av prioriteringens temaområden.")})


class Round(Versioned):
    """A round of scoring: named raters score the round's candidates on every criterion."""

    class Status(models.TextChoices):
        OPEN = "oppen", _("Öppen")
        CLOSED = "stangd", _("Stängd")

    prioritisation = models.ForeignKey(
        Prioritisation,
        verbose_name=_("prioritering"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    number = models.PositiveSmallIntegerField(_("omgång"), validators=[MinValueValidator(1)])
    title = SingleLineCharField(_("rubrik"), max_length=300)
    instructions = LongTextField(_("instruktioner till raterna"), blank=True, max_length=4000)
    due_on = models.DateField(
        _("sista dag"), null=True, blank=True, validators=[validate_date_in_range]
    )
    status = SingleLineCharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("öppnad"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True, editable=False)
    candidates = models.ManyToManyField(
        Candidate, verbose_name=_("åtgärdsområden"), related_name="rounds"
    )
    raters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bedömare"),
        through="Rater",
        related_name="prioritisation_rounds",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("omgång")
        verbose_name_plural = _("omgångar")
        ordering = ["prioritisation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "number"],
                name="round_unique_number",
                violation_error_message=_("Prioriteringen har redan en omgång med det numret."),
            ),
        ]

    def __str__(self) -> str:
        return _("Omgång %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    @property
    def history_owner_id(self) -> int:
        return self.prioritisation.owner_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Rater(models.Model):
    """A named rater of a round, with when she last saved and was reminded."""

    round = models.ForeignKey(
        Round, verbose_name=_("omgång"), on_delete=models.CASCADE, related_name="rater_rows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bedömare"),
        on_delete=models.PROTECT,
        related_name="rater_rows",
    )
    capacity = SingleLineCharField(
        _("i egenskap av"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. verksamhetsansvarig eller sakkunnig."),
    )
    saved_at = models.DateTimeField(_("senast sparad"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(
        _("alla poäng satta"), null=True, blank=True, editable=False
    )
    reminded_at = models.DateTimeField(_("senast påmind"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bedömare")
        verbose_name_plural = _("bedömare")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                name="rater_unique",
                violation_error_message=_("Personen är redan bedömare i omgången."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Rating(models.Model):
    """One rater's view of one candidate in a round: her comment; the scores hang from it."""

    rater = models.ForeignKey(
        Rater, verbose_name=_("bedömare"), on_delete=models.CASCADE, related_name="ratings"
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("åtgärdsområde"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    comment = LongTextField(_("kommentar"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        constraints = [
            models.UniqueConstraint(fields=["rater", "candidate"], name="rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} – {self.candidate}"


class Score(models.Model):
    """A rater's score of a candidate on one criterion."""

    rating = models.ForeignKey(
        Rating, verbose_name=_("bedömning"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("kriterium"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("poäng"), validators=[MaxValueValidator(10)])

    class Meta:
        verbose_name = _("poäng")
        verbose_name_plural = _("poäng")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"
