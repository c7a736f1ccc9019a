"""Read a page's form as a browser would submit it, and take snapshots of what is stored.

Used by the permission matrix and the fuzz test: they post each page's own current form data
with one field changed, and check the database, not only the answer.
"""

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models, transaction

# Tables a refused request may still write: the session and the login throttling's counters.
UNTRACKED_APPS = {"sessions", "axes", "contenttypes"}


@dataclass
class HtmlForm:
    """A form of a page: its method, fields in submission order, and which are text fields."""

    method: str
    action: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=list)
    choice_fields: set[str] = field(default_factory=set)
    all_fields: list[str] = field(default_factory=list)

    def data(self, **changes: str | list[str]) -> dict[str, list[str]]:
        """Return the data a browser would post, with the given fields replaced."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in changes.items():
            data[name] = value if isinstance(value, list) else [value]
        return data


class _FormParser(HTMLParser):
    """Collect every form of a page with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a, [], [])
            self._form.all_fields.append(a["name"])
            self._form.choice_fields.add(a["name"])
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._text = ""
            if "selected" in a:
                self._select[2].append(self._option if self._option is not None else "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def _input(self, a: dict[str, str]) -> None:
        kind, name = a.get("type", "text").lower(), a.get("name")
        if not name or kind in {"button", "reset", "file", "image"}:
            return
        self._form.all_fields.append(name)
        if kind in {"checkbox", "radio"}:
            if "checked" in a:
                self._form.fields.append((name, a.get("value", "on")))
        elif kind == "submit":
            if name.startswith("_save"):
                self._form.fields.append((name, a.get("value", "")))
        else:
            self._form.fields.append((name, a.get("value", "")))
            if kind in {"text", "email", "search", "url"} and "__prefix__" not in name:
                self._form.text_fields.append(name)

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select is not None and self._option is None:
            self._select[3].append(self._text.strip())
        elif tag == "option" and self._select is not None:
            self._select[3].append(self._option)
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, chosen, options = self._select
            values = chosen or ([] if multiple or not options else options[:1])
            self._form.fields += [(name, v) for v in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self._form.fields.append((self._textarea, text))
            if "__prefix__" not in self._textarea:
                self._form.text_fields.append(self._textarea)
            self._textarea = None


def all_forms(html: str) -> list[HtmlForm]:
    """Return every form of the page, GET forms too."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def main_form(html: str) -> HtmlForm | None:
    """Return the page's main POST form: of those posting to the page itself (not the header's
    logout and language forms), the one with the most fields."""
    parser = _FormParser()
    parser.feed(html)
    posts = [f for f in parser.forms if f.method == "post" and not f.action]
    return max(posts, key=lambda f: len(f.all_fields), default=None)


def form_with(html: str, **values: str) -> HtmlForm | None:
    """Return the page's first form holding all the given values (e.g. the ↑/↓ form of one
    item of the plan editor: `form_with(page, atgard="steg", post="insats-12")`)."""
    parser = _FormParser()
    parser.feed(html)
    wanted = set(values.items())
    return next((f for f in parser.forms if wanted <= set(f.fields)), None)


def page_form(response) -> HtmlForm | None:
    """Return the main form of a page answered with 200; None for other answers and for files
    (a PDF, a calendar) that are no page."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return main_form(response.content.decode())


def tracked_models() -> list[type[models.Model]]:
    """Return every model whose rows a refused request must leave as they were."""
    return [m for m in apps.get_models() if m._meta.app_label not in UNTRACKED_APPS]


def snapshot(tables: set[str] | None = None) -> dict[str, list[tuple]]:
    """Return every row of every tracked table (or of the tables named), to compare before and
    after a request."""
    return {
        m._meta.db_table: list(m._base_manager.order_by("pk").values_list())
        for m in tracked_models()
        if tables is None or m._meta.db_table in tables
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    """Return the tables whose rows differ between two snapshots (of the tables `after` has)."""
    return [table for table in after if before[table] != after[table]]


WRITE_STATEMENT = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


@contextmanager
def recorded_writes() -> Iterator[set[str]]:
    """Record the tracked tables that INSERT, UPDATE or DELETE statements touch meanwhile.

    Cheap enough to wrap every request; where it records a write, compare snapshots to see
    whether anything stayed written.
    """
    tracked = {m._meta.db_table for m in tracked_models()}
    tables: set[str] = set()

    def record(execute, sql, params, many, context):
        match = WRITE_STATEMENT.match(sql)
        if match and match.group(1) in tracked:
            tables.add(match.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield tables


def post_and_undo(client, url: str, data: dict) -> tuple[object, list[str]]:
    """POST, return the answer and the tables that stayed changed, then undo it all: the
    database is rolled back and the client's cookies put back, so a logout (or a login) leaves
    the client as it was. Only the tables the request wrote to are compared: what they held
    before is what they hold again once the request is rolled back."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        with recorded_writes() as touched:
            response = client.post(url, data)
        after = snapshot(touched) if touched else {}
        transaction.set_rollback(True)
    written = changed_tables(snapshot(touched), after) if touched else []
    client.cookies = cookies
    return response, written


def post_and_compare(client, url: str, data: dict, before: dict) -> tuple[object, list[str], bool]:
    """POST as production does (no wrapping transaction: the request commits or rolls back on
    its own); return the answer, the tables that stayed changed compared with `before`, and
    whether the request wrote anything at all. The client's cookies are put back, so a logout
    (or a login) leaves the client as it was; putting the database back is the caller's."""
    cookies = copy.deepcopy(client.cookies)
    with recorded_writes() as touched:
        response = client.post(url, data)
    written = changed_tables(before, snapshot(touched)) if touched else []
    client.cookies = cookies
    return response, written, bool(touched)
