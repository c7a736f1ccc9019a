"""The project's own records: what each person is told by e-mail (folkhalsa/notifications.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from folkhalsa.fields import SingleLineCharField


class NotificationKind(models.TextChoices):
    """What a notification is about: each something she must act on; each can be turned off."""

    REPORT_RETURNED = "rapport_returnerad", _("En rapport du skrivit returneras för komplettering")
    ROUND_OPENED = "uppfoljning_oppnad", _("En uppföljning öppnas för insatser du rapporterar om")
    MINUTES_TO_CHECK = "protokoll_att_justera", _("Ett protokoll väntar på att du justerar det")
    NOTICE_DEADLINE = "kallelse_sista_dag", _("Sista dagen att skicka en kallelse är nära")
    POSTING_DEADLINE = "anslag_sista_dag", _("Sista dagen att anslå en justering är nära")


class NotificationOptOut(models.Model):
    """A kind of notification the user has turned off; every kind is on until she does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
    )
    kind = SingleLineCharField(_("avisering"), max_length=40, choices=NotificationKind.choices)

    class Meta:
        verbose_name = _("avstängd avisering")
        verbose_name_plural = _("avstängda aviseringar")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}"


class NotificationSent(models.Model):
    """An event told to an address: never told to the same address again, whoever asks."""

    address = models.EmailField(_("e-postadress"))
    # The event: its kind, its record and what makes it new ("rapport_returnerad:12:2026-…").
    event = SingleLineCharField(_("händelse"), max_length=200)
    kind = SingleLineCharField(_("avisering"), max_length=40, choices=NotificationKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("skickad"))

    class Meta:
        verbose_name = _("skickad avisering")
        verbose_name_plural = _("skickade aviseringar")
        constraints = [
            models.UniqueConstraint(fields=["address", "event"], name="notification_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.address}"


class NotificationDigest(models.Model):
    """The day's one e-mail to a user: a second on the same day is refused by the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="notification_digests",
    )
    day = models.DateField(_("dag"))
    sent_at = models.DateTimeField(_("skickad"))
    events = models.PositiveIntegerField(_("antal händelser"))

    class Meta:
        verbose_name = _("daglig sammanfattning")
        verbose_name_plural = _("dagliga sammanfattningar")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notification_digest_daily")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
