"""Who may read and change indicators (the rules of plans, applied to an indicator's owner), and
who opens, reviews and writes follow-up reports (the plan's editors and the measures' owners)."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from plans import permissions
from plans.models import FocusArea, Measure, Plan, Responsibility, Role
from plans.permissions import EDIT_PLANS, REPORT, AnyUser, can_edit_plan, organisations_for
from reports.models import FollowUpRound, Indicator, MeasureReport


def readable_indicators(user: permissions.AnyUser) -> QuerySet[Indicator]:
    """Return the indicators the user may read: her organisations' own, and those linked to a
    plan she may read (published plans, for anonymous visitors)."""
    indicators = Indicator.objects.all()
    if user.is_authenticated and user.is_superuser:
        return indicators
    plans = permissions.visible_plans(user)
    if permissions.organisations_for(user, {Role.Kind.REPORTER}):
        # A rapportör also reads the plans of her measures (an EXISTS per plan): their ids
        # first, or PostgreSQL's estimate of the query below passes its JIT threshold and
        # compiling takes half a second at national size for a query that runs in 20 ms.
        plans = list(plans.values_list("pk", flat=True))
    # EXISTS from the indicator through its links, each link's plan read by primary key: no
    # walk of every measure of the country. A page asking for one organisation's indicators
    # (or one indicator) tests only those; for the whole list PostgreSQL hashes each subquery
    # once (its alternative subplan), still by index.
    area_plan = FocusArea.objects.filter(pk=OuterRef("focusarea_id")).order_by().values("plan_id")
    measure_plan = Measure.objects.filter(pk=OuterRef("measure_id")).order_by().values("plan_id")
    areas = Indicator.focus_areas.through.objects.filter(indicator_id=OuterRef("pk"))
    areas = areas.annotate(plan_id=Subquery(area_plan)).filter(plan_id__in=plans)
    measures = Indicator.measures.through.objects.filter(indicator_id=OuterRef("pk"))
    measures = measures.annotate(plan_id=Subquery(measure_plan)).filter(plan_id__in=plans)
    readable = Exists(areas) | Exists(measures)
    own = permissions.organisations_for(user, permissions.READ)
    if own:
        readable |= Q(owner__in=own)
    return indicators.filter(readable)


def can_edit_indicator(user: permissions.AnyUser, indicator: Indicator) -> bool:
    """Return whether the user may change the indicator, its values and targets."""
    if user.is_authenticated and user.is_superuser:
        return True
    return indicator.owner_id in permissions.organisations_for(user, permissions.EDIT_PLANS)


def can_manage_round(user: AnyUser, round_: FollowUpRound) -> bool:
    """Return whether the user opens, reviews, reminds and closes the plan's rounds."""
    return can_edit_plan(user, round_.plan)


def writable_reports(user: AnyUser) -> QuerySet[MeasureReport]:
    """Return the reports the user writes: measures her organisations are responsible for."""
    if not user.is_authenticated:
        return MeasureReport.objects.none()
    # From her organisations' responsibilities to their measures' reports: a semi-join on
    # indexed columns, with no DISTINCT over every report of the country.
    owned = Responsibility.objects.filter(
        role__in=Responsibility.OWNER_ROLES,
        organisation__in=organisations_for(user, REPORT),
    ).values("measure_id")
    return MeasureReport.objects.filter(measure_id__in=owned)


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


def round_reader_plans(user: AnyUser) -> QuerySet[Plan]:
    """Return the plans whose follow-up rounds (opened, due, closed) the user reads: those of
    her organisations, and those where her organisation owns a measure she reports on."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    owners = Responsibility.objects.filter(
        measure__plan=OuterRef("pk"),
        role__in=Responsibility.OWNER_ROLES,
        organisation__in=organisations_for(user, REPORT),
    )
    members = Q(owner__in=organisations_for(user, permissions.READ))
    return Plan.objects.filter(members | Exists(owners))
