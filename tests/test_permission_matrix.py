"""Every URL of the admin and the site, tried with GET and POST by every standing user.

The URLs are enumerated from the URL configuration, not hand-picked: a new page that is not
covered by the rules below fails this test until its expected answers are written down.
Object URLs point at records of Norbergs kommun, the municipality of alice (editor), bob
(rapportör at its library) and diana (its administrator); charlie is a strategist of another
municipality. Each POST sends the page's own current form data (as the superuser sees it) with
one field changed, and the database is compared before and after: a refused POST writes nothing.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.database_copies import DatabaseCopy
from tests.html_forms import page_form, post_and_compare, snapshot
from tests.routes import Route, all_routes, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

USERS = ["anonymous", "alice", "bob", "charlie", "diana"]


# Records of Norbergs kommun (or shared ones) used for each model's object URLs.
OWNED = {"plan", "focusarea", "result", "measure", "budget", "person", "indicator"}
OWNED |= {"indicatorvalue"}  # on the indicator's rules
SHARED_READ_ONLY = {"targetarea", "globalgoal"}
# Libraries' admins on our site, for superusers only: django-axes' records of logins and
# django-tasks-db's task results (folkhalsa/admin.py).
DJANGO_ONLY = {"accessattempt", "accesslog", "accessfailurelog", "dbtaskresult"}
EDITORS_OF_PLANS = {"alice", "diana"}


def _expected(route: Route, user: str) -> int:
    """Return the answer the user must get; the access rules, written down once."""
    name = route.name
    if name == "logout":
        return 405  # logging out is a POST
    if name == "set_language":
        return 302  # choosing a language is a POST; a GET goes back where it came from
    if name == "accessibility_statement":
        return 200  # for everyone, linked from every page
    if name == "favicon":
        return 301  # to the icon among the static files
    if name == "health":
        return 200  # for a load balancer: anyone, no login (a POST answers 405)
    if name in PUBLIC_PAGES:
        return PUBLIC_PAGES[name]
    if name in {"api-schema", "api-docs"}:
        return 200  # the API's description, for everyone (tests/test_api_matrix.py: the API)
    if name in {"my_work", "notification_settings", "account"}:
        return 302 if user == "anonymous" else 200  # each her own: what her roles give her
    if name.startswith("year_wheel:"):
        return _expected_year_wheel(name, user)
    if name.startswith("admin:"):
        return _expected_admin(route, user)
    if name.startswith("reports:"):
        return _expected_follow_up(name, user)
    return _expected_site(name, user)


# The public face (folkhalsa/public_pages.py): the same for everyone. Norberg publishes (an
# adopted plan, a published follow-up), so its page and contact page are public; its council is
# not public, so it has no public calendar feed and no public page of its meetings (for its
# members neither: they read the body's own page; tests/test_public_body_meetings.py).
PUBLIC_PAGES = {
    "start": 200,
    "organisation": 200,
    "organisation_contact": 200,
    "body_calendar": 404,
    "councils:public_body_meetings": 404,
    # Open data (folkhalsa/open_data*.py): the catalogues and Norberg's page are public; the
    # standing plan is a draft and the standing indicator belongs to it, so no CSV of either.
    "open_data": 200,
    "open_data_catalogue_jsonld": 200,
    "open_data_catalogue_rdf": 200,
    "organisation_open_data": 200,
    "organisation_catalogue_jsonld": 200,
    "organisation_catalogue_rdf": 200,
    "open_data_plan_measures": 404,
    "open_data_indicator_values": 404,
}


# The årshjul (folkhalsa/year_wheel_views.py): her own year needs a login; an organisation's
# year is public (each sees what she reads of it); a plan's as the plan (the standing draft:
# Norberg's members and bob, who reports on it); a body's as the body (Norberg's council is not
# public). A new calendar address is a POST.
YEAR_WHEEL = {
    "year_wheel:mine": {"anonymous": 302},
    "year_wheel:organisation": {},
    "year_wheel:plan": {"anonymous": 404, "charlie": 404},
    "year_wheel:body": {"anonymous": 404, "bob": 404, "charlie": 404},
    "year_wheel:feed_renew": {**dict.fromkeys(USERS, 405), "anonymous": 302},
}


def _expected_year_wheel(name: str, user: str) -> int:
    return YEAR_WHEEL[name].get(user, 200)


# Minutes, checking, notice board, public pages (wt-minutes).
MINUTES_PUBLIC = {"councils:notice_board", "councils:public_minutes_list"}
MINUTES_MANAGE = {
    "councils:change_requests",  # the adjusters' requests, answered by the secretary
    "councils:minutes_paper_check",
    "councils:minutes_amend",
    "councils:minutes_register",
    "councils:notice_board_post",
}
MINUTES_MEMBERS = {
    "councils:minutes",
    "councils:minutes_check",
    "councils:change_request_create",  # the adjuster's (or the chair's) request for a change
    "councils:my_meetings",
}
# Her own appointment to check (the adjuster) or sign (the chair) the minutes.
MINUTES_APPOINTED = {"councils:minutes_check", "councils:change_request_create"}


def _expected_minutes(name: str, user: str) -> int | None:
    """Return the answer on a minutes page; None for pages that are not the minutes'."""
    if name in MINUTES_PUBLIC:
        return 200
    if name == "councils:public_minutes":
        return 404  # the standing meeting is not checked, and its council is not public
    if name not in MINUTES_MANAGE | MINUTES_MEMBERS:
        return None
    if user == "anonymous":
        return 302
    if name == "councils:my_meetings":
        return 200
    if user in {"bob", "charlie"}:
        return 404  # neither reads Norberg's council
    if name == "councils:minutes":
        return 200  # diana writes them, alice reads them
    if name in MINUTES_APPOINTED:
        return 403  # nobody of them is appointed to check
    return 200 if user == "diana" else 403


# Council documents (wt-documents): the meeting's readers (alice, diana) read its PDFs and
# calendar file, others get 404, anonymous visitors too (the fixture's minutes are not public,
# and a login page would tell a private meeting from a missing one); the body's managers
# (diana, administratör) send and revoke a dispatch's download links; a private calendar
# address is renewed by a POST of a user with a seat or a body to manage (diana here). A download
# link is a secret, not an id: it is tried in tests/test_dispatch_attachments.py.
DOCUMENT_READS = {
    "councils:notice_pdf",
    "councils:minutes_pdf",
    "councils:extract_pdf",
    "councils:meeting_ics",
}
DOCUMENT_MANAGES = {
    "councils:notice_send",
    "councils:minutes_send",
    "councils:download_links_revoke",
}


def _expected_documents(name: str, user: str) -> int | None:
    if name == "councils:calendar_feed_renew":
        return 302 if user == "anonymous" else 405  # a POST
    if name in DOCUMENT_READS:
        return {"alice": 200, "diana": 200}.get(user, 404)
    if name in DOCUMENT_MANAGES:
        return {"anonymous": 302, "alice": 403, "diana": 200}.get(user, 404)
    return None


# Follow-up: alice and diana manage Norberg's plan's rounds; bob reports on the library's measure.
FOLLOW_UP_READERS = {
    "reports:followup_home": {"alice", "diana"},  # the others are sent on to their own measures
    "reports:my_reports": {"alice", "bob", "charlie", "diana"},
    "reports:round_create": EDITORS_OF_PLANS,
    "reports:round_detail": EDITORS_OF_PLANS,
    "reports:report_edit": {"alice", "bob", "diana"},
    "reports:report_review": EDITORS_OF_PLANS,
    "reports:follow_up_preview": EDITORS_OF_PLANS,
    "reports:follow_up_publish": EDITORS_OF_PLANS,  # the confirmation page; publishing POSTs
    "reports:round_remind": EDITORS_OF_PLANS,  # who is reached and who is not; sending POSTs
    "reports:follow_up_text": EDITORS_OF_PLANS,
    "reports:follow_up_preview_docx": EDITORS_OF_PLANS,
}


# Read as the (draft) plan itself is: by its owner's members and the rapportör of its measure.
FOLLOW_UP_AS_PLAN = {
    "reports:plan_measures_xlsx",
    "reports:plan_follow_up",
    "reports:plan_pdf",
    "reports:plan_dashboard",
}
# A published follow-up of an adopted plan is public, like the plan.
FOLLOW_UP_PUBLIC = {"reports:published_pdf", "reports:published_docx", "reports:published_compare"}


def _expected_follow_up(name: str, user: str) -> int:
    if name.startswith("reports:indicator"):
        return _expected_reports(name, user)
    if name in FOLLOW_UP_PUBLIC:
        return 200
    if name in FOLLOW_UP_AS_PLAN:
        return 200 if user in {"alice", "bob", "diana"} else 404
    if user == "anonymous":
        return 302
    if name == "reports:round_close":
        return 405  # actions are POSTs
    if user in FOLLOW_UP_READERS[name]:
        return 200
    return 302 if name == "reports:followup_home" else 404


# Prioritisations (plans/prioritisation/): Norberg's, read by its members and by bob, who rates
# its open round without any role at Norberg; changed by its editors (alice, diana).
PRIORITISATION_READS = {
    "plans:prioritisation_detail",
    "plans:ranking",
    "plans:prioritisation_pdf",
    "plans:round",
}  # the Excel file names every rater's scores: the owner's members only, not bob
PRIORITISATION_POST_ONLY = {"plans:round_remind", "plans:round_close", "plans:candidate_delete"}
PRIORITISATION_PAGES = {
    *PRIORITISATION_READS,
    *PRIORITISATION_POST_ONLY,
    "plans:prioritisations",
    "plans:prioritisation_new",
    "plans:prioritisation_edit",
    "plans:criteria_edit",
    "plans:theme_new",
    "plans:theme_edit",
    "plans:candidate_new",
    "plans:candidate_edit",
    "plans:round_new",
    "plans:round_scores",
    "plans:decision",
}


def _expected_prioritisation(name: str, user: str) -> int | None:
    if name not in PRIORITISATION_PAGES:
        return None
    if user == "anonymous":
        return 302  # to the login page: never public
    if name == "plans:prioritisations":
        return 200  # each sees what she reads
    if name == "plans:prioritisation_new":
        return 403 if user == "bob" else 200
    if name in PRIORITISATION_POST_ONLY:
        return 405
    if user == "charlie":
        return 404
    if name == "plans:round_scores":
        return 200 if user == "bob" else 403  # the rater's own sheet only
    if name in PRIORITISATION_READS:
        return 200
    return 403 if user == "bob" else 200


def _expected_site(name: str, user: str) -> int:
    for rules in (_expected_minutes, _expected_documents, _expected_prioritisation):
        expected = rules(name, user)
        if expected is not None:
            return expected
    if name in {"login", "plans:home"}:
        return 200
    if name.startswith("reports:"):
        return _expected_reports(name, user)
    if name.startswith("councils:"):
        return _expected_council(name, user)
    if user == "anonymous":
        return 404 if name == "plans:plan_detail" else 302
    if name == "plans:plan_new":
        return 403 if user == "bob" else 200  # every strategist starts plans for her own
    if name == "plans:organisation_deleted":
        # Organisation names are public; what was deleted from one is for its members.
        return 403 if user in {"bob", "charlie"} else 200
    if user == "charlie":
        return 404  # the draft plan of another municipality does not exist for him
    if name == "plans:measure_report":
        return 302  # alice, bob, diana: to the follow-up, or the plan page when none is open
    if user == "bob":
        # The plan's readers read its budget grid too (plans:budget); only editors change it.
        return 200 if name in {"plans:plan_detail", "plans:budget"} else 403
    return 200


def _expected_reports(name: str, user: str) -> int:
    """Indicators: the list for everyone (what each may read); Norberg's indicator, linked to
    its draft plan, for Norberg's members and the rapportör who reads that plan."""
    if name == "reports:indicator_list":
        return 200
    return 404 if user in {"anonymous", "charlie"} else 200


# --- Council pages: bodies, seats, meetings, agenda, attachments, attendance (wt-meetings) ---
# alice reads Norberg's council (strateg), diana manages it (administratör); bob (at the
# library) reads no body he does not sit in, charlie is of another municipality.
COUNCIL_READ_PAGES = {
    "councils:body_detail",
    "councils:meeting_detail",
    "councils:attachment_download",
}
COUNCIL_POST_ONLY = {"councils:agenda_item_move"}


def _expected_council(name: str, user: str) -> int:
    if user == "anonymous":
        return 302  # to the login page
    if name == "councils:body_list":
        return 200  # her bodies, none for bob and charlie
    if name in COUNCIL_POST_ONLY:
        return 405
    if name == "councils:body_create":
        return 200 if user == "diana" else 403
    if user in {"bob", "charlie"}:
        return 404  # a body or meeting they may not read does not exist for them
    if name in COUNCIL_READ_PAGES:
        return 200
    return 200 if user == "diana" else 403


def _expected_admin(route: Route, user: str) -> int:
    if route.name == "admin:login":
        return 200 if user in {"anonymous", "bob"} else 302
    if user in {"anonymous", "bob"}:
        return 302  # not staff: to the admin login
    if route.name == "admin:logout":
        return 405  # logging out is a POST
    if route.name == "admin:autocomplete":
        return 403  # without a field to complete
    if route.model_admin is None:
        return 200
    model = route.model_admin.model._meta.model_name
    view = _view(route)
    if model in DJANGO_ONLY:
        return 403
    if model in COUNCIL_ADMIN_MODELS:
        return _expected_council_admin(model, _view(route), user)
    if model in {"user", "role"}:
        # Only administrators manage accounts and roles, those of their own organisation.
        if user == "diana":
            return 200
        return 403 if not route.params else 404
    if not route.params:
        if view == "add" and model in {"organisation", *SHARED_READ_ONLY}:
            return 200 if user == "diana" and model == "organisation" else 403
        return 200
    if model in OWNED and user == "charlie":
        return 404
    if model == "tag":
        # The tag is used only on Norberg's draft: charlie does not see it. Its history names
        # users of every organisation: superusers only.
        if user == "charlie":
            return 404
        return 200 if view == "change" else 403
    if model == "organisation" and view in {"history", "simple_history"}:
        return 403 if user == "charlie" else 200  # who changed it: members only
    if view == "delete" and model in {"organisation", *SHARED_READ_ONLY}:
        return 403  # diana administers Norberg but may not delete it
    return 200


# council-admin: a body and everything below it is managed by the secretary or administrator of
# its organisation (diana), read by its other members (alice), and absent for others (charlie).
# Dispatches and attachments are records of what happened; an amendment stays as it was made.
COUNCIL_ADMIN_MODELS = {
    "body",
    "seat",
    "seatholding",
    "standingitem",
    "meeting",
    "agendaitem",
    "attendance",
    "minutescheck",
    "amendment",
    "dispatch",
    "attachment",
}
COUNCIL_RECORDS = {"dispatch", "attachment"}


def _expected_council_admin(model: str, view: str, user: str) -> int:
    if view == "changelist":
        return 200
    if view == "add":
        return 200 if user == "diana" and model not in COUNCIL_RECORDS else 403
    if user == "charlie":
        return 404
    if view == "delete":
        return 200 if user == "diana" and model not in {*COUNCIL_RECORDS, "amendment"} else 403
    return 200


def _view(route: Route) -> str:
    """Return which admin view the route is: changelist, add, change, delete, history …"""
    if route.name.endswith("_simple_history"):
        return "simple_history"
    if route.name.endswith("_password_change"):
        return "password"
    return route.name.rsplit("_", 1)[-1]


EDITORS = {"alice", "diana"}
# Where a POST of the page's own data (one field changed) must be saved, per admin view.
ADMIN_WRITES = {
    "change": {**dict.fromkeys(OWNED, EDITORS), "organisation": {"diana"}, "role": {"diana"}},
    "delete": {**dict.fromkeys(OWNED, EDITORS), "role": {"diana"}, "user": {"diana"}},
    "changelist": {"person": EDITORS, "role": {"diana"}, "user": {"diana"}},
    "add": {"tag": {"alice", "charlie", "diana"}},
    "password": {"user": {"diana"}},
}
ADMIN_WRITES["change"]["user"] = {"diana"}
# An indicator value's first text field is its area code, made invalid by the added letter: its
# change writes for nobody here; its list's bulk delete and its delete page are the editors'.
ADMIN_WRITES["change"].pop("indicatorvalue")
ADMIN_WRITES["changelist"]["indicatorvalue"] = EDITORS
# council-admin: diana's saves. Not written: a seat holding (the changed field is a date, made
# invalid), an amendment (never changed). Deletes refused: a body with meetings, a seat with
# attendance, a meeting or item with dispatches, amendments or attachments (kept records).
ADMIN_WRITES["change"].update(
    dict.fromkeys(
        ["body", "seat", "standingitem", "meeting", "agendaitem", "attendance", "minutescheck"],
        {"diana"},
    )
)
ADMIN_WRITES["delete"].update(
    dict.fromkeys(["seatholding", "standingitem", "attendance", "minutescheck"], {"diana"})
)
SITE_WRITES = {
    # Mitt konto: a new API key, named by the changed text, for everyone signed in.
    "account": {"alice", "bob", "charlie", "diana"},
    "plans:plan_edit": EDITORS,
    "plans:measure_edit": EDITORS,
    "plans:focus_area_edit": EDITORS,
    "plans:result_edit": EDITORS,
    # The budget grid (its title changed) and Ny budget (the plan's free year 2026). Adding a
    # funder posts no organisation here (none is picked), so it writes for nobody;
    # tests/test_budget_in_the_site.py adds one.
    "plans:budget": EDITORS,
    "plans:budget_new": EDITORS,
    "plans:plan_editor": EDITORS,  # the editor's main form adds a measure
    # Prioritisations: the editors' forms with a text changed are saved. A new prioritisation,
    # candidate or decision needs a choice the posted form leaves empty (the owner, the theme,
    # the years), and a new round is refused while the standing one is open: they write for
    # nobody here (tests/test_prioritisation.py saves them). bob's sheet posts no score here.
    **dict.fromkeys(
        [
            "plans:prioritisation_edit",
            "plans:criteria_edit",
            "plans:theme_new",
            "plans:theme_edit",
            "plans:candidate_edit",
        ],
        EDITORS,
    ),
    # plans:measures_import is the plan editors' page (as plan_edit: bob 403, charlie 404); its
    # form posts a file, which the matrix does not send, so it writes for nobody here;
    # tests/test_measure_import.py uploads, previews and confirms.
    # Follow-up: the round's actions are the plan editors'; the report is its owners' (and the
    # editors'). Opening a round and reviewing are refused for all here (the posted form has no
    # valid year; the report is not submitted): tests/test_follow_up_rounds.py covers them.
    # reports:round_remind writes for nobody here: the fixture's rapportör has no e-mail
    # address, and a reminder that reaches nobody records nothing (the bug it had);
    # tests/test_follow_up_reminders.py sends.
    "reports:round_close": EDITORS,
    "reports:follow_up_text": EDITORS,  # the summary with a word added
    "reports:report_edit": {*EDITORS, "bob"},
    # reports:follow_up_publish is refused for all here (the fixture's plan is a draft, never
    # followed up publicly); tests/test_follow_up_publishing.py publishes.
    # reports:indicator_detail posts a Kolada import: the changed field is no longer a year and
    # no Kolada answers here, so it writes for nobody; tests/test_indicators.py imports.
    # The minutes editor of the standing (held) meeting; the other minutes forms refuse its
    # state (not checked, an advisory body, no date given) and write nothing.
    "councils:minutes": {"diana"},
    # councils:download_links_revoke writes for nobody here: the fixture's dispatch has no
    # links, and revoking none writes nothing; tests/test_dispatch_attachments.py revokes.
    # A new private calendar address, for those who hold a seat or manage a body (sending is
    # refused here: the fixture's meeting is past and its minutes unchecked;
    # tests/test_notice_*.py send).
    "councils:calendar_feed_renew": {"diana"},
    # The årshjul's calendar address: for everyone with a role (the same key as "Mina möten").
    "year_wheel:feed_renew": {"alice", "bob", "charlie", "diana"},
    #
    # Council pages: the secretary's (diana's) own form with one text changed is saved. The
    # pages whose form needs more than that (a new body's organisation, the series' dates, a
    # seat's holder for a free period, a file) write for nobody here; their own tests save.
    **dict.fromkeys(
        [
            "councils:body_edit",
            "councils:body_seats",
            "councils:seat_edit",
            "councils:seat_holding_end",
            "councils:body_standing_items",
            "councils:standing_item_edit",
            "councils:standing_item_delete",
            "councils:meeting_edit",
            "councils:agenda_item_create",
            "councils:agenda_item_edit",
            "councils:agenda_item_delete",
            "councils:attachment_delete",
            "councils:meeting_attendance",
        ],
        {"diana"},
    ),
}


def _post_writes(route: Route, user: str) -> bool:
    """Return whether the user's POST must be saved; everywhere else it writes nothing."""
    if route.name in SITE_WRITES:
        return user in SITE_WRITES[route.name]
    if route.model_admin is None:
        return False
    model = route.model_admin.model._meta.model_name
    return user in ADMIN_WRITES.get(_view(route), {}).get(model, set())


def _post_data(route: Route, url: str, root, records: dict) -> dict:
    """Return the page's own form as the superuser sees it, with one field changed."""
    if route.model_admin is not None and _view(route) == "changelist":
        obj = records[route.model_admin.model._meta.model_name]
        return {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    response = root.get(url)
    form = page_form(response)
    if form is None:
        return {}
    changes = dict.fromkeys(
        {"password1", "password2"} & set(form.all_fields), "Ett-nytt-lösenord-42"
    )
    if form.text_fields and not changes:
        name = form.text_fields[0]
        changes[name] = dict(form.fields)[name] + "x"
    return form.data(**changes)


SITE_ROUTES_PER_GROUP = 6


def _route_groups() -> dict[str, list[Route]]:
    """Return the routes in the groups they are tried in, so that each test stays short: the
    admin's per model, the site's a few at a time per app."""
    groups: dict[str, list[Route]] = {}
    for route in all_routes():
        if route.model_admin is not None:
            groups.setdefault(route.model_admin.model._meta.label_lower, []).append(route)
        else:
            groups.setdefault(route.name.split(":")[0] if ":" in route.name else "", []).append(
                route
            )
    site = [name for name in groups if "." not in name]
    for name in site:
        routes = groups.pop(name)
        for start in range(0, len(routes), SITE_ROUTES_PER_GROUP):
            chunk = routes[start : start + SITE_ROUTES_PER_GROUP]
            groups[f"{name or 'project'}-{chunk[0].name.split(':')[-1]}"] = chunk
    return groups


ROUTE_GROUPS = _route_groups()


# Without a wrapping test transaction, as production runs: each request commits or rolls back
# on its own, so a lock taken outside a transaction or a half-written refusal fails here.
# After a POST that wrote, the database is put back from a copy taken before the first.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("group", sorted(ROUTE_GROUPS))
def test_every_post_writes_only_where_the_rules_say(group, objects):
    routes = ROUTE_GROUPS[group]
    root = client_for(objects["users"]["root"])
    clients = {user: client_for(objects["users"].get(user)) for user in USERS}
    before = snapshot()  # every POST below starts from here
    start = DatabaseCopy("matrix").take()
    checked, wrong = 0, []
    try:
        for route in routes:
            url = url_for(route, objects["records"])
            if url is None:
                continue
            data = _post_data(route, url, root, objects["records"])
            for user in USERS:
                response, written, touched = post_and_compare(clients[user], url, data, before)
                if touched:
                    start.restore()
                checked += 1
                must_write = _post_writes(route, user)
                if must_write and (response.status_code != 302 or not written):
                    wrong.append(f"{user:9} {route.name:40} {response.status_code} wrote nothing")
                if not must_write and written:
                    wrong.append(f"{user:9} {route.name:40} {response.status_code} wrote {written}")
    finally:
        start.drop()
    assert not wrong, "\n".join(wrong)
    assert checked == len([r for r in routes if url_for(r, objects["records"])]) * len(USERS)


@pytest.mark.parametrize("group", sorted(ROUTE_GROUPS))
def test_every_url_answers_every_user_as_the_rules_say(group, objects):
    checked, wrong = 0, []
    for route in ROUTE_GROUPS[group]:
        url = url_for(route, objects["records"])
        if url is None:
            continue
        for user in USERS:
            client = client_for(objects["users"].get(user))
            status = client.get(url).status_code
            checked += 1
            if status != _expected(route, user):
                wrong.append(f"{user:9} {route.name:45} {url} {status} != {_expected(route, user)}")
    assert not wrong, "\n".join(wrong)
    assert checked == len([r for r in ROUTE_GROUPS[group] if url_for(r, objects["records"])]) * len(
        USERS
    )


def test_anonymous_is_sent_to_the_login_page(objects):
    plan = objects["records"]["plan"]
    response = client_for(None).get(reverse("plans:plan_edit", args=[plan.pk]))
    assert response["Location"].startswith(reverse("login"))
    response = client_for(None).get(reverse("admin:plans_plan_changelist"))
    assert response["Location"].startswith(reverse("admin:login"))


def test_outsider_cannot_see_a_draft_plan_by_guessing_its_id(objects):
    plan = objects["records"]["plan"]
    charlie = client_for(objects["users"]["charlie"])
    for url in (
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("admin:plans_plan_change", args=[plan.pk]),
        reverse("admin:plans_plan_history", args=[plan.pk]),
    ):
        response = charlie.get(url)
        assert response.status_code == 404
        assert plan.title not in response.content.decode()
    for url in (
        reverse("plans:home"),
        reverse("admin:plans_plan_changelist"),
        reverse("admin:plans_plan_changelist") + "?q=Handlingsplan",
        reverse("admin:plans_measure_changelist"),
        reverse("admin:plans_plan_changelist") + "?_popup=1",
    ):
        assert plan.title not in charlie.get(url).content.decode()


def test_anonymous_reads_adopted_plans_only(adopted_plan, draft_plan):
    home = client_for(None).get(reverse("plans:home")).content.decode()
    assert adopted_plan.title in home and draft_plan.title not in home
    assert (
        client_for(None).get(reverse("plans:plan_detail", args=[adopted_plan.pk])).status_code
        == 200
    )


def test_rapportor_reads_the_plan_of_her_measure_but_not_other_drafts(objects, draft_plan, norberg):
    from plans.models import Plan

    other = Plan.objects.create(
        owner=norberg, kind="program", title="Annat utkast", start_year=2025, end_year=2025
    )
    bob = client_for(objects["users"]["bob"])
    assert bob.get(reverse("plans:plan_detail", args=[draft_plan.pk])).status_code == 200
    assert bob.get(reverse("plans:plan_detail", args=[other.pk])).status_code == 404


def test_outsider_cannot_pick_another_municipalitys_plan_in_a_form(objects):
    charlie = client_for(objects["users"]["charlie"])
    page = charlie.get(reverse("admin:plans_measure_add")).content.decode()
    assert objects["records"]["plan"].title not in page
    response = charlie.post(
        reverse("admin:plans_focusarea_add"),
        {"plan": objects["records"]["plan"].pk, "title": "Intrång", "number": "9", "order": 0},
    )
    assert response.status_code == 200 and "Intrång" not in str(
        list(objects["records"]["plan"].focus_areas.values_list("title", flat=True))
    )
