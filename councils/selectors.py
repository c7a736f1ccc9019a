"""Reads of councils that take more than one query: pages and documents share them."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from councils.models import (
    APPEAL_PERIOD,
    CHECKING_DEADLINE,
    POSTING_DEADLINE,
    AgendaItem,
    Amendment,
    Attendance,
    Body,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
)
from councils.permissions import public_meetings
from plans.models import Person

# --- Minutes, checking, notice board, public pages, a member's meetings (wt-minutes) ---


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Return midnight of the day in the site's time zone (Europe/Stockholm)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meeting_day(meeting: Meeting) -> datetime.date:
    """Return the meeting's date in Stockholm."""
    return timezone.localdate(meeting.starts_at)


def meetings_of_year(*, body_id: int, year: int) -> QuerySet[Meeting]:
    """Return the body's meetings of a calendar year, by Stockholm dates."""
    return Meeting.objects.filter(
        body_id=body_id,
        starts_at__gte=start_of_day(datetime.date(year, 1, 1)),
        starts_at__lt=start_of_day(datetime.date(year + 1, 1, 1)),
    )


def present_people(*, meeting: Meeting) -> QuerySet[Person]:
    """Return the persons present at the meeting (in the room, remote, or as substitutes)."""
    present = (Attendance.Status.PRESENT, Attendance.Status.REMOTE)
    in_seat = Q(attendances__meeting=meeting, attendances__status__in=present)
    substitute = Q(substitutions__meeting=meeting, substitutions__status=Attendance.Status.REPLACED)
    return Person.objects.filter(in_seat | substitute).distinct().order_by("name", "pk")


def chair_on(*, body: Body, day: datetime.date) -> Person | None:
    """Return the holder of the body's chair seat on the day, if the seat was held."""
    holding = (
        SeatHolding.objects.filter(seat__body=body, seat__role=Seat.Role.CHAIR, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person")
        .order_by("seat__order", "seat_id")
        .first()
    )
    return holding.person if holding else None


def minutes_items(*, meeting: Meeting) -> list[AgendaItem]:
    """Return the meeting's items in agenda order with their amendments."""
    amendments = Amendment.objects.select_related("made_by").order_by("made_at", "id")
    return list(
        meeting.items.order_by("order", "id").prefetch_related(
            Prefetch("amendments", queryset=amendments)
        )
    )


def whole_minutes_amendments(*, meeting: Meeting) -> list[Amendment]:
    """Return the amendments of the minutes as a whole (not of one item)."""
    return list(
        meeting.amendments.filter(item__isnull=True).select_related("made_by").order_by("made_at")
    )


@dataclass
class MinutesState:
    """Where the checking of a meeting's minutes stands, and what is flagged."""

    meeting: Meeting
    checks: list[MinutesCheck]
    done: list[MinutesCheck] = field(default_factory=list)
    missing: list[MinutesCheck] = field(default_factory=list)
    adjusters_missing: int = 0
    chair_missing: bool = False
    checking_deadline: datetime.date | None = None
    checking_overdue: bool = False
    posting_deadline: datetime.date | None = None
    posted_late: bool = False
    on_notice_board: bool = False


def minutes_state(*, meeting: Meeting, today: datetime.date | None = None) -> MinutesState:
    """Return the checks done and missing on the minutes, and their flags (two queries)."""
    today = today or timezone.localdate()
    checks = list(meeting.checks.select_related("person", "recorded_by").order_by("role", "id"))
    state = MinutesState(meeting=meeting, checks=checks)
    state.done = [c for c in checks if c.checked_at is not None]
    state.missing = [c for c in checks if c.checked_at is None]
    if meeting.body.keeps_minutes:
        adjusters = sum(c.role == MinutesCheck.Role.ADJUSTER for c in checks)
        state.adjusters_missing = max(meeting.body.adjusters_count - adjusters, 0)
        state.chair_missing = not any(c.role == MinutesCheck.Role.CHAIR for c in checks)
    state.checking_deadline = meeting_day(meeting) + CHECKING_DEADLINE
    state.checking_overdue = not meeting.is_locked and today > state.checking_deadline
    _posting_flags(state, today)
    return state


def _posting_flags(state: MinutesState, today: datetime.date) -> None:
    """Fill in the notice board's deadline, whether it was posted late and whether it is up."""
    meeting = state.meeting
    if not (meeting.body.is_statutory and meeting.checked_on):
        return
    state.posting_deadline = meeting.checked_on + POSTING_DEADLINE
    state.posted_late = bool(meeting.posted_on and meeting.posted_on > state.posting_deadline)
    state.on_notice_board = bool(
        meeting.posted_on and meeting.posted_on <= today <= meeting.takes_down_on
    )


def meetings_overdue_for_checking(
    *, meetings: QuerySet[Meeting], today: datetime.date | None = None
) -> QuerySet[Meeting]:
    """Return those of the meetings whose minutes are not checked 14 days after the meeting."""
    today = today or timezone.localdate()
    # Overdue from the day after the deadline: the meeting's date is before today - 14 days.
    return meetings.exclude(status__in=Meeting.LOCKED_STATUSES).filter(
        starts_at__lt=start_of_day(today - CHECKING_DEADLINE)
    )


def meetings_posted_late(*, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Return those of the meetings announced later than the second day after checking."""
    deadline = ExpressionWrapper(F("checked_on") + POSTING_DEADLINE, output_field=DateField())
    return meetings.filter(
        body__kind__in=Body.STATUTORY_KINDS, posted_on__isnull=False, checked_on__isnull=False
    ).filter(posted_on__gt=deadline)


def notice_board(*, today: datetime.date | None = None) -> QuerySet[Meeting]:
    """Return the announcements up today: posted, and not past the day they come down."""
    today = today or timezone.localdate()
    return (
        Meeting.objects.filter(
            body__kind__in=Body.STATUTORY_KINDS,
            status__in=Meeting.LOCKED_STATUSES,
            posted_on__lte=today,
            posted_on__gte=today - APPEAL_PERIOD,
        )
        .select_related("body__organisation")
        .order_by("body__organisation__name", "-posted_on", "body__name", "pk")
    )


def public_minutes_list() -> QuerySet[Meeting]:
    """Return the checked minutes anyone may read, newest first."""
    return public_meetings().select_related("body__organisation").order_by("-starts_at", "pk")


def attendance_list(*, meeting: Meeting) -> list[Attendance]:
    """Return the meeting's attendance with seats, persons and substitutes."""
    return list(
        meeting.attendances.select_related("seat", "person", "substitute").order_by(
            "seat__order", "id"
        )
    )


@dataclass
class MyMeetings:
    """A member's coming meetings and the minutes waiting for her check."""

    person: Person | None
    coming: list[Meeting]
    to_check: list[MinutesCheck]


def my_meetings(*, user: AbstractBaseUser, now: datetime.datetime | None = None) -> MyMeetings:
    """Return the coming meetings of the bodies where her person sits that day, and her checks."""
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        return MyMeetings(person=None, coming=[], to_check=[])
    now = now or timezone.now()
    return MyMeetings(person=person, coming=_coming(person, now), to_check=_to_check(person))


def _coming(person: Person, now: datetime.datetime) -> list[Meeting]:
    """Return the meetings from today on where the person holds a seat on the meeting's day."""
    holds = SeatHolding.objects.filter(
        seat__body=OuterRef("body"),
        person=person,
        starts_on__lte=OuterRef("starts_at__date"),
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("starts_at__date")))
    return list(
        Meeting.objects.filter(starts_at__gte=start_of_day(timezone.localdate(now)))
        .filter(Exists(holds))
        .select_related("body__organisation")
        .order_by("starts_at", "pk")
    )


def _to_check(person: Person) -> list[MinutesCheck]:
    """Return the person's appointments on minutes still waiting for her check."""
    return list(
        MinutesCheck.objects.filter(
            person=person, checked_at__isnull=True, meeting__status=Meeting.Status.HELD
        )
        .select_related("meeting__body__organisation")
        .order_by("meeting__starts_at", "pk")
    )
