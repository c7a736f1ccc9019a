"""A plan's measures from a spreadsheet: read an .xlsx or .csv, preview what would change, and
apply it in one transaction, all or nothing. The same file twice changes nothing.

Both fronts (manage.py import_measures and the site's "Importera insatser") call
`read_sheet`, `preview_import` and `import_measures`; the Excel export writes `COLUMNS`, so
export → edit in Excel → import round-trips.
"""

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook

from plans.forms import SwedishAmountField, format_kronor
from plans.models import (
    PATH_SEPARATOR,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
)
from plans.services import budget_start, locked, normalise_text, versioned_save

MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"

# The columns the import reads and the export writes, by key; headers in Swedish (as typed in
# the file), and also accepted in the site's current language.
COLUMNS = {
    "focus_area": gettext_noop("Fokusområde"),
    "code": gettext_noop("Nr"),
    "title": gettext_noop("Insats"),
    "description": gettext_noop("Beskrivning"),
    "target_group": gettext_noop("Målgrupp"),
    "expected_result": gettext_noop("Förväntat resultat"),
    "target_year": gettext_noop("Målår"),
    Responsibility.Role.LEAD: gettext_noop("Huvudaktör"),
    Responsibility.Role.RESPONSIBLE: gettext_noop("Ansvarig"),
    Responsibility.Role.PARTNER: gettext_noop("Samverkan"),
    "status": gettext_noop("Läge i planen"),
    "budget": gettext_noop("Budget"),
}
# Headers of earlier exports, read as the columns they meant.
ALIASES = {
    "kod": "code",
    "samverkansparter": "partner",
    "status i planen": "status",
    "status": "status",
}
# The export's follow-up columns: known, and never imported (reports are made in the follow-up).
FOLLOW_UP_COLUMNS = (
    gettext_noop("Senaste uppföljning"),
    gettext_noop("Bedömning"),
    gettext_noop("Hur går det?"),
    gettext_noop("Uppnått värde"),
    gettext_noop("Rapportens läge"),
)
TEXT_FIELDS = ("description", "target_group", "expected_result")
ROLES = tuple(Responsibility.Role.values)
NUMBERED_SEGMENT = re.compile(r"^((?:\d+\.)*\d+[A-Za-z]?)\s+(\S.*)$")


class ImportFileError(Exception):
    """Raised when the file as a whole cannot be read: its message says why, in Swedish."""


class ImportRefused(Exception):
    """Raised when the import has row errors: nothing was written."""

    def __init__(self, preview: "Preview", messages: list[str]) -> None:
        self.preview = preview
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Sheet:
    """A spreadsheet's header and its rows as text, each with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def to_json(self) -> str:
        return json.dumps({"headers": self.headers, "rows": self.rows}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Sheet":
        data = json.loads(text)
        return cls(headers=data["headers"], rows=[(n, cells) for n, cells in data["rows"]])

    @property
    def digest(self) -> str:
        """Return a fingerprint of the contents: the preview she confirms is the one applied."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:32]


def _cell_text(value: object) -> str:
    """Return a cell as text: whole numbers without ".0", as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(text: str) -> str:
    """Return a text as compared: case and runs of whitespace ignored."""
    return " ".join(text.split()).casefold()


def read_sheet(content: bytes) -> Sheet:
    """Return the first sheet of an .xlsx, or a .csv (UTF-8 or Windows-1252, ; or ,)."""
    if content.startswith(XLS_MAGIC):
        raise ImportFileError(
            _("Filen är i det gamla Excel-formatet. Spara den som .xlsx eller .csv.")
        )
    lines = _xlsx_lines(content) if content.startswith(XLSX_MAGIC) else _csv_lines(content)
    headers: list[str] | None = None
    rows = []
    for number, values in enumerate(lines, start=1):
        cells = [_cell_text(v) for v in values]
        if headers is None:
            if any(cells):
                headers = cells
            continue
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_("Filen har fler än %(max)s rader.") % {"max": MAX_ROWS})
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
    if headers is None:
        raise ImportFileError(_("Filen är tom."))
    return Sheet(headers=headers, rows=rows)


def _xlsx_lines(content: bytes) -> Iterator[tuple]:
    """Yield the first sheet's rows, read as they are needed (a huge sheet stops at MAX_ROWS)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        # openpyxl holds a sheet's shared strings in memory: a small file may unpack to gigabytes.
        raise ImportFileError(_("Excel-filen är för stor uppackad. Dela upp den i flera filer."))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        yield from book.worksheets[0].iter_rows(values_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file: zip, XML, keys
        raise ImportFileError(_("Filen kunde inte läsas som en Excel-fil (.xlsx).")) from error


def _csv_lines(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            _("Filen kunde inte läsas som text. Spara den som .xlsx eller som CSV i UTF-8.")
        )
    if "\x00" in text:
        raise ImportFileError(_("Filen är varken en Excel-fil (.xlsx) eller en CSV-fil."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ","), key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(
            _("CSV-filen kunde inte läsas: %(error)s") % {"error": error}
        ) from error


@dataclass
class RowPlan:
    """What one row of the file does: the measure it creates or changes, or its errors."""

    number: int
    title: str
    code: str
    measure: Measure | None = None
    values: dict = field(default_factory=dict)
    area_path: tuple[str, ...] = ()
    actors: dict | None = None  # organisation key → role, as the measure will have them
    actors_changed: bool = False
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    budget_given: bool = False  # the file has the column: the row's amount is what it says
    budget: Decimal | None = None
    budget_changed: bool = False

    @property
    def action(self) -> str:
        if self.errors:
            return _("fel")
        if self.measure is None:
            return _("ny")
        return _("ändras") if self.changes else _("oförändrad")

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.code, Truncator(self.title).chars(80)) if p)


@dataclass
class Preview:
    """What the file would do to the plan, row by row, before anything is written."""

    plan: Plan
    rows: list[RowPlan]
    unknown_columns: list[str]
    ignored_columns: list[str]
    budget_column: bool
    missing_columns: list[str]
    new_areas: list[tuple[str, ...]]
    new_organisations: list[str]

    @property
    def created(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.errors and r.measure is None]

    @property
    def changed(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.errors and r.measure is not None and r.changes]

    @property
    def unchanged(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.errors and r.measure is not None and not r.changes]

    @property
    def errors(self) -> list[str]:
        """Return every row error as "Rad N: …"."""
        return [_row_message(r.number, e) for r in self.rows for e in r.errors]

    def refusals(self, *, create_organisations: bool) -> list[str]:
        """Return what stops the import: row errors, and new organisations not confirmed."""
        refused = self.errors
        if not create_organisations:
            refused += [
                _row_message(r.number, _organisation_missing(name, self.plan))
                for r in self.rows
                for name in r.new_organisations
            ]
        return refused

    @property
    def summary(self) -> str:
        return _("Nya insatser: %(new)s. Ändrade: %(changed)s. Oförändrade: %(same)s.") % {
            "new": len(self.created),
            "changed": len(self.changed),
            "same": len(self.unchanged),
        }

    def describe(self) -> list[str]:
        """Return the preview as lines of text, for the command."""
        lines = [self.summary]
        for row in self.created:
            lines.append(
                _("Rad %(row)s: ny insats %(label)s") % {"row": row.number, "label": row.label}
            )
        for row in self.changed:
            lines.append(
                _("Rad %(row)s: %(label)s ändras:") % {"row": row.number, "label": row.label}
            )
            lines += [f"  {change}" for change in row.changes]
        lines += [
            _("Nytt fokusområde: %(path)s") % {"path": PATH_SEPARATOR.join(p)}
            for p in self.new_areas
        ]
        lines += [
            _("Ny organisation (enhet under %(owner)s): %(name)s")
            % {"owner": self.plan.owner.name, "name": name}
            for name in self.new_organisations
        ]
        lines += self.column_notes()
        return lines

    def column_notes(self) -> list[str]:
        """Return what the preview says about columns it does not read."""
        notes = []
        if self.unknown_columns:
            notes.append(
                _("Okända kolumner, som inte läses: %(c)s") % {"c": ", ".join(self.unknown_columns)}
            )
        if self.ignored_columns:
            notes.append(
                _("Uppföljningens kolumner, som inte importeras: %(c)s")
                % {"c": ", ".join(self.ignored_columns)}
            )
        if self.budget_column:
            notes.append(
                _(
                    "Beloppen i kolumnen Budget gäller budgeten för %(year)s, i kolumnen för "
                    "%(owner)s (planens ägare), på insatsens egen budgetpost."
                )
                % {"year": self.plan.start_year, "owner": self.plan.owner.name}
            )
        if self.missing_columns:
            notes.append(
                _("Kolumner som saknas i filen; de uppgifterna lämnas som de är: %(c)s")
                % {"c": ", ".join(self.missing_columns)}
            )
        return notes


def _row_message(number: int, message: str) -> str:
    return _("Rad %(row)s: %(message)s") % {"row": number, "message": message}


def _organisation_missing(name: str, plan: Plan) -> str:
    return _(
        "Organisationen ”%(name)s” finns inte. Bekräfta att den ska skapas som enhet under "
        "%(owner)s, eller rätta namnet."
    ) % {"name": name, "owner": plan.owner.name}


def _columns(headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Return (key → column index, unknown headers, the follow-up headers found)."""
    known = {}
    for key, label in COLUMNS.items():
        known[_key(label)] = key
        known[_key(_(label))] = key
    known.update(ALIASES)
    follow_up = {_key(label) for label in FOLLOW_UP_COLUMNS} | {
        _key(_(label)) for label in FOLLOW_UP_COLUMNS
    }
    found, unknown, ignored = {}, [], []
    for index, header in enumerate(headers):
        key = known.get(_key(header))
        if key is not None and key not in found:
            found[key] = index
        elif _key(header) in follow_up:
            ignored.append(header)
        elif header:
            unknown.append(header)
    return found, unknown, ignored


def preview_import(*, plan: Plan, sheet: Sheet) -> Preview:
    """Return what importing the sheet would create and change in the plan; writes nothing."""
    columns, unknown, ignored = _columns(sheet.headers)
    if "title" not in columns:
        raise ImportFileError(_("Filen saknar kolumnen Insats (rubrikraden är den första raden)."))
    context = _Context(plan, sheet, columns)
    rows = [context.plan_row(number, cells) for number, cells in sheet.rows]
    return Preview(
        plan=plan,
        rows=rows,
        unknown_columns=unknown,
        ignored_columns=ignored,
        budget_column="budget" in columns,
        missing_columns=[_(label) for key, label in COLUMNS.items() if key not in columns],
        new_areas=context.areas.new_paths(rows),
        # Each name once, however it is written: "Hemslöjden" and "hemslöjden" are one unit.
        new_organisations=sorted(
            {_key(n): n for r in rows if not r.errors for n in r.new_organisations}.values(),
            key=_key,
        ),
    )


class _Areas:
    """The plan's focus areas, found by a path of titles ("Delmål 2 › Fritid och kultur")."""

    def __init__(self, plan: Plan) -> None:
        self.areas = list(FocusArea.objects.of_plan(plan.pk))
        self.by_id: dict[int, FocusArea] = {}
        # Each area by its parent and each way it may be written: "Barn", "2 Barn", "1.2 Barn".
        self.named: dict[tuple[int | None, str], list[FocusArea]] = {}
        for area in self.areas:
            self.add(area)

    def add(self, area: FocusArea) -> None:
        """Index an area, such as one the import has just created."""
        self.by_id[area.pk] = area
        names = {_key(area.title), _key(f"{area.number} {area.title}"), _key(str(area))}
        for name in names:
            self.named.setdefault((area.parent_id, name), []).append(area)

    def find(self, path: tuple[str, ...]) -> tuple[FocusArea | None, str | None]:
        """Return (the area at the path, or None when part of it is new; an error or None)."""
        area = None
        for segment in path:
            matches = self.named.get((area.pk if area else None, _key(segment)), [])
            if len(matches) > 1:
                return None, _("Flera fokusområden heter ”%(name)s”; skriv numret framför.") % {
                    "name": segment
                }
            if not matches:
                return None, None
            area = matches[0]
        return area, None

    def path_of(self, area: FocusArea) -> str:
        names, node = [], area
        while node is not None:
            names.append(str(node))
            node = self.by_id.get(node.parent_id)
        return PATH_SEPARATOR.join(reversed(names))

    def new_paths(self, rows: list[RowPlan]) -> list[tuple[str, ...]]:
        """Return the paths of the areas to create, parents first, each once."""
        seen: dict[tuple[str, ...], tuple[str, ...]] = {}
        for row in rows:
            if row.errors or not row.area_path or row.values.get("focus_area"):
                continue
            for depth in range(1, len(row.area_path) + 1):
                path = row.area_path[:depth]
                if self.find(path)[0] is None:
                    seen.setdefault(tuple(_key(s) for s in path), path)
        return list(seen.values())


class _Organisations:
    """Organisations found by name or path: the plan owner's own tree first, then the country."""

    def __init__(self, plan: Plan, names: set[str]) -> None:
        wanted = {_key(n.rsplit(PATH_SEPARATOR.strip(), 1)[-1]) for n in names}
        # The names first, then the paths of those named only: the tree walk starts from them.
        named = Organisation.objects.values_list("pk", "name") if wanted else []
        ids = [pk for pk, name in named if _key(name) in wanted]
        rows = Organisation.objects.with_paths().at(ids)
        self.found = list(rows.values_list("pk", "name", "tree_names", "tree_path"))
        owner_path = Organisation.objects.below([plan.owner_id]).filter(pk=plan.owner_id)
        self.root = owner_path.values_list("tree_path", flat=True).first()[0]
        self.owner = plan.owner

    def find(self, text: str) -> tuple[int | None, str | None]:
        """Return (the organisation's id, or None if none has the name; an error or None)."""
        key = _key(text)
        if PATH_SEPARATOR.strip() in text:
            exact = [r for r in self.found if _key(PATH_SEPARATOR.join(map(str, r[2]))) == key]
            if not exact:
                return None, _(
                    "Organisationen ”%(path)s” finns inte. Skriv bara namnet för att skapa en "
                    "ny enhet under %(owner)s."
                ) % {"path": text, "owner": self.owner.name}
            return exact[0][0], None
        named = [r for r in self.found if _key(r[1]) == key]
        own = [r for r in named if r[3][0] == self.root]
        matches = own or named
        if len(matches) > 1:
            return None, _(
                "Flera organisationer heter ”%(name)s”; skriv hela sökvägen, t.ex. ”%(path)s”."
            ) % {"name": text, "path": PATH_SEPARATOR.join(map(str, matches[0][2]))}
        return (matches[0][0], None) if matches else (None, None)


def _split_names(cell: str) -> list[str]:
    """Return the names of a cell: separated by ";" or line breaks, each once."""
    names = [" ".join(n.split()) for n in re.split(r"[;\n]", cell)]
    return list(dict.fromkeys(n for n in names if n))


class _Context:
    """What planning the rows needs once: the plan's measures, areas and organisations."""

    def __init__(self, plan: Plan, sheet: Sheet, columns: dict[str, int]) -> None:
        self.plan = plan
        self.columns = columns
        self.measures = list(
            Measure.objects.filter(plan=plan).prefetch_related("responsibilities").order_by("pk")
        )
        self.by_code = {_key(m.code): m for m in self.measures if m.code}
        self.areas = _Areas(plan)
        names = {
            name
            for _n, cells in sheet.rows
            for role in ROLES
            if role in columns
            for name in _split_names(cells[columns[role]])
        }
        self.organisations = _Organisations(plan, names)
        self.budgets = measure_budgets(plan) if "budget" in columns else {}
        self.claimed: dict[int, int] = {}  # measure id → the row that matched it
        self.codes: dict[str, int] = {}  # a new code → its row
        self.new_titles: dict[str, int] = {}  # a new measure's title without code → its row

    def cell(self, cells: list[str], key: str) -> str | None:
        """Return the cell of the column, or None when the file has no such column."""
        index = self.columns.get(key)
        return None if index is None else cells[index]

    def plan_row(self, number: int, cells: list[str]) -> RowPlan:
        title = normalise_text(self.cell(cells, "title"))
        code = (self.cell(cells, "code") or "").strip()
        row = RowPlan(number=number, title=title, code=code)
        if not title:
            row.errors.append(_("Insats saknas; den kolumnen är obligatorisk."))
            return row
        row.measure = self._match(row)
        if row.errors:
            return row
        self._read_values(row, cells)
        self._read_area(row, cells)
        self._read_actors(row, cells)
        if not row.errors:
            self._validate(row)
        if not row.errors and row.measure is not None:
            row.changes = self._changes(row)
        return row

    def _match(self, row: RowPlan) -> Measure | None:
        """Return the existing measure the row is: by its Nr, else by its title."""
        title = _key(row.title)
        if row.code:
            measure = self.by_code.get(_key(row.code))
            candidates = [] if measure else [m for m in self.measures if not m.code]
            if measure is None and _key(row.code) in self.codes:
                row.errors.append(
                    _("Nr %(code)s står redan på rad %(row)s.")
                    % {"code": row.code, "row": self.codes[_key(row.code)]}
                )
                return None
        else:
            measure, candidates = None, self.measures
        if measure is None:
            same = [m for m in candidates if _key(normalise_text(m.title)) == title]
            if len(same) > 1:
                row.errors.append(
                    _("Flera insatser i planen heter ”%(title)s”; ange Nr.") % {"title": row.label}
                )
                return None
            measure = same[0] if same else None
        if row.code and _key(row.code) not in self.by_code:
            self.codes[_key(row.code)] = row.number  # new to the plan: no other row may bring it
        if measure is None:
            if not row.code and title in self.new_titles:
                row.errors.append(
                    _("Insatsen står redan på rad %(row)s; ge raderna var sitt Nr.")
                    % {"row": self.new_titles[title]}
                )
            elif not row.code:
                self.new_titles[title] = row.number
            return None
        if measure.pk in self.claimed:
            row.errors.append(
                _("Rad %(row)s gäller redan samma insats (%(label)s).")
                % {"row": self.claimed[measure.pk], "label": str(measure)}
            )
            return None
        self.claimed[measure.pk] = row.number
        return measure

    def _read_values(self, row: RowPlan, cells: list[str]) -> None:
        values = {"title": row.title}
        if row.code:
            values["code"] = row.code
        for name in TEXT_FIELDS:
            cell = self.cell(cells, name)
            if cell is not None:
                values[name] = normalise_text(cell)
        year = self.cell(cells, "target_year")
        if year is not None:
            values["target_year"] = self._year(row, year.strip())
        status = self.cell(cells, "status")
        if status is not None:
            values["status"] = self._status(row, status)
        row.values = values
        budget = self.cell(cells, "budget")
        if budget is not None:
            self._budget(row, budget)

    def _budget(self, row: RowPlan, text: str) -> None:
        """Read the row's amount; refuse one that is no amount in kronor, and a change of a
        measure whose amount the budget spreads over several of its lines."""
        try:
            row.budget = SwedishAmountField(
                max_digits=14, decimal_places=2, min_value=0, required=False
            ).clean(text.removesuffix("kr").strip())
        except ValidationError as error:
            row.errors += [_("Budget ”%(value)s”: %(m)s") % {"value": text, "m": m} for m in error]
            return
        row.budget_given = True
        amount, lines = self.budgets.get(row.measure.pk if row.measure else None, (None, 0))
        row.budget_changed = amount != row.budget
        if row.budget_changed and lines > 1:
            row.errors.append(
                _(
                    "Insatsens budget för %(year)s står på %(lines)s poster; ändra beloppen i "
                    "budgeten, eller lämna Budget som den är (%(amount)s)."
                )
                % {"year": self.plan.start_year, "lines": lines, "amount": format_kronor(amount)}
            )

    def _year(self, row: RowPlan, text: str) -> int | None:
        if not text:
            return None
        if not re.fullmatch(r"[0-9]{4}", text):
            row.errors.append(_("Målår ”%(value)s” är inget årtal (t.ex. 2026).") % {"value": text})
            return None
        year = int(text)
        if not self.plan.start_year <= year <= self.plan.end_year:
            row.errors.append(
                _("Målåret %(year)s ligger utanför planens period %(start)s–%(end)s.")
                % {"year": year, "start": self.plan.start_year, "end": self.plan.end_year}
            )
        return year

    def _status(self, row: RowPlan, text: str) -> str:
        wanted = _key(text)
        for value, label in Measure.Status.choices:
            names = {_key(str(label)), _key(value), *(_key(p) for p in str(label).split("/"))}
            if wanted in names:
                return value
        labels = ", ".join(str(label) for label in Measure.Status.labels)
        row.errors.append(
            _("Okänt läge i planen ”%(value)s”. Välj ett av: %(labels)s.")
            % {"value": text, "labels": labels}
        )
        return ""

    def _read_area(self, row: RowPlan, cells: list[str]) -> None:
        text = self.cell(cells, "focus_area") or ""
        path = tuple(
            s for s in (" ".join(p.split()) for p in text.split(PATH_SEPARATOR.strip())) if s
        )
        if not path:
            if row.measure is None:
                row.errors.append(_("Fokusområde saknas; en ny insats behöver ett."))
            return
        area, error = self.areas.find(path)
        if error:
            row.errors.append(error)
        row.area_path = path
        if area is not None:
            row.values["focus_area"] = area
        measure = row.measure
        moved = measure is not None and (area is None or area.pk != measure.focus_area_id)
        if moved and measure.result_id:
            row.errors.append(
                _(
                    "Insatsen hör till ett resultat i sitt fokusområde och kan inte flyttas "
                    "härifrån; flytta den i planen."
                )
            )

    def _read_actors(self, row: RowPlan, cells: list[str]) -> None:
        present = [role for role in ROLES if role in self.columns]
        if not present:
            return
        current = (
            {r.organisation_id: r.role for r in row.measure.responsibilities.all()}
            if row.measure
            else {}
        )
        actors = {org: role for org, role in current.items() if role not in present}
        wanted: dict[object, str] = {}
        for role in present:
            for name in _split_names(self.cell(cells, role)):
                org, error = self.organisations.find(name)
                if error:
                    row.errors.append(error)
                    continue
                if org is None:
                    org = ("new", _key(name))
                    row.new_organisations.append(name)
                if org in wanted:
                    row.errors.append(
                        _("”%(name)s” står både som %(first)s och %(second)s.")
                        % {
                            "name": name,
                            "first": Responsibility.Role(wanted[org]).label.lower(),
                            "second": Responsibility.Role(role).label.lower(),
                        }
                    )
                wanted[org] = role
        actors.update(wanted)
        if list(actors.values()).count(Responsibility.Role.LEAD) > 1:
            row.errors.append(_("En insats har högst en huvudaktör."))
        row.actors = actors
        row.actors_changed = actors != current

    def _validate(self, row: RowPlan) -> None:
        """Check the values with the model's own field rules (lengths, single lines)."""
        measure = Measure(
            plan=self.plan, **{k: v for k, v in row.values.items() if k != "focus_area"}
        )
        try:
            measure.clean_fields(exclude=["plan", "focus_area", "result", "order"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = Measure._meta.get_field(name).verbose_name
                row.errors += [f"{str(label).capitalize()}: {m}" for m in messages]
        for name in row.new_organisations:
            try:
                Organisation(name=name, parent=self.plan.owner).clean_fields(exclude=["parent"])
            except ValidationError as error:
                row.errors += [f"{name}: {m}" for m in error.messages]
        for segment in row.area_path:
            try:
                FocusArea(plan=self.plan, title=segment).clean_fields(
                    exclude=["plan", "parent", "coordinator"]
                )
            except ValidationError as error:
                row.errors += [f"{segment}: {m}" for m in error.messages]

    def _changes(self, row: RowPlan) -> list[str]:
        """Return what the row changes in its measure, one line per field."""
        measure = row.measure
        changes = []
        for name, value in row.values.items():
            if name == "focus_area":
                if value.pk != measure.focus_area_id:
                    old = self.areas.path_of(self.areas.by_id[measure.focus_area_id])
                    changes.append(_change(_("Fokusområde"), old, self.areas.path_of(value)))
                continue
            stored = getattr(measure, name)
            stored = normalise_text(stored) if isinstance(stored, str) else stored
            if stored != value:
                field_ = Measure._meta.get_field(name)
                changes.append(
                    _change(field_.verbose_name, _shown(field_, stored), _shown(field_, value))
                )
        if row.values.get("focus_area") is None and row.area_path:
            old = self.areas.path_of(self.areas.by_id[measure.focus_area_id])
            changes.append(_change(_("Fokusområde"), old, PATH_SEPARATOR.join(row.area_path)))
        if row.actors_changed:
            changes.append(_("Aktörer: %(actors)s") % {"actors": self._actors_text(row)})
        if row.budget_changed:
            old = self.budgets.get(measure.pk, (None, 0))[0]
            label = _("Budget %(year)s") % {"year": self.plan.start_year}
            changes.append(_change(label, _kronor(old), _kronor(row.budget)))
        return changes

    def _actors_text(self, row: RowPlan) -> str:
        ids = [org for org in row.actors if isinstance(org, int)]
        paths = dict(Organisation.objects.with_paths().at(ids).values_list("pk", "tree_names"))
        parts = []
        for org, role in row.actors.items():
            name = PATH_SEPARATOR.join(map(str, paths[org])) if isinstance(org, int) else org[1]
            parts.append(f"{name} ({Responsibility.Role(role).label.lower()})")
        return "; ".join(parts) or "–"


def _kronor(amount: Decimal | None) -> str:
    return "–" if amount is None else format_kronor(amount)


def measure_budgets(plan: Plan) -> dict[int, tuple[Decimal, int]]:
    """Return, per measure, what the Budget column holds and on how many lines: what the plan's
    owner puts on the measure's own lines in the budget of the plan's first year."""
    amounts = (
        BudgetAmount.objects.filter(
            line__budget__plan=plan,
            line__budget__year=plan.start_year,
            line__measure__isnull=False,
            funder__organisation_id=plan.owner_id,
        )
        .values("line__measure")
        .annotate(total=Sum("amount"), lines=Count("line"))
        .order_by()
    )
    return {a["line__measure"]: (a["total"], a["lines"]) for a in amounts}


def _change(label, old, new) -> str:
    return _("%(field)s: ”%(old)s” → ”%(new)s”") % {
        "field": str(label).capitalize(),
        "old": Truncator(old).chars(60),
        "new": Truncator(new).chars(60),
    }


def _shown(field_, value) -> str:
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    return "–" if value in (None, "") else str(value)


def import_measures(
    *, plan: Plan, sheet: Sheet, user: AbstractBaseUser | None, create_organisations: bool = False
) -> Preview:
    """Apply the sheet to the plan in one transaction; raise ImportRefused (nothing written)
    when a row has an error or new organisations are not confirmed. Returns what was done."""
    with transaction.atomic():
        # Under the plan's lock: two imports into one plan run one after the other.
        locked(Plan.objects.filter(pk=plan.pk), action="Importing measures").get()
        list(locked(Measure.objects.filter(plan=plan).order_by("pk"), action="Importing measures"))
        preview = preview_import(plan=plan, sheet=sheet)
        refusals = preview.refusals(create_organisations=create_organisations)
        if refusals:
            raise ImportRefused(preview, refusals)
        _Writer(plan, user, preview).write()
    return preview


def _number_and_title(segment: str, parent: FocusArea | None) -> tuple[str, str]:
    """Return a new area's (number, title) from "2.1 Fritid": the number only where it is
    the one the area gets under its parent, so the same file finds the area the next time."""
    numbered = NUMBERED_SEGMENT.match(segment)
    if numbered is None:
        return "", segment
    dotted, title = numbered.groups()
    number = dotted.rsplit(".", 1)[-1]
    expected = ".".join(n for n in (parent.full_number if parent else "", number) if n)
    return (number, title) if dotted == expected else ("", segment)


class _Writer:
    """The writes of an import, in order: organisations, focus areas, then measures."""

    def __init__(self, plan: Plan, user, preview: Preview) -> None:
        self.plan, self.user, self.preview = plan, user, preview
        self.organisations: dict[tuple[str, str], int] = {}
        self.areas = _Areas(plan)

    def write(self) -> None:
        for name in self.preview.new_organisations:
            unit = Organisation(name=name, kind=Organisation.Kind.ENHET, parent=self.plan.owner)
            unit._history_user = self.user
            unit.save()
            self.organisations[("new", _key(name))] = unit.pk
        for path in self.preview.new_areas:
            self._create_area(path)
        order = max((m.order for m in Measure.objects.filter(plan=self.plan)), default=0)
        measures = {}
        for row in self.preview.rows:
            if row.measure is None:
                order += 1
                measures[row.number] = self._create_measure(row, order)
            elif row.changes:
                self._change_measure(row)
        self._write_budget(
            [
                (measures.get(r.number) or r.measure, r.budget)
                for r in self.preview.rows
                if r.budget_changed
            ]
        )

    def _write_budget(self, amounts: list[tuple[Measure, Decimal | None]]) -> None:
        """Put the amounts on the measures' own lines in the budget of the plan's first year,
        in the plan owner's column: the budget, the column and the lines are made as needed,
        and the budget gets one new version."""
        if not amounts:
            return
        year, owner = self.plan.start_year, self.plan.owner_id
        budget = locked(Budget.objects.filter(plan=self.plan, year=year), action="Importing")
        budget = budget.first() or budget_start(plan=self.plan, year=year, user=self.user)
        funder = budget.funders.filter(organisation_id=owner).first()
        if funder is None:
            order = max(budget.funders.values_list("order", flat=True), default=-1) + 1
            funder = _saved(
                BudgetFunder(budget=budget, organisation_id=owner, order=order), self.user
            )
        lines = {line.measure_id: line for line in budget.lines.filter(measure__isnull=False)}
        order = max((line.order for line in budget.lines.all()), default=-1)
        for measure, amount in amounts:
            line = lines.get(measure.pk)
            if line is None:
                order += 1
                name = Truncator(" ".join(p for p in (measure.code, measure.title) if p)).chars(200)
                line = BudgetLine(
                    budget=budget,
                    kind=BudgetLine.Kind.MEASURE,
                    measure=measure,
                    name=name,
                    order=order,
                )
                _saved(line, self.user)
            cell = BudgetAmount.objects.filter(line=line, funder=funder).first()
            if amount is None and cell is not None:
                cell._history_user = self.user
                cell.delete()
            elif amount is not None:
                cell = cell or BudgetAmount(line=line, funder=funder)
                cell.amount = amount
                _saved(cell, self.user)
        versioned_save(
            instance=budget, expected_version=budget.version, user=self.user, rows_changed=True
        )

    def _create_area(self, path: tuple[str, ...]) -> None:
        if self.areas.find(path)[0] is not None:
            return  # made for another row, which wrote it differently ("3 Tre" and "Tre")
        parent = self.areas.find(path[:-1])[0] if len(path) > 1 else None
        siblings = [
            a.order for a in self.areas.by_id.values() if a.parent_id == getattr(parent, "pk", None)
        ]
        number, title = _number_and_title(path[-1], parent)
        area = FocusArea(
            plan=self.plan,
            parent=parent,
            number=number,
            title=title,
            order=max(siblings, default=0) + 1,
        )
        versioned_save(instance=area, expected_version=1, user=self.user)
        self.areas.add(area)

    def _area(self, row: RowPlan) -> FocusArea | None:
        return row.values.get("focus_area") or self.areas.find(row.area_path)[0]

    def _create_measure(self, row: RowPlan, order: int) -> Measure:
        values = {**row.values, "focus_area": self._area(row)}
        measure = Measure(plan=self.plan, order=order, **values)
        versioned_save(instance=measure, expected_version=1, user=self.user)
        self._write_actors(measure, row)
        return measure

    def _change_measure(self, row: RowPlan) -> None:
        measure = row.measure
        for name, value in row.values.items():
            setattr(measure, name, value)
        if row.area_path:
            measure.focus_area = self._area(row)
        if row.actors_changed:
            self._write_actors(measure, row)
        versioned_save(
            instance=measure,
            expected_version=measure.version,
            user=self.user,
            rows_changed=row.actors_changed,
        )

    def _write_actors(self, measure: Measure, row: RowPlan) -> None:
        """Make the measure's actors those of the row: delete, change roles, then add."""
        if row.actors is None:
            return
        wanted = {self.organisations.get(org, org): role for org, role in row.actors.items()}
        existing = (
            {r.organisation_id: r for r in row.measure.responsibilities.all()}
            if row.measure
            else {}
        )
        # Leads first out of the way, so the one-lead rule holds after every statement.
        for org, responsibility in sorted(
            existing.items(), key=lambda i: i[1].role != Responsibility.Role.LEAD
        ):
            role = wanted.get(org)
            if role == responsibility.role:
                continue
            responsibility._history_user = self.user
            if role is None:
                responsibility.delete()
                continue
            responsibility.role = role
            if role in Responsibility.OWNER_ROLES:
                responsibility.cooperation = ""
            responsibility.save()
        for org, role in wanted.items():
            if org not in existing:
                added = Responsibility(measure=measure, organisation_id=org, role=role)
                added._history_user = self.user
                added.save()


def _saved(record, user):
    """Save a row of a budget, checked by the model's rules, its history naming the user."""
    record.full_clean()
    record._history_user = user
    record.save()
    return record
