"""Workflows on plans that every front calls: saving and deleting without lost updates, what
changed, and removing user accounts without losing who did what."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Plan,
    Responsibility,
    Result,
    Versioned,
)

# Bookkeeping fields that never count as a change a person made.
UNTRACKED_FIELDS = {"id", "version"}


def normalise_text(value: str) -> str:
    """Return text with LF line breaks and no trailing whitespace on its lines or at its end."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip()


def local_time(moment: datetime) -> str:
    """Return a moment as a short date and time in the site's time zone (Europe/Stockholm)."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def editor_name(user: AbstractBaseUser | None, viewer: AbstractBaseUser | None = None) -> str:
    """Return who saved a change, as the person reading the message should read it."""
    if user is None:
        return _("okänd användare")
    if viewer is not None and user.pk == viewer.pk:
        return _("du själv, i en annan flik")
    return user.get_full_name() or user.get_username()


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
        """Return one readable line per change saved since the editor opened the page."""
        return [_describe(c) for c in self.changes] or [
            _("Posten har sparats på nytt sedan du öppnade sidan.")
        ]


def _describe(change: Change) -> str:
    if not change.field:  # a save of the rows below the record (its fields unchanged)
        return _(
            "%(user)s sparade ändringar längre ned på sidan %(when)s. Det du skrev står kvar "
            "nedan: kopiera det, öppna sidan på nytt och för in det igen."
        ) % {"user": change.user, "when": change.when}
    return _("%(user)s ändrade %(field)s %(when)s: ”%(old)s” → ”%(new)s”") % {
        "user": change.user,
        "field": change.field,
        "when": change.when,
        "old": change.old,
        "new": change.new,
    }


def require_transaction(action: str) -> None:
    """Refuse to take a row lock outside a transaction: it would end before the save it guards.

    On PostgreSQL `select_for_update` raises there anyway, but SQLite ignores row locks; this
    makes the mistake fail on every database, in every test.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            f"{action} takes a row lock for the save that follows: run it inside "
            "transaction.atomic (the view or service that saves)."
        )


def locked(queryset: models.QuerySet, *, action: str) -> models.QuerySet:
    """Return the queryset read under row locks, which last until the transaction ends."""
    require_transaction(action)
    return queryset.select_for_update()


def locked_record(instance: models.Model) -> models.Model | None:
    """Return the record read afresh under its row lock (no join: only its row); None if gone.

    A row read before waiting for the lock may be stale: another save may have committed
    meanwhile. What is read under the lock is what the save that follows builds on.
    """
    model = type(instance)
    rows = locked(model._base_manager.filter(pk=instance.pk), action=f"Reading a {model.__name__}")
    return rows.order_by("pk").first()


def version_snapshot(*, instance: Versioned, version: int) -> models.Model | None:
    """Return the history record of the record as it stood at `version` (None if unknown)."""
    return instance.history.filter(version=version).order_by("history_date", "history_id").last()


def changes_since(
    instance: Versioned, version: int, viewer: AbstractBaseUser | None = None
) -> list[Change]:
    """Return the field changes made to the record after the given version."""
    records = list(instance.history.select_related("history_user").order_by("history_date"))
    changes: list[Change] = []
    rows_saved: list[Change] = []
    for previous, record in zip(records, records[1:], strict=False):
        if record.version <= version:
            continue
        changed = changed_fields(previous, record)
        if not changed and record.version > previous.version:
            # A new version with the record's own fields as they were: its rows changed.
            who, when = editor_name(record.history_user, viewer), local_time(record.history_date)
            rows_saved.append(Change(user=who, when=when, field="", old="", new=""))
        for name in changed:
            field = instance._meta.get_field(name)
            changes.append(
                Change(
                    user=editor_name(record.history_user, viewer),
                    when=local_time(record.history_date),
                    field=str(field.verbose_name),
                    old=display_value(field, stored_value(previous, field)),
                    new=display_value(field, stored_value(record, field)),
                )
            )
    base = next((r for r in records if r.version == version), None)
    if base is not None and isinstance(instance, Budget):
        changes += _grid_changes(instance, since=base.history_date, viewer=viewer)
    # Saves of rows alone are named when nothing says more (a budget's cells do).
    return changes or rows_saved


def _grid_changes(budget: models.Model, *, since: datetime, viewer) -> list[Change]:
    """Return the amounts of a budget's grid changed after `since`, cell by cell."""
    lines = {r.id: r.name for r in BudgetLine.history.filter(budget_id=budget.pk)}
    amounts = BudgetAmount.history.filter(line_id__in=lines).select_related("history_user")
    funders = {f.pk: f.organisation.name for f in budget.funders.select_related("organisation")}
    last: dict[int, object] = {}
    changes = []
    for record in amounts.order_by("history_date", "history_id"):
        old = last.get(record.id)
        last[record.id] = None if record.history_type == "-" else record.amount
        if record.history_date <= since:
            continue
        cell = f"{lines.get(record.line_id, '?')} / {funders.get(record.funder_id, '?')}"
        new = last[record.id]
        changes.append(
            Change(
                user=editor_name(record.history_user, viewer),
                when=local_time(record.history_date),
                field=_("beloppet för %(cell)s") % {"cell": cell},
                old="–" if old is None else formats.number_format(old, 0, force_grouping=True),
                new="–" if new is None else formats.number_format(new, 0, force_grouping=True),
            )
        )
    return changes


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the fields of a model whose changes a person makes: concrete and many-to-many."""
    concrete = [f for f in model._meta.concrete_fields if f.name not in UNTRACKED_FIELDS]
    return concrete + list(model._meta.many_to_many)


def history_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the tracked fields the model's history keeps: it leaves some out on purpose,
    such as a body's calendar token, and those are never compared between versions."""
    historical = model.history.model
    kept = {f.attname for f in historical._meta.concrete_fields}
    kept_sets = {f.name for f in historical._history_m2m_fields}
    return [
        f
        for f in tracked_fields(model)
        if (f.name in kept_sets if f.many_to_many else f.attname in kept)
    ]


def stored_value(record: models.Model, field: models.Field) -> object:
    """Return a field's value from a record or a history record: ids for relations."""
    if field.many_to_many:
        target = field.m2m_reverse_field_name() + "_id"
        if hasattr(record, "history_id"):
            loaded = getattr(record, "m2m_ids", None)  # set by a selector that loads in bulk
            if loaded is not None:
                return loaded[field.name]
            return frozenset(getattr(row, target) for row in getattr(record, field.name).all())
        return frozenset(getattr(record, field.name).values_list("pk", flat=True))
    return comparable(getattr(record, field.attname))


def comparable(value: object) -> object:
    """Return a value in the form two versions of a field are compared in."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, Iterable):
        return frozenset(item.pk if isinstance(item, models.Model) else item for item in value)
    return value


def changed_fields(before: models.Model, after: models.Model) -> list[str]:
    """Return the names of the fields that differ between two versions of a record."""
    model = after.instance_type if hasattr(after, "instance_type") else type(after)
    fields = history_fields(model)
    return [f.name for f in fields if stored_value(before, f) != stored_value(after, f)]


def display_value(field: models.Field, value: object) -> str:
    """Return a stored value as a person reads it: labels of choices, names of records."""
    choices = dict(field.flatchoices) if field.choices else {}
    if value in choices:
        return str(choices[value])
    if value in ("", None, frozenset()):
        return "–"
    if field.many_to_many or field.many_to_one:
        ids = value if field.many_to_many else [value]
        names = field.related_model._base_manager.filter(pk__in=ids)
        return ", ".join(sorted(str(n) for n in names)) or "–"
    return str(value)


@dataclass(frozen=True)
class FieldConflict:
    """A field both she and someone else changed since she opened the page."""

    name: str
    label: str
    saved: str
    choice: str  # the name of the radio group with which she chooses "mine" or "saved"


def merge_versions(
    *, base: dict[str, object], current: dict[str, object], mine: dict[str, object]
) -> tuple[set[str], set[str]]:
    """Return (fields to take from the saved record, fields both sides changed differently).

    Each dict maps field names to comparable values: as she loaded them, as saved now, as she
    submitted them. A field only she changed keeps hers; one only the other side changed takes
    theirs; one both changed to different values is a conflict.
    """
    take_saved = {name for name in mine if mine[name] == base.get(name)}
    conflicts = {
        name
        for name in mine
        if name not in take_saved and current[name] not in (base.get(name), mine[name])
    }
    return take_saved, conflicts


def versioned_save(
    *,
    instance: Versioned,
    expected_version: int,
    user: AbstractBaseUser | None,
    m2m: dict[str, Iterable] | None = None,
    rows_changed: bool = False,
) -> bool:
    """Save the record only if nobody saved it since `expected_version`; else raise.

    A save that changes nothing (no field, no many-to-many set and no rows below it) writes
    nothing, keeps the version and never conflicts. Returns whether anything was written.
    The conditional UPDATE takes the row lock, so of two concurrent saves from the same
    version exactly one passes and the other sees the bumped version and is refused.
    """
    m2m = m2m or {}
    with transaction.atomic():
        if instance.pk is None:
            _create(instance, user=user, m2m=m2m)
            return True
        if not rows_changed and not _differs_from_stored(instance, m2m):
            return False
        model = type(instance)
        bumped = model.objects.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise StaleVersionError(changes_since(instance, expected_version, viewer=user))
        instance.version = expected_version + 1
        # Set the relations first and quietly, so the save below records them in one row.
        instance.skip_history_when_saving = True
        for name, values in m2m.items():
            getattr(instance, name).set(values)
        del instance.skip_history_when_saving
        _stamp(instance, user)
        instance.save()
    return True


def versioned_save_with_rows(*, form, formsets: Iterable, user: AbstractBaseUser | None) -> bool:
    """Save a versioned form's record as the change of the rows below it, if any changed.

    Rows that carry no version of their own (responsibilities, the budget grid) are guarded by
    the record's version: changing them is a change of the record, and they are not merged, so
    they are checked against the version she loaded. The caller saves the rows after this, in
    the same transaction. Returns whether anything was written.
    """
    rows = any(fs.has_changed() for fs in formsets if not issubclass(fs.model, Versioned))
    # A new record (its rows made with it) starts at version 1.
    loaded = form.cleaned_data["loaded_version"] if form.instance.pk else 1
    return versioned_save(
        instance=form.instance,
        expected_version=loaded if rows else form.expected_version(),
        user=user,
        m2m=form.m2m_values(),
        rows_changed=rows,
    )


def budget_grid_save(*, form, formsets: list, user: AbstractBaseUser | None) -> bool:
    """Save a budget's own fields and its grid (lines with their amounts, funders) as one
    version of the budget; all or nothing. Lines go first: a funder removed takes its cells."""
    with transaction.atomic():
        written = versioned_save_with_rows(form=form, formsets=formsets, user=user)
        for formset in formsets:
            formset.save()
    return written


def budget_start(*, plan: Plan, year: int, user: AbstractBaseUser, title: str = "") -> Budget:
    """Start the plan's budget for a year of its period, empty: lines and funders come next."""
    budget = Budget(plan=plan, year=year, title=title)
    budget.full_clean()
    versioned_save(instance=budget, expected_version=1, user=user)
    return budget


def budget_funder_add(
    *, funder: BudgetFunder, expected_version: int, user: AbstractBaseUser
) -> None:
    """Add a funder (a column) to its budget as a change of the budget: refused, naming the
    other's change, if someone saved the budget since she opened it."""
    funder.full_clean()
    with transaction.atomic():
        versioned_save(
            instance=funder.budget, expected_version=expected_version, user=user, rows_changed=True
        )
        funder.save()


def _create(instance: Versioned, *, user: AbstractBaseUser | None, m2m: dict) -> None:
    """Save a new record at version 1 with its many-to-many relations."""
    instance.version = 1
    _stamp(instance, user)
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)


def _stamp(instance: Versioned, user: AbstractBaseUser | None) -> None:
    """Record the user in the history row the next save writes."""
    if user is not None and user.is_authenticated:
        instance._history_user = user


def _differs_from_stored(instance: Versioned, m2m: dict[str, Iterable]) -> bool:
    """Return whether the record or its many-to-many sets differ from what is stored."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if f.name not in UNTRACKED_FIELDS]
    stored = model.objects.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    if stored is None:
        return True
    if any(comparable(stored[f.attname]) != stored_value(instance, f) for f in fields):
        return True
    return any(
        comparable(values) != stored_value(instance, model._meta.get_field(name))
        for name, values in m2m.items()
    )


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


# What a new plan may take from the plan it copies, and what each part needs to come along.
COPY_PARTS = ("focus_areas", "results", "measures", "budgets")
COPY_NEEDS = {"results": "focus_areas", "measures": "focus_areas"}


def copy_parts_missing(parts: Iterable[str]) -> set[str]:
    """Return the parts the chosen ones need but were not chosen (measures need focus areas)."""
    chosen = set(parts)
    return {COPY_NEEDS[part] for part in chosen if part in COPY_NEEDS} - chosen


def plan_start(
    *, plan: Plan, user: AbstractBaseUser, source: Plan | None = None, parts: Iterable[str] = ()
) -> Counter:
    """Create the plan as a draft, empty or with the chosen parts of `source`; all or nothing.

    Codes, numbers, nesting, actors with their roles, target groups and tags come along;
    measures' statuses, follow-up reports and budget amounts never do (a past year's amounts
    are not this year's budget). A budget moves as far in years as the plan's start did.
    Returns how many records of each kind were made ("focus_areas", "results", "measures",
    "actors", "budget_lines"); a part not copied has no key.
    """
    parts = set(parts) if source is not None else set()
    if copy_parts_missing(parts):
        raise ValidationError(
            _("Insatser och resultat kan bara kopieras tillsammans med sina fokusområden.")
        )
    plan.status = Plan.Status.DRAFT
    plan.full_clean()
    made: Counter = Counter()
    with transaction.atomic():
        versioned_save(instance=plan, expected_version=1, user=user)
        areas = _copy_focus_areas(source, plan, user, made) if "focus_areas" in parts else {}
        results = _copy_results(areas, user, made) if "results" in parts else {}
        measures = {}
        if "measures" in parts:
            measures = _copy_measures(source, plan, areas, results, user, made)
        if "budgets" in parts:
            _copy_budgets(source, plan, (areas, measures), user, made)
    return made


def _copy_focus_areas(source: Plan, plan: Plan, user, made: Counter) -> dict[int, FocusArea]:
    """Copy the focus areas level by level (a child needs its parent's id); return old id → new."""
    levels: dict[int, list[FocusArea]] = {}
    for area in FocusArea.objects.of_plan(source.pk):
        levels.setdefault(area.tree_depth, []).append(area)
    copies: dict[int, FocusArea] = {}
    for depth in sorted(levels):
        rows = [
            FocusArea(
                plan=plan,
                parent=copies.get(old.parent_id),
                **_fields(old, "number", "order", "title", "background", "current_state"),
                **_fields(old, "direction", "target_groups", "coordinator_id"),
            )
            for old in levels[depth]
        ]
        created = bulk_create_with_history(rows, FocusArea, default_user=user)
        copies.update(zip((old.pk for old in levels[depth]), created, strict=True))
    made["focus_areas"] = len(copies)
    return copies


def _copy_results(areas: dict[int, FocusArea], user, made: Counter) -> dict[int, Result]:
    """Copy the results of the copied focus areas; return old id → new."""
    old = list(Result.objects.filter(focus_area__in=list(areas)).order_by("pk"))
    rows = [Result(focus_area=areas[r.focus_area_id], number=r.number, title=r.title) for r in old]
    created = bulk_create_with_history(rows, Result, default_user=user)
    made["results"] = len(created)
    return {r.pk: new for r, new in zip(old, created, strict=True)}


MEASURE_COPIED_FIELDS = (
    "code",
    "order",
    "title",
    "description",
    "target_group",
    "expected_result",
    "target_year",
    "approach",
    "start_year",
    "end_year",
)


def _copy_measures(
    source: Plan, plan: Plan, areas: dict, results: dict, user, made: Counter
) -> dict[int, Measure]:
    """Copy the measures with their actors and tags; never their status or reports. Returns
    the copies by the originals' ids."""
    old = list(source.measures.order_by("pk").prefetch_related("responsibilities", "tags"))
    rows = [
        Measure(
            plan=plan,
            focus_area=areas[m.focus_area_id],
            result=results.get(m.result_id),
            **_fields(m, *MEASURE_COPIED_FIELDS),
        )
        for m in old
    ]
    Measure.objects.bulk_create(rows)
    history = Measure.history.bulk_history_create(rows, default_user=user)
    actors = [
        Responsibility(measure=new, **_fields(r, "organisation_id", "role", "cooperation"))
        for m, new in zip(old, rows, strict=True)
        for r in m.responsibilities.all()
    ]
    bulk_create_with_history(actors, Responsibility, default_user=user)
    _copy_tags(old, rows, history)
    made["measures"] = len(rows)
    made["actors"] = len(actors)
    return {m.pk: new for m, new in zip(old, rows, strict=True)}


def _copy_tags(old: list[Measure], new: list[Measure], history: list) -> None:
    """Tag the copies as the originals, and record the tags in their first history rows."""
    through = Measure.tags.through
    links = through.objects.bulk_create(
        [
            through(measure=copy, tag=tag)
            for m, copy in zip(old, new, strict=True)
            for tag in m.tags.all()
        ]
    )
    first = {row.id: row for row in history}
    historical = Measure.history.model.tags.model
    historical.objects.bulk_create(
        [
            historical(
                id=link.pk,
                measure_id=link.measure_id,
                tag_id=link.tag_id,
                history=first[link.measure_id],
            )
            for link in links
        ]
    )


def _copy_budgets(source: Plan, plan: Plan, copies: tuple[dict, dict], user, made: Counter) -> None:
    """Copy the budgets' funders and lines, without amounts, into the matching years.

    `copies` holds the copied focus areas and the copied measures by the originals' ids."""
    shift = plan.start_year - source.start_year
    old = [
        b
        for b in source.budgets.order_by("year").prefetch_related("funders", "lines")
        if plan.start_year <= b.year + shift <= plan.end_year
    ]
    lines = [line for b in old for line in b.lines.all()]
    # A focus area's line needs its area, a measure's its measure; another kind of line only
    # loses the area it named.
    areas, measures = copies
    if any(line.kind == BudgetLine.Kind.FOCUS_AREA and not areas for line in lines):
        raise ValidationError(
            _("Budgetposter för fokusområden kan bara kopieras tillsammans med fokusområdena.")
        )
    if any(line.kind == BudgetLine.Kind.MEASURE and not measures for line in lines):
        raise ValidationError(
            _("Budgetposter för insatser kan bara kopieras tillsammans med insatserna.")
        )
    budgets = bulk_create_with_history(
        [Budget(plan=plan, year=b.year + shift, title=b.title) for b in old],
        Budget,
        default_user=user,
    )
    new_budget = {b.pk: new for b, new in zip(old, budgets, strict=True)}
    funders = [
        BudgetFunder(budget=new_budget[b.pk], organisation_id=f.organisation_id, order=f.order)
        for b in old
        for f in b.funders.all()
    ]
    bulk_create_with_history(funders, BudgetFunder, default_user=user)
    rows = [
        BudgetLine(
            budget=new_budget[line.budget_id],
            focus_area=areas.get(line.focus_area_id),
            measure=measures.get(line.measure_id),
            **_fields(line, "name", "kind", "order"),
        )
        for line in lines
    ]
    bulk_create_with_history(rows, BudgetLine, default_user=user)
    made["budget_lines"] = len(rows)


def _fields(record: models.Model, *names: str) -> dict[str, object]:
    """Return the named fields' values of a record, to copy into a new one."""
    return {name: getattr(record, name) for name in names}


# --- The plan editor: adding and moving focus areas, results and measures ----------------

PlanItem = FocusArea | Result | Measure


def _item_plan_id(item: PlanItem) -> int:
    return item.focus_area.plan_id if isinstance(item, Result) else item.plan_id


def _lock_plan(plan_id: int) -> None:
    """Take the plan's row lock: adds and moves in one plan wait for each other, so a number or
    code checked free is still free when it is saved."""
    locked(Plan.objects.filter(pk=plan_id), action="Editing a plan's tree").first()


def next_area_number(plan_id: int, parent_id: int | None) -> str:
    """Return the next free number among a focus area's siblings: one above the largest."""
    numbers = FocusArea.objects.filter(plan_id=plan_id, parent_id=parent_id).values_list(
        "number", flat=True
    )
    return str(max((int(n) for n in numbers if n.isdigit()), default=0) + 1)


def next_result_number(area_id: int) -> int:
    """Return the next free number of a result in the focus area."""
    numbers = Result.objects.filter(focus_area_id=area_id).values_list("number", flat=True)
    return max(numbers, default=0) + 1


def _letters(index: int) -> str:
    """Return A, B, … Z, AA, AB, … for 0, 1, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def next_measure_code(area: FocusArea) -> str:
    """Return the next free code in the plan as seed 002 writes them: the focus area's number
    and a letter (1A, 1B, …)."""
    numbered = FocusArea.objects.of_plan(area.plan_id).filter(pk=area.pk).first()
    prefix = numbered.full_number if numbered else area.number
    taken = set(Measure.objects.filter(plan_id=area.plan_id).values_list("code", flat=True))
    index = 0
    while f"{prefix}{_letters(index)}" in taken:
        index += 1
    return f"{prefix}{_letters(index)}"


def refuse_taken_number(item: PlanItem) -> None:
    """Refuse a focus area's or result's number its siblings already have (a measure's code
    is refused by its constraint)."""
    if isinstance(item, FocusArea) and item.number:
        siblings = FocusArea.objects.filter(
            plan_id=item.plan_id, parent_id=item.parent_id, number=item.number
        )
        message = _("Det finns redan ett fokusområde med numret %(number)s på den nivån.")
    elif isinstance(item, Result):
        siblings = Result.objects.filter(focus_area_id=item.focus_area_id, number=item.number)
        message = _("Det finns redan ett resultat med numret %(number)s i fokusområdet.")
    else:
        return
    if siblings.exclude(pk=item.pk).exists():
        raise ValidationError(message % {"number": item.number})


def plan_item_add(*, item: PlanItem, user: AbstractBaseUser) -> None:
    """Add a focus area, result or measure to its plan, last among its siblings; a number or
    code left empty takes the next free one. Checked in full under the plan's lock."""
    with transaction.atomic():
        _lock_plan(_item_plan_id(item))
        if isinstance(item, FocusArea) and not item.number:
            item.number = next_area_number(item.plan_id, item.parent_id)
        elif isinstance(item, Result) and not item.number:
            item.number = next_result_number(item.focus_area_id)
        elif isinstance(item, Measure) and not item.code:
            item.code = next_measure_code(item.focus_area)
        if not isinstance(item, Result):
            item.order = _next_order(item)
        refuse_taken_number(item)
        item.full_clean()
        versioned_save(instance=item, expected_version=1, user=user)


def _siblings(item: PlanItem) -> models.QuerySet:
    """Return the items shown beside this one, in their order on the page: focus areas under
    the same parent, measures under the same focus area and result."""
    if isinstance(item, FocusArea):
        return FocusArea.objects.filter(plan_id=item.plan_id, parent_id=item.parent_id).order_by(
            "order", "number", "pk"
        )
    return Measure.objects.filter(
        plan_id=item.plan_id, focus_area_id=item.focus_area_id, result_id=item.result_id
    ).order_by("order", "code", "pk")


def _next_order(item: PlanItem) -> int:
    """Return the order that puts the item after its siblings."""
    orders = _siblings(item).exclude(pk=item.pk).values_list("order", flat=True)
    return max(orders, default=-1) + 1


def _current(item: PlanItem, expected_version: int, user) -> PlanItem:
    """Return the item read under its row lock; refuse it gone or saved since `expected_version`."""
    current = locked_record(item)
    if current is None:
        raise ValidationError(_("Posten finns inte längre. Ladda om sidan."))
    if current.version != expected_version:
        raise StaleVersionError(changes_since(current, expected_version, viewer=user))
    return current


def plan_item_step(
    *,
    item: FocusArea | Measure,
    expected_version: int,
    step: int,
    passing: tuple[FocusArea | Measure, int] | None,
    user: AbstractBaseUser,
) -> bool:
    """Move a focus area or measure one place up (-1) or down (+1) among its siblings, past
    `passing`: the neighbour her page showed there, with the version it showed (None where her
    page showed none, at the top or the bottom).

    The siblings keep their order among themselves; where two share an order (as imported
    rows may), they are numbered from the smallest one, each renumbered one with its history.
    Refused, naming what changed, if the item was saved since `expected_version`, or if the
    neighbour it would pass is no longer the one her page showed, or was saved since: a step
    from a stale page would otherwise undo another's. Returns whether anything moved.
    """
    with transaction.atomic():
        _lock_plan(_item_plan_id(item))
        current = _current(item, expected_version, user)
        siblings = list(locked(_siblings(current), action="Reordering a plan's items"))
        index = next(i for i, s in enumerate(siblings) if s.pk == current.pk)
        other = index + step
        neighbour = siblings[other] if 0 <= other < len(siblings) else None
        _refuse_other_neighbour(neighbour, passing, user)
        if neighbour is None:
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        base = min(s.order for s in siblings)
        for position, sibling in enumerate(siblings, start=base):
            if sibling.order != position:
                sibling.order = position
                versioned_save(instance=sibling, expected_version=sibling.version, user=user)
        return True


def _refuse_other_neighbour(
    neighbour: PlanItem | None, passing: tuple[PlanItem, int] | None, user: AbstractBaseUser
) -> None:
    """Refuse a step whose neighbour is not the one, at the version, her page showed; name
    the changes that put another there (or moved the one she saw)."""
    shown, shown_version = passing if passing is not None else (None, None)
    if neighbour is None and shown is None:
        return
    if (
        neighbour is not None
        and shown is not None
        and (type(neighbour), neighbour.pk)
        == (
            type(shown),
            shown.pk,
        )
    ):
        if neighbour.version == shown_version:
            return
        raise StaleVersionError(changes_since(neighbour, shown_version, viewer=user))
    changes = []
    if shown is not None and (gone := locked_record(shown)) is not None:
        changes += changes_since(gone, shown_version, viewer=user)
    if neighbour is not None:
        # The save that put it there: its latest.
        changes += changes_since(neighbour, neighbour.version - 1, viewer=user)
    raise StaleVersionError(changes)


def plan_item_move(
    *, item: PlanItem, expected_version: int, to: dict[str, object], user: AbstractBaseUser
) -> PlanItem:
    """Move an item under another focus area (or a measure under another result), last
    among its new siblings; codes and history stay. A focus area's or result's number that a
    new sibling already has becomes the next free one there. Refused if saved since
    `expected_version`, and where the model's rules refuse (a focus area under itself, a
    result with measures). Returns the item as saved."""
    with transaction.atomic():
        _lock_plan(_item_plan_id(item))
        current = _current(item, expected_version, user)
        for name, value in to.items():
            setattr(current, name, value)
        if not isinstance(current, Result):
            current.order = _next_order(current)
        try:
            refuse_taken_number(current)
        except ValidationError:
            if isinstance(current, FocusArea):
                current.number = next_area_number(current.plan_id, current.parent_id)
            else:
                current.number = next_result_number(current.focus_area_id)
        current.full_clean()
        versioned_save(instance=current, expected_version=expected_version, user=user)
        return current


def plan_item_delete(*, item: PlanItem, expected_version: int) -> None:
    """Delete a focus area, result or measure with everything below it (areas, results,
    measures, their actors and reports), as the admin's delete page does; refused if the item
    was saved since `expected_version`. The request's user is named in the history."""
    with transaction.atomic():
        _lock_plan(_item_plan_id(item))
        versioned_delete(instance=item, expected_version=expected_version)
