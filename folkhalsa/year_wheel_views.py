"""The årshjul's pages: her own year, an organisation's, a plan's and a body's, each as a
month-by-month list and a wheel drawn on the server; and her private calendar feed of it."""

import calendar
import datetime
import math
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from councils.models import Body, CalendarFeed
from councils.permissions import readable_bodies
from councils.selectors import calendar_feed_open
from councils.services import calendar_feed_renew
from folkhalsa.year_wheel import (
    FAMILIES,
    RINGS,
    Event,
    period_events,
    shape,
    year_calendar,
    year_events,
    year_scope,
)
from plans.forms import AsciiIntegerField
from plans.models import Organisation
from plans.permissions import AnyUser, has_any_role, visible_plans


class YearForm(forms.Form):
    """The year to show (GET)."""

    ar = AsciiIntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100, required=False)

    def chosen(self) -> int:
        """Return the chosen year; this year in Sweden where none or a wrong one."""
        this_year = timezone.localdate().year
        if not self.is_bound or not self.is_valid():
            return this_year
        return self.cleaned_data["ar"] or this_year


# --- The wheel, drawn on the server ---

SIZE = 440
CENTRE = SIZE / 2
INNER, OUTER = 58, 200  # the month sectors' radii
LABEL_RADIUS = 186
RING_RADII = (84, 121, 158)  # meetings, follow-up, plans and decisions
# Marks closer than this along a ring move in or out, so that each stays visible and clickable.
MIN_GAP = 11
OFFSETS = (0, 12, -12, 6, -6, 17, -17)


@dataclass(frozen=True)
class Sector:
    """A month of the wheel: its slice and where its name stands."""

    path: str
    name: str
    label_x: str
    label_y: str
    shaded: bool


@dataclass(frozen=True)
class Mark:
    """An event on the wheel: its shape where it stands, a link to its page or its line."""

    event: Event
    shape: str  # an SVG path
    href: str


def _point(angle: float, radius: float) -> tuple[float, float]:
    """Return the point at the angle (0 at the top, clockwise) and radius."""
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def _angle(day: datetime.date) -> float:
    """Return the day's angle: the year round from 1 January at the top."""
    days = 366 if calendar.isleap(day.year) else 365
    return 2 * math.pi * (day.timetuple().tm_yday - 0.5) / days


def _sector(year: int, month: int) -> Sector:
    start = _angle(datetime.date(year, month, 1)) - math.pi / 365
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    end = _angle(last) + math.pi / 365
    (x1, y1), (x2, y2) = _point(start, OUTER), _point(end, OUTER)
    (x3, y3), (x4, y4) = _point(end, INNER), _point(start, INNER)
    path = (
        f"M{x1:.1f},{y1:.1f} A{OUTER},{OUTER} 0 0 1 {x2:.1f},{y2:.1f} "
        f"L{x3:.1f},{y3:.1f} A{INNER},{INNER} 0 0 0 {x4:.1f},{y4:.1f} Z"
    )
    label_x, label_y = _point((start + end) / 2, LABEL_RADIUS)
    name = str(MONTHS[month])[:3]
    return Sector(path, name, f"{label_x:.1f}", f"{label_y + 4:.1f}", month % 2 == 0)


def today_line(year: int) -> dict[str, str] | None:
    """Return the line from the centre out that marks today, in this year's wheel only."""
    today = timezone.localdate()
    if today.year != year:
        return None
    (x1, y1), (x2, y2) = _point(_angle(today), INNER), _point(_angle(today), OUTER)
    return {"x1": f"{x1:.1f}", "y1": f"{y1:.1f}", "x2": f"{x2:.1f}", "y2": f"{y2:.1f}"}


def wheel_marks(events: list[Event]) -> list[Mark]:
    """Place each event on its family's ring at its day, moved in or out from its neighbours."""
    placed: list[tuple[float, float]] = []
    marks = []
    for event in events:
        angle = _angle(event.date)
        radius = RING_RADII[event.family.ring]
        for offset in OFFSETS:
            x, y = _point(angle, radius + offset)
            if all(math.dist((x, y), p) >= MIN_GAP for p in placed):
                break
        placed.append((x, y))
        href = event.url or f"#{event.anchor}"
        marks.append(Mark(event, shape(event.family.mark, x, y), href))
    return marks


def months(year: int, events: list[Event]) -> list[tuple[str, str, list[Event]]]:
    """Return the twelve months with their ids and events, January first."""
    by_month: dict[int, list[Event]] = {m: [] for m in range(1, 13)}
    for event in events:
        by_month[event.date.month].append(event)
    return [(f"manad-{m}", capfirst(str(MONTHS[m])), by_month[m]) for m in range(1, 13)]


# --- The pages ---


def _render(
    request: HttpRequest, *, heading: str, name: str, events: list[Event], year: int, form, **extra
) -> HttpResponse:
    """Render the årshjul page: the heading, the wheel, the list month by month."""
    context = {
        "heading": heading,
        "name": name,
        "year": year,
        "form": form,
        "events": events,
        "months": months(year, events),
        "sectors": [_sector(year, m) for m in range(1, 13)],
        "marks": wheel_marks(events),
        "today": today_line(year),
        "families": FAMILIES.values(),
        "rings": RING_RADII,
        "ring_names": [str(label) for label in RINGS],
        "size": SIZE,
        "centre": int(CENTRE),
        "previous_year": year - 1 if year > 2000 else None,
        "next_year": year + 1 if year < 2100 else None,
        **extra,
    }
    return render(request, "year_wheel/year_wheel.html", context)


@require_GET
@login_required
def my_year_wheel(request: HttpRequest) -> HttpResponse:
    """Show her own year: her organisations' plans and follow-up, her bodies' meetings."""
    form = YearForm(request.GET or None)
    year = form.chosen()
    events = year_events(request.user, year=year)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return _render(
        request,
        heading=_("Mitt årshjul %(year)s") % {"year": year},
        name="",
        events=events,
        year=year,
        form=form,
        feed=feed,
        feed_open=feed_open(request.user),
        own=True,
    )


@require_GET
def organisation_year_wheel(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an organisation's year with its units: what the reader may see of it (for everyone
    its adopted plans, published follow-ups and public bodies' meetings)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    form = YearForm(request.GET or None)
    year = form.chosen()
    events = year_events(request.user, year=year, organisation=organisation)
    heading = _("Årshjul %(year)s") % {"year": year}
    return _render(
        request,
        heading=heading,
        name=organisation.name,
        events=events,
        year=year,
        form=form,
        subject=organisation,
    )


@require_GET
def plan_year_wheel(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a plan's year: its period, follow-up and the meetings that deal with it."""
    plan = get_object_or_404(visible_plans(request.user).select_related("owner"), pk=pk)
    form = YearForm(request.GET or None)
    year = form.chosen()
    events = year_events(request.user, year=year, plan=plan)
    heading = _("Årshjul %(year)s") % {"year": year}
    return _render(
        request, heading=heading, name=plan.title, events=events, year=year, form=form, plan=plan
    )


@require_GET
def body_year_wheel(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a body's year with its groups: meetings and notice deadlines. A public body's for
    everyone; another's for its readers, 404 for the rest (as if it did not exist)."""
    bodies = Body.objects.filter(Q(pk__in=readable_bodies(request.user)) | Q(is_public=True))
    body = get_object_or_404(bodies.select_related("organisation"), pk=pk)
    form = YearForm(request.GET or None)
    year = form.chosen()
    events = year_events(request.user, year=year, body=body)
    heading = _("Årshjul %(year)s") % {"year": year}
    body_page = readable_bodies(request.user).filter(pk=body.pk).exists()
    return _render(
        request,
        heading=heading,
        name=body.name,
        events=events,
        year=year,
        form=form,
        body=body,
        body_page=body_page,
    )


# --- Her private calendar of it ---


def feed_open(user: AnyUser) -> bool:
    """Return whether the user has an årshjul to subscribe to: an active account with a role,
    a seat or a body to manage."""
    if not user.is_authenticated or not user.is_active:
        return False
    return has_any_role(user) or calendar_feed_open(user=user, on=timezone.localdate())


def year_wheel_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Return her årshjul, last year to next, as a calendar, at her private address (no
    login); the address renewed or her roles and seats gone, it answers 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed_open(feed.user):
        raise Http404
    this_year = timezone.localdate().year
    first, last = datetime.date(this_year - 1, 1, 1), datetime.date(this_year + 1, 12, 31)
    events = period_events(feed.user, scope=year_scope(feed.user), first=first, last=last)
    base_url = f"{request.scheme}://{request.get_host()}"
    content = year_calendar(events=events, name=_("Mitt årshjul"), base_url=base_url)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="arshjul.ics"'
    # The address is the secret: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def year_wheel_feed_renew(request: HttpRequest) -> HttpResponse:
    """Give her a new private calendar address (the first, or in place of the old one)."""
    if not feed_open(request.user):
        raise Http404(_("Du har ingen roll, plats eller organ och därför inget årshjul."))
    calendar_feed_renew(user=request.user)
    messages.success(
        request,
        _(
            "Kalendern har en ny adress. En tidigare adress fungerar inte längre, varken för "
            "årshjulet eller för dina möten."
        ),
    )
    return redirect(reverse("year_wheel:mine") + "#kalender")
