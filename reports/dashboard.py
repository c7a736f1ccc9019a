"""A plan's dashboard (Översikt): the yearly follow-up's figures on one screen.

It shows what the follow-up PDF shows, from the same selector (`reports.documents`): the plan's
editors see the year's figures as they read now (`follow_up_figures`, the report's figures
without its cover, words and meetings; a fixed number of queries), everyone else the latest
published follow-up only (its frozen content), never a draft.
"""

import re
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from plans import permissions
from plans.models import Plan
from reports.documents import ASSESSMENT_MARKS, follow_up_figures
from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp
from reports.selectors import assessment_counts


@dataclass
class AreaCounts:
    """A top focus area with its measures (sub-areas' included) counted per assessment."""

    number: str
    title: str
    counts: list[int]
    total: int


@dataclass
class Dashboard:
    """What the page shows: the content it comes from, and the figures derived from it."""

    content: dict
    published: PublishedFollowUp | None
    year: int
    years: list[int]
    statuses: list[dict] = field(default_factory=list)
    areas: list[AreaCounts] = field(default_factory=list)
    unreported: list[dict] = field(default_factory=list)


def dashboard(*, plan: Plan, editor: bool, year: int | None) -> Dashboard | None:
    """Return the plan's dashboard for the year (the latest there is by default): the working
    figures for its editors, the published follow-up for everyone else; None without any."""
    published = PublishedFollowUp.objects.filter(plan=plan, replaced_by__isnull=True)
    published = published.defer("pdf", "docx")
    if editor:
        years = sorted(
            set(FollowUpRound.objects.filter(plan=plan).values_list("year", flat=True))
            | set(published.values_list("year", flat=True)),
            reverse=True,
        )
        if not years:
            return None
        chosen = year if year in years else years[0]
        content = follow_up_figures(plan=plan, year=chosen)
        shown = None
    else:
        by_year = {p.year: p for p in published.order_by("-year", "-published_at")}
        if not by_year:
            return None
        years = sorted(by_year, reverse=True)
        chosen = year if year in by_year else years[0]
        shown = by_year[chosen]
        content = shown.content
    board = Dashboard(content=content, published=shown, year=chosen, years=years)
    _derive(board)
    return board


def _derive(board: Dashboard) -> None:
    """Count the measures per assessment, per top focus area, and list those not reported."""
    content = board.content
    board.statuses = [
        {**s, "mark": ASSESSMENT_MARKS[s["status"]][0]} for s in content["summary"]["statuses"]
    ]
    order = [s["status"] for s in board.statuses]
    top: AreaCounts | None = None
    totals: dict[int, list[str]] = {}
    for area in content["areas"]:
        if area.get("depth", 0) == 0 or top is None:
            top = AreaCounts(area["number"], area["title"], [], 0)
            board.areas.append(top)
            totals[id(top)] = []
        totals[id(top)] += [m["status"] for m in area["measures"]]
        board.unreported += [m for m in area["measures"] if not m["status"]]
    for area in board.areas:
        counted = {c["status"]: c["count"] for c in assessment_counts(totals[id(area)])}
        area.counts = [counted[status] for status in order]
        area.total = sum(area.counts)


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the plan's dashboard to whoever reads the plan."""
    plan = get_object_or_404(permissions.visible_plans(request.user).select_related("owner"), pk=pk)
    editor = permissions.can_edit_plan(request.user, plan)
    year = request.GET.get("ar", "")
    chosen = int(year) if re.fullmatch(r"[0-9]{4}", year) else None
    board = dashboard(plan=plan, editor=editor, year=chosen)
    context = {
        "plan": plan,
        "board": board,
        "editor": editor,
        "today": timezone.localdate(),
        "status_choices": MeasureReport.Status,
    }
    return render(request, "reports/plan_dashboard.html", context)
