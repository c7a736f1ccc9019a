"""Hostile JSON against every write of the REST API: never a server error, every refusal in JSON
with a `detail`, and nothing written where the input must be refused.

The writes are enumerated from the OpenAPI schema (drf-spectacular's generator, in process), so
a new endpoint joins by itself; each field of its request body gets each hostile value, as the
superuser and as alice (Norberg's strategist), with a personal key. A write that names a version
gets the hostile value with a stale version (0): nothing may be written, whatever the value. A
smaller set is sent with the right version: a value no field takes must then be refused (400),
and text a field takes must be stored exactly as sent. A write without a version (a create, an
indicator value) may accept a value that is valid for its field, and must store it unchanged.
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from urllib.parse import quote

import pytest
from django.core.cache import cache as django_cache
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from folkhalsa.api import token_create
from folkhalsa.models import ApiToken
from reports.models import MeasureReport
from tests.html_forms import changed_tables, recorded_writes, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

WRITES = {"post", "put", "patch", "delete"}
USERS = ["root", "alice"]
# A key's last use is the request's own bookkeeping, written whatever the answer.
BOOKKEEPING = {ApiToken._meta.db_table}
STALE = 0


@dataclass(frozen=True)
class Hostile:
    """A JSON value (as text, so that 1e309 reaches the parser) and the kinds of field that may
    take it; every other kind of field must refuse it."""

    label: str
    text: str
    taken_by: frozenset[str] = frozenset()

    @property
    def value(self) -> object:
        return json.loads(self.text)


TEXT = frozenset({"text"})
HOSTILE_VALUES = [
    Hostile("object", '{"id": 1, "title": "x"}'),
    # Objects without an id: a record as the API shows it ({"id": 3, "name": …}) is taken where
    # a list of ids is (folkhalsa.api.IdOrRecordField: a record read can be sent back).
    Hostile("list of objects", '[{"$ne": 1}, {"name": "x"}]'),
    # Every text is bounded (folkhalsa.validators: 20 000 characters at most).
    Hostile("100 000 characters", json.dumps("x" * 100_000)),
    Hostile("NUL", json.dumps("a\x00b")),
    Hostile("10**30", "1" + "0" * 30, TEXT),
    Hostile("-1", "-1", frozenset({"text", "integer", "decimal"})),
    Hostile("1e309", "1e309", TEXT),
    Hostile("NaN as text", '"NaN"', TEXT),
    # Python reads "١٢" as 12; numbers are typed with the digits 0–9 (plans.forms).
    Hostile("Arabic-Indic digits", '"١٢"', TEXT),
    Hostile("true", "true", frozenset({"boolean"})),
    Hostile("<script>", json.dumps("<script>alert('tolv')</script>"), TEXT),
]
# What a body may be instead of an object of fields: each must be refused.
HOSTILE_BODIES = {
    "a list": ("[1, 2]", "application/json"),
    "a string": ('"plan"', "application/json"),
    "null": ("null", "application/json"),
    "a number": ("12", "application/json"),
    "invalid JSON": ("{", "application/json"),
    "NaN": ('{"title": NaN}', "application/json"),
    "nested too deep": ("[" * 10_000 + "]" * 10_000, "application/json"),
    "not UTF-8": (b'{"title": "\xff\xfe"}', "application/json"),
    "text/plain": ('{"title": "x"}', "text/plain"),
    "form-encoded": ("title=x&version=1", "application/x-www-form-urlencoded"),
    "no type": ('{"title": "x"}', ""),
}
# Fields no request body has (an id other than the record's among them): each is refused.
UNKNOWN_FIELDS = {
    "an unknown field": {"evil": "x"},
    "an id": {"id": 10**6},
    "a NUL in a name": {"ti\x00tle": "x"},
    "a prototype": {"__proto__": {"admin": True}},
    "an empty name": {"": "x"},
}
# Versions that are not one: refused (400) in the body, the query and If-Match.
HOSTILE_VERSIONS = ["1; DROP TABLE plans_plan", True, 1.5, -1, "١", "", None, [1], {"v": 1}]
# A version that is a number, but none a record ever has: 409, never a server error.
HUGE_VERSIONS = [10**30, 2**63]


# --- The writes, from the schema ---------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A write of the schema: its method, path, request body's fields (name → kind) and whether
    it is made against the record's version."""

    method: str
    path: str
    operation_id: str
    fields: tuple[tuple[str, str], ...]
    # For a field of rows (a list of objects): each row's fields and their kinds.
    row_fields: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    versioned: bool

    @property
    def creates(self) -> bool:
        return "{id}" not in self.path


@cache
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _kind(prop: dict) -> str:
    """Return what a field of the request body takes: text, integer, decimal, date, a choice,
    ids (a list), rows (a list of objects) or a boolean."""
    if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
        return "rows"
    if "oneOf" in prop or "enum" in prop:
        return "choice"
    if prop.get("type") == "string":
        return {"decimal": "decimal", "date": "date", "date-time": "date"}.get(
            prop.get("format"), "text"
        )
    return {"array": "ids", "integer": "integer", "boolean": "boolean", "number": "decimal"}.get(
        prop.get("type"), "other"
    )


def _fields(component: dict) -> tuple[tuple[str, str], ...]:
    return tuple((name, _kind(prop)) for name, prop in component.get("properties", {}).items())


def _versioned(schema: dict, operation: dict) -> bool:
    """Return whether the write names a version: a parameter, or the record it answers with."""
    if any(p.get("name") == "version" for p in operation.get("parameters", [])):
        return True
    for code in ("200", "201"):
        content = operation.get("responses", {}).get(code, {}).get("content", {})
        for media in content.values():
            if "version" in _resolved(schema, media["schema"]).get("properties", {}):
                return True
    return False


def _operations() -> list[Operation]:
    schema = _schema()
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in WRITES:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            component = _resolved(schema, body["schema"]) if body else {}
            properties = component.get("properties", {})
            rows = tuple(
                (name, _fields(_resolved(schema, prop["items"])))
                for name, prop in properties.items()
                if _kind(prop) == "rows"
            )
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=operation["operationId"],
                    fields=_fields(component),
                    row_fields=rows,
                    # A create makes a record: there is no version yet.
                    versioned="{id}" in path and _versioned(schema, operation),
                )
            )
    return found


OPERATIONS = _operations()


# --- Records, payloads and requests ------------------------------------------------------------


def _submitted(report: MeasureReport) -> None:
    """A report is reviewed once it is submitted: the review's checks are then reached."""
    MeasureReport.objects.filter(pk=report.pk).update(state=MeasureReport.State.SUBMITTED)


# What an action needs of its record before it can be tried for more than its precondition.
PREPARE = {"measurereport-review": _submitted}


def _new_payloads(records: dict) -> dict[str, dict]:
    """A valid new record of each kind a create makes, so a hostile field is the only fault."""
    plan, area = records["plan"], records["focusarea"]
    return {
        "plan": {
            "owner": plan.owner_id,
            "kind": "handlingsplan",
            "title": "Handlingsplan 2030",
            "start_year": 2030,
            "end_year": 2030,
        },
        "focusarea": {"plan": plan.pk, "title": "Nytt område"},
        "result": {"focus_area": area.pk, "title": "Nytt resultat"},
        "measure": {"plan": plan.pk, "focus_area": area.pk, "title": "Ny insats"},
        "indicatorvalue": {
            "indicator": records["indicator"].pk,
            "area_code": "1962",
            "area_name": "Norberg",
            "year": 2024,
            "sex": "T",
            "value": "30.5",
            "source": "manuell",
        },
    }


def _known_rows(records: dict) -> dict[str, dict[str, dict]]:
    """A valid row of each field of rows the record does not show as written (a budget's cells
    are shown under its lines)."""
    budget = records["budget"]
    cell = {"line": budget.lines.first().pk, "funder": budget.funders.first().pk, "amount": "1.00"}
    return {"budget": {"amounts": cell}}


def _url(operation: Operation, records: dict) -> tuple[str, str, object]:
    """Return the operation's address with a record of the `objects` fixture, its route name and
    the record (None for a create)."""
    name = resolve(operation.path.replace("{id}", "1")).url_name
    if operation.creates:
        return operation.path, name, None
    record = records[_basename(operation)]
    return operation.path.replace("{id}", str(record.pk)), name, record


def _basename(operation: Operation) -> str:
    """Return the resource's router basename: `api:plan-detail` → plan."""
    return resolve(operation.path.replace("{id}", "1")).url_name.split("-", 1)[0]


def _body(base: dict, field: str | None = None, text: str | None = None) -> str:
    """Return the JSON object of `base` with `field` set to the raw JSON `text`."""
    parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in base.items() if k != field]
    if field is not None:
        parts.append(f"{json.dumps(field)}: {text}")
    return "{" + ", ".join(parts) + "}"


@dataclass
class Answer:
    status: int
    data: object
    content_type: str
    written: list[str]
    broken: str = ""


def _send(
    client: Client, method: str, url: str, body: str | bytes = "", content_type="", headers=None
) -> Answer:
    """Send the request inside a transaction rolled back afterwards; return the answer and the
    tables it left changed (compared before the rollback with after it)."""
    broken = ""
    with transaction.atomic():
        with recorded_writes() as touched:
            response = client.generic(
                method, url, body, content_type=content_type, headers=headers or {}
            )
        touched -= BOOKKEEPING
        try:
            after = snapshot(touched) if touched else {}
        except DatabaseError as error:  # the request left the transaction unusable
            after, broken = {}, f"transaction broken: {error}"
        transaction.set_rollback(True)
    written = changed_tables(snapshot(set(after)), after) if after else []
    kind = response.get("Content-Type", "")
    try:
        data = json.loads(response.content) if response.content else None
    except ValueError:
        data = response.content[:200]
    return Answer(response.status_code, data, kind, written, broken)


def _faults(answer: Answer, *, may_write: bool) -> list[str]:
    """Return what is wrong with any answer: a server error, a refusal without a JSON `detail`,
    a write where nothing may be written."""
    faults = []
    if answer.broken:
        faults.append(answer.broken)
    if answer.status >= 500:
        faults.append(f"server error {answer.status}")
    elif answer.status >= 300 and answer.status != 304:
        if not answer.content_type.startswith("application/json"):
            faults.append(f"{answer.status} as {answer.content_type!r}")
        elif not isinstance(answer.data, dict) or not isinstance(answer.data.get("detail"), str):
            faults.append(f"{answer.status} without a detail: {str(answer.data)[:200]}")
    if answer.written and not (may_write and 200 <= answer.status < 300):
        faults.append(f"{answer.status} but wrote {answer.written}")
    if 200 <= answer.status < 300 and not may_write:
        faults.append(f"accepted ({answer.status}) what must be refused")
    return faults


def _stored_as_sent(answer: Answer, field: str, kind: str, value: object) -> list[str]:
    """Return a fault unless the accepted record shows the field exactly as sent (a number sent
    into text as the text of that number)."""
    if not isinstance(answer.data, dict) or field not in answer.data:
        return []
    shown = answer.data[field]
    if isinstance(value, int | float) and not isinstance(value, bool) and isinstance(shown, str):
        if kind in {"decimal", "integer"}:
            return [] if _same_number(shown, value) else [f"stored {shown!r}, sent {value!r}"]
        value = str(value)
    if shown != value:
        return [f"stored {str(shown)[:60]!r}, sent {str(value)[:60]!r}"]
    return []


def _same_number(shown: str, sent: int | float) -> bool:
    try:
        return Decimal(shown) == Decimal(str(sent))
    except InvalidOperation:
        return False


def _api_client(user) -> Client:
    key = token_create(user=user, name="Fuzz")[1]
    client = Client(headers={"Authorization": f"Bearer {key}"}, enforce_csrf_checks=True)
    client.raise_request_exception = False
    return client


def _edit_base(shown: dict, operation: Operation) -> dict:
    """Return the record as read, in the request body's fields: lists of records as ids, rows
    in the rows' fields."""
    kinds, rows = dict(operation.fields), dict(operation.row_fields)
    base = {}
    for name, value in shown.items():
        if name not in kinds:
            continue
        if kinds[name] == "rows" and isinstance(value, list):
            value = [{k: v for k, v in row.items() if k in dict(rows[name])} for row in value]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [item["id"] for item in value]
        base[name] = value
    return base


def _current_version(record) -> int | None:
    if record is None or not hasattr(record, "version"):
        return None
    return type(record)._base_manager.get(pk=record.pk).version


# --- The test -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Each test starts with no request counted (the counts live in the cache)."""
    django_cache.clear()
    yield
    django_cache.clear()


# Each operation in parts, so that a test stays short: every field with the hostile shapes, with
# the hostile numbers, with the hostile texts; the rows' fields (lists of objects); and the whole
# body (bodies that are no object, unknown fields, versions that are none).
SHAPES = {"object", "list of objects", "100 000 characters", "NUL", "true"}
NUMBERS = {"10**30", "-1", "1e309"}
PARTS = {
    "shapes": [h for h in HOSTILE_VALUES if h.label in SHAPES],
    "numbers": [h for h in HOSTILE_VALUES if h.label in NUMBERS],
    "texts": [h for h in HOSTILE_VALUES if h.label not in SHAPES | NUMBERS],
    "rows": HOSTILE_VALUES,
    "whole": [],
}


def _parts_of(operation: Operation) -> list[str]:
    """A delete has no body: its version is tried whole; rows only where the body has rows."""
    if operation.method == "DELETE":
        return ["whole"]
    return [part for part in PARTS if part != "rows" or operation.row_fields]


CASES = [
    pytest.param(operation, part, id=f"{operation.operation_id}-{part}")
    for operation in OPERATIONS
    for part in _parts_of(operation)
]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("operation", "part"), CASES)
def test_hostile_json_never_breaks_a_write_and_writes_nothing_when_refused(
    operation, part, user, objects
):
    records = objects["records"]
    url, route, record = _url(operation, records)
    if route in PREPARE:
        PREPARE[route](record)
    client = _api_client(objects["users"][user])
    failures: list[str] = []

    def check(what: str, answer: Answer, *, may_write=False, stored=None, expect=()) -> None:
        faults = _faults(answer, may_write=may_write)
        if stored and 200 <= answer.status < 300:
            faults += _stored_as_sent(answer, *stored)
        if expect and answer.status not in expect:
            faults.append(f"answered {answer.status}, not {' or '.join(map(str, expect))}")
        failures.extend(f"{operation.method} {url} {what}: {fault}" for fault in faults)

    fuzz = Fuzz(client, operation, url, _bases(client, operation, url, record, records), check)
    if operation.method == "DELETE":
        fuzz.deletes()
    else:
        {"rows": fuzz.rows, "whole": fuzz.whole}.get(part, fuzz.fields)(PARTS[part])
    assert not failures, f"{user}:\n" + "\n".join(failures[:40])


@dataclass
class Bases:
    """What a hostile value is put into: the valid body without a version (`plain`), with a
    stale version and with the right one (both the plain body for a write without a version),
    and a valid row of each field of rows."""

    plain: dict
    stale: dict
    right: dict
    # A field of rows: its first row as read, where the record shows its rows.
    row: dict[str, dict]


def _bases(client, operation: Operation, url: str, record, records: dict) -> Bases:
    shown = {} if operation.creates else client.get(url).json()
    row = _known_rows(records).get(_basename(operation), {})
    row |= {name: rows[0] for name, rows in _edit_base(shown, operation).items() if _rows(rows)}
    if operation.creates:
        plain = _new_payloads(records).get(_basename(operation), {})
    elif operation.method == "PUT":
        plain = _edit_base(shown, operation)
    else:
        plain = {}
    if not operation.versioned:
        return Bases(plain, dict(plain), dict(plain), row)
    version = _current_version(record)
    return Bases(plain, {**plain, "version": STALE}, {**plain, "version": version}, row)


def _rows(value: object) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


@dataclass
class Fuzz:
    client: Client
    operation: Operation
    url: str
    bases: Bases
    check: object

    def send(self, body: str | bytes, content_type: str = "application/json") -> Answer:
        return _send(self.client, self.operation.method, self.url, body, content_type)

    def fields(self, values: list[Hostile]) -> None:
        """Each hostile value in each field. A value its field takes is sent with a stale
        version, when the write has one (nothing may be written), else as it is (it may be saved,
        exactly as sent); a value no field of its kind takes is sent with the right version and
        refused (400). Markup in text is also sent with the right version: stored as sent."""
        for field, kind in self.operation.fields:
            for hostile in values:
                takes = kind in hostile.taken_by
                what = f"{field}={hostile.label} ({kind})"
                if takes and self.operation.versioned:
                    body = _body(self.bases.stale, field, hostile.text)
                    self.check(f"{what}, stale version", self.send(body), expect=(400, 409))
                if takes and (hostile.label == "<script>" or not self.operation.versioned):
                    answer = self.send(_body(self.bases.right, field, hostile.text))
                    stored = (field, kind, hostile.value)
                    self.check(what, answer, may_write=True, stored=stored)
                if not takes:
                    answer = self.send(_body(self.bases.right, field, hostile.text))
                    self.check(what, answer, expect=(400,))

    def rows(self, values: list[Hostile]) -> None:
        """Each hostile value in each field of a row (the row as read, else the field alone),
        and rows that are no objects: refused (400) with the right version."""
        for field, row_fields in self.operation.row_fields:
            row = self.bases.row.get(field, {})
            for name, kind in row_fields:
                for hostile in values:
                    if kind in hostile.taken_by:
                        continue
                    rows = "[" + _body(row, name, hostile.text) + "]"
                    answer = self.send(_body(self.bases.right, field, rows))
                    self.check(f"{field}[0].{name}={hostile.label} ({kind})", answer, expect=(400,))
            for label, rows in {
                "rows of numbers": "[1, 2]",
                "a row of lists": "[[1]]",
                "rows of null": "[null]",
                "an empty row": "[{}]",
                "a row with an unknown field": '[{"evil": 1}]',
                "an object for rows": '{"0": {}}',
                "10 000 rows": "[" + ", ".join(["{}"] * 10_000) + "]",
            }.items():
                answer = self.send(_body(self.bases.right, field, rows))
                self.check(f"{field}={label}", answer, expect=(400,))

    def whole(self, _values: list[Hostile]) -> None:
        """Bodies that are no object of fields, fields no body has, versions that are none."""
        for label, (body, content_type) in HOSTILE_BODIES.items():
            self.check(f"body {label}", self.send(body, content_type), expect=(400, 415))
        for label, fields in UNKNOWN_FIELDS.items():
            answer = self.send(json.dumps({**self.bases.right, **fields}))
            self.check(label, answer, expect=(400,))
        if not self.operation.versioned:
            return
        for bad in HOSTILE_VERSIONS:
            answer = self.send(json.dumps({**self.bases.plain, "version": bad}))
            self.check(f"version {bad!r}", answer, expect=(400,))
        for huge in HUGE_VERSIONS:
            answer = self.send(json.dumps({**self.bases.plain, "version": huge}))
            self.check(f"version {huge}", answer, expect=(400, 409))

    def deletes(self) -> None:
        """A delete names the version it removes (query or If-Match): versions that are none
        are refused and delete nothing; a delete that takes no version may delete."""
        may = not self.operation.versioned
        expect = () if may else (400, 409)
        for bad in [*HOSTILE_VERSIONS, *HUGE_VERSIONS, STALE, "a\x00b"]:
            text = bad if isinstance(bad, str) else "" if bad is None else json.dumps(bad)
            answer = _send(self.client, "DELETE", f"{self.url}?version={quote(text)}")
            self.check(f"?version={text!r}", answer, may_write=may, expect=expect)
        for bad in [*HOSTILE_VERSIONS, *HUGE_VERSIONS, STALE]:
            if isinstance(bad, str | int | float) and not isinstance(bad, bool):
                answer = _send(self.client, "DELETE", self.url, headers={"If-Match": f'"{bad}"'})
                self.check(f"If-Match {bad!r}", answer, may_write=may, expect=expect)
        # A body is no place for the version, nor for anything else.
        for label, (body, content_type) in HOSTILE_BODIES.items():
            answer = _send(self.client, "DELETE", self.url, body, content_type)
            self.check(f"body {label}", answer, may_write=may, expect=expect)


def test_every_write_of_the_schema_is_tried():
    """The schema's writes are what the fuzz tries: a write it cannot find fails here."""
    ids = {operation.operation_id for operation in OPERATIONS}
    assert {"plans_create", "measures_partial_update", "reports_review_create"} <= ids
    assert all(operation.fields or operation.method == "DELETE" for operation in OPERATIONS)
    assert len(PARTS["shapes"]) == len(SHAPES), "SHAPES names values of HOSTILE_VALUES"
    assert len(PARTS["numbers"]) == len(NUMBERS), "NUMBERS names values of HOSTILE_VALUES"


@pytest.mark.parametrize(
    "operation", [op for op in OPERATIONS if op.creates], ids=lambda op: op.operation_id
)
def test_every_create_has_a_valid_payload_to_carry_the_hostile_field(operation, objects):
    """The fuzz puts each hostile value into a valid new record: that record is accepted."""
    client = _api_client(objects["users"]["root"])
    base = _new_payloads(objects["records"]).get(_basename(operation))
    assert base is not None, f"add a valid payload of {operation.path} to _new_payloads"
    answer = _send(client, "POST", operation.path, json.dumps(base), "application/json")
    assert answer.status == 201, answer.data
