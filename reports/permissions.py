"""Who may read and change indicators: the rules of plans, applied to an indicator's owner."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from plans import permissions
from plans.models import FocusArea, Measure
from reports.models import Indicator


def readable_indicators(user: permissions.AnyUser) -> QuerySet[Indicator]:
    """Return the indicators the user may read: her organisations' own, and those linked to a
    plan she may read (published plans, for anonymous visitors)."""
    indicators = Indicator.objects.all()
    if user.is_authenticated and user.is_superuser:
        return indicators
    plans = permissions.visible_plans(user)
    # EXISTS, not joins: one row per indicator whatever the number of links.
    areas = FocusArea.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    measures = Measure.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    own = Q(owner__in=permissions.organisations_for(user, permissions.READ))
    return indicators.filter(own | Exists(areas) | Exists(measures))


def can_edit_indicator(user: permissions.AnyUser, indicator: Indicator) -> bool:
    """Return whether the user may change the indicator, its values and targets."""
    if user.is_authenticated and user.is_superuser:
        return True
    return indicator.owner_id in permissions.organisations_for(user, permissions.EDIT_PLANS)
