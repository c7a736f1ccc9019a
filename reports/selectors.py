"""Follow-up reads that take more than one query: pages share them."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from plans.models import FocusArea, Measure, Plan, Responsibility
from plans.permissions import EDIT_PLANS, AnyUser, organisations_for, visible_plans
from plans.selectors import organisation_paths, plan_measures
from reports.models import FollowUpRound, MeasureReport
from reports.permissions import writable_reports


def _with_measures(reports: QuerySet[MeasureReport]) -> QuerySet[MeasureReport]:
    """Load each report's measure, round, plan and responsible organisations up front."""
    responsible = Responsibility.objects.filter(
        role=Responsibility.Role.RESPONSIBLE
    ).select_related("organisation")
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


def latest_reports(*, plan: Plan) -> dict[int, MeasureReport]:
    """Return, per measure of the plan, its latest submitted or accepted report."""
    reports = MeasureReport.objects.filter(
        round__plan=plan, state__in=REPORTED_STATES
    ).select_related("round")
    latest: dict[int, MeasureReport] = {}
    for report in reports:
        key = (report.round.year, PERIOD_ORDER[report.round.period])
        kept = latest.get(report.measure_id)
        if kept is None or key > (kept.round.year, PERIOD_ORDER[kept.round.period]):
            latest[report.measure_id] = report
    return latest


@dataclass
class MeasureRow:
    """One measure as the spreadsheet shows it, with its latest report."""

    measure: Measure
    focus_area: str
    report: MeasureReport | None


def plan_measure_rows(*, plan: Plan) -> list[MeasureRow]:
    """Return the plan's measures in document order, each with its focus area and latest report."""
    measures = plan_measures(plan=plan)
    areas = {a.pk: str(a) for a in FocusArea.objects.of_plan(plan.pk)}
    latest = latest_reports(plan=plan)
    return [
        MeasureRow(measure=m, focus_area=areas.get(m.focus_area_id, ""), report=latest.get(m.pk))
        for m in measures
    ]
