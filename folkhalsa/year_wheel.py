"""The årshjul: a year of deadlines and meetings per person, organisation, plan or body.

Gathers from the three apps what the reader may see (plan periods and adoptions, follow-up
rounds, publications and the yearly report to KS/KF, meetings with their notice deadlines) as
`Event`s, in a fixed number of queries whatever the number of organisations, plans or meetings;
and writes them as an iCalendar feed. The page and its wheel are in `year_wheel_views.py`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Event as CalendarEvent

from councils.models import Body, Meeting
from councils.permissions import readable_meetings
from councils.selectors import STOCKHOLM, meetings_of_period, notice_deadline
from councils.services.documents import DEFAULT_MEETING_LENGTH, calendar_file
from folkhalsa.validators import single_line
from plans.models import Organisation, Plan, Responsibility, Role
from plans.permissions import (
    AnyUser,
    can_edit_plan,
    home_organisations,
    organisations_for,
    visible_plans,
)
from plans.selectors import plans_of_period
from reports.models import FollowUpRound
from reports.selectors import follow_up_dates, round_label

# Each family's mark as a path drawn around (x, y): shape as well as colour tells them apart.
SHAPES = {
    "circle": "M{l},{y} a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0 Z",
    "ring": "M{l},{y} a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0 Z",
    "square": "M{x0},{y0} h9 v9 h-9 Z",
    "triangle": "M{x},{top} l6,10.5 h-12 Z",
    "diamond": "M{x},{top} l6,6 l-6,6 l-6,-6 Z",
    "bar": "M{bar},{y3} h14 v6 h-14 Z",
}


def shape(mark: str, x: float, y: float) -> str:
    """Return the mark's path centred on the point (numbers written with a point, never the
    locale's comma)."""
    return SHAPES[mark].format(
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        l=f"{x - 5:.1f}",
        x0=f"{x - 4.5:.1f}",
        y0=f"{y - 4.5:.1f}",
        top=f"{y - 6:.1f}",
        bar=f"{x - 7:.1f}",
        y3=f"{y - 3:.1f}",
    )


@dataclass(frozen=True)
class Family:
    """Kinds of event drawn alike: one ring of the wheel, one mark, one line of the legend."""

    key: str
    label: Promise
    ring: int  # 0 the innermost
    mark: str  # circle, ring, square, triangle, diamond, bar

    @property
    def icon(self) -> str:
        """Return the mark for a 20 × 20 picture (the legend, the list)."""
        return shape(self.mark, 10, 10)


FAMILIES = {
    f.key: f
    for f in (
        Family("mote", gettext_lazy("Möte"), 0, "circle"),
        Family("kallelse", gettext_lazy("Sista dag för kallelse"), 0, "ring"),
        Family("omgang", gettext_lazy("Uppföljningen öppnas eller stängs"), 1, "square"),
        Family("rapportering", gettext_lazy("Sista dag att rapportera"), 1, "triangle"),
        Family("beslut", gettext_lazy("Antagande, publicering, årsrapport"), 2, "diamond"),
        Family("planperiod", gettext_lazy("Planperiod"), 2, "bar"),
    )
}
RINGS = (gettext_lazy("Möten"), gettext_lazy("Uppföljning"), gettext_lazy("Planer och beslut"))

# What happened, per kind of event, and the family it is drawn with.
KINDS: dict[str, tuple[Promise, str]] = {
    "meeting": (gettext_lazy("Möte"), "mote"),
    "notice": (gettext_lazy("Sista dag för kallelse"), "kallelse"),
    "round_opened": (gettext_lazy("Uppföljningen öppnades"), "omgang"),
    "round_closed": (gettext_lazy("Uppföljningen stängdes"), "omgang"),
    "round_due": (gettext_lazy("Sista dag att rapportera"), "rapportering"),
    "plan_adopted": (gettext_lazy("Planen antogs"), "beslut"),
    "published": (gettext_lazy("Uppföljningen publicerades"), "beslut"),
    "yearly_report": (gettext_lazy("Årsrapporten behandlas"), "beslut"),
    "plan_start": (gettext_lazy("Planperioden börjar"), "planperiod"),
    "plan_end": (gettext_lazy("Planperioden slutar"), "planperiod"),
}


@dataclass(frozen=True)
class Event:
    """One date of the årshjul, as its list, wheel and calendar show it."""

    date: datetime.date
    kind: str
    title: str
    url: str  # "" where the reader has no page for it
    organisation: str
    # Stable per kind and record, never per fetch, so a calendar updates instead of adding.
    uid: str
    end: datetime.date | None = None
    starts_at: datetime.datetime | None = None  # a meeting's time, Stockholm time
    ends_at: datetime.datetime | None = None

    @property
    def label(self) -> str:
        """Return what happens that day: "Sista dag att rapportera"."""
        return str(KINDS[self.kind][0])

    @property
    def family(self) -> Family:
        return FAMILIES[KINDS[self.kind][1]]

    @property
    def anchor(self) -> str:
        """Return the id of the event's line in the month-by-month list."""
        return "h-" + self.uid.split("@")[0]

    @property
    def summary(self) -> str:
        """Return the event in one line: "Sista dag att rapportera: Helår 2025 – Strategi"."""
        return f"{self.label}: {self.title}"


@dataclass(frozen=True)
class Scope:
    """What an årshjul covers: the plans and meetings to read its dates from."""

    plans: QuerySet[Plan]
    meetings: QuerySet[Meeting]


def year_events(
    user: AnyUser,
    *,
    year: int,
    organisation: Organisation | None = None,
    plan: Plan | None = None,
    body: Body | None = None,
) -> list[Event]:
    """Return the year's events the user may see: of the organisation and its units, of the
    plan, of the body and its groups, or (none given) of her own organisations and seats."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    scope = year_scope(user, organisation=organisation, plan=plan, body=body)
    return period_events(user, scope=scope, first=first, last=last)


def period_events(
    user: AnyUser, *, scope: Scope, first: datetime.date, last: datetime.date
) -> list[Event]:
    """Return the events between the days, by date; six queries after the user's roles."""
    events = [
        *_plan_events(plans_of_period(plans=scope.plans, first=first, last=last), first, last),
        *_follow_up_events(user, scope.plans, first, last),
        *_meeting_events(_with_readable(user, scope.meetings), first, last),
    ]
    return sorted(events, key=lambda e: (e.date, e.starts_at is not None, e.starts_at, e.uid))


def year_scope(
    user: AnyUser,
    *,
    organisation: Organisation | None = None,
    plan: Plan | None = None,
    body: Body | None = None,
) -> Scope:
    """Return what the årshjul covers, only what the user reads (public bodies' meetings and
    adopted plans for everyone)."""
    plans = visible_plans(user)
    meetings = _visible_meetings(user)
    if plan is not None:
        concerning = Meeting.objects.filter(Q(items__plans=plan) | Q(items__measures__plan=plan))
        return Scope(plans.filter(pk=plan.pk), meetings.filter(pk__in=concerning.values("pk")))
    if body is not None:
        bodies = list(Body.objects.below([body.pk]).values_list("pk", flat=True))
        return Scope(plans.none(), meetings.filter(body__in=bodies))
    if organisation is not None:
        below = Organisation.objects.below([organisation.pk])
        ids = list(below.values_list("pk", flat=True))
        return Scope(plans.filter(owner__in=ids), meetings.filter(body__organisation__in=ids))
    return _own_scope(user)


def _own_scope(user: AnyUser) -> Scope:
    """Return her own year: her organisations' plans and those she reports on, the meetings of
    her organisations' bodies and of the bodies she sits in."""
    home = home_organisations(user)
    mine = Q(owner__in=home)
    reporter_orgs = organisations_for(user, {Role.Kind.REPORTER})
    if reporter_orgs:
        responsible = Responsibility.objects.filter(
            measure__plan=OuterRef("pk"), organisation__in=reporter_orgs
        )
        mine |= Exists(responsible)
    meetings = readable_meetings(user)
    if user.is_authenticated and user.is_superuser:
        meetings = meetings.filter(body__organisation__in=home)
    return Scope(visible_plans(user).filter(mine), meetings)


def _visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings she reads, and those of public bodies (whose dates are public)."""
    public = Q(body__is_public=True)
    if not user.is_authenticated:
        return Meeting.objects.filter(public)
    return Meeting.objects.filter(Q(pk__in=readable_meetings(user).values("pk")) | public)


def _with_readable(user: AnyUser, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Annotate whether she reads each meeting's page (`readable`)."""
    if not user.is_authenticated:
        return meetings.annotate(readable=Value(False))
    return meetings.annotate(readable=Exists(readable_meetings(user).filter(pk=OuterRef("pk"))))


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, STOCKHOLM).date()


def _uid(kind: str, pk: int | str) -> str:
    """Return the event's calendar UID: its kind and record, the same on every fetch."""
    return f"arshjul-{kind}-{pk}@folkhalsa"


def _plan_events(plans: list[Plan], first: datetime.date, last: datetime.date) -> list[Event]:
    """Return each plan's period start (1 January) and end (31 December), and its adoption."""
    events = []
    for plan in plans:
        url = reverse("plans:plan_detail", args=[plan.pk])
        owner = plan.owner.name
        start = datetime.date(plan.start_year, 1, 1)
        end = datetime.date(plan.end_year, 12, 31)
        dates = [("plan_start", start), ("plan_end", end)]
        if plan.is_published and plan.adopted_on:
            dates.append(("plan_adopted", plan.adopted_on))
        title = str(plan)
        for kind, day in dates:
            if first <= day <= last:
                events.append(Event(day, kind, title, url, owner, _uid(kind, plan.pk)))
    return events


def _follow_up_events(
    user: AnyUser, plans: QuerySet[Plan], first: datetime.date, last: datetime.date
) -> list[Event]:
    """Return the rounds' openings, due dates and closings, the publications and the yearly
    reports to KS/KF."""
    dates = follow_up_dates(user=user, plans=plans, first=first, last=last)
    events = [e for r in dates.rounds for e in _round_events(user, r) if first <= e.date <= last]
    for published in dates.published:
        url = reverse("reports:published_pdf", args=[published.pk])
        title = _("%(year)s – %(plan)s") % {"year": published.year, "plan": published.plan.title}
        day = _day(published.published_at)
        uid = _uid("published", published.pk)
        events.append(Event(day, "published", title, url, published.plan.owner.name, uid))
    for report in dates.reports:
        url = reverse("reports:plan_follow_up", args=[report.plan.pk])
        title = _("Uppföljningen %(year)s av %(plan)s") % {
            "year": report.year,
            "plan": report.plan.title,
        }
        if report.received_by:
            title = _("%(title)s i %(body)s") % {"title": title, "body": report.received_by}
        uid = _uid("yearly_report", f"{report.plan.pk}-{report.year}")
        owner = report.plan.owner.name
        events.append(Event(report.received_on, "yearly_report", title, url, owner, uid))
    return events


def _round_events(user: AnyUser, round_: FollowUpRound) -> list[Event]:
    """Return a round's opening, due date and closing (when it has closed)."""
    plan = round_.plan
    # The round's page is its plan's editors'; a rapportör reports from "Mina insatser".
    if can_edit_plan(user, plan):
        url = reverse("reports:round_detail", args=[round_.pk])
    else:
        url = reverse("reports:my_reports")
    title = f"{round_label(round_)} – {plan.title}"
    dates = [("round_opened", _day(round_.opened_at)), ("round_due", round_.due_on)]
    if round_.closed_at is not None:
        dates.append(("round_closed", _day(round_.closed_at)))
    owner = plan.owner.name
    return [Event(day, kind, title, url, owner, _uid(kind, round_.pk)) for kind, day in dates]


def _meeting_events(
    meetings: QuerySet[Meeting], first: datetime.date, last: datetime.date
) -> list[Event]:
    """Return each meeting and its notice deadline (the body's days before, Swedish time)."""
    events = []
    for meeting in meetings_of_period(meetings=meetings, first=first, last=last):
        url = _meeting_url(meeting)
        body, owner = meeting.body.name, meeting.body.organisation.name
        starts = timezone.localtime(meeting.starts_at, STOCKHOLM)
        ends = timezone.localtime(
            meeting.ends_at or meeting.starts_at + DEFAULT_MEETING_LENGTH, STOCKHOLM
        )
        if first <= starts.date() <= last:
            uid = _uid("meeting", meeting.pk)
            events.append(
                Event(starts.date(), "meeting", body, url, owner, uid, None, starts, ends)
            )
        deadline = notice_deadline(meeting=meeting).date()
        if first <= deadline <= last:
            title = _("%(body)s, mötet %(day)s") % {"body": body, "day": _date_text(starts)}
            uid = _uid("notice", meeting.pk)
            events.append(Event(deadline, "notice", title, url, owner, uid))
    return events


def _meeting_url(meeting: Meeting) -> str:
    """Return the meeting's page for its readers, its public minutes for everyone once checked
    (public bodies), else nothing."""
    if meeting.readable:
        return reverse("councils:meeting_detail", args=[meeting.pk])
    if meeting.body.is_public and meeting.is_locked:
        return reverse("councils:public_minutes", args=[meeting.pk])
    return ""


def _date_text(day: datetime.date) -> str:
    """Return the day as the site writes it: 12 mars 2025."""
    return dateformat.format(day, "j F Y")


# --- The calendar feed ---


def year_calendar(*, events: list[Event], name: str, base_url: str) -> bytes:
    """Return the events as an iCalendar file: meetings at their times, the rest all day."""
    stamp = timezone.now()
    entries = [_calendar_event(event, stamp=stamp, base_url=base_url) for event in events]
    return calendar_file(events=entries, name=name, product="Årshjul")


def _calendar_event(event: Event, *, stamp: datetime.datetime, base_url: str) -> CalendarEvent:
    """Return one event; an all-day event as DATE values, its end the day after (exclusive)."""
    entry = CalendarEvent()
    entry.add("uid", event.uid)
    entry.add("dtstamp", stamp)
    if event.starts_at is not None:
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
    else:
        entry.add("dtstart", event.date)
        entry.add("dtend", (event.end or event.date) + datetime.timedelta(days=1))
    # Old rows may hold a line break; a calendar line must not.
    entry.add("summary", single_line(event.summary))
    entry.add("categories", [single_line(str(event.family.label))])
    entry.add("description", single_line(event.organisation))
    if event.url:
        entry.add("url", base_url + event.url)
    return entry
