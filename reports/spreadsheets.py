"""Spreadsheets for download: a renderer that turns gathered rows into .xlsx bytes (no ORM)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.models import Responsibility
from reports.selectors import MeasureRow

# Column widths in characters: wide for the texts people read, narrow for codes and years.
WIDTHS = [8, 50, 30, 35, 35, 30, 30, 8, 16, 22, 20, 50, 14, 22]


def _headers() -> list[str]:
    return [
        _("Kod"),
        _("Insats"),
        _("Fokusområde"),
        _("Ansvarig"),
        _("Samverkansparter"),
        _("Målgrupp"),
        _("Förväntat resultat"),
        _("Målår"),
        _("Status i planen"),
        _("Senaste uppföljning"),
        _("Rapporterad status"),
        _("Hur går det?"),
        _("Uppnått värde"),
        _("Rapportens läge"),
    ]


def _row(row: MeasureRow) -> list:
    """Return one measure's cells; numbers stay numbers so Excel can sum and filter them."""
    measure, report = row.measure, row.report
    actors = measure.responsibilities.all()  # prefetched, with their paths
    responsible = [a.organisation_path for a in actors if a.role == Responsibility.Role.RESPONSIBLE]
    partners = [a.organisation_path for a in actors if a.role != Responsibility.Role.RESPONSIBLE]
    cells = [
        measure.code,
        measure.title,
        row.focus_area,
        "\n".join(responsible),
        "\n".join(partners),
        measure.target_group,
        measure.expected_result,
        measure.target_year,
        measure.status_label if measure.status else "",
    ]
    if report is None:
        return cells + ["", "", "", None, ""]
    period = f"{report.round.get_period_display().split(' (')[0]} {report.round.year}"
    return cells + [
        period,
        report.get_status_display(),
        report.progress,
        report.figure_reached,
        report.get_state_display(),
    ]


def measures_workbook(*, title: str, rows: list[MeasureRow]) -> bytes:
    """Return the measures as an .xlsx: Swedish headers, a filter on every column, header frozen."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Insatser")
    sheet.append(_headers())
    for row in rows:
        sheet.append(_row(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = title
    book.properties.language = "sv-SE"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
