"""The one formula guard of every spreadsheet the site writes: text stays text."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# A cell starting with one of these is a formula (or a DDE call) to Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@")


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
    """Append a row whose texts are written as text, never as formulas.

    The cells are made and marked before they are appended: reading the row back through
    `max_row` scans every cell of the sheet, which made 40,000 rows take minutes.
    """
    cells = [Cell(sheet, value=_without_illegal(value)) for value in values]
    for cell in cells:
        _keep_text(cell)
    sheet.append(cells)
