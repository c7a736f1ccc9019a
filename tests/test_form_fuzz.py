"""Every form of the site and the admin, each field with hostile values: never a server error,
and nothing written when the input is refused."""

import re

import pytest

from plans.models import Plan
from tests.conftest import client_for
from tests.html_forms import page_form, post_and_undo, snapshot
from tests.routes import Route, all_routes, url_for

pytestmark = pytest.mark.django_db

SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def _hostile_values(outsider_ids: list[int]) -> list[str]:
    return [
        "",
        "x" * 100_000,
        "a\x00b",
        "-1",
        "99999999999999999999999999",
        "tolv",
        "١٢",  # Arabic-Indic digits: Python's int() reads them
        "<script>alert(1)</script>",
        *(str(pk) for pk in outsider_ids),
    ]


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
    outsider_plan = Plan.objects.create(
        owner=charlie.roles.get().organisation,
        kind="strategi",
        title="Utkast i Alingsås",
        start_year=2025,
        end_year=2026,
    )
    outsider_ids = [str(outsider_plan.pk), str(outsider_plan.owner_id)]
    before = snapshot()
    client = client_for(objects["users"][who])
    client.raise_request_exception = False
    failures = []
    posts = _hostile_posts(form, outsider_ids, part=part)
    if not posts:
        pytest.skip("no choice on this form")
    for changes in posts:
        failure = _try(client, url, form.data(**changes), before)
        if failure:
            shown = {name: value[:20] for name, value in list(changes.items())[:3]}
            failures.append(f"{who} {url} {shown}: {failure}")
    assert not failures, "\n".join(failures[:40])


def _form(objects, url: str) -> tuple[str, object] | None:
    """Return (who, form) for the page's form: diana's, else the superuser's; None without."""
    for who in ("diana", "root"):
        client = client_for(objects["users"][who])
        client.raise_request_exception = False
        form = page_form(client.get(url))
        if form is not None:
            return who, form
    return None


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
        for value in _hostile_values(outsider_ids):
            posts.append(dict.fromkeys(others, value))
            if counts:
                posts.append(dict.fromkeys(counts, value))
        return posts
    for name in sorted(set(others) & form.choice_fields):
        posts += [{name: value} for value in ["9" * 26, "tolv", outsider_ids[0]]]
    return posts


def _try(client, url: str, data: dict, before: dict) -> str | None:
    """POST and undo; return what went wrong: a server error, or a refusal that wrote."""
    response, written = post_and_undo(client, url, data, before)
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if written and response.status_code != 302:
        return f"refused with {response.status_code} but wrote {written}"
    return None
