"""The project's own records: what each person is told by e-mail (folkhalsa/notifications.py);
the documents typeset in the background (folkhalsa/documents.py)."""

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


class RenderedDocument(models.Model):
    """A document typeset off the request path: what to render, how it went, and the file.

    One row per kind and key, the key a digest of what the document shows and of its layout, so a
    new version of the plan, the meeting or the minutes (or a new template) is a new row, and the
    same content is typeset once however many ask (folkhalsa/documents.py).
    """

    class Kind(models.TextChoices):
        PLAN_PDF = "plan_pdf", _("planen som pdf")
        FOLLOW_UP_PREVIEW_PDF = "uppfoljning_utkast_pdf", _("uppföljningens utkast som pdf")
        FOLLOW_UP_PREVIEW_DOCX = "uppfoljning_utkast_docx", _("uppföljningens utkast som Word")
        PUBLISHED_PDF = "uppfoljning_pdf", _("publicerad uppföljning som pdf")
        PUBLISHED_DOCX = "uppfoljning_docx", _("publicerad uppföljning som Word")
        NOTICE_PDF = "kallelse_pdf", _("kallelse som pdf")
        MINUTES_PDF = "protokoll_pdf", _("protokoll som pdf")
        EXTRACT_PDF = "utdrag_pdf", _("protokollsutdrag som pdf")

    class Status(models.TextChoices):
        WAITING = "vantar", _("väntar")
        RENDERING = "skapas", _("skapas")
        READY = "klar", _("klar")
        FAILED = "misslyckades", _("misslyckades")

    kind = SingleLineCharField(_("slag"), max_length=40, choices=Kind.choices)
    # SHA-256 of what the document shows and of the files that lay it out; for a published
    # follow-up, its id (it is rendered once and kept with it).
    key = SingleLineCharField(_("nyckel"), max_length=64)
    # What the task renders from: the HTML where the request had to render it, else the content.
    html = models.TextField(_("html"), blank=True)
    content = models.JSONField(_("innehåll"), null=True, blank=True)
    variant = SingleLineCharField(_("variant"), max_length=20, blank=True)
    status = SingleLineCharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    file = models.BinaryField(_("fil"), blank=True, default=b"")
    content_type = SingleLineCharField(_("filtyp"), max_length=100)
    filename = SingleLineCharField(_("filnamn"), max_length=200)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    # When the status last changed: a row waiting or rendering for long lost its task.
    changed_at = models.DateTimeField(_("status ändrad"), auto_now_add=True)
    # When someone last asked for it: rows nobody asks for are pruned.
    asked_at = models.DateTimeField(_("senast efterfrågad"), auto_now_add=True, db_index=True)
    rendered_at = models.DateTimeField(_("skapad"), null=True, blank=True)
    # Who asked for it first: a user may have only so many documents waiting at once.
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställd av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("skapat dokument")
        verbose_name_plural = _("skapade dokument")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="rendered_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:12]} ({self.get_status_display()})"


class ApiToken(models.Model):
    """A personal key to the REST API (folkhalsa/api.py): she creates, names and revokes it on
    her account page; it acts as her, with her roles. Only its SHA-256 is stored: the key is
    shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = SingleLineCharField(
        _("namn"), max_length=100, help_text=_("Vad nyckeln används till, t.ex. ”Power BI”.")
    )
    key_hash = models.CharField(_("nyckelns kontrollsumma"), max_length=64, unique=True)
    prefix = models.CharField(_("nyckelns början"), max_length=12)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
