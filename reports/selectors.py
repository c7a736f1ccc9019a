"""Reads of the follow-up: an indicator's figures per year; "Mina insatser", a round's overview,
the latest report per measure."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from folkhalsa.work_items import WorkItem
from plans.measure_import import measure_budgets
from plans.models import (
    PATH_SEPARATOR,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
    Role,
)
from plans.permissions import EDIT_PLANS, AnyUser, organisations_for
from plans.selectors import organisation_paths, plan_measures, role_holders
from reports.models import (
    COUNTRY_CODE,
    FollowUpRound,
    FollowUpText,
    Indicator,
    IndicatorValue,
    MeasureReport,
    PublishedFollowUp,
    Sex,
)
from reports.permissions import round_reader_plans, writable_reports


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


def managed_plans(*, user: AnyUser) -> QuerySet[Plan]:
    """Return the plans whose follow-up the user manages: those of the organisations where she
    edits plans (every plan, for a superuser)."""
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(owner__in=organisations_for(user, EDIT_PLANS))


def managed_owners(*, user: AnyUser, limit: int) -> dict[int, str]:
    """Return the organisations owning a plan whose follow-up she manages, each by its path
    ("Region › Avdelning"), in the order of their paths; at most `limit` and one more, which
    says there are more than `limit` (two queries)."""
    owners = managed_plans(user=user).order_by().values_list("owner_id", flat=True).distinct()
    paths = organisation_paths(ids=list(owners[: limit + 1]))
    return dict(sorted(paths.items(), key=lambda item: (item[1], item[0])))


def follow_up_plans(
    *,
    user: AnyUser,
    today: datetime.date,
    organisation: int | None = None,
    owner_name: str = "",
    year: int | None = None,
    text: str = "",
) -> QuerySet[Plan]:
    """Return the plans whose follow-up she manages (those of the organisation and its units,
    running in the year, with the text in the title), those with something to do first: an open
    round to review, remind or close, then an adopted plan whose last year has no yearly round.

    Each plan is annotated `has_open_round` and `round_to_open`; page it, then give the page
    its rounds with `managed_rounds`.
    """
    plans = managed_plans(user=user)
    if owner_name:
        named = Organisation.objects.filter(name__icontains=owner_name).values_list("pk", flat=True)
        units = Organisation.objects.below(list(named)).values_list("pk", flat=True)
        plans = plans.filter(owner__in=list(units))
    if organisation is not None:
        # The units' ids first: a recursive query inside IN is not portable.
        units = Organisation.objects.below([organisation]).values_list("pk", flat=True)
        plans = plans.filter(owner__in=list(units))
    if year is not None:
        plans = plans.filter(start_year__lte=year, end_year__gte=year)
    if text:
        plans = plans.filter(title__icontains=text)
    last_year = today.year - 1
    open_round = FollowUpRound.objects.filter(plan=OuterRef("pk"), status=FollowUpRound.Status.OPEN)
    year_round = FollowUpRound.objects.filter(
        plan=OuterRef("pk"), year=last_year, period=FollowUpRound.Period.YEAR
    )
    running = Q(status=Plan.Status.ADOPTED, start_year__lte=last_year, end_year__gte=last_year)
    return (
        plans.annotate(
            has_open_round=Exists(open_round),
            round_to_open=ExpressionWrapper(
                running & ~Exists(year_round), output_field=BooleanField()
            ),
        )
        .select_related("owner")
        .order_by("-has_open_round", "-round_to_open", "owner__name", "-start_year", "title", "pk")
    )


def managed_rounds(*, plans: Iterable[Plan], year: int | None = None) -> list[Plan]:
    """Give each plan its rounds (of the year, if given), newest first, as `rounds`; each open
    round gets `to_review`, its reports submitted and waiting for review (two queries)."""
    plans = list(plans)
    rounds = FollowUpRound.objects.filter(plan__in=plans)
    if year is not None:
        rounds = rounds.filter(year=year)
    rounds = sorted(rounds, key=lambda r: (r.plan_id, -r.year, -PERIOD_ORDER[r.period]))
    open_ids = [r.pk for r in rounds if r.is_open]
    to_review = dict(
        MeasureReport.objects.filter(round__in=open_ids, state=MeasureReport.State.SUBMITTED)
        .values_list("round_id")
        .annotate(number=Count("pk"))
        .order_by()
    )
    by_plan = defaultdict(list)
    for round_ in rounds:
        round_.to_review = to_review.get(round_.pk, 0)
        by_plan[round_.plan_id].append(round_)
    for plan in plans:
        plan.rounds = by_plan[plan.pk]
    return plans


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


# --- Mitt arbete: what the follow-up asks of her (folkhalsa/my_work.py lists it) ---------------


def _round_subject(round_: FollowUpRound) -> str:
    return f"{round_.plan.title}: {round_label(round_)}"


def reporter_work(*, user: AnyUser, today: datetime.date) -> list[WorkItem]:
    """Return what she must report in the open rounds: per round the reports not yet sent and
    the drafts, and each returned report with the strategist's comment (three queries)."""
    group = _("Rapportera")
    mine = writable_reports(user).filter(round__status=FollowUpRound.Status.OPEN)
    counts = Counter()
    for round_id, state, number in (
        mine.filter(state__in=(MeasureReport.State.NOT_REPORTED, MeasureReport.State.DRAFT))
        .values_list("round_id", "state")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[round_id, state] = number
    # A subquery, not the ids: the query runs (and counts) whether she has reports or not.
    rounds = FollowUpRound.objects.filter(
        pk__in=mine.filter(
            state__in=(MeasureReport.State.NOT_REPORTED, MeasureReport.State.DRAFT)
        ).values("round_id")
    ).select_related("plan")
    items = []
    for round_ in rounds:
        url = reverse("reports:my_reports") + f"#omgang-{round_.pk}"
        unreported = counts[round_.pk, MeasureReport.State.NOT_REPORTED]
        drafts = counts[round_.pk, MeasureReport.State.DRAFT]
        if unreported:
            title = ngettext(
                "Rapportera %(count)d insats", "Rapportera %(count)d insatser", unreported
            ) % {"count": unreported}
            items.append(WorkItem(group, title, url, round_.due_on, "", _round_subject(round_)))
        if drafts:
            title = ngettext("Skicka in %(count)d utkast", "Skicka in %(count)d utkast", drafts) % {
                "count": drafts
            }
            items.append(WorkItem(group, title, url, round_.due_on, "", _round_subject(round_)))
    returned = mine.filter(state=MeasureReport.State.RETURNED).select_related(
        "measure", "round__plan"
    )
    for report in returned.order_by("round__due_on", "measure__order", "pk"):
        title = _("Komplettera rapporten om insats %(code)s") % {"code": report.measure.code}
        url = reverse("reports:report_edit", args=[report.pk])
        detail = _("Kommentar: %(comment)s") % {"comment": report.comment} if report.comment else ""
        subject = f"{report.measure.title} ({_round_subject(report.round)})"
        items.append(WorkItem(group, title, url, report.round.due_on, detail, subject))
    return items


def strategist_work(*, user: AnyUser, today: datetime.date) -> list[WorkItem]:
    """Return what the follow-up of the plans she edits asks of her: reports to review, rounds
    past their due date to close, last year's round to open, yearly follow-ups to write and
    publish (four queries, whatever the number of plans and rounds)."""
    group = _("Uppföljning")
    plans = Plan.objects.filter(owner__in=organisations_for(user, EDIT_PLANS))
    items = []
    counts = Counter()
    for round_id, state, number in (
        MeasureReport.objects.filter(round__plan__in=plans, round__status=FollowUpRound.Status.OPEN)
        .values_list("round_id", "state")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[round_id, state] = number
    open_rounds = FollowUpRound.objects.filter(
        plan__in=plans, status=FollowUpRound.Status.OPEN
    ).select_related("plan")
    for round_ in open_rounds:
        url = reverse("reports:round_detail", args=[round_.pk])
        submitted = counts[round_.pk, MeasureReport.State.SUBMITTED]
        if submitted:
            title = ngettext(
                "Granska %(count)d inskickad rapport",
                "Granska %(count)d inskickade rapporter",
                submitted,
            ) % {"count": submitted}
            items.append(WorkItem(group, title, url, round_.due_on, "", _round_subject(round_)))
        if round_.due_on < today:
            total = sum(n for (pk, _state), n in counts.items() if pk == round_.pk)
            accepted = counts[round_.pk, MeasureReport.State.ACCEPTED]
            title = _("Stäng uppföljningen")
            detail = _(
                "Sista dag att rapportera har passerat; %(accepted)d av %(total)d "
                "rapporter är godkända."
            ) % {"accepted": accepted, "total": total}
            items.append(WorkItem(group, title, url, round_.due_on, detail, _round_subject(round_)))
    last_year = today.year - 1
    year_round = FollowUpRound.objects.filter(
        plan=OuterRef("pk"), year=last_year, period=FollowUpRound.Period.YEAR
    )
    to_open = plans.filter(
        status=Plan.Status.ADOPTED, start_year__lte=last_year, end_year__gte=last_year
    ).exclude(Exists(year_round))
    for plan in to_open.order_by("title", "pk"):
        title = _("Öppna helårsuppföljningen %(year)d") % {"year": last_year}
        url = reverse("reports:round_create", args=[plan.pk])
        items.append(WorkItem(group, title, url, None, "", plan.title))
    published = PublishedFollowUp.objects.filter(
        plan=OuterRef("plan"), year=OuterRef("year"), replaced_by__isnull=True
    )
    to_publish = (
        FollowUpRound.objects.filter(
            plan__in=plans,
            period=FollowUpRound.Period.YEAR,
            status=FollowUpRound.Status.CLOSED,
            # Last year's and this year's: older years were reported to the board another way.
            year__gte=last_year,
        )
        .exclude(Exists(published))
        .select_related("plan")
        .order_by("year", "plan__title", "pk")
    )
    for round_ in to_publish:
        title = _("Skriv och publicera årsuppföljningen %(year)d") % {"year": round_.year}
        url = reverse("reports:plan_follow_up", args=[round_.plan_id])
        items.append(WorkItem(group, title, url, None, "", round_.plan.title))
    return items


# --- The årshjul (folkhalsa/year_wheel.py) ---


@dataclass(frozen=True)
class YearlyReport:
    """The year's follow-up on the agenda of the body that receives it (the executive board or
    the council, KS/KF): the body and day the strategist wrote on the follow-up's text."""

    plan: Plan
    year: int
    received_by: str
    received_on: datetime.date


@dataclass(frozen=True)
class FollowUpDates:
    """A period's follow-up dates: rounds with the moment each closed, publications, and the
    yearly reports to KS/KF."""

    rounds: list[FollowUpRound]
    published: list[PublishedFollowUp]
    reports: list[YearlyReport]


def _day_bounds(first: datetime.date, last: datetime.date) -> tuple:
    """Return the first moment of `first` and the first moment after `last`, Swedish time."""
    start = datetime.datetime.combine(first, datetime.time.min)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def follow_up_dates(
    *, user: AnyUser, plans: QuerySet[Plan], first: datetime.date, last: datetime.date
) -> FollowUpDates:
    """Return the follow-up dates between the days of the plans given (those she reads), in
    three queries: rounds only where she reads them, publications of every plan given."""
    return FollowUpDates(
        rounds=_rounds_of_period(user, plans, first, last),
        published=_published_of_period(plans, first, last),
        reports=_yearly_reports(user, plans, first, last),
    )


def _rounds_of_period(user, plans, first, last) -> list[FollowUpRound]:
    """Return the rounds opened, due or closed between the days (closed: the first history row
    in the closed state, since a round keeps no date of its own for it)."""
    since, until = _day_bounds(first, last)
    closed = FollowUpRound.history.filter(
        id=OuterRef("pk"), status=FollowUpRound.Status.CLOSED
    ).order_by("history_date")
    rounds = (
        FollowUpRound.objects.filter(plan__in=plans)
        .filter(plan__in=round_reader_plans(user))
        .annotate(closed_at=Subquery(closed.values("history_date")[:1]))
        .filter(
            Q(due_on__range=(first, last))
            | Q(opened_at__gte=since, opened_at__lt=until)
            | Q(closed_at__gte=since, closed_at__lt=until)
        )
    )
    return list(rounds.select_related("plan__owner").order_by("due_on", "pk"))


def _published_of_period(plans, first, last) -> list[PublishedFollowUp]:
    """Return every version published between the days (a replaced one stays public)."""
    since, until = _day_bounds(first, last)
    published = PublishedFollowUp.objects.filter(
        plan__in=plans, published_at__gte=since, published_at__lt=until
    ).defer("pdf", "docx", "content")
    return list(published.select_related("plan__owner").order_by("published_at", "pk"))


def _yearly_reports(user, plans, first, last) -> list[YearlyReport]:
    """Return the yearly reports to KS/KF between the days: as the follow-up's text says for
    the plan's editors (who write it, and may have moved the day since publishing), as it was
    published for everyone else. A year's follow-up goes to KS the year after, so the follow-ups
    of the year before the period count too."""
    years = (first.year - 1, last.year)
    written = _written_reports(user, plans, years)
    reports = [r for r in written.values() if r is not None]
    published = (
        PublishedFollowUp.objects.filter(plan__in=plans, replaced_by__isnull=True)
        .filter(year__range=years)
        .annotate(
            received_by=KT("content__decision__received_by"),
            received_on=KT("content__decision__received_on"),
        )
        .exclude(received_on__isnull=True)
        .defer("pdf", "docx", "content")
        .select_related("plan__owner")
    )
    for p in published:
        day = _iso_day(p.received_on)
        if day and (p.plan_id, p.year) not in written:
            reports.append(YearlyReport(p.plan, p.year, p.received_by or "", day))
    reports = [r for r in reports if first <= r.received_on <= last]
    return sorted(reports, key=lambda r: (r.received_on, r.plan.pk))


def _written_reports(user, plans, years: tuple[int, int]) -> dict:
    """Return, per (plan, year) of the plans she edits, the report as her text names it (None
    where it names no day)."""
    texts = FollowUpText.objects.filter(plan__in=plans, year__range=years)
    if not (user.is_authenticated and user.is_superuser):
        texts = texts.filter(plan__owner__in=organisations_for(user, EDIT_PLANS))
    return {
        (t.plan_id, t.year): YearlyReport(t.plan, t.year, t.received_by, t.received_on)
        if t.received_on
        else None
        for t in texts.select_related("plan__owner")
    }


def measure_reporters(reports: list[MeasureReport]) -> dict[int, list]:
    """Return, per measure of the reports, the active rapportörer of its responsible
    organisations (or of one above them): whom a reminder or a notification reaches."""
    responsible = Responsibility.objects.filter(
        measure__in=[r.measure_id for r in reports], role__in=Responsibility.OWNER_ROLES
    ).values_list("measure_id", "organisation_id")
    holders = role_holders(
        organisation_ids={org for _, org in responsible}, kinds=[Role.Kind.REPORTER]
    )
    owners: dict[int, list] = defaultdict(list)
    for measure_id, org_id in responsible:
        owners[measure_id].extend(holders.get(org_id, ()))
    return owners


def _iso_day(text: str | None) -> datetime.date | None:
    """Return the day an ISO date names; None for an empty or malformed one."""
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None
