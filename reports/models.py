"""Follow-up: rounds in which measure owners report, and what they report."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import YEAR_VALIDATORS, Measure, Plan, Versioned


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
    period = models.CharField(
        _("period"), max_length=10, choices=Period.choices, default=Period.YEAR
    )
    due_on = models.DateField(_("sista dag att rapportera"))
    status = models.CharField(
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
    last_reminded_on = models.DateField(_("senast påmind"), null=True, blank=True)
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
    state = models.CharField(
        _("läge"), max_length=20, choices=State.choices, default=State.NOT_REPORTED
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    progress = models.TextField(
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
    comment = models.TextField(_("kommentar från strategen"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inskickad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
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
    pdf = models.BinaryField(_("pdf"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicerad av"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publicerad"))
    history = HistoricalRecords(excluded_fields=["pdf", "content"])

    class Meta:
        verbose_name = _("publicerad uppföljning")
        verbose_name_plural = _("publicerade uppföljningar")
        ordering = ["plan", "-year", "-published_at"]

    def __str__(self) -> str:
        return _("Uppföljning %(year)s – %(plan)s") % {"year": self.year, "plan": self.plan.title}
