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
    Hostile("list of objects", '[{"id": 1}, {"id": 2}]'),
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
# Fields that are in no request body: each must be refused, or be the record's own value.
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
    required: tuple[str, ...]
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
    ids (a list) or a boolean."""
    if "oneOf" in prop or "enum" in prop:
        return "choice"
    if prop.get("type") == "string":
        return {"decimal": "decimal", "date": "date", "date-time": "date"}.get(
            prop.get("format"), "text"
        )
    return {"array": "ids", "integer": "integer", "boolean": "boolean", "number": "decimal"}.get(
        prop.get("type"), "other"
    )


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
            fields = tuple(
                (name, _kind(prop)) for name, prop in component.get("properties", {}).items()
            )
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=operation["operationId"],
                    fields=fields,
                    required=tuple(component.get("required", [])),
                    versioned=_versioned(schema, operation),
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


def _stored_as_sent(answer: Answer, field: str, value: object) -> list[str]:
    """Return a fault unless the accepted record shows the field exactly as sent (a number sent
    into text as the text of that number)."""
    if not isinstance(answer.data, dict) or field not in answer.data:
        return []
    shown = answer.data[field]
    if isinstance(shown, str) and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if shown != value:
        return [f"stored {str(shown)[:60]!r}, sent {str(value)[:60]!r}"]
    return []


def _api_client(user) -> Client:
    key = token_create(user=user, name="Fuzz")[1]
    client = Client(headers={"Authorization": f"Bearer {key}"}, enforce_csrf_checks=True)
    client.raise_request_exception = False
    return client


def _edit_base(client: Client, url: str, operation: Operation) -> dict:
    """Return the record as read, in the request body's fields (lists of records as ids)."""
    shown = client.get(url).json()
    names = {name for name, _kind in operation.fields}
    base = {}
    for name, value in shown.items():
        if name not in names:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
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


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_hostile_json_never_breaks_a_write_and_writes_nothing_when_refused(
    operation, user, objects
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

    if operation.method == "DELETE":
        _try_deletes(client, operation, url, record, check)
    else:
        _try_bodies(client, operation, url, record, records, check)
    assert not failures, f"{user}:\n" + "\n".join(failures[:40])


def _try_bodies(client, operation: Operation, url: str, record, records: dict, check) -> None:
    version = _current_version(record)
    if operation.creates:
        base = _new_payloads(records).get(_basename(operation), {})
    elif operation.method == "PUT":
        base = _edit_base(client, url, operation)
    else:
        base = {}
    stale = {**base, "version": STALE} if operation.versioned else dict(base)
    right = {**base, "version": version} if operation.versioned else dict(base)
    method = operation.method

    # Each hostile value in each field: with a stale version nothing may be written; without a
    # version a value its field takes may be saved, exactly as sent.
    for field, kind in operation.fields:
        for hostile in HOSTILE_VALUES:
            takes = kind in hostile.taken_by and not operation.versioned
            body = _body(stale, field, hostile.text)
            answer = _send(client, method, url, body, "application/json")
            check(
                f"{field}={hostile.label} ({kind})",
                answer,
                may_write=takes,
                stored=(field, hostile.value) if takes else None,
            )
    # With the right version: what no field of its kind takes is refused (400) and writes
    # nothing; text a field takes is saved exactly as sent.
    if operation.versioned:
        for field, kind in operation.fields:
            for hostile in HOSTILE_VALUES:
                takes = kind in hostile.taken_by
                if takes and hostile.label != "<script>":
                    continue
                answer = _send(
                    client, method, url, _body(right, field, hostile.text), "application/json"
                )
                what = f"{field}={hostile.label} ({kind}), right version"
                expect = () if takes else (400,)
                check(what, answer, may_write=takes, stored=(field, hostile.value), expect=expect)
    # Bodies that are no object of fields, and fields no body has.
    for label, (body, content_type) in HOSTILE_BODIES.items():
        answer = _send(client, method, url, body, content_type)
        check(f"body {label}", answer, expect=(400, 415))
    for label, fields in UNKNOWN_FIELDS.items():
        answer = _send(client, method, url, json.dumps({**right, **fields}), "application/json")
        check(label, answer)
    # Versions that are none, in the body and in If-Match.
    if operation.versioned:
        for bad in HOSTILE_VERSIONS:
            body = json.dumps({**base, "version": bad})
            check(f"version {bad!r}", _send(client, method, url, body, "application/json"))
        for huge in HUGE_VERSIONS:
            body = json.dumps({**base, "version": huge})
            check(f"version {huge}", _send(client, method, url, body, "application/json"))


def _try_deletes(client, operation: Operation, url: str, record, check) -> None:
    """A delete names the version it removes (query or If-Match): versions that are none are
    refused and delete nothing; a delete without a version may delete (it takes none)."""
    may = not operation.versioned
    queries = [*HOSTILE_VERSIONS, *HUGE_VERSIONS, STALE, "a\x00b"]
    for bad in queries:
        text = "" if bad is None else json.dumps(bad) if not isinstance(bad, str) else bad
        answer = _send(client, "DELETE", f"{url}?version={quote(text)}")
        check(f"?version={text!r}", answer, may_write=may)
    for bad in [*HOSTILE_VERSIONS, *HUGE_VERSIONS, STALE]:
        if isinstance(bad, str | int | float) and not isinstance(bad, bool):
            answer = _send(client, "DELETE", url, headers={"If-Match": f'"{bad}"'})
            check(f"If-Match {bad!r}", answer, may_write=may)
    # A body is no place for the version, nor for anything else.
    for label, (body, content_type) in HOSTILE_BODIES.items():
        answer = _send(client, "DELETE", url, body, content_type)
        check(f"body {label}", answer, may_write=may)


def test_every_write_of_the_schema_is_tried():
    """The schema's writes are what the fuzz tries: a write it cannot find fails here."""
    ids = {operation.operation_id for operation in OPERATIONS}
    assert {"plans_create", "measures_partial_update", "reports_review_create"} <= ids
    assert all(operation.fields or operation.method == "DELETE" for operation in OPERATIONS)


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
