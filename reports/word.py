"""The yearly follow-up as an editable Word file (.docx), from the same content as the PDF
(`reports.documents.follow_up_document`, or what was published): the form a case handler
attaches to a tjänsteskrivelse. Built with Word's own styles (Title, Heading 1–3, List Bullet,
Table Grid), never direct formatting, so the municipality's template restyles it."""

import base64
from io import BytesIO

import cairosvg
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from docx.table import _Cell

from reports.documents import ASSESSMENT_MARKS
from reports.templatetags.documents import iso_date, kronor, number, own_names

# A chart's width on the page and the pixels per millimetre it is drawn with (about 200 dpi).
CHART_WIDTH_MM = 140
CHART_PIXELS_PER_MM = 8


def follow_up_docx(*, content: dict) -> bytes:
    """Return the follow-up as a .docx: cover facts, summary, focus areas with their analysis
    and measures, indicators, budget."""
    document = Document()
    plan, year = content["plan"], content["year"]
    _properties(document, content)
    _logo(document, plan)
    document.add_paragraph(plan["owner"])
    document.add_heading(
        _("Uppföljning %(year)s: %(title)s") % {"year": year, "title": plan["title"]}, level=0
    )
    _facts(document, content)

    document.add_heading(_("Sammanfattning"), level=1)
    if content.get("assessment"):
        document.add_heading(_("Sammanfattande bedömning"), level=2)
        _paragraphs(document, content["assessment"])
    summary = content["summary"]
    _chart(
        document,
        summary["chart"],
        _("Stapeldiagram över insatserna per bedömning")
        + ": "
        + ", ".join(f"{s['label']} {s['count']}" for s in summary["statuses"])
        + ".",
    )
    _table(
        document,
        _("Insatser per bedömning"),
        [_("Bedömning"), _("Antal")],
        [[s["label"], str(s["count"])] for s in summary["statuses"]]
        + [[_("Totalt"), str(summary["total"])]],
    )
    document.add_heading(_("Avvikelser"), level=2)
    if content["deviations"]:
        table = _table(
            document,
            _("Insatser som avviker eller riskerar att avvika"),
            [_("Insats"), _("Bedömning"), _("Ansvarig")],
        )
        marks = _mark_styles(document)
        for measure in content["deviations"]:
            _measure_row(table, measure, marks)
    else:
        document.add_paragraph(_("Ingen insats avviker från planen."))
    if content.get("indicator_deviations"):
        document.add_heading(_("Vad indikatorerna visar"), level=2)
        for deviation in content["indicator_deviations"]:
            document.add_paragraph(
                f"{deviation['indicator']}: {deviation['kind']}. {deviation['text']}",
                style="List Bullet",
            )

    for area in content["areas"]:
        _area(document, area, content.get("indicators", []))
    if content.get("budget"):
        _budget(document, content["budget"], year)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _properties(document: WordDocument, content: dict) -> None:
    """Name the file's title, author and language, as the PDF does."""
    properties = document.core_properties
    properties.title = _("Uppföljning %(year)s: %(title)s") % {
        "year": content["year"],
        "title": content["plan"]["title"],
    }
    properties.author = content["plan"]["owner"]
    properties.language = "sv-SE"
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _language(document.styles[style_name].element, "sv-SE")


def _logo(document: WordDocument, plan: dict) -> None:
    """Put the organisation's logo on the first page, with its alternative text (a PNG; Word
    takes no SVG, so an SVG logo stays in the PDF only)."""
    logo = plan.get("logo", "")
    if not logo.startswith("data:image/png;base64,"):
        return
    picture = document.add_picture(BytesIO(base64.b64decode(logo.split(",", 1)[1])), height=Mm(20))
    picture._inline.docPr.set("descr", _("%(owner)ss logotyp") % {"owner": plan["owner"]})


def _language(element, language: str) -> None:
    """Set the proofing language of a style (w:lang), so Word checks the text as Swedish."""
    properties = element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _facts(document: WordDocument, content: dict) -> None:
    plan = content["plan"]
    facts = [
        (_("Plan"), f"{plan['kind']}, {plan['period']}"),
        (_("Uppföljningsår"), str(content["year"])),
    ]
    if plan.get("adopted_by"):
        facts.append((_("Antagen av"), plan["adopted_by"]))
    if content.get("published_on"):
        who = content.get("published_by")
        facts.append((_("Publicerad"), f"{content['published_on']}" + (f", {who}" if who else "")))
    decision = content.get("decision") or {}
    if decision.get("case_number"):
        facts.append((_("Diarienummer"), decision["case_number"]))
    if decision.get("received_by"):
        on = f", {iso_date(decision['received_on'])}" if decision.get("received_on") else ""
        facts.append((_("Behandlas av"), decision["received_by"] + on))
    if content.get("reason"):
        facts.append((_("Ny version"), content["reason"]))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


def _area(document: WordDocument, area: dict, indicators: list[dict]) -> None:
    level = min(area["depth"] + 1, 3)
    number_ = f"{area['number']} " if area["number"] else ""
    document.add_heading(f"{number_}{area['title']}", level=level)
    analysis = area.get("analysis") or {}
    for key, heading in (
        ("went_well", _("Det som har gått bra")),
        ("deviations", _("Varför insatser avviker")),
        ("next_steps", _("Det som händer nästa år")),
    ):
        if analysis.get(key):
            document.add_heading(heading, level=min(level + 1, 3))
            _paragraphs(document, analysis[key])
    if area["measures"]:
        _measures(document, area)
    for indicator in indicators:
        if area["id"] in indicator.get("focus_area_ids", []) and indicator.get("rows"):
            _indicator(document, indicator)


def _measures(document: WordDocument, area: dict) -> None:
    """Add the area's measures as the PDF has them: a row each (the assessment as mark and
    word), and under it, across the table, what the owner reported (one cell spanning the row,
    written as such: python-docx's merge walks the whole table for every merge)."""
    measures = area["measures"]
    caption = _("Insatser i %(number)s") % {"number": area["number"]} if area["number"] else ""
    table = _table(document, caption or _("Insatser"), [_("Insats"), _("Bedömning"), _("Ansvarig")])
    marks = _mark_styles(document)
    for measure in measures:
        _measure_row(table, measure, marks)
        reported = _reported(measure)
        if reported:
            tc = table._tbl.add_tr().add_tc()
            tc.grid_span = len(table.columns)
            _Cell(tc, table).text = reported


def _measure_row(table, measure: dict, marks: dict) -> None:
    """Add a measure's row: code and title, its assessment as mark and word, who is responsible."""
    cells = table.add_row().cells
    cells[0].text = _label(measure)
    status = measure["status"] if measure["status"] in ASSESSMENT_MARKS else ""
    paragraph = cells[1].paragraphs[0]
    # The style set by its id: python-docx's setter looks the default style up on every run.
    paragraph.add_run(ASSESSMENT_MARKS[status][0])._r.style = marks[status]
    paragraph.add_run(f" {measure['status_label']}")
    cells[2].text = ", ".join(own_names(measure["owners"])) or "–"


def _reported(measure: dict) -> str:
    text = measure["progress"]
    if measure.get("figure_reached"):
        reached = f"{_('Uppnått värde')}: {number(measure['figure_reached'])}."
        text = f"{text} {reached}" if text else reached
    return text


def _mark_styles(document: WordDocument) -> dict[str, str]:
    """Return the id of each assessment's mark's character style by status, added on first use
    (a municipality's template can restyle them: "Bedömningsmärke risk" and so on)."""
    styles = {s.name: s for s in document.styles if s.type == WD_STYLE_TYPE.CHARACTER}
    found = {}
    for status, (_symbol, colour) in ASSESSMENT_MARKS.items():
        name = f"Bedömningsmärke {status or 'ej_rapporterad'}"  # stable, for templates
        style = styles.get(name)
        if style is None:
            style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
            style.font.color.rgb = RGBColor.from_string(colour)
        found[status] = style.style_id
    return found


def _chart(document: WordDocument, data_uri: str, alt: str) -> None:
    """Add an SVG chart as a picture (Word takes no SVG: drawn as PNG) with its text alternative."""
    if not data_uri.startswith("data:image/svg+xml;base64,"):
        return
    svg = base64.b64decode(data_uri.split(",", 1)[1])
    png = cairosvg.svg2png(
        bytestring=svg, output_width=CHART_WIDTH_MM * CHART_PIXELS_PER_MM, unsafe=False
    )
    picture = document.add_picture(BytesIO(png), width=Mm(CHART_WIDTH_MM))
    picture._inline.docPr.set("descr", alt)


def _indicator(document: WordDocument, indicator: dict) -> None:
    unit = f" ({indicator['unit']})" if indicator.get("unit") else ""
    if indicator.get("chart"):
        _chart(document, indicator["chart"], indicator.get("alt", indicator["name"]))
    headers = [_("År")]
    if indicator.get("split_by_sex"):
        headers += [
            indicator.get("women_label") or _("Kvinnor"),
            indicator.get("men_label") or _("Män"),
        ]
    headers += [_("Totalt"), _("Mål"), *indicator.get("comparisons", [])]
    rows = []
    for row in indicator["rows"]:
        cells = [str(row["year"])]
        if indicator.get("split_by_sex"):
            cells += [_figure(row.get("women")), _figure(row.get("men"))]
        cells += [_figure(row.get("total")), _figure(row.get("target"))]
        cells += [_figure(c) for c in row.get("comparisons", [])]
        rows.append(cells)
    demo = f" – {_('Demo')}" if indicator.get("demo") else ""
    _table(document, f"{_('Indikator')}: {indicator['name']}{unit}{demo}", headers, rows)
    if indicator.get("demo"):
        document.add_paragraph(
            _("Demo: påhittade värden för att visa produkten, inte hämtade från någon källa")
        )
    elif indicator.get("kolada"):
        source = _("Källa: Kolada")
        if indicator.get("kpi"):
            source += f" ({_('nyckeltal %(kpi)s') % {'kpi': indicator['kpi']}}"
            if indicator.get("fetched_on"):
                when = iso_date(indicator["fetched_on"])
                source += f", {_('hämtat %(when)s') % {'when': when}}"
            source += ")"
        document.add_paragraph(source)
    elif indicator.get("survey"):
        survey = indicator.get("survey_credit") or indicator["survey"]
        document.add_paragraph(_("Källa: %(survey)s") % {"survey": survey})


def _budget(document: WordDocument, budget: dict, year: int) -> None:
    document.add_heading(_("Budget"), level=1)
    headers = [_("Post"), *budget["funders"], _("Summa")]
    rows = [
        [row["name"], *(kronor(a) or "–" for a in row["amounts"]), kronor(row["total"])]
        for row in budget["rows"]
    ]
    rows.append(
        [_("Summa"), *(kronor(t) for t in budget["funder_totals"]), kronor(budget["total"])]
    )
    _table(document, _("Budget %(year)s, kronor") % {"year": year}, headers, rows)


def _figure(value) -> str:
    return "–" if value in (None, "") else number(value)


def _label(measure: dict) -> str:
    return f"{measure['code']} {measure['title']}".strip()


def _paragraphs(document: WordDocument, text: str) -> None:
    for part in text.split("\n\n"):
        if part.strip():
            document.add_paragraph(part.strip())


def _table(document: WordDocument, caption: str, headers: list[str], rows: list[list[str]] = ()):
    """Add a table with its caption (Word's Caption style) and a header row that repeats on
    every page (w:tblHeader), so a screen reader and a long table both keep the columns."""
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = str(text)
    row_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_properties.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
    return table
