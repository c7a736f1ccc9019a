"""The yearly follow-up as a document: every figure it shows, gathered as plain values.

The content is JSON (numbers as strings where they are money or decimals), so publishing can
store exactly what the PDF showed and render it again a year later, whatever is edited since.
All queries happen here; the template and the renderer (folkhalsa/pdf.py) touch no records.
"""

import base64
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import AgendaItem, Meeting
from plans.models import Budget, FocusArea, Measure, Organisation, Plan, Responsibility
from plans.selectors import budget_table, plan_budget_tables, plan_measures, plan_tree
from reports.models import (
    FollowUpRound,
    FollowUpText,
    Indicator,
    IndicatorValue,
    MeasureReport,
    Sex,
    Source,
)
from reports.selectors import (
    PERIOD_ORDER,
    REPORTED_STATES,
    assessment_counts,
    format_figure,
    indicator_table,
)

# The gap between women and men that the report lists unless the strategist sets another.
DEFAULT_GAP = Decimal(5)
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
# An assessment's mark: a shape of its own (a character, so it is read as text) and a colour that
# reads against white, in the PDF (static/css/pdf.css has the same colours) and in Word.
ASSESSMENT_MARKS = {
    "enligt_plan": ("●", "1A7F37"),
    "risk": ("▲", "8A5A00"),
    "avviker": ("■", "B3141F"),
    "ej_paborjad": ("○", "4A525A"),
    "genomford": ("◆", "0858B8"),
    "avbruten": ("▬", "4A525A"),
    "": ("□", "4A525A"),
}


def follow_up_document(*, plan: Plan, year: int, gap: Decimal = DEFAULT_GAP) -> dict:
    """Return the content of the plan's follow-up for the year: JSON, ready to render.

    `gap` is the difference between women and men (in each indicator's unit) from which the
    report lists it as a deviation.
    """
    text = FollowUpText.objects.filter(plan=plan, year=year).first()
    analyses = {a.focus_area_id: a for a in text.areas.all()} if text is not None else {}
    return {
        **follow_up_figures(plan=plan, year=year, gap=gap, analyses=analyses),
        "assessment": text.summary if text is not None else "",
        "decision": _decision(text),
        "plan": _plan(plan),
        "generated_on": timezone.localdate().isoformat(),
        "meetings": _meetings(plan=plan, year=year),
    }


def follow_up_figures(
    *, plan: Plan, year: int, gap: Decimal = DEFAULT_GAP, analyses: dict | None = None
) -> dict:
    """Return the follow-up's figures for the year: the measures per assessment and focus area,
    the deviations, the indicators and the budget against its outcome. The report adds its
    cover, words and meetings (`follow_up_document`); a plan's dashboard shows these alone."""
    measures = plan_measures(plan=plan, details=False)
    reports = _year_reports(plan=plan, year=year)
    rows = [_measure(m, reports.get(m.pk)) for m in measures]
    indicators, indicator_deviations = _indicators(plan=plan, year=year, gap=gap)
    return {
        "gap": str(gap),
        "indicators": indicators,
        "indicator_deviations": indicator_deviations,
        "year": year,
        "period": _period_label(reports),
        "summary": _summary(rows),
        "deviations": [r for r in rows if r["status"] in DEVIATING],
        "areas": _areas(plan=plan, rows=rows, measures=measures, analyses=analyses or {}),
        "budget": _budget(plan=plan, year=year),
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
        "logo": organisation_logo(plan.owner),
    }


def organisation_logo(organisation: Organisation) -> str:
    """Return the logo of the organisation, or of the nearest one above it with a logo, as a
    data URI (so a published report keeps the logo it was published with); "" when none."""
    ancestors = Organisation.objects.ancestors(organisation, include_self=True)
    holder = ancestors.exclude(logo="").order_by("-tree_depth").first()
    if holder is None:
        return ""
    try:
        with holder.logo.open("rb") as file:
            content = file.read()
    except OSError:  # the file is gone from storage: the cover goes without it
        return ""
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/svg+xml"
    return f"data:{mime};base64," + base64.b64encode(content).decode()


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
    actors = measure.responsibilities.all()
    owners = [r.organisation_path for r in actors if r.role in Responsibility.OWNER_ROLES]
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
    statuses = assessment_counts(row["status"] for row in rows)
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


def _areas(*, plan: Plan, rows: list[dict], measures: list, analyses: dict) -> list[dict]:
    """Return the plan's focus areas in document order, each with its measures and the
    strategist's analysis of it (empty texts where she wrote none)."""
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
            "analysis": _analysis(analyses.get(area.pk)),
        }
        for area in FocusArea.objects.of_plan(plan.pk)
    ]


def _decision(text) -> dict:
    """Return the decision the report goes with, as the cover names it (empty where none)."""
    if text is None:
        return {}
    decision = {
        "case_number": text.case_number,
        "received_by": text.received_by,
        "received_on": text.received_on.isoformat() if text.received_on else "",
    }
    return decision if any(decision.values()) else {}


def _analysis(analysis) -> dict:
    """Return a focus area's analysis as the report prints it: only the texts she wrote."""
    if analysis is None:
        return {}
    texts = {
        "went_well": analysis.went_well,
        "deviations": analysis.deviations,
        "next_steps": analysis.next_steps,
    }
    return {key: text for key, text in texts.items() if text.strip()}


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
        "outcome": _outcome(table) if table.has_outcome else None,
        "grants": [
            {
                "funder": f.organisation.name,
                "rate": str(f.rate_per_inhabitant),
                "population": str(f.population),
                "share": f.paid_share,
                "grant": str(f.grant),
            }
            for f in table.grants
        ],
    }


def _outcome(table) -> dict:
    """Return the outcome beside the budget: per line and per funder, with the differences."""

    def cell(budget: Decimal | None, outcome: Decimal | None) -> dict:
        difference = None if outcome is None else outcome - (budget or Decimal(0))
        return {
            "budget": _money(budget),
            "outcome": _money(outcome),
            "difference": _money(difference),
        }

    def summed(cells) -> tuple[Decimal, Decimal | None]:
        outcomes = [c.outcome for c in cells if c.outcome is not None]
        budget = sum((c.budget or Decimal(0) for c in cells), Decimal(0))
        return budget, (sum(outcomes, Decimal(0)) if outcomes else None)

    lines = [{"name": line.name, **cell(*summed(cells))} for line, cells in table.outcome_rows]
    funders = [
        {"name": funder.organisation.name, **cell(total.budget, total.outcome)}
        for funder, total in zip(table.funders, table.outcome_totals, strict=True)
    ]
    return {
        "lines": lines,
        "funders": funders,
        "total": cell(*summed(table.outcome_totals)),
        "demo": table.outcome_is_demo,
    }


def plan_agenda_items(*, plan: Plan) -> QuerySet:
    """Return the ids of the agenda items linking the plan or one of its measures: a union of
    two lookups on the links' indexed columns, not a join of every item to every measure."""
    by_plan = AgendaItem.plans.through.objects.filter(plan=plan).values("agendaitem_id")
    by_measure = AgendaItem.measures.through.objects.filter(measure__plan=plan)
    return by_plan.union(by_measure.values("agendaitem_id"))


def plan_indicators(*, plan: Plan) -> QuerySet:
    """Return the ids of the indicators linked to the plan's focus areas or measures (a union
    of two indexed lookups, as `plan_agenda_items`)."""
    by_area = Indicator.focus_areas.through.objects.filter(focusarea__plan=plan)
    by_measure = Indicator.measures.through.objects.filter(measure__plan=plan)
    return by_area.values("indicator_id").union(by_measure.values("indicator_id"))


def _meetings(*, plan: Plan, year: int) -> list[dict]:
    """Return the year's meetings that dealt with the plan or its measures, with those items.

    The report is public once published: only checked minutes of public bodies are quoted, and
    only bodies of the plan's owner and its units, which every editor of the plan reads (an item
    of another organisation's body linking the plan prints nothing here).
    """
    owners = Organisation.objects.below([plan.owner_id]).values_list("pk", flat=True)
    items = (
        AgendaItem.objects.filter(pk__in=plan_agenda_items(plan=plan))
        .filter(meeting__starts_at__year=year, meeting__status__in=Meeting.LOCKED_STATUSES)
        .filter(meeting__body__is_public=True, meeting__body__organisation__in=list(owners))
        .select_related("meeting__body")
        .order_by("meeting__starts_at", "order", "pk")
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
                "decision": item.decision,
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


def indicator_changes(*, before: dict, after: dict) -> dict:
    """Return the indicators whose figure moved between two follow-ups, each report's figure for
    its own year, judged by the indicator's direction; and how many stood still."""
    earlier = {i["id"]: _year_row(i, before["year"]) for i in before.get("indicators", [])}
    moved, unchanged = [], 0
    for indicator in after.get("indicators", []):
        old, new = earlier.get(indicator["id"], {}), _year_row(indicator, after["year"])
        if not (old.get("total") or new.get("total")):
            continue
        if old.get("total") == new.get("total"):
            unchanged += 1
            continue
        moved.append(_indicator_move(indicator, old, new))
    better = sum(m["verdict"] == _("Bättre") for m in moved)
    worse = sum(m["verdict"] == _("Sämre") for m in moved)
    return {"moved": moved, "unchanged": unchanged, "better": better, "worse": worse}


def _year_row(indicator: dict, year: int) -> dict:
    """Return the indicator's row of figures for the year in a report ({} when it has none)."""
    return next((r for r in indicator["rows"] if r["year"] == year), {})


def _indicator_move(indicator: dict, old: dict, new: dict) -> dict:
    """Return one moved indicator: both years' figures (women and men too), the change and
    whether it is better or worse, in words (never by colour alone)."""
    move = {
        "name": indicator["name"],
        "demo": indicator.get("demo", False),
        "unit": indicator["unit"],
        "before": _figures(old),
        "after": _figures(new),
        "change": "",
        "verdict": _("Nytt värde") if not old.get("total") else _("Värde saknas"),
    }
    if old.get("total") and new.get("total"):
        difference = Decimal(new["total"]) - Decimal(old["total"])
        move["change"] = ("+" if difference > 0 else "−") + format_figure(abs(difference))
        higher = indicator.get("higher_is_better")  # absent in follow-ups published before it
        better = difference > 0 if higher else difference < 0
        move["verdict"] = _("Ändrad") if higher is None else _("Bättre") if better else _("Sämre")
    return move


def _figures(row: dict) -> str:
    """Return a year's total with women and men where split, as Swedish text: "61 (K 54, M 68)"."""
    if not row.get("total"):
        return "–"
    shown = format_figure(Decimal(row["total"]))
    if row.get("women") and row.get("men"):
        shown += _(" (K %(women)s, M %(men)s)") % {
            "women": format_figure(Decimal(row["women"])),
            "men": format_figure(Decimal(row["men"])),
        }
    return shown


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


def _figure(cell) -> str:
    """Return a table cell's value as stored text ("" when none, "saknas" marked apart)."""
    return "" if cell.value is None else str(cell.value)


def _indicators(*, plan: Plan, year: int, gap: Decimal) -> tuple[list[dict], list[dict]]:
    """Return the plan's indicators for the report, and the deviations their figures show."""
    indicators = list(
        Indicator.objects.filter(pk__in=plan_indicators(plan=plan))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.filter(tertial__isnull=True).order_by(
                    "year", "area_code"
                ),
            ),
            "targets",
            Prefetch("focus_areas", queryset=FocusArea.objects.filter(plan=plan)),
            Prefetch("measures", queryset=Measure.objects.filter(plan=plan)),
        )
        .order_by("name", "pk")
    )
    shown, deviations = [], []
    for indicator in indicators:
        values, targets = list(indicator.values.all()), list(indicator.targets.all())
        table = indicator_table(indicator=indicator, values=values, targets=targets)
        entry = _indicator(indicator, table, year)
        # Invented figures (the demo) are marked as such, and never credited to Kolada.
        entry["demo"] = any(v.is_demo for v in values) or any(t.is_demo for t in targets)
        # Where real figures came from: Kolada's key figure and when it was fetched.
        fetched = [v.imported_at for v in values if v.imported_at and not v.is_demo]
        entry["kpi"] = indicator.kolada_kpi
        entry["fetched_on"] = timezone.localdate(max(fetched)).isoformat() if fetched else ""
        entry["survey"] = indicator.survey
        entry["survey_credit"] = survey_credit(indicator, values, table, year)
        shown.append(entry)
        found = indicator_deviations(entry, table, year, gap)
        if entry["demo"]:
            for deviation in found:
                deviation["kind"] = _("Demo: %(kind)s") % {"kind": deviation["kind"]}
        deviations += found
    return shown, deviations


def _survey_rounds(indicator: Indicator, values: list, table, year: int | None) -> list[dict]:
    """Return each year the survey gave the indicator's own area figures, up to the report's,
    with how many answered (n) and the response rate where the source says: the total's, else
    women and men added up when both are known."""
    if indicator.source != Source.SURVEY or table.area is None:
        return []
    own = [
        v
        for v in values
        if v.area_code == table.area.code and (year is None or v.year <= year) and not v.tertial
    ]
    rounds = []
    for survey_year in sorted({v.year for v in own}):
        of_year = [v for v in own if v.year == survey_year]
        total = next((v for v in of_year if v.sex == Sex.TOTAL), None)
        by_sex = [v.respondents for v in of_year if v.sex != Sex.TOTAL]
        if total is not None and total.respondents is not None:
            respondents = total.respondents
        elif len(by_sex) == 2 and None not in by_sex:
            respondents = sum(by_sex)
        else:
            respondents = None
        rates = [v.response_rate for v in (total, *of_year) if v and v.response_rate is not None]
        rounds.append(
            {
                "year": survey_year,
                "respondents": respondents,
                "response_rate": str(rates[0]) if rates else "",
            }
        )
    return rounds


def survey_credit(indicator: Indicator, values: list, table, year: int | None = None) -> str:
    """Return the indicator's survey named with its years up to `year` (all when None), n and
    response rate where known: "Liv och hälsa ung 2018 och 2020 (n = 312, svarsfrekvens 78 %)"."""
    survey = indicator.survey
    if not survey:
        return ""
    rounds = _survey_rounds(indicator, values, table, year)
    parts = []
    for round_ in rounds:
        facts = []
        if round_["respondents"] is not None:
            facts.append(_("n = %(n)s") % {"n": format_figure(Decimal(round_["respondents"]))})
        if round_["response_rate"]:
            rate = format_figure(Decimal(round_["response_rate"]))
            facts.append(_("svarsfrekvens %(rate)s %%") % {"rate": rate})
        parts.append(f"{round_['year']} ({', '.join(facts)})" if facts else str(round_["year"]))
    if not parts:
        return survey
    years = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _(" och ") + parts[-1]
    return f"{survey} {years}"


def indicator_chart(indicator: Indicator, table) -> tuple[str, str]:
    """Return the indicator's trend chart over every year of its table, as the follow-up draws
    it (an SVG data URI), and its text alternative naming every figure; ("", "") when none."""
    if not table.rows:
        return "", ""
    entry = _indicator(indicator, table, max(row.year for row in table.rows))
    return entry["chart"], entry["alt"]


def _indicator(indicator: Indicator, table, year: int) -> dict:
    """Return one indicator as the report shows it: its table, chart and where it belongs."""
    rows = [r for r in table.rows if r.year <= year]  # every year there is data, up to the report's
    areas = {a.pk for a in indicator.focus_areas.all()} | {
        m.focus_area_id for m in indicator.measures.all()
    }
    entry = {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.get_direction_display(),
        "higher_is_better": indicator.direction == Indicator.Direction.HIGHER,
        "source": indicator.get_source_display(),
        "kolada": indicator.is_from_kolada,
        "split_by_sex": indicator.split_by_sex,
        "women_label": indicator.women_label or _("Kvinnor"),
        "men_label": indicator.men_label or _("Män"),
        "area": table.area.name if table.area else "",
        "comparisons": [a.name for a in table.comparisons],
        "focus_area_ids": sorted(areas),
        "rows": [
            {
                "year": r.year,
                "women": _figure(r.women),
                "men": _figure(r.men),
                "total": _figure(r.total),
                "target": _figure(r.target),
                "comparisons": [_figure(c) for c in r.comparisons],
            }
            for r in rows
        ],
    }
    entry["chart"], entry["alt"] = _indicator_chart(entry, year)
    return entry


# The trend chart's series: colour and dash, so that none is told by colour alone (each line
# also carries its label at its end, and the figures are in the table beside it).
SERIES_STYLES = {
    "women": ("#7b3294", "6 3"),
    "men": ("#008837", "2 2"),
    "total": ("#0969da", ""),
    "target": ("#57606a", "8 4"),
}
COMPARISON_STYLE = ("#8c959f", "1 3")


def _series(entry: dict) -> list[tuple[str, list[tuple[int, Decimal]], tuple[str, str]]]:
    """Return each series of the indicator as (label, [(year, value)], style), empty ones left
    out: women, men, total, target, then the county and the country."""
    named = [
        (entry.get("women_label") or _("Kvinnor"), "women"),
        (entry.get("men_label") or _("Män"), "men"),
        (_("Totalt"), "total"),
        (_("Mål"), "target"),
    ]
    series = [
        (
            label,
            [(r["year"], Decimal(r[key])) for r in entry["rows"] if r[key] != ""],
            SERIES_STYLES[key],
        )
        for label, key in named
    ]
    series += [
        (
            name,
            [
                (r["year"], Decimal(r["comparisons"][i]))
                for r in entry["rows"]
                if r["comparisons"][i] != ""
            ],
            COMPARISON_STYLE,
        )
        for i, name in enumerate(entry["comparisons"])
    ]
    return [s for s in series if s[1]]


def _indicator_chart(entry: dict, year: int) -> tuple[str, str]:
    """Return a line chart of the indicator over every year there is data (women, men, total,
    target, the county and the country) and its text alternative; the same figures are in the
    table beside it."""
    series = _series(entry)
    if not series:
        return "", ""
    years = sorted({y for _, points, _ in series for y, _ in points})
    values = [v for _, points, _ in series for _, v in points]
    low, high = min(values), max(values)
    pad = (high - low) * Decimal("0.1") or abs(high) * Decimal("0.1") or Decimal(1)
    low, high = low - pad, high + pad
    left, top, width, height = 40, 10, 300, 140

    def x(y: int) -> float:
        if len(years) == 1:
            return left + width / 2
        return left + width * (years.index(y) / (len(years) - 1))

    def yy(v: Decimal) -> float:
        return top + height - float((v - low) / (high - low)) * height

    bottom, tenth = top + height, Decimal("0.1")
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{left + width}" y2="{bottom}" stroke="#444"/>',
        f'<text x="0" y="{top + 8}" font-size="9">{_xml(_number(high.quantize(tenth)))}</text>',
        f'<text x="0" y="{bottom}" font-size="9">{_xml(_number(low.quantize(tenth)))}</text>',
    ]
    parts += [
        f'<text x="{x(y) - 10:.1f}" y="{top + height + 14}" font-size="9">{y}</text>' for y in years
    ]
    for label, points, (colour, dash) in series:
        coords = " ".join(f"{x(y):.1f},{yy(v):.1f}" for y, v in points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        parts += [
            f'<circle class="point" cx="{x(y):.1f}" cy="{yy(v):.1f}" r="2.5" fill="{colour}"/>'
            for y, v in points
        ]
        last_year, last_value = points[-1]
        parts.append(
            f'<text x="{left + width + 8}" y="{yy(last_value) + 3:.1f}" font-size="9" '
            f'fill="{colour}">{_xml(label[:24])} {_xml(_number(last_value))}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="460" height="{top + height + 24}" '
        f'font-family="Source Sans 3, sans-serif">{"".join(parts)}</svg>'
    )
    alt = _("%(name)s %(first)s–%(last)s: ") % {
        "name": entry["name"],
        "first": years[0],
        "last": years[-1],
    } + "; ".join(
        f"{label} " + ", ".join(f"{y} {_number(v)}" for y, v in points)
        for label, points, _style in series
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), alt


def _number(value: Decimal) -> str:
    return format_figure(value)


def _worse(a: Decimal, b: Decimal, direction: str) -> bool:
    """Return whether figure a is worse than b for an indicator with the given direction."""
    return a < b if direction == Indicator.Direction.HIGHER else a > b


def indicator_deviations(entry: dict, table, year: int, gap: Decimal) -> list[dict]:
    """Return what the year's figures show without anyone asking: targets missed, worse than
    last year, worse than the county or the country, a gap between women and men."""
    rows = {r.year: r for r in table.rows}
    row, last = rows.get(year), rows.get(year - 1)
    if row is None or row.total.value is None:
        return []
    direction, value = table.indicator.direction, row.total.value
    name, found = entry["name"], []

    def add(kind: str, text: str) -> None:
        found.append({"indicator": name, "kind": kind, "text": text})

    unit = f" {entry['unit']}" if entry.get("unit") else ""
    figures = {"name": name, "unit": unit, "year": year, "value": _number(value)}
    if row.target.value is not None and _worse(value, row.target.value, direction):
        side = _("under") if direction == Indicator.Direction.HIGHER else _("över")
        add(
            _("Målet nås inte"),
            _("%(name)s var %(value)s%(unit)s %(year)s och är %(side)s målet %(target)s.")
            % {**figures, "side": side, "target": _number(row.target.value)},
        )
    if last and last.total.value is not None and _worse(value, last.total.value, direction):
        moved = _("steg") if value > last.total.value else _("sjönk")
        add(
            _("Sämre än året före"),
            _("%(name)s %(moved)s från %(before)s till %(value)s%(unit)s %(year)s.")
            % {**figures, "moved": moved, "before": _number(last.total.value)},
        )
    for area, cell in zip(table.comparisons, row.comparisons, strict=True):
        if cell.value is not None and _worse(value, cell.value, direction):
            add(
                _("Sämre än %(area)s") % {"area": area.name},
                _(
                    "%(name)s var %(value)s%(unit)s %(year)s, sämre än %(area)s, där värdet "
                    "var %(other)s."
                )
                % {**figures, "area": area.name, "other": _number(cell.value)},
            )
    if row.women.value is not None and row.men.value is not None:
        difference = abs(row.women.value - row.men.value)
        if difference > gap:
            add(
                _("Skillnad mellan kvinnor och män"),
                _(
                    "Kvinnor låg på %(women)s och män på %(men)s%(unit)s %(year)s: en skillnad på "
                    "%(difference)s, mer än de %(gap)s rapporten redovisar från."
                )
                % {
                    **figures,
                    "women": _number(row.women.value),
                    "men": _number(row.men.value),
                    "difference": _number(difference),
                    "gap": _number(gap),
                },
            )
    return found
