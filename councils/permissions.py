"""Who may read and manage bodies, meetings and minutes: the one place every front asks.

The sekreterare (or administratör) of a body's organisation, or of an organisation above it,
manages the body. Anyone with a role in that organisation reads it. A member (a person linked to
the user, holding a seat on the meeting's day) reads her meetings, unchecked minutes included,
and an adjuster checks the minutes she was appointed to check. Anonymous visitors read only the
checked minutes of public bodies and the notice board.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from councils.models import Body, Meeting, MinutesCheck, SeatHolding
from plans.models import Person
from plans.permissions import MANAGE_COUNCILS, READ, AnyUser, organisations_for


def manageable_bodies(user: AnyUser) -> QuerySet[Body]:
    """Return the bodies the user manages as their secretary."""
    if user.is_authenticated and user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(organisation__in=organisations_for(user, MANAGE_COUNCILS))


def can_create_bodies(user: AnyUser) -> bool:
    """Return whether the user may create bodies: she manages councils somewhere."""
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(organisations_for(user, MANAGE_COUNCILS))


def can_manage_body(user: AnyUser, body: Body) -> bool:
    """Return whether the user manages the body: its meetings, seats, notices and minutes."""
    if user.is_authenticated and user.is_superuser:
        return True
    return body.organisation_id in organisations_for(user, MANAGE_COUNCILS)


def _holds_seat(user: AnyUser, *, on: datetime.date) -> Q:
    """Return a filter on bodies where a person linked to the user holds a seat on the day."""
    holdings = SeatHolding.objects.filter(
        seat__body=OuterRef("pk"), person__user=user, starts_on__lte=on
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return Q(Exists(holdings))


def readable_bodies(user: AnyUser) -> QuerySet[Body]:
    """Return the bodies the user reads: her organisations' and those she sits in today."""
    if not user.is_authenticated:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    in_organisation = Q(organisation__in=organisations_for(user, READ))
    return Body.objects.filter(in_organisation | _holds_seat(user, on=timezone.localdate()))


def readable_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings the user reads, unchecked minutes included."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    if user.is_superuser:
        return Meeting.objects.all()
    member = SeatHolding.objects.filter(
        seat__body=OuterRef("body"),
        person__user=user,
        starts_on__lte=OuterRef("starts_at__date"),
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("starts_at__date")))
    checker = MinutesCheck.objects.filter(meeting=OuterRef("pk"), person__user=user)
    return Meeting.objects.filter(
        Q(body__organisation__in=organisations_for(user, READ)) | Exists(member) | Exists(checker)
    )


def can_read_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Return whether the user reads the meeting's notice, agenda and minutes."""
    return readable_meetings(user).filter(pk=meeting.pk).exists()


def can_check_minutes(user: AnyUser, meeting: Meeting) -> MinutesCheck | None:
    """Return the user's own unchecked appointment (adjuster or chair) on the minutes, if any."""
    if not user.is_authenticated or meeting.status != Meeting.Status.HELD:
        return None
    return (
        meeting.checks.filter(person__user=user, checked_at__isnull=True)
        .select_related("person")
        .first()
    )


def public_meetings() -> QuerySet[Meeting]:
    """Return the meetings whose minutes anyone may read: checked, of public bodies."""
    return Meeting.objects.filter(body__is_public=True, status__in=Meeting.LOCKED_STATUSES)


def choosable_people(user: AnyUser) -> QuerySet[Person]:
    """Return the people the user may name in her bodies: seat holders, attendants, adjusters.

    Those of the organisations she reads, and those already holding a seat in a body she
    manages (the police officer on the council), never the people of any other organisation.
    """
    if user.is_authenticated and user.is_superuser:
        return Person.objects.all()
    holders = SeatHolding.objects.filter(
        person=OuterRef("pk"), seat__body__in=manageable_bodies(user)
    )
    return Person.objects.filter(
        Q(organisation__in=organisations_for(user, READ)) | Exists(holders)
    )
