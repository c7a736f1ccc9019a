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

from councils.models import Body, Meeting, MinutesCheck, Seat, SeatHolding
from plans.models import Organisation, Person, Plan
from plans.permissions import (
    EDIT_PLANS,
    MANAGE_COUNCILS,
    READ,
    AnyUser,
    organisations_for,
    visible_plans,
)


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


def holds_seat(user: AnyUser, *, on: datetime.date) -> Q:
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
    return Body.objects.filter(in_organisation | holds_seat(user, on=timezone.localdate()))


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
    """Return the people the user may name in her bodies: seat holders, substitutes, adjusters.

    A person's name, title and e-mail are her organisation's register, which only its members
    read: so the people of the organisations the user has a role in (with their units), never
    those of another organisation, whatever organisation a seat is held on behalf of. Those
    already holding a seat in a body she manages (the police officer on the council) are named
    on that body's page anyway, so they stay choosable, for attendance and checking.
    """
    if user.is_authenticated and user.is_superuser:
        return Person.objects.all()
    holders = SeatHolding.objects.filter(
        person=OuterRef("pk"), seat__body__in=manageable_bodies(user)
    )
    return Person.objects.filter(
        Q(organisation__in=organisations_for(user, READ)) | Exists(holders)
    )


def reads_register(user: AnyUser, organisation_id: int) -> bool:
    """Return whether the user reads the organisation's people: she has a role in it or above."""
    if user.is_authenticated and user.is_superuser:
        return True
    return organisation_id in organisations_for(user, READ)


def holder_register(user: AnyUser, seat: Seat) -> int:
    """Return the organisation whose people hold the seat as the user names them: its own.

    A seat held on behalf of an outside organisation (the police, the region) takes its holder
    from the register of the body's organisation, which the secretary manages: she never reads
    nor adds to another organisation's register, and the seat still names whom it represents.
    """
    if reads_register(user, seat.organisation_id):
        return seat.organisation_id
    return seat.body.organisation_id


def seat_holder_choices(user: AnyUser, seat: Seat) -> QuerySet[Person]:
    """Return the people the user may give the seat: her register's, in the seat's register."""
    registers = {holder_register(user, seat), seat.organisation_id}
    return choosable_people(user).filter(organisation__in=registers)


def seat_organisation_choices(user: AnyUser) -> QuerySet[Organisation]:
    """Return the organisations a seat in her bodies may be held on behalf of, with paths.

    Every top-level organisation (a municipality, the region, the police: names are public)
    and the units of the organisations whose bodies she manages, never another's units.
    """
    organisations = Organisation.objects.with_paths()
    if user.is_authenticated and user.is_superuser:
        return organisations
    # Seeded with the ones she may choose: the tree walk visits those and their ancestors.
    tops = Organisation.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    return organisations.at([*tops, *organisations_for(user, MANAGE_COUNCILS)])


def linkable_plans(user: AnyUser, body: Body | None = None) -> QuerySet[Plan]:
    """Return the plans an agenda item of the body may concern: those the user reads of the
    body's organisation and its units, and those she edits.

    Linking puts the item's title in the plan's follow-up, so a secretary links only her own
    organisation's plans. Without a body: those of every organisation whose bodies she manages.
    """
    if user.is_authenticated and user.is_superuser:
        return Plan.objects.all()
    if body is None:
        owners = list(organisations_for(user, MANAGE_COUNCILS))
    else:
        below = Organisation.objects.below([body.organisation_id])
        owners = list(below.values_list("pk", flat=True))
    edited = Q(owner__in=organisations_for(user, EDIT_PLANS))
    return visible_plans(user).filter(Q(owner__in=owners) | edited)
