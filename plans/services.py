"""Workflows on plans that every front calls: saving without lost updates."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext as _

from plans.models import Versioned


@dataclass(frozen=True)
class Change:
    """One field another person changed: who, when, from what, to what."""

    user: str
    when: str
    field: str
    old: str
    new: str


class StaleVersionError(Exception):
    """Raised when a record was saved by someone else after the editor opened it."""

    def __init__(self, changes: list[Change]) -> None:
        self.changes = changes
        super().__init__(_("Någon annan har sparat ändringar sedan du öppnade sidan."))

    def describe(self) -> list[str]:
        """Return one readable Swedish line per change the other person made."""
        return [
            _("%(user)s ändrade %(field)s %(when)s: ”%(old)s” → ”%(new)s”")
            % {"user": c.user, "field": c.field, "when": c.when, "old": c.old, "new": c.new}
            for c in self.changes
        ] or [_("Posten har sparats på nytt utan ändrade fält.")]


def changes_since(instance: Versioned, version: int) -> list[Change]:
    """Return the field changes made to the record after the given version."""
    records = list(instance.history.order_by("history_date", "history_id"))
    changes: list[Change] = []
    for previous, record in zip(records, records[1:], strict=False):
        if record.version <= version:
            continue
        delta = record.diff_against(previous, excluded_fields=["version"])
        for change in delta.changes:
            field = instance._meta.get_field(change.field)
            changes.append(
                Change(
                    user=str(record.history_user or _("okänd användare")),
                    when=formats.date_format(record.history_date, "SHORT_DATETIME_FORMAT"),
                    field=str(field.verbose_name),
                    old=_display(change.old),
                    new=_display(change.new),
                )
            )
    return changes


def _display(value: object) -> str:
    """Return a value as a short readable text for a conflict message."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def versioned_save(
    *, instance: Versioned, expected_version: int, user: AbstractBaseUser | None
) -> None:
    """Save the record only if nobody saved it since `expected_version`; else raise.

    The conditional UPDATE takes the row lock, so of two concurrent saves from the same
    version exactly one passes and the other sees the bumped version and is refused.
    """
    model = type(instance)
    with transaction.atomic():
        if instance.pk is None:
            instance.version = 1
        else:
            bumped = model.objects.filter(pk=instance.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleVersionError(changes_since(instance, expected_version))
            instance.version = expected_version + 1
        if user is not None and user.is_authenticated:
            instance._history_user = user
        instance.save()
