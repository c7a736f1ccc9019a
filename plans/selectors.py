"""Reads of plans that need more than one query: the plan tree, budget tables, history."""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from difflib import SequenceMatcher
from itertools import chain

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from folkhalsa.work_items import WorkItem
from plans.follow_up import follow_up
from plans.models import (
    PATH_SEPARATOR,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    CollaborationMember,
    FocusArea,
    GlobalGoal,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
    Role,
    Tag,
    TargetArea,
)
from plans.permissions import EDIT_PLANS, READ, AnyUser, organisations_for
from plans.services import editor_name, history_fields, stored_value


@dataclass
class FocusAreaNode:
    """A focus area with its sub-areas, results and measures, ready to show.

    `status_counts` counts every measure of the area and its sub-areas by plan-state (for the
    table of contents) and `assessments` holds their latest assessments, which
    `assessment_counts` counts as the follow-up does; `shown` counts those that pass the filter.
    """

    area: FocusArea
    anchor: str = ""
    children: list["FocusAreaNode"] = field(default_factory=list)
    results: list[tuple[Result, list[Measure]]] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    assessments: list[str] = field(default_factory=list)
    shown: int = 0
    # In a plan too large to show at once (`open_on_demand`): a closed top area shows its
    # counts and a link to open it, and holds the anchors of what is inside it.
    closed: bool = False
    anchors_inside: list[str] = field(default_factory=list)
    toggle_url: str = ""  # the page with the area opened, or closed again

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """Return (plan-state label, number of measures) in the order the states are defined;
        measures whose plan-state is not given are not counted."""
        return [
            (label, self.counts[value])
            for value, label in STATUS_CHOICES
            if value and self.counts[value]
        ]

    @property
    def assessment_counts(self) -> list[tuple[str, int]]:
        """Return (assessment label, number of measures) for the assessments that occur."""
        return [(label, n) for label, n in follow_up().counts(self.assessments) if n]

    @property
    def groups(self) -> list[tuple[Result | None, list[Measure]]]:
        """Return the measures under each result, then those directly under the area."""
        return self.results + ([(None, self.measures)] if self.measures else [])

    @property
    def total(self) -> int:
        """Return the number of measures in the area and its sub-areas."""
        return sum(self.counts.values())


STATUS_CHOICES = Measure.Status.choices


def measure_anchor(measure: Measure) -> str:
    """Return the fragment id of a measure on the plan page: its code where it has one."""
    if measure.code:
        return "insats-" + re.sub(r"\s+", "-", measure.code.strip())
    return f"insats-nr-{measure.pk}"


def focus_area_anchor(area: FocusArea) -> str:
    """Return the fragment id of a focus area: its dotted number where it has one."""
    number = area.full_number
    return f"fokusomrade-{number.replace('.', '-')}" if number else f"fokusomrade-nr-{area.pk}"


# What a report of the plan's figures reads of each measure (`plan_measures(details=False)`).
FIGURE_FIELDS = ("plan_id", "focus_area_id", "code", "title", "expected_result", "order")


def plan_measures(*, plan: Plan, details: bool = True) -> list[Measure]:
    """Return the plan's measures in document order with actors (full paths), tags and anchors.

    Without `details`, only what the follow-up's figures read: code, title, expected result,
    focus area and actors (no tags, goals, contacts or labels; the other fields deferred).
    """
    measures = Measure.objects.filter(plan=plan).order_by("order", "code", "pk")
    responsibilities = Prefetch("responsibilities", queryset=Responsibility.objects.all())
    if not details:
        measures = measures.only(*FIGURE_FIELDS)
    measures = list(measures.prefetch_related(responsibilities))
    for measure in measures:
        measure.responsibility_list = list(measure.responsibilities.all())
    paths = organisation_paths(
        ids={r.organisation_id for m in measures for r in m.responsibility_list}
    )
    labels = _MeasureLabels(plan=plan) if details and measures else None
    for measure in measures:
        measure.anchor = measure_anchor(measure)
        for responsibility in measure.responsibility_list:
            responsibility.organisation_path = paths[responsibility.organisation_id]
        measure.actor_paths = [r.organisation_path for r in measure.responsibility_list]
        if labels is not None:
            labels.attach(measure)
    return measures


def _names_by_measure(queryset: QuerySet, name: Callable[..., str]) -> dict[int, list[str]]:
    """Return the names of a measure relation's rows (measure id first), by measure."""
    named: dict[int, list[str]] = {}
    for measure_id, *values in queryset:
        named.setdefault(measure_id, []).append(name(*values))
    return named


def _numbered(number: int, name: str) -> str:
    return f"{number}. {name}"  # as TargetArea and GlobalGoal name themselves


def _choice_labels(model: type, name: str) -> dict[str, str]:
    """Return a field's choice labels by value, translated once (not once per row)."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


class _MeasureLabels:
    """The texts the plan page shows for a measure, ready made: templates read them in loops."""

    def __init__(self, *, plan: Plan) -> None:
        self.status = _choice_labels(Measure, "status")
        self.approach = _choice_labels(Measure, "approach")
        self.role = _choice_labels(Responsibility, "role")
        self.cooperation = _choice_labels(Responsibility, "cooperation")
        # One query a relation, joined by plan: neither a prefetch's list of every measure's id
        # nor a related manager per measure, which cost more than the rows in a large plan.
        self.tags = _names_by_measure(
            Tag.objects.filter(measure__plan=plan).values_list("measure", "name"), str
        )
        self.target_areas = _names_by_measure(
            TargetArea.objects.filter(measures__plan=plan).values_list(
                "measures", "number", "name"
            ),
            _numbered,
        )
        self.global_goals = _names_by_measure(
            GlobalGoal.objects.filter(measures__plan=plan).values_list(
                "measures", "number", "name"
            ),
            _numbered,
        )
        self.contacts = _names_by_measure(
            Person.objects.filter(measures__plan=plan).values_list("measures", "name"), str
        )

    def attach(self, measure: Measure) -> None:
        """Give the measure its plan-state and approach labels, its actors, tags, goals and
        contacts; its latest assessment is none until the follow-up gives it one
        (`plans.follow_up`)."""
        measure.status_label = self.status.get(measure.status, measure.status)
        measure.assessment = None
        measure.approach_label = self.approach.get(measure.approach, measure.approach)
        measure.actors = [(r.organisation_path, self._part(r)) for r in measure.responsibility_list]
        measure.tag_names = self.tags.get(measure.pk, [])
        measure.goal_names = self.target_areas.get(measure.pk, []) + self.global_goals.get(
            measure.pk, []
        )
        measure.contact_names = self.contacts.get(measure.pk, [])

    def _part(self, responsibility: Responsibility) -> str:
        """Return the actor's part in lower case: "ansvarig; i samverkan"."""
        part = self.role.get(responsibility.role, responsibility.role).lower()
        if responsibility.cooperation:
            cooperation = self.cooperation.get(responsibility.cooperation, "")
            part += "; " + cooperation.lower()
        return part


def plan_tree(
    *, plan: Plan, measures: list[Measure], shown: Callable[[Measure], bool] | None = None
) -> list[FocusAreaNode]:
    """Return the plan's focus areas as a tree with results and the measures that are shown.

    Every measure is counted in the table of contents; with a filter, only the measures that
    pass it are placed in the tree, and each area counts how many of its own are `shown`.
    """
    areas = list(FocusArea.objects.filter(plan=plan).order_by("order", "number", "pk"))
    results = list(Result.objects.filter(focus_area__plan=plan).order_by("number", "pk"))
    nodes = _area_nodes(areas)
    by_result: dict[int, list[Measure]] = {result.pk: [] for result in results}
    for measure in measures:
        _count(nodes, measure, shown is None or shown(measure))
        if shown is not None and not shown(measure):
            continue
        if measure.result_id:
            by_result[measure.result_id].append(measure)
        else:
            nodes[measure.focus_area_id].measures.append(measure)
    for result in results:
        if by_result[result.pk] or shown is None:
            nodes[result.focus_area_id].results.append((result, by_result[result.pk]))
    return [nodes[a.pk] for a in areas if a.parent_id is None]


# A plan page lists every measure up to this many; past it, each top focus area shows its counts
# and opens on demand, so the page of a plan of thousands of measures stays quick and small.
MEASURES_AT_ONCE = 150


def open_on_demand(tree: list[FocusAreaNode], *, opened: int | None) -> bool:
    """Close every top focus area but the `opened` one when the tree places more measures than
    MEASURES_AT_ONCE; return whether it did."""
    if sum(node.shown for node in tree) <= MEASURES_AT_ONCE:
        return False
    for node in tree:
        node.closed = node.area.pk != opened
        if node.closed:
            node.anchors_inside = list(_anchors_inside(node))
    return True


def measures_shown(tree: list[FocusAreaNode]) -> Iterable[Measure]:
    """Yield the measures the page lists: those placed in the top areas that are not closed."""
    for node in tree:
        if not node.closed:
            yield from _measures_within(node)


def _measures_within(node: FocusAreaNode) -> Iterable[Measure]:
    for _result, measures in node.groups:
        yield from measures
    for child in node.children:
        yield from _measures_within(child)


def _anchors_inside(node: FocusAreaNode) -> Iterable[str]:
    """Yield the anchors of the sub-areas and placed measures within the area."""
    yield from (measure.anchor for measure in _measures_within(node))
    for child in node.children:
        yield child.anchor
        yield from _anchors_inside(child)


def _area_nodes(areas: list[FocusArea]) -> dict[int, FocusAreaNode]:
    """Return a node per focus area, linked to its parent without further queries."""
    nodes = {area.pk: FocusAreaNode(area) for area in areas}
    for area in areas:
        if area.parent_id:
            area.parent = nodes[area.parent_id].area  # no query when the number is shown
            nodes[area.parent_id].children.append(nodes[area.pk])
    for node in nodes.values():
        node.anchor = focus_area_anchor(node.area)
    return nodes


def _count(nodes: dict[int, FocusAreaNode], measure: Measure, is_shown: bool) -> None:
    """Count the measure in its focus area and every area above it."""
    area = nodes[measure.focus_area_id].area
    assessment = measure.assessment
    while area is not None:
        nodes[area.pk].counts[measure.status] += 1
        if assessment is not None:
            nodes[area.pk].assessments.append(assessment.status)
        nodes[area.pk].shown += is_shown
        area = area.parent if area.parent_id else None


@dataclass(frozen=True)
class MeasureFilter:
    """Which measures of a plan to show: by plan-state, latest assessment ("" for none),
    actor (and its units), text, or her own."""

    status: str | None = None
    assessment: str | None = None
    actor_path: str | None = None
    text: str = ""
    only_ids: frozenset[int] | None = None

    def matches(self, measure: Measure) -> bool:
        """Return whether the measure passes every filter that is set."""
        paths = measure.actor_paths
        return (
            (self.status is None or measure.status == self.status)
            and (self.assessment is None or _assessed(measure) == self.assessment)
            and (self.actor_path is None or any(_within(p, self.actor_path) for p in paths))
            and (self.only_ids is None or measure.pk in self.only_ids)
            and all(word in _searchable(measure, paths) for word in self.text.casefold().split())
        )


def _assessed(measure: Measure) -> str:
    """Return the measure's latest assessment as stored, "" when it has none."""
    return measure.assessment.status if measure.assessment else ""


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(ancestor + " › ")


def _searchable(measure: Measure, paths: list[str]) -> str:
    """Return the text of a measure that free-text search looks in, case-folded."""
    fields = [measure.code, measure.title, measure.description, measure.target_group]
    return " ".join([*fields, measure.expected_result, *paths, *measure.tag_names]).casefold()


def measure_actors(measures: list[Measure]) -> dict[int, str]:
    """Return the organisations taking part in the measures, by id, with their full paths."""
    return {r.organisation_id: r.organisation_path for m in measures for r in m.responsibility_list}


def organisation_paths(*, ids: Iterable[int]) -> dict[int, str]:
    """Return the full path ("Region › Avdelning › Enhet") of each given organisation."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = Organisation.objects.with_paths().at(wanted).values_list("pk", "tree_names")
    return {pk: PATH_SEPARATOR.join(map(str, names)) for pk, names in rows}


@dataclass
class OutcomeCell:
    """A line's budget, outcome (utfall) and their difference for one funder."""

    budget: Decimal | None
    outcome: Decimal | None
    outcome_is_demo: bool = False  # invented for the demo: shown marked

    @property
    def difference(self) -> Decimal | None:
        """Return the outcome less the budget; none until there is an outcome."""
        if self.outcome is None:
            return None
        return self.outcome - (self.budget or Decimal(0))


@dataclass
class BudgetTable:
    """A budget as the document shows it: lines × funders with totals, and the outcome."""

    budget: Budget
    funders: list[BudgetFunder]
    rows: list[tuple[BudgetLine, list[Decimal | None], Decimal]]
    funder_totals: list[Decimal]
    total: Decimal
    outcome_rows: list[tuple[BudgetLine, list[OutcomeCell]]] = field(default_factory=list)
    outcome_totals: list[OutcomeCell] = field(default_factory=list)

    @property
    def has_outcome(self) -> bool:
        return any(cell.outcome is not None for cell in self.outcome_totals)

    @property
    def outcome_is_demo(self) -> bool:
        """Return whether any outcome of the budget was invented for the demo."""
        return any(c.outcome_is_demo for _line, cells in self.outcome_rows for c in cells)

    @property
    def grants(self) -> list[BudgetFunder]:
        """Return the funders whose contribution is a grant per inhabitant."""
        return [funder for funder in self.funders if funder.grant is not None]


def budget_table(*, budget: Budget) -> BudgetTable:
    """Return the budget's cells and its totals per funder and per line, computed."""
    funders = list(BudgetFunder.objects.filter(budget=budget).select_related("organisation"))
    lines = list(BudgetLine.objects.filter(budget=budget))
    stored = {(a.line_id, a.funder_id): a for a in BudgetAmount.objects.filter(line__budget=budget)}
    cells = {key: a.amount for key, a in stored.items()}
    rows = []
    for line in lines:
        amounts = [cells.get((line.pk, funder.pk)) for funder in funders]
        rows.append((line, amounts, sum((a for a in amounts if a is not None), Decimal(0))))
    funder_totals = [
        sum((cells.get((line.pk, f.pk)) or Decimal(0) for line in lines), Decimal(0))
        for f in funders
    ]
    table = BudgetTable(budget, funders, rows, funder_totals, sum(funder_totals, Decimal(0)))
    _add_outcome(table, lines, stored)
    return table


def _add_outcome(table: BudgetTable, lines: list[BudgetLine], stored: dict) -> None:
    """Put each line's outcome beside its budget per funder, with the totals per funder."""
    for line in lines:
        found = [stored.get((line.pk, funder.pk)) for funder in table.funders]
        cells = [
            OutcomeCell(a.amount, a.outcome, a.outcome_is_demo) if a else OutcomeCell(None, None)
            for a in found
        ]
        table.outcome_rows.append((line, cells))
    for index, budget_total in enumerate(table.funder_totals):
        outcomes = [cells[index].outcome for _line, cells in table.outcome_rows]
        known = [o for o in outcomes if o is not None]
        table.outcome_totals.append(OutcomeCell(budget_total, sum(known) if known else None))


def plan_budget_tables(*, plan: Plan) -> list[BudgetTable]:
    """Return every budget of the plan as a table."""
    return [budget_table(budget=b) for b in Budget.objects.filter(plan=plan).order_by("year")]


@dataclass
class FieldChange:
    """One field of a history entry: before and after, the names added and removed, or a diff."""

    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    diff: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HistoryEntry:
    """One saved change of a record in a plan."""

    when: datetime
    user: str
    kind: str
    record: str
    action: str
    changes: list[FieldChange]

    @property
    def iso_time(self) -> str:
        """Return the time of the change in ISO 8601, in the site's time zone."""
        return timezone.localtime(self.when).isoformat()

    @property
    def shown_time(self) -> str:
        """Return the time as the page shows it ("2026-03-05 14:07"): cheaper than a filter."""
        return timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M")


def _actions() -> dict[str, str]:
    """Return the verbs of the history list in the interface language."""
    return {"+": _("skapade"), "~": _("ändrade"), "-": _("tog bort")}


def plan_history(*, plan: Plan, limit: int = 200) -> list[HistoryEntry]:
    """Return the newest changes to the plan and everything in it, newest first.

    The number of queries is fixed: one per kind of record, one for the earlier versions and
    many-to-many sets of each kind, one per kind of record named in a change.
    """
    records = _history_records(plan, limit)
    previous = _previous_records(records)
    names = _Names()
    earlier = [previous.get((r.instance_type, r.history_id)) for r in records]
    names.load_for(records + [p for p in earlier if p is not None])
    actions = _actions()
    return [
        HistoryEntry(
            when=record.history_date,
            user=editor_name(record.history_user) if record.history_user else "–",
            kind=str(record.instance_type._meta.verbose_name),
            record=names.label(record),
            action=actions[record.history_type],
            changes=_changes(before, record, names),
        )
        for record, before in zip(records, earlier, strict=True)
    ]


def _history_records(plan: Plan, limit: int) -> list:
    """Return the newest history records of the plan and every record in it."""
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
    return sorted(
        chain.from_iterable(
            qs.select_related("history_user").order_by("-history_date")[:limit] for qs in sources
        ),
        key=lambda r: r.history_date,
        reverse=True,
    )[:limit]


def _ids(history: QuerySet) -> QuerySet:
    """Return the distinct ids of the records a history queryset covers."""
    return history.values("id").distinct()


def _previous_records(records: list) -> dict[tuple[type, int], object]:
    """Return the version before each changed record, by (model, history id), a query per kind.

    The many-to-many sets of the versions are loaded with them and shared with the records.
    """
    previous: dict[tuple[type, int], object] = {}
    for model, changed in _by_model(r for r in records if r.history_type == "~").items():
        ids = {r.id for r in changed}
        earlier = list(model.history.filter(id__in=ids).order_by("history_date", "history_id"))
        _load_m2m_ids(model, earlier)
        last: dict[int, object] = {}
        for row in earlier:
            previous[model, row.history_id] = last.get(row.id)
            last[row.id] = row
        _share_prefetched(changed, earlier)
    return previous


def _load_m2m_ids(model: type, rows: list) -> None:
    """Give history rows their many-to-many sets (`m2m_ids`), one query per relation."""
    for row in rows:
        row.m2m_ids = {}
    for m2m in model._meta.many_to_many:
        # simple_history keeps each set's rows in a model of their own, keyed by history row.
        through = vars(model.history.model)[m2m.name].model
        target = m2m.m2m_reverse_field_name() + "_id"
        pairs = through.objects.filter(history_id__in=[r.history_id for r in rows])
        ids: dict[int, set[int]] = {}
        for history_id, pk in pairs.values_list("history_id", target):
            ids.setdefault(history_id, set()).add(pk)
        for row in rows:
            row.m2m_ids[m2m.name] = frozenset(ids.get(row.history_id, ()))


def _share_prefetched(records: list, loaded: list) -> None:
    """Give the records of the page the many-to-many sets loaded with their earlier versions."""
    by_history_id = {row.history_id: row for row in loaded}
    for record in records:
        twin = by_history_id.get(record.history_id)
        if twin is not None:
            record.m2m_ids = twin.m2m_ids


def _by_model(records) -> dict[type, list]:
    """Group history records by the model they record."""
    groups: dict[type, list] = {}
    for record in records:
        groups.setdefault(record.instance_type, []).append(record)
    return groups


def _changes(before: object, after: object, names: "_Names") -> list[FieldChange]:
    """Return the readable field changes between two versions of a record."""
    if before is None:
        return []
    fields = history_fields(after.instance_type)
    return [_field_change(f, before, after, names) for f in fields if _differs(f, before, after)]


def _differs(model_field, before: object, after: object) -> bool:
    if not model_field.many_to_many:
        # Equal as stored is equal as compared: most fields of a change are untouched.
        raw = model_field.attname
        if getattr(before, raw) == getattr(after, raw):
            return False
    return stored_value(before, model_field) != stored_value(after, model_field)


def _field_change(model_field, before: object, after: object, names: "_Names") -> FieldChange:
    """Describe one changed field: names for relations, labels for choices, a diff for text."""
    label = str(model_field.verbose_name)
    old, new = stored_value(before, model_field), stored_value(after, model_field)
    if model_field.many_to_many:
        target = model_field.related_model
        return FieldChange(
            label,
            added=sorted(names.get(target, pk) for pk in new - old),
            removed=sorted(names.get(target, pk) for pk in old - new),
        )
    if isinstance(old, str) and isinstance(new, str) and _is_long(old, new):
        return FieldChange(label, diff=word_diff(old, new))
    return FieldChange(label, old=names.value(model_field, old), new=names.value(model_field, new))


def _is_long(old: str, new: str) -> bool:
    return max(len(old), len(new)) > 80 or "\n" in old + new


def word_diff(old: str, new: str, context: int = 8) -> list[tuple[str, str]]:
    """Return the words of two texts as (kind, text) segments: same, del, ins, or gap.

    Unchanged runs keep `context` words on each side of a change; the rest is a gap.
    """
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    segments: list[tuple[str, str]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            segments += _context(a[i1:i2], context, keep_start=not first, keep_end=not last)
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def _context(words: list[str], context: int, *, keep_start: bool, keep_end: bool) -> list:
    """Return an unchanged run shortened to the words next to the changes around it."""
    head = words[:context] if keep_start else []
    tail = words[-context:] if keep_end else []
    if len(words) <= len(head) + len(tail) or (
        keep_start and keep_end and len(words) <= 2 * context
    ):
        return [("same", "".join(words))]
    return [
        *([("same", "".join(head))] if head else []),
        ("gap", "… "),
        *([("same", "".join(tail))] if tail else []),
    ]


class _Names:
    """Names of the records a page of history refers to, loaded with one query per kind."""

    def __init__(self) -> None:
        self.paths: dict[int, str] = {}
        self.names: dict[type, dict[int, str]] = {}

    def load_for(self, records: list) -> None:
        """Load the names of every record the given history records point at."""
        wanted: dict[type, set[int]] = {}
        for record in records:
            for model_field in history_fields(record.instance_type):
                if model_field.many_to_many and not hasattr(record, "m2m_ids"):
                    continue  # only changed records have their sets loaded, and need them
                if model_field.many_to_one or model_field.many_to_many:
                    value = stored_value(record, model_field)
                    ids = value if model_field.many_to_many else {value} - {""}
                    wanted.setdefault(model_field.related_model, set()).update(ids)
        for model in _NAMED_BY_PARENT:  # their labels need these names in turn
            wanted.setdefault(model, set())
        rows = {m: self._rows(m, ids) for m, ids in wanted.items() if m is not Organisation}
        # Organisations are named by their paths: only those the page names are read.
        named = set(wanted.get(Organisation, ()))
        for loaded in rows.values():
            named.update(getattr(r, "organisation_id", None) for r in loaded.values())
        self.paths = organisation_paths(ids=named - {None})
        for model in sorted(
            rows, key=lambda m: m in _NAMED_BY_PARENT and _NAMED_BY_PARENT.index(m)
        ):
            self.names[model] = {pk: self.label(obj) for pk, obj in rows[model].items()}

    def _rows(self, model: type, ids: set[int]) -> dict[int, object]:
        """Return the records (or, for deleted ones, their last versions) by id."""
        rows = {obj.pk: obj for obj in model._base_manager.filter(pk__in=ids)}
        missing = ids - rows.keys()
        if missing and hasattr(model, "history"):
            for old in model.history.filter(id__in=missing).order_by("history_date"):
                rows[old.id] = old
        return rows

    def get(self, model: type, pk: object) -> str:
        """Return the name of a record, or its number if it is unknown."""
        if model is Organisation:
            return self.paths.get(pk, f"#{pk}")
        return self.names.get(model, {}).get(pk, f"#{pk}")

    def value(self, model_field, value: object) -> str:
        """Return a stored value as a person reads it."""
        choices = dict(model_field.flatchoices) if model_field.choices else {}
        if value in choices:
            return str(choices[value])
        if value in ("", None):
            return "–"
        if model_field.many_to_one:
            return self.get(model_field.related_model, value)
        if isinstance(value, Decimal):
            return formats.number_format(value, force_grouping=True)
        if isinstance(value, bool):
            return _("ja") if value else _("nej")
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return str(value)

    def label(self, record: object) -> str:
        """Return a short name of a record or history record, without further queries."""
        model = getattr(record, "instance_type", type(record))
        get = self.get
        labels = {
            Plan: lambda r: r.title,
            FocusArea: lambda r: f"{r.number} {r.title}".strip(),
            Result: lambda r: f"{r.number}. {r.title}",
            Measure: lambda r: f"{r.code} {r.title}".strip(),
            Responsibility: lambda r: (
                f"{get(Measure, r.measure_id)}: {get(Organisation, r.organisation_id)}"
            ),
            Budget: lambda r: _("Budget %(year)s") % {"year": r.year},
            BudgetFunder: lambda r: get(Organisation, r.organisation_id),
            BudgetLine: lambda r: r.name,
            BudgetAmount: lambda r: (
                f"{get(BudgetLine, r.line_id)} / {get(BudgetFunder, r.funder_id)}"
            ),
            Person: lambda r: r.name,
        }
        text = labels[model](record) if model in labels else str(record)
        return text if len(text) <= 120 else text[:117] + "…"


# Records whose labels are made of other records' names, so those are loaded first.
_NAMED_BY_PARENT = (Measure, BudgetLine, BudgetFunder)


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


# --- Mitt arbete: what the plans ask of her, and the plans she works in (folkhalsa/my_work.py) --

MY_PLANS_SHOWN = 20
# Plans whose measures still need someone to report: being written, or in force.
ACTIVE_PLAN_STATUSES = (Plan.Status.DRAFT, Plan.Status.ADOPTED)
# A plan whose period ends within this many days is due for its successor.
PLAN_ENDING_NOTICE_DAYS = 365


def plan_work(*, user: AnyUser, today: date) -> list[WorkItem]:
    """Return what the plans she edits ask of her: measures nobody reports on, and plans whose
    period ends within a year, for her to start the next (two queries)."""
    group = _("Planer")
    plans = Plan.objects.filter(owner__in=organisations_for(user, EDIT_PLANS))
    items = []
    owned = Responsibility.objects.filter(
        measure=OuterRef("pk"), role__in=Responsibility.OWNER_ROLES
    )
    orphans = (
        Measure.objects.filter(
            plan__in=plans.filter(status__in=ACTIVE_PLAN_STATUSES, end_year__gte=today.year)
        )
        .exclude(Exists(owned))
        .values_list("plan_id", "plan__title")
        .annotate(number=Count("pk"))
        .order_by("plan__title", "plan_id")
    )
    for plan_id, title, number in orphans:
        text = ngettext(
            "%(count)d insats har ingen ansvarig som rapporterar",
            "%(count)d insatser har ingen ansvarig som rapporterar",
            number,
        ) % {"count": number}
        url = reverse("plans:plan_editor", args=[plan_id])
        items.append(WorkItem(group, text, url, None, "", title))
    horizon = today + timedelta(days=PLAN_ENDING_NOTICE_DAYS)
    ending = plans.filter(
        status=Plan.Status.ADOPTED, end_year__gte=today.year, end_year__lte=horizon.year
    ).order_by("end_year", "title", "pk")
    for plan in ending:
        ends_on = date(plan.end_year, 12, 31)
        if ends_on > horizon:
            continue
        text = _("Planperioden slutar: börja nästa plan")
        url = reverse("plans:plan_new") + f"?kopia={plan.pk}"
        detail = _("Perioden %(start)d–%(end)d") % {"start": plan.start_year, "end": plan.end_year}
        items.append(WorkItem(group, text, url, ends_on, detail, plan.title))
    return items


def my_plans(*, user: AnyUser) -> tuple[list[Plan], int]:
    """Return the plans she works in (her organisations' and those she reports on), at most
    `MY_PLANS_SHOWN` of them, and how many there are (two queries)."""
    if not user.is_authenticated:
        return [], 0
    mine = Q(owner__in=organisations_for(user, READ))
    reporter_orgs = organisations_for(user, {Role.Kind.REPORTER})
    if reporter_orgs:
        responsible = Responsibility.objects.filter(
            measure__plan=OuterRef("pk"), organisation__in=reporter_orgs
        )
        mine |= Exists(responsible)
    plans = Plan.objects.filter(mine).select_related("owner")
    plans = plans.order_by("owner__name", "owner_id", "-start_year", "title", "pk")
    return list(plans[:MY_PLANS_SHOWN]), plans.count()


# --- The årshjul (folkhalsa/year_wheel.py) ---


def plans_of_period(*, plans: QuerySet[Plan], first: date, last: date) -> list[Plan]:
    """Return the plans whose period starts or ends between the days (whole years), or which
    were adopted between them, with their owners (one query)."""
    starts = Q(start_year__gte=first.year, start_year__lte=last.year)
    ends = Q(end_year__gte=first.year, end_year__lte=last.year)
    adopted = Q(status__in=Plan.PUBLISHED_STATUSES, adopted_on__range=(first, last))
    chosen = plans.filter(starts | ends | adopted).select_related("owner")
    return list(chosen.order_by("start_year", "title", "pk"))


def role_holders(*, organisation_ids: Iterable[int], kinds: Iterable[str]) -> dict[int, list]:
    """Return, per organisation, the active users holding one of the role kinds in it or in an
    organisation above it (a role covers the units below), or in a member of a collaboration
    it is or belongs to (a member's role is a role in the collaboration); three queries."""
    ids = set(organisation_ids)
    # A role covers units below; one recursive query gives each organisation's ancestors.
    paths = dict(Organisation.objects.at(ids).values_list("pk", "tree_path"))
    above = {pk for path in paths.values() for pk in path}
    members: dict[int, set[int]] = {}
    rows = CollaborationMember.objects.filter(collaboration__in=above).order_by()
    for collaboration, member in rows.values_list("collaboration_id", "member_id"):
        members.setdefault(collaboration, set()).add(member)
    roles = Role.objects.filter(
        kind__in=list(kinds),
        organisation__in=above.union(*members.values()),
        user__is_active=True,
    ).select_related("user")
    users_at: dict[int, set] = {}
    for role in roles:
        users_at.setdefault(role.organisation_id, set()).add(role.user)
    holders = {}
    for pk, path in paths.items():
        reach = {*path, *(m for ancestor in path for m in members.get(ancestor, ()))}
        found = {user for organisation in reach for user in users_at.get(organisation, ())}
        holders[pk] = sorted(found, key=lambda user: user.pk)
    return holders
