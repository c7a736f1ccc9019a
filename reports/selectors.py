"""Reads of the follow-up: an indicator's figures per year; "Mina insatser", a round's overview,
the latest report per measure."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from plans.measure_import import measure_budgets
from plans.models import PATH_SEPARATOR, FocusArea, Measure, Plan, Responsibility
from plans.permissions import EDIT_PLANS, AnyUser, organisations_for, visible_plans
from plans.selectors import organisation_paths, plan_measures
from reports.models import (
    COUNTRY_CODE,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    MeasureReport,
    PublishedFollowUp,
    Sex,
)
from reports.permissions import writable_reports


def format_figure(value: Decimal | None) -> str:
    """Return a figure as the language writes it, without trailing zeros: "83,1", "27"."""
    if value is None:
        return ""
    shown = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(shown)


@dataclass(frozen=True)
class Cell:
    """A figure in the table: a value, a value Kolada lacks ("saknas"), or none stored."""

    value: Decimal | None = None
    missing: bool = False
    stored: bool = False

    @property
    def text(self) -> str:
        return format_figure(self.value)


EMPTY = Cell()


@dataclass(frozen=True)
class Area:
    code: str
    name: str

    @property
    def is_country(self) -> bool:
        return self.code == COUNTRY_CODE

    @property
    def is_region(self) -> bool:
        return self.code.startswith("00") and not self.is_country


@dataclass
class YearRow:
    """A year of the indicator: women, men and total of its own area, the target, and the
    total of each comparison area."""

    year: int
    women: Cell = EMPTY
    men: Cell = EMPTY
    total: Cell = EMPTY
    target: Cell = EMPTY
    target_women: Cell = EMPTY
    target_men: Cell = EMPTY
    comparisons: list[Cell] = field(default_factory=list)


@dataclass
class IndicatorTable:
    """An indicator's figures per year, ready for a table or a chart."""

    indicator: Indicator
    area: Area | None
    comparisons: list[Area]
    rows: list[YearRow]

    @property
    def has_values(self) -> bool:
        return bool(self.rows)


def indicator_table(
    *,
    indicator: Indicator,
    values: list[IndicatorValue] | None = None,
    targets: list | None = None,
) -> IndicatorTable:
    """Return the indicator's figures per year: its own area by sex, targets, comparisons.

    A caller that loaded many indicators' values and targets at once passes them in.
    """
    if values is None:
        values = list(indicator.values.filter(tertial__isnull=True).order_by("year", "area_code"))
    if targets is None:
        targets = list(indicator.targets.all())
    own = _own_area(indicator, values)
    comparisons = _areas([v for v in values if own is None or v.area_code != own.code])
    years = sorted({v.year for v in values} | {t.year for t in targets})
    rows = {year: YearRow(year=year, comparisons=[EMPTY] * len(comparisons)) for year in years}
    index = {area.code: i for i, area in enumerate(comparisons)}
    for value in values:
        _place(rows[value.year], value, own, index)
    for target in targets:
        name = {Sex.TOTAL: "target", Sex.WOMEN: "target_women", Sex.MEN: "target_men"}[target.sex]
        setattr(rows[target.year], name, Cell(value=target.value, stored=True))
    return IndicatorTable(indicator, own, comparisons, [rows[year] for year in years])


def _own_area(indicator: Indicator, values: list[IndicatorValue]) -> Area | None:
    """Return the area the indicator follows: its owner's, else the first municipality's."""
    code = indicator.owner.municipality_code
    candidates = [
        v for v in values if v.area_code == code or v.organisation_id == indicator.owner_id
    ]
    candidates = candidates or [v for v in values if not v.area_code.startswith("00")]
    if not candidates:
        return None
    return Area(candidates[0].area_code, candidates[0].area_name)


def _areas(values: list[IndicatorValue]) -> list[Area]:
    """Return the comparison areas: regions first, the country last."""
    areas = {v.area_code: Area(v.area_code, v.area_name) for v in values}
    return sorted(areas.values(), key=lambda a: (a.is_country, a.code))


def _place(row: YearRow, value: IndicatorValue, own: Area | None, index: dict) -> None:
    """Put the value in its cell of the year's row."""
    cell = Cell(value=value.value, missing=value.is_missing, stored=True)
    if own is not None and value.area_code == own.code:
        name = {Sex.TOTAL: "total", Sex.WOMEN: "women", Sex.MEN: "men"}[value.sex]
        setattr(row, name, cell)
    elif value.sex == Sex.TOTAL:
        row.comparisons[index[value.area_code]] = cell


def _with_measures(reports: QuerySet[MeasureReport]) -> QuerySet[MeasureReport]:
    """Load each report's measure, round, plan and responsible organisations up front."""
    responsible = Responsibility.objects.filter(role__in=Responsibility.OWNER_ROLES).select_related(
        "organisation"
    )
    return reports.select_related("round__plan", "measure").prefetch_related(
        Prefetch("measure__responsibilities", queryset=responsible, to_attr="responsible")
    )


def my_open_reports(*, user: AnyUser) -> dict[FollowUpRound, list[MeasureReport]]:
    """Return the user's reports in open rounds, per round, in the plan's order."""
    reports = writable_reports(user).filter(round__status=FollowUpRound.Status.OPEN)
    ordered = _with_measures(reports).order_by(
        "round__due_on", "round_id", "measure__order", "measure__code", "pk"
    )
    grouped: dict[FollowUpRound, list[MeasureReport]] = defaultdict(list)
    for report in ordered:
        grouped[report.round].append(report)
    return dict(grouped)


@dataclass
class OwnerProgress:
    """How far one responsible organisation has come in a round."""

    organisation: str
    counts: Counter = field(default_factory=Counter)
    missing: list[MeasureReport] = field(default_factory=list)


def round_overview(*, round_: FollowUpRound) -> tuple[list[MeasureReport], list[OwnerProgress]]:
    """Return the round's reports and, per responsible organisation, counts and what is missing."""
    reports = list(
        _with_measures(round_.reports.all()).order_by("measure__order", "measure__code", "pk")
    )
    org_ids = {r.organisation_id for report in reports for r in report.measure.responsible}
    names = organisation_paths(ids=org_ids)
    owners: dict[str, OwnerProgress] = {}
    for report in reports:
        for responsibility in report.measure.responsible or [None]:
            org_id = responsibility.organisation_id if responsibility else None
            name = names.get(org_id, "–")
            progress = owners.setdefault(name, OwnerProgress(organisation=name))
            progress.counts[report.state] += 1
            if report.state in MeasureReport.MISSING_STATES:
                progress.missing.append(report)
    return reports, sorted(owners.values(), key=lambda o: o.organisation)


def managed_rounds(*, user: AnyUser) -> tuple[list[Plan], list[FollowUpRound]]:
    """Return the plans whose follow-up the user manages, and their rounds, newest first."""
    plans = visible_plans(user).select_related("owner")
    if not user.is_superuser:
        plans = plans.filter(owner__in=organisations_for(user, EDIT_PLANS))
    plans = list(plans.order_by("owner__name", "-start_year", "title"))
    rounds = list(
        FollowUpRound.objects.filter(plan__in=plans)
        .select_related("plan")
        .order_by("-year", "period", "plan__title")
    )
    return plans, rounds


# A year's periods in the order they end: the full year's report is the latest of its year.
PERIOD_ORDER = {
    FollowUpRound.Period.T1: 1,
    FollowUpRound.Period.T2: 2,
    FollowUpRound.Period.T3: 3,
    FollowUpRound.Period.YEAR: 4,
}
REPORTED_STATES = (MeasureReport.State.SUBMITTED, MeasureReport.State.ACCEPTED)


def latest_reports(
    *, plan: Plan, states: Iterable[str] = REPORTED_STATES
) -> dict[int, MeasureReport]:
    """Return, per measure of the plan, its latest report in one of the states (by default
    submitted or accepted)."""
    reports = MeasureReport.objects.filter(round__plan=plan, state__in=states).select_related(
        "round"
    )
    latest: dict[int, MeasureReport] = {}
    for report in reports:
        key = (report.round.year, PERIOD_ORDER[report.round.period])
        kept = latest.get(report.measure_id)
        if kept is None or key > (kept.round.year, PERIOD_ORDER[kept.round.period]):
            latest[report.measure_id] = report
    return latest


def assessment_counts(statuses: Iterable[str]) -> list[dict]:
    """Return the number of measures per assessment, in the scale's order, "" (not reported)
    last: the follow-up PDF's summary and the plan page's contents both count with this."""
    counts = Counter(statuses)
    labels = dict(MeasureReport.Status.choices) | {"": _("Ej rapporterad")}
    return [
        {"status": value, "label": str(labels[value]), "count": counts.get(value, 0)}
        for value in [*MeasureReport.Status.values, ""]
    ]


def round_label(round_: FollowUpRound) -> str:
    """Return the round as a line names it: "Helår 2022", "Tertial 1 2024"."""
    return _short_period(round_.get_period_display(), round_.year)


@dataclass
class Reported:
    """A measure's latest follow-up as the spreadsheet shows it."""

    period: str
    status: str
    progress: str
    figure: Decimal | None
    state: str


@dataclass
class MeasureRow:
    """One measure as the spreadsheet shows it, with its latest follow-up."""

    measure: Measure
    focus_area: str
    reported: Reported | None
    # The import's Budget column: the owner's amount in the plan's first year (or None).
    budget: Decimal | None = None


def _short_period(label: str, year: int) -> str:
    return f"{label.split(' (')[0]} {year}"


def _working(report: MeasureReport) -> Reported:
    return Reported(
        period=round_label(report.round),
        status=report.get_status_display(),
        progress=report.progress,
        figure=report.figure_reached,
        state=report.get_state_display(),
    )


def working_follow_up(*, plan: Plan) -> dict[int, Reported]:
    """Return, per measure, its latest submitted or accepted report, reviewed or not."""
    return {pk: _working(report) for pk, report in latest_reports(plan=plan).items()}


def published_follow_up(*, plan: Plan) -> dict[int, Reported]:
    """Return, per measure, what the plan's latest published follow-up showed of it."""
    latest = PublishedFollowUp.objects.filter(plan=plan, replaced_by__isnull=True).order_by(
        "-year", "-published_at"
    )
    content = latest.values_list("content", flat=True).first()
    if content is None:
        return {}
    period = _short_period(content["period"], content["year"])
    shown = [m for area in content["areas"] for m in area["measures"] if m["status"]]
    return {
        m["id"]: Reported(
            period=period,
            status=m["status_label"],
            progress=m["progress"],
            figure=Decimal(m["figure_reached"]) if m["figure_reached"] else None,
            state=_("Publicerad"),
        )
        for m in shown
    }


def plan_measure_rows(*, plan: Plan, reported: dict[int, Reported]) -> list[MeasureRow]:
    """Return the plan's measures in document order, each with its focus area's path
    ("2 Delmål › 2.1 Fritid och kultur", as the import reads it) and its follow-up."""
    measures = plan_measures(plan=plan)
    budgets = measure_budgets(plan)
    areas: dict[int, str] = {}
    for area in FocusArea.objects.of_plan(plan.pk):  # parents before their children
        parent = areas.get(area.parent_id)
        areas[area.pk] = f"{parent}{PATH_SEPARATOR}{area}" if parent else str(area)
    return [
        MeasureRow(
            m,
            focus_area=areas.get(m.focus_area_id, ""),
            reported=reported.get(m.pk),
            budget=budgets.get(m.pk, (None, 0))[0],
        )
        for m in measures
    ]
