"""The open-data CSV files: an adopted plan's measures and a public indicator's values, written
for Swedish spreadsheets. The catalogue (folkhalsa/open_data.py) lists them as distributions."""

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.measure_import import COLUMNS
from plans.models import Measure, Plan, Responsibility
from plans.selectors import organisation_paths
from reports.models import Indicator, IndicatorValue, Source

# The CSV files follow what Swedish spreadsheets read when opened with a double click: fields
# separated by semicolons and numbers with a decimal comma (Excel's list separator and decimal
# sign in Swedish), UTF-8 with a byte order mark (without it Excel reads å, ä and ö as
# Windows-1252). Programs read the same file as `csv.reader(delimiter=";")` over "utf-8-sig",
# or take the JSON from the API.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
# A text field starting with one of these is a formula to a spreadsheet: written after an
# apostrophe, as OWASP advises for CSV files people open in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Return a cell as a Swedish spreadsheet reads it: decimal comma, no formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """Return the rows as a CSV file for Swedish spreadsheets (see CSV_DELIMITER)."""
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


MEASURE_FIELDS = ("plan_id", "focus_area__number", "focus_area__title", "code", "title")
MEASURE_FIELDS += ("target_year", "status", "order")
MEASURE_COLUMNS = [
    COLUMNS["code"],
    COLUMNS["title"],
    COLUMNS["focus_area"],
    COLUMNS[Responsibility.Role.LEAD],
    COLUMNS[Responsibility.Role.RESPONSIBLE],
    COLUMNS[Responsibility.Role.PARTNER],
    COLUMNS["target_year"],
    COLUMNS["status"],
]


def plan_measures_csv(plan: Plan) -> bytes:
    """Return the plan's measures as CSV in document order (three queries)."""
    measures = list(
        Measure.objects.filter(plan=plan)
        .select_related("focus_area")
        .prefetch_related("responsibilities")
        .only(*MEASURE_FIELDS)
        .order_by("order", "code", "pk")
    )
    paths = organisation_paths(
        ids={r.organisation_id for m in measures for r in m.responsibilities.all()}
    )
    with translation.override("sv"):
        header = [_(column) for column in MEASURE_COLUMNS]
        rows = [_measure_row(measure, paths) for measure in measures]
    return csv_bytes(header, rows)


def _measure_row(measure: Measure, paths: dict[int, str]) -> list[object]:
    actors = measure.responsibilities.all()
    by_role = [
        "; ".join(paths[a.organisation_id] for a in actors if a.role == role)
        for role in Responsibility.Role.values
    ]
    area = measure.focus_area
    return [
        measure.code,
        measure.title,
        " ".join(filter(None, [area.number, area.title])) if area else "",
        *by_role,
        measure.target_year,
        measure.get_status_display() if measure.status else "",
    ]


INDICATOR_COLUMNS = [
    gettext_noop("År"),
    gettext_noop("Tertial"),
    gettext_noop("Områdeskod"),
    gettext_noop("Område"),
    gettext_noop("Kön (T/K/M)"),
    gettext_noop("Värde"),
    gettext_noop("Enhet"),
    gettext_noop("Källa"),
    gettext_noop("Antal svarande"),
    gettext_noop("Svarsfrekvens (%)"),
]


def indicator_values_csv(indicator: Indicator) -> bytes:
    """Return the indicator's values as CSV by year, tertial, area and sex (one query)."""
    values = indicator.values.order_by("year", "tertial", "area_code", "sex", "pk")
    with translation.override("sv"):
        header = [_(column) for column in INDICATOR_COLUMNS]
        rows = list(_indicator_rows(indicator, values.iterator()))
    return csv_bytes(header, rows)


def _indicator_rows(indicator: Indicator, values: Iterator[IndicatorValue]) -> Iterator[list]:
    for value in values:
        yield [
            value.year,
            value.tertial,
            value.area_code,
            value.area_name,
            value.sex,
            value.value,
            indicator.unit,
            _value_source(indicator, value),
            value.respondents,
            value.response_rate,
        ]


def _value_source(indicator: Indicator, value: IndicatorValue) -> str:
    """Return where a value comes from; what the demo invented is never credited to Kolada."""
    if value.is_demo:
        return _("Demo")
    if value.source == Source.KOLADA and indicator.kolada_kpi:
        return _("Kolada, %(kpi)s") % {"kpi": indicator.kolada_kpi}
    if value.source == Source.SURVEY and indicator.survey:
        return indicator.survey
    return value.get_source_display()
