"""Every form of the site and the admin, each field with hostile values: never a server error,
and nothing written when the input is refused."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from plans.models import Plan
from tests.conftest import client_for
from tests.html_forms import all_forms, page_form, post_and_undo
from tests.routes import Route, all_routes, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def _hostile_values(outsider_ids: list[int]) -> list[str]:
    return [
        "",
        "x" * 100_000,
        "a\x00b",
        "-1",
        "99999999999999999999999999",
        "١٢",  # Arabic-Indic digits: Python's int() reads them
        # Text where a number or an id belongs, and markup a refused form must show escaped.
        "<script>alert('tolv')</script>",
        *(str(pk) for pk in outsider_ids),
    ]


def _hostile_counts(outsider_ids: list[str]) -> list[str]:
    """Return the row counts to post: one of each kind an inline's count meets (text is text
    whatever it says, so "tolv" stands for the long and the scripted)."""
    return ["", "tolv", "a\x00b", "-1", "99999999999999999999999999", "١٢", outsider_ids[0]]


def _fields_to_try(form) -> list[str]:
    """Return each field once: the first row of an inline stands for the others."""
    seen, names = set(), []
    for name in form.all_fields:
        shape = re.sub(r"-\d+-", "-N-", name)
        if name not in SKIPPED_FIELDS and "__prefix__" not in name and shape not in seen:
            seen.add(shape)
            names.append(name)
    return names


def _form_routes() -> list[Route]:
    """Return every route whose page may hold a form (not lists, deletes or histories)."""
    skipped = ("_history", "_delete", "_changelist")
    return [route for route in all_routes() if not route.name.endswith(skipped)]


# One test per page, so that one failure names one form.
# The hostile values in every field at once, and each choice alone: two tests per form.
PARTS = ("every-field", "each-choice")


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("route", _form_routes(), ids=lambda route: route.name)
def test_hostile_input_never_breaks_a_form_and_writes_nothing_when_refused(
    route, part, objects, charlie
):
    url = url_for(route, objects["records"])
    found = _form(objects, url) if url else None
    if found is None:
        pytest.skip("no form on this page")
    who, form = found
    if part == "each-choice" and not _choices_to_try(form):
        pytest.skip("no choice on this form")
    outsider_plan = Plan.objects.create(
        owner=charlie.roles.get().organisation,
        kind="strategi",
        title="Utkast i Alingsås",
        start_year=2025,
        end_year=2026,
    )
    outsider_ids = [str(outsider_plan.pk), str(outsider_plan.owner_id)]
    client = client_for(objects["users"][who])
    client.raise_request_exception = False
    failures = []
    posts = _hostile_posts(form, outsider_ids, part=part)
    for changes in posts:
        failure = _try(client, url, form.data(**changes))
        if failure:
            shown = {name: value[:20] for name, value in list(changes.items())[:3]}
            failures.append(f"{who} {url} {shown}: {failure}")
    assert not failures, "\n".join(failures[:40])


def _form(objects, url: str) -> tuple[str, object] | None:
    """Return (who, form) for the page's form: diana's, else the superuser's, else bob's (a
    rater's own sheet of scores); None without."""
    for who in ("diana", "root", "bob"):
        client = client_for(objects["users"][who])
        client.raise_request_exception = False
        form = page_form(client.get(url))
        if form is not None:
            return who, form
    return None


def _choices_to_try(form) -> list[str]:
    """Return the form's choice fields to try one by one."""
    return sorted(set(_fields_to_try(form)) & form.choice_fields)


MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _hostile_posts(form, outsider_ids: list[str], *, part: str) -> list[dict[str, str]]:
    """Return the changes to post: every field at once with each hostile value, the inline
    counts apart (a broken count stops the rows being read); or each choice or number field
    alone with the values that reach the database or a cross-field check."""
    fields = _fields_to_try(form)
    counts = [name for name in fields if name.endswith(MANAGEMENT)]
    others = [name for name in fields if name not in counts]
    posts = []
    if part == "every-field":
        posts += [dict.fromkeys(others, value) for value in _hostile_values(outsider_ids)]
        if counts:
            posts += [dict.fromkeys(counts, value) for value in _hostile_counts(outsider_ids)]
        return posts
    for name in _choices_to_try(form):
        posts += [{name: value} for value in ["9" * 26, "tolv", outsider_ids[0]]]
    return posts


def _try(client, url: str, data: dict) -> str | None:
    """POST and undo; return what went wrong: a server error, or a refusal that wrote."""
    response, written = post_and_undo(client, url, data)
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if written and response.status_code != 302:
        return f"refused with {response.status_code} but wrote {written}"
    return None


# The lists shown a page at a time (templates/includes/pager.html): the page number (`sida`) and
# the filters of their GET forms come in the address, from links anyone can edit.
PAGED_LISTS = (
    "start",
    "reports:followup_home",
    "reports:indicator_list",
    "councils:body_list",
    "councils:notice_board",
    "councils:public_minutes_list",
    "open_data",
)

# Filters a page shows only to some: the organisation to whoever manages two or more.
HIDDEN_FILTERS = {"reports:followup_home": ["organisation"]}


def _hostile_query_values(outsider_ids: list[str]) -> list[str]:
    return [
        "abc",
        "-1",
        "0",
        str(10**9),
        "9" * 26,
        "x" * 10_000,
        "a\x00b",
        "١٢",
        "<script>alert('tolv')</script>",
        *outsider_ids,
    ]


def _query_fields(client, url: str) -> list[str]:
    """Return the fields of the page's own GET forms (shown once she filters) and `sida`."""
    fields = ["sida"]
    for response in (client.get(url), client.get(url, {"q": "a"})):
        forms = all_forms(response.content.decode())
        for form in (f for f in forms if f.method == "get" and f.action in ("", url)):
            fields += [name for name in form.all_fields if name not in fields]
    return fields


def _get_failure(client, url: str, query: dict[str, str]) -> str | None:
    """GET the list with the query; return what went wrong: a 500, an answer other than the
    page, a Swedish 404 or (for a NUL) a Swedish 400, or hostile markup shown unescaped."""
    response = client.get(url, query)
    page = response.content.decode()
    nul = any("\x00" in value for value in query.values())
    if response.status_code == 404 and "Sidan finns inte" in page:
        return None
    if response.status_code == 400 and nul and "Felaktig begäran" in page:
        return None
    if response.status_code != 200:
        return f"answered {response.status_code}"
    if "<script>alert(" in page:
        return "showed the markup unescaped"
    return None


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_hostile_page_numbers_and_filters_never_break_a_paged_list(name, objects, charlie):
    url = reverse(name)
    outsider_ids = [str(charlie.roles.get().organisation_id), str(objects["records"]["plan"].pk)]
    values = _hostile_query_values(outsider_ids)
    failures, tried = [], 0
    for who in (None, "diana", "root"):
        client = client_for(objects["users"][who] if who else None)
        client.raise_request_exception = False
        if client.get(url).status_code != 200:
            continue  # not hers (a login page or a redirect to her own list)
        fields = _query_fields(client, url) + HIDDEN_FILTERS.get(name, [])
        queries = [dict.fromkeys(fields, value) for value in values]
        queries += [{field: value} for field in fields for value in values]
        for query in queries:
            tried += 1
            if failure := _get_failure(client, url, query):
                shown = {field: value[:20] for field, value in query.items()}
                failures.append(f"{who} {url} {shown}: {failure}")
    assert tried, f"nobody reads {url}"
    assert not failures, "\n".join(failures[:40])


def test_every_list_with_pages_is_in_the_fuzz(objects):
    """A template that includes the pager is rendered by one of PAGED_LISTS, so a new paged
    list fails here until it is added."""
    paged = {
        str(path.relative_to(folder))
        for folder in [
            Path(settings.BASE_DIR) / "templates",
            *Path(settings.BASE_DIR).glob("*/templates"),
        ]
        for path in folder.rglob("*.html")
        if "includes/pager.html" in path.read_text()
    }
    rendered = set()
    for name in PAGED_LISTS:
        client = client_for(objects["users"]["root"])
        rendered |= {t.name for t in client.get(reverse(name)).templates if t.name}
    assert paged and paged <= rendered, f"paged lists not fuzzed: {paged - rendered}"
