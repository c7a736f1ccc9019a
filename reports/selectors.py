"""Reads of the follow-up: an indicator's figures per year, for the page and the report."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

from reports.models import COUNTRY_CODE, Indicator, IndicatorValue, Sex


def format_figure(value: Decimal | None) -> str:
    """Return a figure as the language writes it, without trailing zeros: "83,1", "27"."""
    if value is None:
        return ""
    shown = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(shown)


@dataclass(frozen=True)
class Cell:
    """A figure in the table: a value, a value Kolada lacks ("saknas"), or none stored."""

    value: Decimal | None = None
    missing: bool = False
    stored: bool = False

    @property
    def text(self) -> str:
        return format_figure(self.value)


EMPTY = Cell()


@dataclass(frozen=True)
class Area:
    code: str
    name: str

    @property
    def is_country(self) -> bool:
        return self.code == COUNTRY_CODE

    @property
    def is_region(self) -> bool:
        return self.code.startswith("00") and not self.is_country


@dataclass
class YearRow:
    """A year of the indicator: women, men and total of its own area, the target, and the
    total of each comparison area."""

    year: int
    women: Cell = EMPTY
    men: Cell = EMPTY
    total: Cell = EMPTY
    target: Cell = EMPTY
    target_women: Cell = EMPTY
    target_men: Cell = EMPTY
    comparisons: list[Cell] = field(default_factory=list)


@dataclass
class IndicatorTable:
    """An indicator's figures per year, ready for a table or a chart."""

    indicator: Indicator
    area: Area | None
    comparisons: list[Area]
    rows: list[YearRow]

    @property
    def has_values(self) -> bool:
        return bool(self.rows)


def indicator_table(*, indicator: Indicator) -> IndicatorTable:
    """Return the indicator's figures per year: its own area by sex, targets, comparisons."""
    values = list(indicator.values.filter(tertial__isnull=True).order_by("year", "area_code"))
    targets = list(indicator.targets.all())
    own = _own_area(indicator, values)
    comparisons = _areas([v for v in values if own is None or v.area_code != own.code])
    years = sorted({v.year for v in values} | {t.year for t in targets})
    rows = {year: YearRow(year=year, comparisons=[EMPTY] * len(comparisons)) for year in years}
    index = {area.code: i for i, area in enumerate(comparisons)}
    for value in values:
        _place(rows[value.year], value, own, index)
    for target in targets:
        name = {Sex.TOTAL: "target", Sex.WOMEN: "target_women", Sex.MEN: "target_men"}[target.sex]
        setattr(rows[target.year], name, Cell(value=target.value, stored=True))
    return IndicatorTable(indicator, own, comparisons, [rows[year] for year in years])


def _own_area(indicator: Indicator, values: list[IndicatorValue]) -> Area | None:
    """Return the area the indicator follows: its owner's, else the first municipality's."""
    code = indicator.owner.municipality_code
    candidates = [
        v for v in values if v.area_code == code or v.organisation_id == indicator.owner_id
    ]
    candidates = candidates or [v for v in values if not v.area_code.startswith("00")]
    if not candidates:
        return None
    return Area(candidates[0].area_code, candidates[0].area_name)


def _areas(values: list[IndicatorValue]) -> list[Area]:
    """Return the comparison areas: regions first, the country last."""
    areas = {v.area_code: Area(v.area_code, v.area_name) for v in values}
    return sorted(areas.values(), key=lambda a: (a.is_country, a.code))


def _place(row: YearRow, value: IndicatorValue, own: Area | None, index: dict) -> None:
    """Put the value in its cell of the year's row."""
    cell = Cell(value=value.value, missing=value.is_missing, stored=True)
    if own is not None and value.area_code == own.code:
        name = {Sex.TOTAL: "total", Sex.WOMEN: "women", Sex.MEN: "men"}[value.sex]
        setattr(row, name, cell)
    elif value.sex == Sex.TOTAL:
        row.comparisons[index[value.area_code]] = cell
