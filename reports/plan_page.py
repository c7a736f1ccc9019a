"""What the plan page shows of the follow-up: the provider `reports` registers with
`plans.follow_up` (the plan page's extension point), so `plans` never imports `reports`."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from plans.follow_up import Assessment
from plans.models import Plan
from plans.permissions import can_edit_plan
from reports.models import FollowUpRound, MeasureReport
from reports.permissions import writable_reports
from reports.selectors import assessment_counts, latest_reports, round_label

# Only what the strategist accepted is an assessment the plan page shows, to everyone who
# reads the plan: a submitted report may still be returned to its owner.
SHOWN_STATES = (MeasureReport.State.ACCEPTED,)


class PlanPageFollowUp:
    """The latest accepted assessment per measure, its counts, and where to report."""

    def assessments(self, *, plan: Plan) -> dict[int, Assessment]:
        return {
            measure_id: _assessment(report)
            for measure_id, report in latest_reports(plan=plan, states=SHOWN_STATES).items()
            if report.status
        }

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


def _assessment(report: MeasureReport) -> Assessment:
    reviewed = report.reviewed_at or report.submitted_at
    return Assessment(
        status=report.status,
        label=report.get_status_display(),
        round=round_label(report.round),
        on=timezone.localdate(reviewed) if reviewed else None,
    )
