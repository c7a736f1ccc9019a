"""Who may open, review and write follow-up reports: the plan's editors and the measures' owners."""

from django.db.models import Q, QuerySet

from plans.models import Responsibility
from plans.permissions import EDIT_PLANS, REPORT, AnyUser, can_edit_plan, organisations_for
from reports.models import FollowUpRound, MeasureReport


def can_manage_round(user: AnyUser, round_: FollowUpRound) -> bool:
    """Return whether the user opens, reviews, reminds and closes the plan's rounds."""
    return can_edit_plan(user, round_.plan)


def writable_reports(user: AnyUser) -> QuerySet[MeasureReport]:
    """Return the reports the user writes: measures her organisations are responsible for."""
    if not user.is_authenticated:
        return MeasureReport.objects.none()
    owner = Q(
        measure__responsibilities__role=Responsibility.Role.RESPONSIBLE,
        measure__responsibilities__organisation__in=organisations_for(user, REPORT),
    )
    return MeasureReport.objects.filter(owner).distinct()


def readable_reports(user: AnyUser) -> QuerySet[MeasureReport]:
    """Return the reports the user reads: her own and those of the plans she edits."""
    if not user.is_authenticated:
        return MeasureReport.objects.none()
    if user.is_superuser:
        return MeasureReport.objects.all()
    edited = Q(round__plan__owner__in=organisations_for(user, EDIT_PLANS))
    return MeasureReport.objects.filter(edited | Q(pk__in=writable_reports(user).values("pk")))


def can_write_report(user: AnyUser, report: MeasureReport) -> bool:
    """Return whether the user may write the report (its state decides whether she can now)."""
    return writable_reports(user).filter(pk=report.pk).exists() or can_edit_plan(
        user, report.round.plan
    )
