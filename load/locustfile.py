"""The users `make load` simulates (locust, headless, against nginx on 127.0.0.1).

Strategists, rapportörer and secretaries of demo and generated organisations log in through the
login form (with its CSRF token) and read their pages; anonymous visitors read the public pages;
each downloads documents (PDF, Excel), following the progress page (202) until the file comes;
one strategist publishes a new version of a follow-up now and then. `BigFollowUp` (only in the
run that names it) asks once for a 2,000-measure follow-up's preview after a quiet spell, and
ends the run when the file has come, so the pages measured before it and during its rendering
can be compared.

The addresses come from `LOAD_TARGETS` (written by load/build.py); every request is also
appended to `LOAD_SAMPLES` (one JSON line: kind, start, milliseconds, ok), from which
load/report.py computes the percentiles.
"""

import html
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
import urllib3
from locust import HttpUser, between, events, task
from locust.exception import StopUser

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the self-signed certificate

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
# Open for the whole run (closed when locust quits): one line per request.
SAMPLES = open(os.environ["LOAD_SAMPLES"], "a")  # noqa: SIM115
# The longest a document may take to arrive before it counts as an error.
DOCUMENT_DEADLINE_S = float(os.environ.get("LOAD_DOCUMENT_DEADLINE", "180"))
BIG_DELAY_S = float(os.environ.get("LOAD_BIG_DELAY", "30"))
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROGRESS_SECONDS = re.compile(r'data-seconds="(\d+)"')
# The progress page's own address for polling: the document's state, not its content.
STATUS_URL = re.compile(r'data-status-url="([^"]+)"')
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@events.request.add_listener
def record(request_type, name, response_time, exception, start_time=None, **kwargs) -> None:
    """Keep every request's figures for load/report.py."""
    started = start_time or time.time() - response_time / 1000
    sample = {"kind": name, "start": started, "ms": response_time, "ok": exception is None}
    SAMPLES.write(json.dumps(sample) + "\n")


@events.quitting.add_listener
def flush(environment, **kwargs) -> None:
    SAMPLES.flush()


class Visitor(HttpUser):
    """What every simulated user can do: log in if she has an account, post a form, follow a
    document through its progress page. Her tasks are her class's own: locust adds a base
    class's tasks to every subclass, so those of the browsing users are on `Browsing`."""

    abstract = True
    wait_time = between(0.5, 2)
    group = ""
    kind = ""

    def on_start(self) -> None:
        self.client.verify = False
        self.target = self.next_target()
        if self.target["username"]:
            self.log_in(self.target["username"])

    def next_target(self) -> dict:
        """Take the group's accounts in turn, so the users spread over them."""
        return next(TARGETS_CYCLES[self.group])

    def log_in(self, username: str) -> None:
        """Log in through the form."""
        data = {"username": username, "password": TARGETS["password"]}
        self.submit(
            "/konto/logga-in/", data, names=("login", "login"), failure=f"{username} not logged in"
        )

    def submit(self, url: str, data: dict, *, names: tuple[str, str], failure: str) -> None:
        """Get the form and post it as a browser does: its CSRF token, the Referer of HTTPS;
        anything but a redirect is recorded as the failure. `names`: the GET's and the POST's."""
        form = self.client.get(url, name=names[0])
        token = CSRF_TOKEN.search(form.text)
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}{url}"},
            name=names[1],
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"{failure}: {response.status_code}")

    def download(self, url: str, *, kind: str) -> bool:
        """Ask for a document as a browser with the progress page does: while it answers 202,
        ask its status address (data-status-url) every few seconds (data-seconds), then GET
        the file; record the whole wait as `<kind> until file`."""
        started = time.time()
        response = self.client.get(url, name=kind)
        if response.status_code == 202:
            delay = self.delay(response.text)
            found = STATUS_URL.search(response.text)
            status_url = html.unescape(found.group(1)) if found else url
            while True:
                if time.time() - started + delay > DOCUMENT_DEADLINE_S:
                    return self.waited(kind, started, f"no file after {DOCUMENT_DEADLINE_S:.0f} s")
                time.sleep(delay)
                if self.client.get(status_url, name=f"{kind} progress").status_code != 202:
                    break
            response = self.client.get(url, name=f"{kind} when ready")
        content_type = response.headers.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith(
            DOCUMENT_TYPES[kind.split()[-1]]
        ):
            return self.waited(kind, started, None)
        return self.waited(kind, started, f"{response.status_code} {content_type}")

    @staticmethod
    def waited(kind: str, started: float, error: str | None) -> bool:
        """Record the time from the first request to the file (or the failure)."""
        events.request.fire(
            request_type="WAIT",
            name=f"{kind} until file",
            response_time=(time.time() - started) * 1000,
            response_length=0,
            exception=RuntimeError(error) if error else None,
            context={},
            start_time=started,
        )
        return error is None

    @staticmethod
    def delay(page: str) -> float:
        """Return how many seconds the progress page waits before asking again."""
        found = PROGRESS_SECONDS.search(page)
        return float(found.group(1)) if found else 3.0


class Browsing(Visitor):
    """A user of a group's accounts: her pages, now and then one of her documents."""

    abstract = True

    @task(5)
    def page(self) -> None:
        if self.target["pages"]:
            self.client.get(random.choice(self.target["pages"]), name=f"page: {self.kind}")

    @task(1)
    def document(self) -> None:
        if self.target["downloads"]:
            url = random.choice(self.target["downloads"])
            self.download(url, kind=url.rsplit(".", 1)[1])


class Strategist(Browsing):
    weight = 4
    group = kind = "strategist"


class Reporter(Browsing):
    weight = 3
    group = kind = "rapportör"


class Secretary(Browsing):
    weight = 2
    group = kind = "secretary"


class Anonymous(Browsing):
    weight = 4
    group = kind = "anonymous"


class OneAccount(Visitor):
    """A single user of the account TARGETS[account] names, doing only her own task."""

    abstract = True
    fixed_count = 1
    account = ""

    def next_target(self) -> dict:
        return {"username": TARGETS[self.account]["username"], "pages": [], "downloads": []}


class Publisher(OneAccount):
    """Norberg's strategist, who publishes a new version of a follow-up every little while."""

    wait_time = between(10, 20)
    group = "publisher"
    account = "publish"

    @task
    def publish(self) -> None:
        self.submit(
            TARGETS["publish"]["url"],
            {"skillnad": "", "reason": "Lasttest: en ny version med samma innehåll."},
            names=("publish form", "publish"),
            failure="not published",
        )


class BigFollowUp(OneAccount):
    """The strategist of the 2,000-measure plan: asks once for its preview, then ends the run."""

    wait_time = between(1, 1)
    group = account = "big"

    @task
    def big_document(self) -> None:
        time.sleep(BIG_DELAY_S)  # the pages before it are the baseline
        self.download(TARGETS["big"]["url"], kind="big follow-up pdf")
        gevent.spawn(self.environment.runner.quit)
        raise StopUser()


def _cycles() -> dict:
    groups = {
        "strategist": TARGETS["strategists"],
        "rapportör": TARGETS["reporters"],
        "secretary": TARGETS["secretaries"],
        "anonymous": [TARGETS["anonymous"]],
    }
    return {group: itertools.cycle(targets) for group, targets in groups.items()}


TARGETS_CYCLES = _cycles()
