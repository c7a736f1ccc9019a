"""Reads of councils that take more than one query: pages and documents share them."""

# --- Bodies, seats, the year's meetings, the meeting page (wt-meetings) ---

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, Prefetch, Q, QuerySet

from councils.models import AgendaItem, Attendance, Body, Meeting, Seat, SeatHolding
from councils.permissions import readable_bodies
from plans.models import Measure, Organisation, Person, Plan
from plans.permissions import AnyUser, visible_plans

# Meetings are held, noticed and numbered in Swedish time, whatever the server's clock says.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass
class BodyNode:
    """A body in the tree of bodies, with the bodies below it."""

    body: Body
    children: list["BodyNode"] = field(default_factory=list)


def body_tree(*, user: AnyUser) -> list[BodyNode]:
    """Return the bodies the user reads as a tree: councils with their groups below them.

    One recursive query (django-tree-queries); a body whose parent she does not read stands
    at the top.
    """
    bodies = (
        readable_bodies(user)
        .with_tree_fields()
        .order_siblings_by("name")
        .select_related("organisation")
    )
    nodes = {body.pk: BodyNode(body) for body in bodies}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.body.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


@dataclass(frozen=True)
class SeatOnDay:
    """A seat and who held it on the day (None: vacant)."""

    seat: Seat
    holding: SeatHolding | None

    @property
    def holder(self) -> Person | None:
        return self.holding.person if self.holding else None


def seats_on(*, body: Body, on: datetime.date) -> list[SeatOnDay]:
    """Return the body's seats in order with who held each on the day, in two queries."""
    held = SeatHolding.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    seats = (
        Seat.objects.filter(body=body)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("holdings", held.select_related("person__organisation"), to_attr="held")
        )
    )
    # SeatHolding.clean refuses overlaps, so a seat has at most one holder on a day.
    return [SeatOnDay(seat, seat.held[0] if seat.held else None) for seat in seats]


def seats_with_holdings(*, body: Body) -> list[Seat]:
    """Return the body's seats in order, each with every holding (`all_holdings`), oldest first."""
    holdings = SeatHolding.objects.select_related("person").order_by("starts_on", "pk")
    seats = Seat.objects.filter(body=body).select_related("organisation")
    return list(seats.prefetch_related(Prefetch("holdings", holdings, to_attr="all_holdings")))


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the first moment of the year and of the next, in Swedish time."""
    start = datetime.datetime(year, 1, 1, tzinfo=STOCKHOLM)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=STOCKHOLM)


def year_meetings(*, body: Body, year: int) -> QuerySet[Meeting]:
    """Return the body's meetings of the year (Swedish time), first to last."""
    start, end = year_bounds(year)
    return Meeting.objects.filter(body=body, starts_at__gte=start, starts_at__lt=end).order_by(
        "starts_at", "pk"
    )


def sub_bodies(*, body: Body, user: AnyUser) -> QuerySet[Body]:
    """Return the bodies directly below the body that the user reads."""
    return readable_bodies(user).filter(parent=body).order_by("name")


def meeting_items(*, meeting: Meeting, user: AnyUser) -> list[AgendaItem]:
    """Return the agenda in order, each item with the plans and measures the user may read and
    its attachments; a fixed number of queries, whatever the size of the agenda."""
    readable = visible_plans(user)
    items = meeting.items.order_by("order", "pk").prefetch_related(
        Prefetch("plans", Plan.objects.filter(pk__in=readable).order_by("title"), "shown_plans"),
        Prefetch(
            "measures",
            Measure.objects.filter(plan__in=readable).select_related("plan").order_by("code"),
            "shown_measures",
        ),
        Prefetch("attachments", to_attr="files"),
    )
    return list(items)


def meeting_attendance(*, meeting: Meeting) -> list[Attendance]:
    """Return who attended the meeting, seat by seat and then the guests, in one query."""
    return list(
        meeting.attendances.select_related("seat__organisation", "person", "substitute").order_by(
            F("seat__order").asc(nulls_last=True), "seat_id", "pk"
        )
    )


def seat_organisations(*, body: Body) -> QuerySet[Organisation]:
    """Return the organisations a seat may be held on behalf of, with their paths.

    Every top-level organisation (a municipality, a region, the police) and every unit of the
    body's own organisation: one recursive query, not the whole country's units.
    """
    own = list(Organisation.objects.below([body.organisation_id]).values_list("pk", flat=True))
    return (
        Organisation.objects.with_paths()
        .filter(Q(parent__isnull=True) | Q(pk__in=own))
        .order_by("name")
    )
