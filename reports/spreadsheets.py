"""Spreadsheets for download: a renderer that turns gathered rows into .xlsx bytes (no ORM)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plans.measure_import import COLUMNS, FOLLOW_UP_COLUMNS
from plans.models import Responsibility
from reports.selectors import MeasureRow

# A cell starting with one of these is a formula (or a DDE call) to Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@")

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


def _is_formula_like(value: str) -> bool:
    """Return whether a spreadsheet would read the text as a formula or a control sequence."""
    return value.startswith(FORMULA_STARTS) or (value != "" and ord(value[0]) < 32)


def _without_illegal(value: object) -> object:
    """Return the value without the control characters a spreadsheet file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _keep_text(cell: Cell) -> None:
    """Keep a text cell text: never a formula, whatever the text starts with."""
    if isinstance(cell.value, str) and _is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel's own mark: shown as typed, and stays text on edit


def append_text_safe(sheet: Worksheet, values: list) -> None:
    """Append a row whose texts are written as text, never as formulas."""
    sheet.append([_without_illegal(value) for value in values])
    for cell in sheet[sheet.max_row]:
        _keep_text(cell)


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
