"""A client for Kolada's open API (v3): key figures per municipality, region and the country.

Kolada answers a list in pages: `{"count": …, "values": […], "next_url": …}`, where
`next_url` is absent (or null) on the last page. It takes at most 25 ids per dimension in a
request, so longer lists are asked for in parts.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

IDS_PER_REQUEST = 25
# A loop of next_url (or a runaway answer) ends here rather than never.
MAX_PAGES = 1000
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
GENDERS = {"T", "K", "M"}
VALUE_PLACES = Decimal("0.0001")


class KoladaError(Exception):
    """Kolada could not be read: the message says why, in Swedish, for the user."""


@dataclass(frozen=True)
class Kpi:
    """A key figure's metadata: its title and whether Kolada splits it by sex."""

    id: str
    title: str
    description: str
    divided_by_gender: bool


@dataclass(frozen=True)
class KoladaValue:
    """One figure: a key figure for an area, a year and a sex; None where Kolada has none."""

    kpi: str
    area_code: str
    year: int
    gender: str
    value: Decimal | None
    status: str


def chunks(ids: list[str], size: int = IDS_PER_REQUEST) -> list[list[str]]:
    """Return the ids in parts of at most `size`."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


class KoladaClient:
    """Read Kolada's API; every failure ends in one KoladaError with a Swedish message."""

    def __init__(self, *, base_url: str | None = None, transport=None) -> None:
        self.base_url = (base_url or settings.KOLADA_API_URL).rstrip("/")
        self._http = httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)

    def __enter__(self) -> "KoladaClient":
        return self

    def __exit__(self, *exc) -> None:
        self._http.close()

    def kpis(self, ids: list[str]) -> dict[str, Kpi]:
        """Return the metadata of the key figures; an id Kolada does not know is an error."""
        found = {}
        for part in chunks(ids):
            for row in self._pages(f"{self.base_url}/kpi/{','.join(part)}"):
                kpi = _kpi(row)
                found[kpi.id] = kpi
        _refuse_unknown(ids, found, _("Kolada känner inte till nyckeltalet %(ids)s."))
        return found

    def areas(self, codes: list[str]) -> dict[str, str]:
        """Return the names of the municipalities and regions by code (0000 is the country)."""
        found = {}
        for part in chunks(codes):
            for row in self._pages(f"{self.base_url}/municipality/{','.join(part)}"):
                found[_text(row, "id")] = _text(row, "title")
        _refuse_unknown(codes, found, _("Kolada känner inte till områdeskoden %(ids)s."))
        return found

    def values(self, *, kpis: list[str], areas: list[str], years: list[int]) -> list[KoladaValue]:
        """Return every figure Kolada has for the key figures, areas and years."""
        found = []
        for kpi_part in chunks(kpis):
            for area_part in chunks(areas):
                for year_part in chunks([str(year) for year in years]):
                    path = "/".join(
                        [
                            f"{self.base_url}/data/kpi/{','.join(kpi_part)}",
                            f"municipality/{','.join(area_part)}",
                            f"year/{','.join(year_part)}",
                        ]
                    )
                    found += [value for row in self._pages(path) for value in _values(row)]
        return found

    def _pages(self, url: str) -> Iterator[dict]:
        """Yield the rows of every page, following `next_url` until it is absent."""
        seen: set[str] = set()
        while url:
            if url in seen or len(seen) >= MAX_PAGES:
                raise KoladaError(_("Kolada skickade samma sida flera gånger; hämtningen avbröts."))
            seen.add(url)
            page = self._get(url)
            rows = page.get("values")
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise _malformed()
            yield from rows
            url = page.get("next_url") or ""
            if url and not (isinstance(url, str) and url.startswith(self.base_url + "/")):
                # Only Kolada's own address is followed, never one an answer points elsewhere.
                raise _malformed()

    def _get(self, url: str) -> dict:
        """Return the JSON object at the address; numbers as Decimal, never float."""
        try:
            response = self._http.get(url, headers={"Accept": "application/json"})
        except httpx.TimeoutException as error:
            raise KoladaError(_("Kolada svarade inte i tid. Försök igen senare.")) from error
        except httpx.HTTPError as error:
            message = _("Det gick inte att nå Kolada (%(reason)s). Kontrollera nätverket.")
            raise KoladaError(message % {"reason": type(error).__name__}) from error
        if response.status_code != 200:
            message = _("Kolada svarade med ett fel (HTTP %(status)s). Försök igen senare.")
            raise KoladaError(message % {"status": response.status_code})
        try:
            page = json.loads(response.content, parse_float=Decimal, parse_int=Decimal)
        except ValueError as error:
            raise _malformed() from error
        if not isinstance(page, dict):
            raise _malformed()
        return page


def _malformed() -> KoladaError:
    return KoladaError(_("Kolada svarade med data i ett oväntat format."))


def _refuse_unknown(asked: list[str], found: dict, message: str) -> None:
    unknown = [item for item in asked if item not in found]
    if unknown:
        raise KoladaError(message % {"ids": ", ".join(unknown)})


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise _malformed()
    return value


def _kpi(row: dict) -> Kpi:
    """Return a key figure from a row of /kpi; v2 gave 0/1 for the split, v3 a boolean."""
    divided = row.get("is_divided_by_gender")
    if not isinstance(divided, bool | Decimal | int):
        raise _malformed()
    description = row.get("description")
    return Kpi(
        id=_text(row, "id"),
        title=_text(row, "title"),
        description=description if isinstance(description, str) else "",
        divided_by_gender=bool(divided),
    )


def _values(row: dict) -> list[KoladaValue]:
    """Return the figures of a row of /data: one per gender Kolada gives."""
    kpi, area, period = row.get("kpi"), row.get("municipality"), row.get("period")
    figures = row.get("values")
    if not (isinstance(kpi, str) and isinstance(area, str) and isinstance(figures, list)):
        raise _malformed()
    year = _year(period)
    return [_value(kpi, area, year, figure) for figure in figures]


def _year(period: object) -> int:
    """Return the year of a period; Kolada gives 2022, some answers "2022"."""
    text = str(period)
    if not re.fullmatch(r"[0-9]{4}", text):
        raise _malformed()
    return int(text)


def _value(kpi: str, area: str, year: int, figure: object) -> KoladaValue:
    if not isinstance(figure, dict) or figure.get("gender") not in GENDERS:
        raise _malformed()
    value = figure.get("value")
    if value is not None and not isinstance(value, Decimal):
        raise _malformed()
    if value is not None and not value.is_finite():
        raise _malformed()
    status = figure.get("status")
    return KoladaValue(
        kpi=kpi,
        area_code=area,
        year=year,
        gender=figure["gender"],
        value=None if value is None else value.quantize(VALUE_PLACES, ROUND_HALF_UP),
        status=status if isinstance(status, str) else "",
    )


# --- What people type: key figures, area codes and years ------------------------------------


KPI_PATTERN = re.compile(r"[A-Z][0-9]{5}")
AREA_PATTERN = re.compile(r"[0-9]{4}")
YEAR_RANGE = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_YEARS = 100


def parse_kpis(text: str) -> list[str]:
    """Return the key figure ids of "N00957,N00938"; refuse anything else in Swedish."""
    ids = _items(text.upper())
    wrong = [item for item in ids if not KPI_PATTERN.fullmatch(item)]
    if wrong or not ids:
        raise ValueError(_("Ange nyckeltal som N00957, åtskilda med komma."))
    return ids


def parse_areas(text: str) -> list[str]:
    """Return the area codes of "1962,0019,0000"; refuse anything else in Swedish."""
    codes = _items(text)
    wrong = [item for item in codes if not AREA_PATTERN.fullmatch(item)]
    if wrong or not codes:
        raise ValueError(
            _("Ange områden som fyrsiffriga koder åtskilda med komma, t.ex. 1962,0019,0000.")
        )
    return codes


def parse_years(text: str) -> list[int]:
    """Return the years of "2020-2024", "2022" or "2020,2022"; refuse anything else."""
    years: list[int] = []
    for item in _items(text):
        match = YEAR_RANGE.fullmatch(item)
        if match is None:
            raise ValueError(_("Ange år som 2022, 2020,2022 eller 2020-2024."))
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first or first < FIRST_YEAR or last > LAST_YEAR:
            raise ValueError(_("Ange år mellan 1900 och 2200, det första först: 2020-2024."))
        years += [year for year in range(first, last + 1) if year not in years]
    if not years or len(years) > MAX_YEARS:
        raise ValueError(_("Ange mellan ett och hundra år, t.ex. 2020-2024."))
    return sorted(years)


def _items(text: str) -> list[str]:
    """Return the comma-separated items, without blanks or repeats, in the order given."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    return list(dict.fromkeys(items))
