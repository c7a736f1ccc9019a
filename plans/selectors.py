"""Reads of plans that need more than one query: the plan tree, budget tables, history."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from plans.models import (
    PATH_SEPARATOR,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
)


@dataclass
class FocusAreaNode:
    """A focus area with its sub-areas, results and measures, ready to show."""

    area: FocusArea
    children: list["FocusAreaNode"] = field(default_factory=list)
    results: list[tuple[Result, list[Measure]]] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


def plan_tree(*, plan: Plan) -> list[FocusAreaNode]:
    """Return the plan's focus areas as a tree, each with its results and measures."""
    areas = list(FocusArea.objects.filter(plan=plan).order_by("order", "number", "pk"))
    results = list(Result.objects.filter(focus_area__plan=plan).order_by("number", "pk"))
    measures = list(
        Measure.objects.filter(plan=plan)
        .order_by("order", "code", "pk")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.all()),
            "tags",
        )
    )
    paths = organisation_paths(
        ids={r.organisation_id for m in measures for r in m.responsibilities.all()}
    )
    for measure in measures:
        for responsibility in measure.responsibilities.all():
            responsibility.organisation_path = paths[responsibility.organisation_id]
    nodes = {area.pk: FocusAreaNode(area) for area in areas}
    by_result: dict[int, list[Measure]] = {result.pk: [] for result in results}
    for measure in measures:
        if measure.result_id:
            by_result[measure.result_id].append(measure)
        else:
            nodes[measure.focus_area_id].measures.append(measure)
    for result in results:
        nodes[result.focus_area_id].results.append((result, by_result[result.pk]))
    roots = []
    for area in areas:
        if area.parent_id:
            area.parent = nodes[area.parent_id].area  # no query when the number is shown
            nodes[area.parent_id].children.append(nodes[area.pk])
        else:
            roots.append(nodes[area.pk])
    return roots


def organisation_paths(*, ids: Iterable[int]) -> dict[int, str]:
    """Return the full path ("Region › Avdelning › Enhet") of each given organisation."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = Organisation.objects.with_paths().filter(pk__in=wanted).values_list("pk", "tree_names")
    return {pk: PATH_SEPARATOR.join(map(str, names)) for pk, names in rows}


@dataclass
class BudgetTable:
    """A budget as the document shows it: lines × funders with totals."""

    budget: Budget
    funders: list[BudgetFunder]
    rows: list[tuple[BudgetLine, list[Decimal | None], Decimal]]
    funder_totals: list[Decimal]
    total: Decimal


def budget_table(*, budget: Budget) -> BudgetTable:
    """Return the budget's cells and its totals per funder and per line, computed."""
    funders = list(BudgetFunder.objects.filter(budget=budget).select_related("organisation"))
    lines = list(BudgetLine.objects.filter(budget=budget))
    cells = {
        (a.line_id, a.funder_id): a.amount for a in BudgetAmount.objects.filter(line__budget=budget)
    }
    rows = []
    for line in lines:
        amounts = [cells.get((line.pk, funder.pk)) for funder in funders]
        rows.append((line, amounts, sum((a for a in amounts if a is not None), Decimal(0))))
    funder_totals = [
        sum((cells.get((line.pk, f.pk)) or Decimal(0) for line in lines), Decimal(0))
        for f in funders
    ]
    return BudgetTable(budget, funders, rows, funder_totals, sum(funder_totals, Decimal(0)))


def plan_budget_tables(*, plan: Plan) -> list[BudgetTable]:
    """Return every budget of the plan as a table."""
    return [budget_table(budget=b) for b in Budget.objects.filter(plan=plan).order_by("year")]


@dataclass
class HistoryEntry:
    """One saved change of a record in a plan."""

    when: object
    user: str
    kind: str
    record: str
    action: str
    changes: list[tuple[str, str, str]]


_ACTIONS = {"+": "skapade", "~": "ändrade", "-": "tog bort"}


def plan_history(*, plan: Plan, limit: int = 200) -> list[HistoryEntry]:
    """Return the newest changes to the plan and everything in it, newest first."""
    areas = _ids(FocusArea.history.filter(plan_id=plan.pk))
    measures = _ids(Measure.history.filter(plan_id=plan.pk))
    budgets = _ids(Budget.history.filter(plan_id=plan.pk))
    lines = _ids(BudgetLine.history.filter(budget_id__in=budgets))
    sources: list[QuerySet] = [
        Plan.history.filter(id=plan.pk),
        FocusArea.history.filter(plan_id=plan.pk),
        Result.history.filter(focus_area_id__in=areas),
        Measure.history.filter(plan_id=plan.pk),
        Responsibility.history.filter(measure_id__in=measures),
        Budget.history.filter(plan_id=plan.pk),
        BudgetFunder.history.filter(budget_id__in=budgets),
        BudgetLine.history.filter(budget_id__in=budgets),
        BudgetAmount.history.filter(line_id__in=lines),
    ]
    records = sorted(
        chain.from_iterable(
            qs.select_related("history_user").order_by("-history_date")[:limit] for qs in sources
        ),
        key=lambda r: r.history_date,
        reverse=True,
    )[:limit]
    return [_entry(record) for record in records]


def _ids(history: QuerySet) -> QuerySet:
    """Return the distinct ids of the records a history queryset covers."""
    return history.values("id").distinct()


def _entry(record: object) -> HistoryEntry:
    """Turn one history record into an entry with its field changes."""
    changes = []
    previous = record.prev_record if record.history_type == "~" else None
    if previous is not None:
        delta = record.diff_against(previous, excluded_fields=["version"])
        model = record.instance_type
        for change in delta.changes:
            label = str(model._meta.get_field(change.field).verbose_name)
            changes.append((label, _short(change.old), _short(change.new)))
    return HistoryEntry(
        when=record.history_date,
        user=str(record.history_user or "–"),
        kind=str(record.instance_type._meta.verbose_name),
        record=_label(record),
        action=_ACTIONS[record.history_type],
        changes=changes,
    )


def _label(record: object) -> str:
    """Return a name for the historical record, even when what it points at is gone."""
    try:
        return str(record.history_object)
    except ObjectDoesNotExist:
        return str(getattr(record, "title", "") or getattr(record, "name", "") or record.id)


def _short(value: object) -> str:
    """Return a value as a short text for the history list."""
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "…"


@dataclass
class DeletedRecord:
    """A record deleted from an organisation: what it was, when and by whom."""

    when: object
    user: str
    kind: str
    name: str
    plan_id: int | None


def deleted_records(*, organisation: Organisation, limit: int = 200) -> list[DeletedRecord]:
    """Return the newest records deleted from the organisation's plans, people and units."""
    plan_ids = Plan.history.filter(owner_id=organisation.pk).values("id")
    area_ids = FocusArea.history.filter(plan_id__in=plan_ids).values("id")
    sources: list[QuerySet] = [
        Plan.history.filter(owner_id=organisation.pk),
        FocusArea.history.filter(plan_id__in=plan_ids),
        Result.history.filter(focus_area_id__in=area_ids),
        Measure.history.filter(plan_id__in=plan_ids),
        Budget.history.filter(plan_id__in=plan_ids),
        Person.history.filter(organisation_id=organisation.pk),
        Organisation.history.filter(parent_id=organisation.pk),
    ]
    records = sorted(
        chain.from_iterable(
            qs.filter(history_type="-")
            .select_related("history_user")
            .order_by("-history_date")[:limit]
            for qs in sources
        ),
        key=lambda r: r.history_date,
        reverse=True,
    )[:limit]
    return [
        DeletedRecord(
            when=r.history_date,
            user=str(r.history_user or "–"),
            kind=str(r.instance_type._meta.verbose_name),
            name=_deleted_name(r),
            plan_id=r.id if r.instance_type is Plan else None,
        )
        for r in records
    ]


def _deleted_name(record: object) -> str:
    """Return a record's code or number and title or name, read from the history row alone."""
    prefix = getattr(record, "code", "") or getattr(record, "number", "")
    name = getattr(record, "title", "") or getattr(record, "name", "")
    return f"{prefix} {name}".strip()


def deleted_plan(*, pk: int) -> Plan | None:
    """Return the plan as it was when deleted, or None if no deleted plan has that id."""
    record = Plan.history.filter(id=pk, history_type="-").order_by("-history_date").first()
    return None if record is None else record.instance
