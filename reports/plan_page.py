"""What the plan page shows of the follow-up: the provider `reports` registers with
`plans.follow_up` (the plan page's extension point), so `plans` never imports `reports`."""

from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Exists,
    Expression,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from plans.follow_up import Assessment, Need
from plans.models import Measure, Plan
from plans.permissions import READ, REPORT, AnyUser, can_edit_plan, organisations_for
from reports.documents import ASSESSMENT_MARKS, DEFAULT_GAP, format_figure, indicator_deviations
from reports.models import FollowUpRound, IndicatorValue, MeasureReport, PublishedFollowUp
from reports.permissions import readable_indicators, writable_reports
from reports.selectors import (
    PERIOD_ORDER,
    _short_period,
    assessment_counts,
    indicator_table,
    latest_reports,
    round_label,
)

# Only what the strategist accepted is an assessment the plan page shows to those who work on
# the plan: a submitted report may still be returned to its owner.
SHOWN_STATES = (MeasureReport.State.ACCEPTED,)


class PlanPageFollowUp:
    """The latest assessment per measure, its counts, and where to report.

    Those who work on the plan see the latest accepted report of each measure; everyone else
    (anonymous visitors, other organisations) only what the latest published follow-up showed:
    an accepted report is not public until the strategist publishes the year's follow-up.
    """

    def assessments(self, *, plan: Plan, user: AnyUser) -> dict[int, Assessment]:
        if works_on_plan(user, plan):
            labels = dict(MeasureReport.Status.choices)  # once, not per report
            rounds: dict[int, str] = {}
            return {
                measure_id: _assessment(report, labels=labels, rounds=rounds)
                for measure_id, report in latest_reports(plan=plan, states=SHOWN_STATES).items()
                if report.status
            }
        return published_assessments(plan=plan)

    def choices(self) -> list[tuple[str, str]]:
        return list(MeasureReport.Status.choices)

    def counts(self, statuses: Iterable[str]) -> list[tuple[str, int]]:
        """The follow-up PDF's counting; the measures not assessed are left out."""
        return [(c["label"], c["count"]) for c in assessment_counts(statuses) if c["status"]]

    def report_urls(self, *, user, plan: Plan, measure_ids: set[int]) -> dict[int, str]:
        """Return the open round's report of each measure: its form for those who write it,
        the round's page for the plan's editors who do not."""
        if not measure_ids:
            return {}
        reports = MeasureReport.objects.filter(
            round__plan=plan, round__status=FollowUpRound.Status.OPEN, measure_id__in=measure_ids
        ).order_by("round__due_on", "pk")
        mine = writable_reports(user).filter(pk__in=reports.values("pk"))
        writable = set(mine.values_list("pk", flat=True))
        editor = can_edit_plan(user, plan)
        urls = {}
        for measure_id, pk, round_id in reports.values_list("measure_id", "pk", "round_id"):
            if pk in writable:
                urls[measure_id] = reverse("reports:report_edit", args=[pk])
            elif editor:
                urls[measure_id] = reverse("reports:round_detail", args=[round_id])
        return urls

    def needs(self, *, user: AnyUser, candidate_ids) -> dict[int, list[Need]]:
        return candidate_needs(user=user, candidate_ids=candidate_ids)

    def latest_assessment(self, *, user: AnyUser) -> Expression:
        """The latest accepted report's assessment, by the round's year and period, for the
        measures of plans she works on (as `works_on_plan` says, in SQL); NULL elsewhere."""
        if not user.is_authenticated:
            return Value(None, output_field=CharField())
        reports = MeasureReport.objects.filter(measure=OuterRef("pk"), state__in=SHOWN_STATES)
        if not user.is_superuser:
            reporting = Measure.objects.filter(
                plan=OuterRef("round__plan"),
                responsibilities__organisation__in=organisations_for(user, REPORT),
            )
            reports = reports.filter(
                Q(round__plan__owner__in=organisations_for(user, READ)) | Exists(reporting)
            )
        period = Case(
            *(When(round__period=p, then=Value(rank)) for p, rank in PERIOD_ORDER.items()),
            output_field=IntegerField(),
        )
        latest = reports.annotate(period_rank=period).order_by("-round__year", "-period_rank")
        return Subquery(latest.values("status")[:1])


def candidate_needs(*, user: AnyUser, candidate_ids) -> dict[int, list[Need]]:
    """Return, by candidate, the indicators she reads linked to it: the latest year's figure
    and the deviations the follow-up names (five queries whatever the number)."""
    ids = list(candidate_ids)
    if not ids:
        return {}
    values = IndicatorValue.objects.filter(tertial__isnull=True).order_by("year", "area_code")
    indicators = (
        readable_indicators(user)
        .filter(candidates__in=ids)
        .distinct()
        .select_related("owner")
        .prefetch_related(Prefetch("values", queryset=values), "targets", "candidates")
        .order_by("name", "pk")
    )
    found: dict[int, list[Need]] = {}
    for indicator in indicators:
        rows = list(indicator.values.all())
        table = indicator_table(
            indicator=indicator, values=rows, targets=list(indicator.targets.all())
        )
        latest = next((r for r in reversed(table.rows) if r.total.value is not None), None)
        unit = f" {indicator.unit}" if indicator.unit else ""
        figure = f"{latest.year}: {format_figure(latest.total.value)}{unit}" if latest else "–"
        entry = {"name": indicator.name, "unit": indicator.unit}
        deviations = (
            tuple(d["text"] for d in indicator_deviations(entry, table, latest.year, DEFAULT_GAP))
            if latest
            else ()
        )
        need = Need(
            name=indicator.name,
            url=reverse("reports:indicator_detail", args=[indicator.pk]),
            figure=figure,
            deviations=deviations,
            demo=any(v.is_demo for v in rows),
        )
        for candidate in indicator.candidates.all():
            if candidate.pk in ids:
                found.setdefault(candidate.pk, []).append(need)
    return found


def works_on_plan(user: AnyUser, plan: Plan) -> bool:
    """Return whether the user works on the plan: a role in its owner (or above it), or a
    measure of it to report on for her organisation."""
    if user.is_authenticated and user.is_superuser:
        return True
    if plan.owner_id in organisations_for(user, READ):
        return True
    reporting = organisations_for(user, REPORT)
    return bool(reporting) and (
        Measure.objects.filter(plan=plan, responsibilities__organisation__in=reporting).exists()
    )


def published_assessments(*, plan: Plan) -> dict[int, Assessment]:
    """Return each measure's assessment as the plan's latest published follow-up froze it (the
    latest year's current version; one query), or nothing when none is published."""
    latest = (
        PublishedFollowUp.objects.filter(plan=plan, replaced_by__isnull=True)
        .order_by("-year", "-published_at")
        .values_list("content", "published_at")
        .first()
    )
    if latest is None:
        return {}
    content, published_at = latest
    round_ = _short_period(content["period"], content["year"]) if content["period"] else ""
    labels = dict(MeasureReport.Status.choices)
    on = timezone.localdate(published_at)
    return {
        row["id"]: Assessment(
            status=row["status"],
            label=str(labels.get(row["status"], row["status_label"])),
            round=round_ or str(content["year"]),
            on=on,
            mark=_mark(row["status"]),
            published=True,
        )
        for area in content["areas"]
        for row in area["measures"]
        if row["status"]
    }


def _mark(status: str) -> str:
    return ASSESSMENT_MARKS.get(status, ASSESSMENT_MARKS[""])[0]


def _assessment(report: MeasureReport, *, labels: dict, rounds: dict[int, str]) -> Assessment:
    """Return the report's assessment; `labels` and `rounds` name statuses and rounds once for
    all the plan's reports (a plan of 2,000 measures has 2,000 reports and a handful of rounds)."""
    reviewed = report.reviewed_at or report.submitted_at
    if report.round_id not in rounds:
        rounds[report.round_id] = round_label(report.round)
    return Assessment(
        status=report.status,
        label=str(labels.get(report.status, report.status)),
        round=rounds[report.round_id],
        on=timezone.localdate(reviewed) if reviewed else None,
        mark=_mark(report.status),
    )
