"""The yearly follow-up as a document: every figure it shows, gathered as plain values.

The content is JSON (numbers as strings where they are money or decimals), so publishing can
store exactly what the PDF showed and render it again a year later, whatever is edited since.
All queries happen here; the template and the renderer (folkhalsa/pdf.py) touch no records.
"""

import base64
from collections import Counter
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Meeting
from plans.models import Budget, FocusArea, Plan
from plans.selectors import budget_table, plan_budget_tables, plan_measures, plan_tree
from reports.models import FollowUpRound, MeasureReport
from reports.selectors import PERIOD_ORDER, REPORTED_STATES

# Statuses the summary lists as deviations from the plan.
DEVIATING = (MeasureReport.Status.DEVIATING, MeasureReport.Status.AT_RISK)
# The summary chart's colours; every bar also carries its label and count as text.
BAR_COLOURS = {
    "enligt_plan": "#1a7f37",
    "risk": "#b58900",
    "avviker": "#cf222e",
    "ej_paborjad": "#8c959f",
    "genomford": "#0969da",
    "avbruten": "#57606a",
    "": "#d0d7de",
}


def follow_up_document(*, plan: Plan, year: int) -> dict:
    """Return the content of the plan's follow-up for the year: JSON, ready to render."""
    measures = plan_measures(plan=plan)
    reports = _year_reports(plan=plan, year=year)
    rows = [_measure(m, reports.get(m.pk)) for m in measures]
    return {
        "plan": _plan(plan),
        "year": year,
        "period": _period_label(reports),
        "generated_on": timezone.localdate().isoformat(),
        "summary": _summary(rows),
        "deviations": [r for r in rows if r["status"] in DEVIATING],
        "areas": _areas(plan=plan, rows=rows, measures=measures),
        "budget": _budget(plan=plan, year=year),
        "meetings": _meetings(plan=plan, year=year),
    }


def _plan(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "kind": plan.get_kind_display(),
        "owner": plan.owner.name,
        "period": f"{plan.start_year}–{plan.end_year}",
        "adopted_by": plan.adopted_by,
        "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else "",
    }


def _year_reports(*, plan: Plan, year: int) -> dict[int, MeasureReport]:
    """Return each measure's report from the year's latest round, if submitted or accepted."""
    rounds = list(FollowUpRound.objects.filter(plan=plan, year=year))
    if not rounds:
        return {}
    latest = max(rounds, key=lambda r: PERIOD_ORDER[r.period])
    reports = MeasureReport.objects.filter(round=latest, state__in=REPORTED_STATES)
    return {r.measure_id: r for r in reports.select_related("round")}


def _period_label(reports: dict[int, MeasureReport]) -> str:
    report = next(iter(reports.values()), None)
    return report.round.get_period_display() if report else ""


def _measure(measure, report: MeasureReport | None) -> dict:
    owners = [r.organisation_path for r in measure.responsibilities.all() if r.role == "ansvarig"]
    return {
        "id": measure.pk,
        "code": measure.code,
        "title": measure.title,
        "focus_area_id": measure.focus_area_id,
        "owners": owners,
        "expected_result": measure.expected_result,
        "status": report.status if report else "",
        "status_label": report.get_status_display() if report else _("Ej rapporterad"),
        "progress": report.progress if report else "",
        "figure_reached": str(report.figure_reached) if report and report.figure_reached else "",
    }


def _summary(rows: list[dict]) -> dict:
    """Return the measures per status, in the scale's order, with a chart of them."""
    counts = Counter(row["status"] for row in rows)
    labels = dict(MeasureReport.Status.choices) | {"": _("Ej rapporterad")}
    statuses = [
        {"status": value, "label": str(labels[value]), "count": counts.get(value, 0)}
        for value in [*MeasureReport.Status.values, ""]
    ]
    return {"statuses": statuses, "total": len(rows), "chart": _status_chart(statuses)}


def _status_chart(statuses: list[dict]) -> str:
    """Return a bar chart of the statuses as an SVG data URI (its figures are in a table too)."""
    largest = max((s["count"] for s in statuses), default=0) or 1
    bars = []
    for index, s in enumerate(statuses):
        y = 6 + index * 26
        width = round(260 * s["count"] / largest)
        bars.append(
            f'<text x="0" y="{y + 14}" font-size="11">{_xml(s["label"])}</text>'
            f'<rect x="150" y="{y}" width="{width}" height="18" fill="{BAR_COLOURS[s["status"]]}"/>'
            f'<text x="{156 + width}" y="{y + 14}" font-size="11">{s["count"]}</text>'
        )
    height = 12 + 26 * len(statuses)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="460" height="{height}" '
        f'font-family="Source Sans 3, sans-serif">{"".join(bars)}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _areas(*, plan: Plan, rows: list[dict], measures: list) -> list[dict]:
    """Return the plan's focus areas in document order, each with its measures."""
    by_area: dict[int, list[dict]] = {}
    for row in rows:
        by_area.setdefault(row["focus_area_id"], []).append(row)
    return [
        {
            "id": area.pk,
            "number": area.full_number,
            "title": area.title,
            "depth": len(area.tree_path) - 1,
            "measures": by_area.get(area.pk, []),
        }
        for area in FocusArea.objects.of_plan(plan.pk)
    ]


def _money(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _budget(*, plan: Plan, year: int) -> dict | None:
    """Return the year's budget as lines × funders with totals, or None without one."""
    budget = Budget.objects.filter(plan=plan, year=year).first()
    if budget is None:
        return None
    table = budget_table(budget=budget)
    return {
        "title": budget.title,
        "funders": [f.organisation.name for f in table.funders],
        "rows": [
            {"name": line.name, "amounts": [_money(a) for a in amounts], "total": _money(total)}
            for line, amounts, total in table.rows
        ],
        "funder_totals": [_money(t) for t in table.funder_totals],
        "total": _money(table.total),
    }


def _meetings(*, plan: Plan, year: int) -> list[dict]:
    """Return the year's meetings that dealt with the plan or its measures, with those items."""
    held = (Meeting.Status.HELD, *Meeting.LOCKED_STATUSES)
    items = (
        AgendaItem.objects.filter(Q(plans=plan) | Q(measures__plan=plan))
        .filter(meeting__starts_at__year=year, meeting__status__in=held)
        .select_related("meeting__body")
        .order_by("meeting__starts_at", "order", "pk")
        .distinct()
    )
    meetings: dict[int, dict] = {}
    for item in items:
        meeting = item.meeting
        entry = meetings.setdefault(
            meeting.pk,
            {
                "body": meeting.body.name,
                "date": timezone.localtime(meeting.starts_at).date().isoformat(),
                "checked": meeting.is_locked,
                "items": [],
            },
        )
        entry["items"].append(
            {
                "paragraph": item.paragraph,
                "title": item.title,
                # Only checked minutes are quoted: until then the decision may still change.
                "decision": item.decision if meeting.is_locked else "",
            }
        )
    return list(meetings.values())


def status_changes(*, before: dict, after: dict) -> list[dict]:
    """Return the measures whose status differs between two follow-ups, in the later's order."""
    earlier = {m["id"]: m for area in before["areas"] for m in area["measures"]}
    changes = []
    for area in after["areas"]:
        for measure in area["measures"]:
            old = earlier.get(measure["id"])
            old_label = old["status_label"] if old else _("Fanns inte")
            if old is None or old["status"] != measure["status"]:
                changes.append({**measure, "before": old_label, "after": measure["status_label"]})
    return changes


def plan_document(*, plan: Plan) -> dict:
    """Return everything the plan document shows: the plan as its source document reads."""
    measures = plan_measures(plan=plan)
    return {
        "plan": plan,
        "tree": plan_tree(plan=plan, measures=measures),
        "target_areas": [str(t) for t in plan.target_areas.all()],
        "global_goals": [str(g) for g in plan.global_goals.all()],
        "budgets": plan_budget_tables(plan=plan),
    }
