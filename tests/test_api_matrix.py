"""Every endpoint of the REST API, tried with GET, POST, PUT, PATCH and DELETE by every standing
user, as production runs (no wrapping transaction); the database is compared before and after.

The endpoints are enumerated from the URL configuration (the `api` namespace): a new one fails
here until its rules are written down in RULES. Object URLs point at records of Norbergs kommun
(the standing draft plan and what hangs on it); charlie is a strategist of another municipality.
A write is the representation the superuser reads, with one text field changed, against the
current version: where the rules let the user write, it must be saved; everywhere else nothing.
"""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.database_copies import DatabaseCopy
from tests.html_forms import changed_tables, recorded_writes, snapshot
from tests.routes import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

USERS = ["anonymous", "alice", "bob", "charlie", "diana"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
NORBERG_READERS = {"alice", "bob", "diana"}
PLAN_EDITORS = {"alice", "diana"}


def _read_only(detail: dict[str, int]) -> dict[str, dict[str, int]]:
    """A read-only resource: writes are 401 for anonymous (who writes nothing anywhere), 405
    for everyone signed in."""
    writes = dict.fromkeys(USERS, 405) | {"anonymous": 401}
    return {"GET": detail, "POST": writes, "PUT": writes, "PATCH": writes, "DELETE": writes}


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(USERS, status)


def _norberg_draft(status: int = 200) -> dict[str, int]:
    """Readable by Norberg's members and bob (who reports on its measure); 404 to others."""
    return {user: status if user in NORBERG_READERS else 404 for user in USERS}


def _plan_item(*, deletable: bool = True, creatable: bool = True) -> dict[str, dict[str, int]]:
    """A part of the standing draft plan, written through the workbench's forms."""
    edit = {"anonymous": 401, "alice": 200, "bob": 403, "charlie": 404, "diana": 200}
    return {
        "GET": _norberg_draft(),
        # charlie names Norberg's draft plan: not one he reads, so the JSON is refused (400).
        "POST": {"anonymous": 401, "alice": 201, "bob": 403, "charlie": 400, "diana": 201}
        if creatable
        else {"anonymous": 401} | dict.fromkeys(USERS[1:], 405),
        "PUT": edit,
        "PATCH": edit,
        "DELETE": {**edit, "alice": 204, "diana": 204}
        if deletable
        else {"anonymous": 401} | dict.fromkeys(USERS[1:], 405),
    }


# The rules, per resource (the router's basename). Lists answer 200 to everyone who may call
# them (each sees her own rows; tests/test_api_*.py check which); a detail URL is a record of
# Norberg. Each method's answer per user.
RULES: dict[str, dict[str, dict[str, int]]] = {
    "targetarea": _read_only(_everyone(200)),
    "globalgoal": _read_only(_everyone(200)),
    # The tag is on the draft's measure: hidden from those who do not read the draft.
    "tag": _read_only(_norberg_draft()),
    # Norberg publishes (an adopted plan), so anonymous visitors read it too.
    "organisation": _read_only(_everyone(200)),
    # Norberg's people: to its members; bob's role is at the library, a unit below.
    "person": _read_only(
        {"anonymous": 401, "alice": 200, "bob": 404, "charlie": 404, "diana": 200}
    ),
    # A plan is started (POST) by a strategist for her own organisation; a draft is deleted by
    # its editors.
    "plan": {
        **_plan_item(),
        # charlie starts plans, but not for Norberg: the form refuses the owner (400).
        "POST": {"anonymous": 401, "alice": 201, "bob": 403, "charlie": 400, "diana": 201},
    },
    "focusarea": _plan_item(),
    "result": _plan_item(),
    "measure": _plan_item(),
    "responsibility": _read_only(_norberg_draft()),
    # A budget's cells (and title) are changed by the plan's editors, PATCH only.
    "budget": {
        **_read_only(_norberg_draft()),
        "PATCH": {"anonymous": 401, "alice": 200, "bob": 403, "charlie": 404, "diana": 200},
    },
    # Councils (councils/api.py): Norberg's council is not public; its members read it, its
    # seats, its (held) meeting, the agenda and the minutes being written; bob's role is at the
    # library, outside the council's organisation.
    **dict.fromkeys(
        ["body", "seat", "meeting", "agendaitem", "minutes"],
        _read_only({"anonymous": 404, "alice": 200, "bob": 404, "charlie": 404, "diana": 200}),
    ),
    # Follow-up (reports/api.py): the round and its reports to those who work on the plan (bob
    # reports on its measure); anonymous visitors have no rounds or reports at all.
    "followupround": _read_only(
        {"anonymous": 401, "alice": 200, "bob": 200, "charlie": 404, "diana": 200}
    ),
    # bob writes his organisation's report; the plan's editors too. None is made or deleted here.
    "measurereport": {
        "GET": {"anonymous": 401, "alice": 200, "bob": 200, "charlie": 404, "diana": 200},
        "POST": {"anonymous": 401} | dict.fromkeys(USERS[1:], 405),
        "PUT": {"anonymous": 401, "alice": 200, "bob": 200, "charlie": 404, "diana": 200},
        "PATCH": {"anonymous": 401, "alice": 200, "bob": 200, "charlie": 404, "diana": 200},
        "DELETE": {"anonymous": 401} | dict.fromkeys(USERS[1:], 405),
    },
    # The published follow-up of Norberg's adopted strategy: public.
    "publishedfollowup": _read_only(_everyone(200)),
    # Norberg's indicator, linked to the draft: to those who read the draft.
    "indicator": _read_only(_norberg_draft()),
    # Its values: written by the indicator's editors (Norberg's strategist and administrator).
    "indicatorvalue": _plan_item(),
}
# Actions on a record (POST to detail/<action>/): the answer per user.
ACTIONS = {
    # Reviewing the standing report: it is a draft, not submitted, so the editors' review is
    # refused (400, in Swedish); tests/test_api_reports.py reviews a submitted one.
    "measurereport-review": {
        "anonymous": 401,
        "alice": 400,
        "bob": 403,
        "charlie": 404,
        "diana": 400,
    },
}
# A list answers 200 to everyone who may call it; these need a login (their details too).
LIST_NEEDS_LOGIN = {"person", "followupround", "measurereport"}


def _record_for(basename: str, records: dict):
    if basename == "responsibility":
        return records["measure"].responsibilities.first()
    if basename == "minutes":
        return records["meeting"]
    return records[basename]


# What the superuser posts to make a new record of each kind (a valid payload).
def _new_payload(basename: str, records: dict) -> dict:
    plan = records["plan"]
    return {
        "plan": {
            "owner": plan.owner_id,
            "kind": "handlingsplan",
            "title": "Handlingsplan 2030",
            "start_year": 2030,
            "end_year": 2030,
        },
        "focusarea": {"plan": plan.pk, "title": "Nytt område"},
        "result": {"focus_area": records["focusarea"].pk, "title": "Nytt resultat"},
        "measure": {"plan": plan.pk, "focus_area": records["focusarea"].pk, "title": "Ny insats"},
        "indicatorvalue": {
            "indicator": records["indicator"].pk,
            "area_code": "1962",
            "area_name": "Norberg",
            "year": 2024,
            "sex": "T",
            "value": "30,5".replace(",", "."),
            "source": "manuell",
        },
    }.get(basename, {"title": "Något"})


def _edit_payload(basename: str, representation: dict) -> dict:
    """The record as read, with its first text field changed and its version kept."""
    payload = {}
    for name, value in representation.items():
        if name in {"id", "owner_name", "responsibilities", "latest_assessment", "focus_areas"}:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            if name != "tags":
                continue  # rows shown with the record (a budget's lines), not written here
            value = [item["id"] for item in value]
        payload[name] = value
    texts = ("title", "name", "progress")
    text = next((n for n in texts if isinstance(payload.get(n), str)), None)
    if text:
        payload[text] += " (ändrad)"
    return payload


def _api_routes() -> dict[str, list[str]]:
    """Return the API's route names per resource basename (list, detail and actions)."""
    found: dict[str, list[str]] = {}
    for route in all_routes():
        if route.name.startswith("api:") and route.name != "api:api-root":
            basename, _kind = route.name.removeprefix("api:").split("-", 1)
            found.setdefault(basename, []).append(route.name.removeprefix("api:"))
    return found


API_ROUTES = _api_routes()


def test_every_endpoint_has_rules():
    assert set(API_ROUTES) == set(RULES), "write the rules of a new endpoint down in RULES"
    for basename, names in API_ROUTES.items():
        actions = {n for n in names if n not in {f"{basename}-list", f"{basename}-detail"}}
        assert actions <= set(ACTIONS), f"write the rules of {actions} down in ACTIONS"


def _call(client: Client, method: str, url: str, payload: dict | None, before: dict):
    cookies = copy.deepcopy(client.cookies)
    body = json.dumps(payload) if payload is not None else None
    with recorded_writes() as touched:
        response = client.generic(method, url, body or "", content_type="application/json")
    written = changed_tables(before, snapshot(touched)) if touched else []
    client.cookies = cookies
    return response, written, bool(touched)


def _expected(basename: str, kind: str, method: str, user: str) -> int:
    if kind == "list":
        if method == "GET":
            if basename in LIST_NEEDS_LOGIN and user == "anonymous":
                return 401
            return 200
        if method in {"PUT", "PATCH", "DELETE"}:
            return 401 if user == "anonymous" else 405
        return RULES[basename]["POST"][user]
    if method == "POST":
        return 401 if user == "anonymous" else 405
    if method == "GET" and basename in LIST_NEEDS_LOGIN and user == "anonymous":
        return 401
    return RULES[basename][method][user]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("basename", sorted(RULES))
def test_every_method_answers_and_writes_as_the_rules_say(basename, objects):
    records = objects["records"]
    root = client_for(objects["users"]["root"])
    clients = {user: client_for(objects["users"].get(user)) for user in USERS}
    record = _record_for(basename, records)
    detail = reverse(f"api:{basename}-detail", args=[record.pk])
    listing = reverse(f"api:{basename}-list")
    before = snapshot()
    start = DatabaseCopy("api-matrix").take()
    wrong, checked = [], 0
    try:
        for method in METHODS:
            for kind, url in (("list", listing), ("detail", detail)):
                for user in USERS:
                    payload = None
                    if method == "POST" and kind == "list":
                        payload = _new_payload(basename, records)
                    elif method in {"PUT", "PATCH"} and kind == "detail":
                        shown = root.get(detail)
                        payload = (
                            _edit_payload(basename, shown.json())
                            if shown.status_code == 200
                            else {}
                        )
                    elif method == "DELETE" and kind == "detail":
                        version = getattr(type(record).objects.get(pk=record.pk), "version", 1)
                        url = f"{detail}?version={version}"
                    response, written, touched = _call(clients[user], method, url, payload, before)
                    if touched:
                        start.restore()
                    checked += 1
                    expected = _expected(basename, kind, method, user)
                    line = f"{user:9} {method:6} {kind:6} {response.status_code} != {expected}"
                    if response.status_code != expected:
                        wrong.append(f"{line}: {response.content[:300]!r}")
                    must_write = method != "GET" and 200 <= expected < 300
                    if must_write and not written:
                        wrong.append(f"{user:9} {method:6} {kind:6} wrote nothing")
                    if not must_write and written:
                        wrong.append(f"{user:9} {method:6} {kind:6} wrote {written}")
    finally:
        start.drop()
    assert not wrong, f"{basename}:\n" + "\n".join(wrong)
    assert checked == len(METHODS) * 2 * len(USERS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_answers_and_writes_as_the_rules_say(action, objects):
    basename = action.split("-", 1)[0]
    record = _record_for(basename, objects["records"])
    url = reverse(f"api:{action}", args=[record.pk])
    version = getattr(type(record).objects.get(pk=record.pk), "version", 1)
    payload = {"accept": True, "comment": "Bra", "version": version}
    before = snapshot()
    start = DatabaseCopy("api-actions").take()
    wrong = []
    try:
        for method in METHODS:
            for user in USERS:
                client = client_for(objects["users"].get(user))
                response, written, touched = _call(client, method, url, payload, before)
                if touched:
                    start.restore()
                if method == "POST":
                    expected = ACTIONS[action][user]
                else:
                    safe = method == "GET" and basename not in LIST_NEEDS_LOGIN
                    expected = 401 if user == "anonymous" and not safe else 405
                if response.status_code != expected:
                    wrong.append(f"{user:9} {method:6} {response.status_code} != {expected}")
                must_write = method == "POST" and 200 <= expected < 300
                if written and not must_write:
                    wrong.append(f"{user:9} {method:6} wrote {written}")
                if must_write and not written:
                    wrong.append(f"{user:9} {method:6} wrote nothing")
    finally:
        start.drop()
    assert not wrong, f"{action}:\n" + "\n".join(wrong)


def test_the_api_root_and_its_description_answer_everyone(objects):
    for user in USERS:
        client = client_for(objects["users"].get(user))
        assert client.get(reverse("api:api-root")).status_code == 200
        schema = client.get(reverse("api-schema"), headers={"Accept": "application/json"})
        assert schema.status_code == 200
        assert client.get(reverse("api-docs")).status_code == 200
