"""Spreadsheets for download: a renderer that turns gathered rows into .xlsx bytes (no ORM)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from folkhalsa.spreadsheets import append_text_safe
from plans.measure_import import COLUMNS, FOLLOW_UP_COLUMNS
from plans.models import Responsibility
from reports.selectors import MeasureRow

# Column widths in characters: wide for the texts people read, narrow for codes and years.
# The import's columns first (plans/measure_import.py reads them back), then the follow-up.
WIDTHS = [30, 8, 50, 40, 30, 35, 8, 30, 35, 35, 16, 14, 16, 22, 50, 14, 22]
IMPORT_KEYS = [
    "focus_area",
    "code",
    "title",
    "description",
    "target_group",
    "expected_result",
    "target_year",
    *Responsibility.Role.values,
    "status",
    "budget",
]


def _headers() -> list[str]:
    return [_(COLUMNS[key]) for key in IMPORT_KEYS] + [_(label) for label in FOLLOW_UP_COLUMNS]


def _row(row: MeasureRow) -> list:
    """Return one measure's cells; numbers stay numbers so Excel can sum and filter them."""
    measure = row.measure
    actors = measure.responsibilities.all()  # prefetched, with their paths
    by_role = {
        role: "; ".join(a.organisation_path for a in actors if a.role == role)
        for role in Responsibility.Role.values
    }
    cells = [
        row.focus_area,
        measure.code,
        measure.title,
        measure.description,
        measure.target_group,
        measure.expected_result,
        measure.target_year,
        *by_role.values(),
        measure.status_label if measure.status else "",
        row.budget,
    ]
    reported = row.reported
    if reported is None:
        return cells + ["", "", "", None, ""]
    return cells + [
        reported.period,
        reported.status,
        reported.progress,
        reported.figure,
        reported.state,
    ]


def measures_workbook(*, title: str, rows: list[MeasureRow]) -> bytes:
    """Return the measures as an .xlsx: Swedish headers, a filter on every column, header frozen."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Insatser")
    append_text_safe(sheet, _headers())
    for row in rows:
        append_text_safe(sheet, _row(row))
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
