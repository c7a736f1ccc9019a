"""The prioritisation as decision-makers read it: the resources-against-effect picture (an SVG
drawn on the server, with its table), the report as a PDF and every score as an Excel file."""

import base64
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from io import BytesIO

from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from folkhalsa.pdf import DOCUMENT_LANGUAGE, render_pdf
from folkhalsa.spreadsheets import append_text_safe
from plans.models import Candidate, Prioritisation, Round, Score
from plans.prioritisation.ranking import Row
from plans.prioritisation.selectors import (
    decided_items,
    quadrant,
    ranking,
    rounds_of,
    shortlist,
    weights_total,
)

# The grid: axis labels left and below, room above for the quadrant's name.
SIZE, MARGIN, TOP = 380, 56, 40
STEP = (SIZE - MARGIN - TOP) / 4


@dataclass(frozen=True)
class EffectRow:
    candidate: Candidate
    label: str
    quadrant: str


def _label(candidate: Candidate) -> str:
    return candidate.number or str(candidate.pk)


def effect_rows(shortlist: list[Candidate]) -> list[EffectRow]:
    """Return the shortlist as the picture's table reads it."""
    return [EffectRow(c, _label(c), quadrant(c)) for c in shortlist]


@dataclass(frozen=True)
class Picture:
    svg: SafeString
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def effect_picture(shortlist: list[Candidate]) -> Picture | None:
    """Draw the shortlisted candidates with both levels on a 5 × 5 grid: resources to the right,
    effect upwards; candidates on the same spot side by side. None when nothing is placed."""
    placed = [c for c in shortlist if c.resources_level and c.effect_level]
    if not placed:
        return None
    spots: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
    for candidate in placed:
        spots[(candidate.resources_level, candidate.effect_level)].append(candidate)
    bottom = SIZE - MARGIN

    def x(level: float) -> float:
        return MARGIN + (level - 1) * STEP

    def y(level: float) -> float:
        return bottom - (level - 1) * STEP

    title = _("Resurser mot förväntad effekt")
    # The quadrant to prioritise first, as `quadrant` names it: resources 1–3, effect 4–5.
    left, right = x(1) - 10, x(3) + STEP / 2
    upper, lower = y(5) - 10, y(4) + STEP / 2
    parts = [
        f'<title id="bild-rubrik">{escape(title)}</title>',
        f'<rect x="{left:.0f}" y="{upper:.0f}" width="{right - left:.0f}" '
        f'height="{lower - upper:.0f}" fill="#e6f2e6"/>',
        f'<text x="{left:.0f}" y="{upper - 8:.0f}" font-size="11">'
        f"{escape(_('Liten insats, stor effekt'))}</text>",
    ]
    for level in range(1, 6):
        parts.append(
            f'<line x1="{x(level):.0f}" y1="{y(1)}" x2="{x(level):.0f}" y2="{y(5)}" stroke="#bbb"/>'
        )
        parts.append(
            f'<line x1="{x(1)}" y1="{y(level):.0f}" x2="{x(5)}" y2="{y(level):.0f}" stroke="#bbb"/>'
        )
        parts.append(
            f'<text x="{x(level) - 3:.0f}" y="{bottom + 16}" font-size="11">{level}</text>'
        )
        parts.append(
            f'<text x="{MARGIN - 18}" y="{y(level) + 4:.0f}" font-size="11">{level}</text>'
        )
    parts.append(
        f'<text x="{x(3) - 40:.0f}" y="{bottom + 34}" font-size="12">'
        f"{escape(_('Resursinsats'))}</text>"
    )
    parts.append(
        f'<text x="14" y="{y(3):.0f}" font-size="12" transform="rotate(-90 14 {y(3):.0f})">'
        f"{escape(_('Förväntad effekt'))}</text>"
    )
    for (resources, effect), here in sorted(spots.items()):
        for i, candidate in enumerate(here):
            offset = (i - (len(here) - 1) / 2) * 18
            cx, cy = x(resources) + offset, y(effect)
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="8" fill="#1d4f91"/>')
            parts.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="9" fill="#fff" '
                f'text-anchor="middle">{escape(_label(candidate))}</text>'
            )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
        f'height="{SIZE}" font-family="Source Sans 3, sans-serif" role="img" '
        f'aria-labelledby="bild-rubrik" aria-describedby="bild-tabell">{"".join(parts)}</svg>'
    )
    alt = (
        title
        + ": "
        + "; ".join(
            _("%(label)s %(title)s: resurser %(resources)s, effekt %(effect)s")
            % {
                "label": _label(c),
                "title": c.title,
                "resources": c.resources_level,
                "effect": c.effect_level,
            }
            for c in placed
        )
    )
    return Picture(mark_safe(svg), alt)  # noqa: S308 - every text in it is escaped above


# The documents are Swedish records whatever the reader's choice (as folkhalsa.pdf renders them).
REPORT_TEMPLATE = "plans/prioritisation/report_pdf.html"
REPORT_VARIANT = "pdf/ua-1"
SCORE_WIDTHS = [9, 28, 24, 30, 40, 30, 7, 7, 50]
RANKING_WIDTHS = [10, 8, 30, 40, 10, 10, 10, 10]
ISO_DATE = "Y-m-d"


def _figure(value: Decimal | None) -> str:
    """Return a merged score as Swedes write it ("3,67"), or a dash when nobody scored it."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


def _weight(value: Decimal) -> str:
    """Return a weight without needless decimals ("2", "0,5")."""
    return f"{value.normalize():f}".replace(".", ",")


def _date(value: date | datetime | None, style: str = "j F Y") -> str:
    """Return the date as Swedes write it ("20 maj 2025"; in tables "2025-05-20")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, style)


def _rank(row: Row) -> str:
    """Return the place as the table shows it: "2 (delad)" for a tie, a dash when unranked."""
    if row.rank is None:
        return "–"
    return _("%(rank)s (delad)") % {"rank": row.rank} if row.tied else str(row.rank)


def _method_words(method: str) -> str:
    """Return how the ranking merges the scores, in words."""
    if method == Prioritisation.Method.MEDIAN:
        return _(
            "Median: varje bedömares poäng på ett åtgärdsområde vägs först samman till ett viktat "
            "medelvärde över kriterierna, med kriteriernas vikter. Åtgärdsområdets värde är "
            "medianen av bedömarnas viktade medelvärden; värdet per kriterium är medianen av "
            "bedömarnas poäng på kriteriet."
        )
    return _(
        "Viktat medelvärde: varje bedömares poäng på ett åtgärdsområde vägs först samman till "
        "ett viktat medelvärde över kriterierna, med kriteriernas vikter. Åtgärdsområdets värde "
        "är medelvärdet av bedömarnas viktade medelvärden; värdet per kriterium är medelvärdet "
        "av bedömarnas poäng på kriteriet."
    )


def _rows(rows: list[Row], candidates: dict[int, Candidate], themes: dict[int, str]) -> list[dict]:
    return [
        {
            "rank": _rank(row),
            "candidate": str(candidates[row.candidate]),
            "theme": themes.get(row.theme, ""),
            "value": _figure(row.value),
            "by_criterion": [_figure(v) for v in row.by_criterion],
            "lowest": _figure(row.lowest),
            "highest": _figure(row.highest),
            "spread": "–"
            if row.lowest is None
            else f"{_figure(row.lowest)}–{_figure(row.highest)}",
            "raters": row.raters,
        }
        for row in rows
    ]


def _shortlisted(candidate: Candidate) -> dict:
    return {
        "label": _label(candidate),
        "title": candidate.title,
        "theme": str(candidate.theme),
        "consequence_adopt": candidate.consequence_adopt,
        "consequence_nothing": candidate.consequence_nothing,
        "resources": candidate.resources,
        "resources_level": candidate.resources_level or "–",
        "effect": candidate.effect,
        "effect_level": candidate.effect_level or "–",
        "quadrant": quadrant(candidate),
    }


def _plan_item(candidate: Candidate) -> dict:
    if candidate.focus_area_id:
        item, kind = candidate.focus_area, _("Fokusområde")
        name = f"{item.number} {item.title}".strip()
    else:
        item, kind = candidate.measure, _("Insats")
        name = f"{item.code} {item.title}".strip()
    return {"candidate": str(candidate), "kind": kind, "item": name, "plan": item.plan.title}


def _rounds(prioritisation: Prioritisation) -> list[dict]:
    return [
        {
            "number": r.number,
            "title": r.title,
            "status": r.get_status_display(),
            "closed": r.status == Round.Status.CLOSED,
            "raters": r.rater_count,
            "candidates": r.candidate_count,
            "opened_on": _date(r.opened_at, ISO_DATE),
            "due_on": _date(r.due_on, ISO_DATE),
            "closed_on": _date(r.closed_at, ISO_DATE),
        }
        for r in rounds_of(prioritisation)
    ]


def report_content(prioritisation: Prioritisation) -> dict:
    """Return everything the report shows as plain values, in Swedish, in a fixed number of
    queries whatever its size. Only closed rounds' scores are in it (`selectors.ranking`)."""
    with translation.override(DOCUMENT_LANGUAGE):
        result = ranking(prioritisation)
        themes = {t.theme.pk: str(t.theme) for t in result.themes}
        chosen = shortlist(prioritisation)
        picture = effect_picture(chosen)
        return {
            "title": prioritisation.title,
            "owner": prioritisation.owner.name,
            "description": prioritisation.description,
            "generated_on": _date(timezone.localdate()),
            "scale": {"low": prioritisation.scale_min, "high": prioritisation.scale_max},
            "method": str(Prioritisation.Method(result.method).label),
            "method_words": _method_words(result.method),
            "criteria": [
                {"name": c.name, "description": c.description, "weight": _weight(c.weight)}
                for c in result.criteria
            ],
            "weights_total": _weight(weights_total(result.criteria)),
            "rounds": _rounds(prioritisation),
            "themes": [
                {
                    "title": str(t.theme),
                    "rows": _rows(t.rows, result.candidates, themes),
                    "pattern": t.pattern.words,
                }
                for t in result.themes
            ],
            "overall": _rows(result.overall, result.candidates, themes),
            "shortlist": [_shortlisted(c) for c in chosen],
            "picture": {"src": picture.data_uri, "alt": picture.alt} if picture else None,
            "decision": _decision(prioritisation),
        }


def _decision(prioritisation: Prioritisation) -> dict | None:
    if not prioritisation.is_decided:
        return None
    return {
        "by": prioritisation.decided_by,
        "on": _date(prioritisation.decided_on),
        "reference": prioritisation.decision_reference,
        "items": [_plan_item(c) for c in decided_items(prioritisation)],
    }


def report_pdf(prioritisation: Prioritisation) -> bytes:
    """Return the prioritisation as an accessible PDF (PDF/UA-1) for the decision-makers."""
    return render_pdf(
        template_name=REPORT_TEMPLATE,
        context=report_content(prioritisation),
        variant=REPORT_VARIANT,
    )


def _rater_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _score_rows(prioritisation: Prioritisation) -> list[list]:
    """Return every score of the closed rounds as the sheet's rows (one query)."""
    scores = (
        Score.objects.filter(
            rating__rater__round__prioritisation=prioritisation,
            rating__rater__round__status=Round.Status.CLOSED,
        )
        .select_related(
            "criterion", "rating__candidate__theme", "rating__rater__round", "rating__rater__user"
        )
        .order_by(
            "rating__rater__round__number",
            "rating__rater_id",
            "rating__candidate__theme__number",
            "rating__candidate_id",
            "criterion__order",
            "criterion_id",
        )
    )
    rows = []
    for score in scores:
        rating, rater = score.rating, score.rating.rater
        user = rater.user
        rows.append(
            [
                rater.round.number,
                _rater_name(user.first_name, user.last_name, user.username),
                rater.capacity,
                str(rating.candidate.theme),
                str(rating.candidate),
                score.criterion.name,
                score.criterion.weight,
                score.value,
                rating.comment,
            ]
        )
    return rows


def _ranking_rows(prioritisation: Prioritisation) -> list[list]:
    """Return the overall ranking as the sheet's rows (five queries)."""
    result = ranking(prioritisation)
    themes = {t.theme.pk: str(t.theme) for t in result.themes}
    return [
        [
            row.rank,
            _("Ja") if row.tied else _("Nej"),
            themes.get(row.theme, ""),
            str(result.candidates[row.candidate]),
            row.value,
            row.lowest,
            row.highest,
            row.raters,
        ]
        for row in result.overall
    ]


def _sheet(sheet: Worksheet, headers: list[str], rows: list[list], widths: list[int]) -> None:
    """Fill the sheet: its texts kept text (never formulas), the header bold and frozen."""
    append_text_safe(sheet, headers)
    for row in rows:
        append_text_safe(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def scores_workbook(prioritisation: Prioritisation) -> bytes:
    """Return every score of the closed rounds and the overall ranking as an .xlsx."""
    book = Workbook()
    scores = book.active
    scores.title = _("Poäng")
    headers = [
        _("Omgång"),
        _("Bedömare"),
        _("I egenskap av"),
        _("Temaområde"),
        _("Åtgärdsområde"),
        _("Kriterium"),
        _("Vikt"),
        _("Poäng"),
        _("Kommentar"),
    ]
    _sheet(scores, headers, _score_rows(prioritisation), SCORE_WIDTHS)
    places = book.create_sheet(_("Rangordning"))
    headers = [
        _("Placering"),
        _("Delad"),
        _("Temaområde"),
        _("Åtgärdsområde"),
        _("Värde"),
        _("Lägst"),
        _("Högst"),
        _("Bedömare"),
    ]
    _sheet(places, headers, _ranking_rows(prioritisation), RANKING_WIDTHS)
    book.properties.title = prioritisation.title
    book.properties.language = "sv-SE"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
