"""Workflows on plans that every front calls: saving and deleting without lost updates, and
removing user accounts without losing who did what."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext as _

from plans.models import Plan, Versioned


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


def versioned_delete(*, instance: Versioned, expected_version: int) -> None:
    """Delete the record only if nobody saved it since `expected_version`; else raise.

    A published plan is never deleted: it is a public decision, closed or superseded instead.
    """
    if isinstance(instance, Plan) and instance.is_published:
        raise ValidationError(
            _(
                "En antagen, avslutad eller ersatt plan kan inte tas bort. "
                "Ändra dess status i stället."
            )
        )
    model = type(instance)
    with transaction.atomic():
        current = (
            model.objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current != expected_version:
            raise StaleVersionError(changes_since(instance, expected_version))
        instance.delete()


def user_has_made_changes(*, user: User) -> bool:
    """Return whether any history record or admin log entry names the user."""
    if LogEntry.objects.filter(user=user).exists():
        return True
    history_models = [
        model
        for model in apps.get_models()
        if any(field.name == "history_user" for field in model._meta.get_fields())
    ]
    return any(model.objects.filter(history_user=user).exists() for model in history_models)


def user_delete(*, user: User, by: AbstractBaseUser) -> bool:
    """Delete the account, or deactivate it when history names it; return whether deleted.

    History must always name the person who made a change, so such an account is kept
    (inactive, unable to log in) instead of deleted.
    """
    if user.pk == by.pk:
        raise ValidationError(_("Du kan inte ta bort ditt eget konto."))
    with transaction.atomic():
        if user_has_made_changes(user=user):
            user.is_active = False
            user.save(update_fields=["is_active"])
            return False
        user.delete()
        return True
