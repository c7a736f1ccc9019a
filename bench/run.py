"""Time the main pages at national size on PostgreSQL: `make bench` (not part of `make test`).

Generates 290 municipalities, 21 regions and 87 000 measures beside the demo data, then
prints per page the median and p95 time and the query count, beside two floors measured in
the same run: a trivial view through the same middleware, and one raw SQL query returning a
plan's measures as JSON. Runs with DEBUG off, as production does (DEBUG adds overhead).

BENCH_RUNS sets the number of timed requests per page; BENCH_PROFILE=<words of a page's label>
prints where that page spends its time (cProfile) after the table.
"""

import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
PROFILE = os.environ.get("BENCH_PROFILE", "")


def setup() -> None:
    """Configure Django for the throwaway database that scripts/with-postgres.sh started."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench: run through `make bench` (it starts a throwaway PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database-0123456789")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    settings.AXES_ENABLED = False


def build() -> dict:
    """Migrate, load the demo, generate the country; return the records the pages need."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from bench.national import NationalSize, generate_national
    from bench.work import build_work
    from plans.demo.loader import load_demo
    from plans.models import Measure, Organisation, Plan, Role

    call_command("migrate", verbosity=0)
    load_demo()
    started = time.perf_counter()
    generate_national(size=NationalSize())
    record_history()
    print(
        f"generated in {time.perf_counter() - started:.1f} s: {Organisation.objects.count()} "
        f"organisations, {Plan.objects.count()} plans, {Measure.objects.count()} measures"
    )
    strategist = User.objects.create_user("bench-strateg")
    Role.objects.create(
        user=strategist,
        organisation=Organisation.objects.get(name="Gen kommun 000"),
        kind=Role.Kind.STRATEGIST,
    )
    plan = Plan.objects.get(title__startswith="Region Norrbottens handlingsplan")
    edit_measures(plan=plan, user=User.objects.get(username="admin"))
    work = build_work(norrbotten_plan=plan, publisher=User.objects.get(username="admin"))
    return {
        "superuser": User.objects.get(username="admin"),
        "norrbotten": User.objects.get(username="norrbotten-strateg"),
        "strategist": strategist,
        "plan": plan,
        "measure": plan.measures.get(code="5B"),
        **work,
    }


def record_history() -> None:
    """Give every generated record its "created" version, as saving it one by one would."""
    from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility, Result

    for model in (Organisation, Plan, FocusArea, Result, Measure, Responsibility):
        rows = model.objects.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(list(rows), batch_size=5000, update=False)


def edit_measures(*, plan, user) -> None:
    """Change every measure of the plan twice, so a full page of history has diffs to show."""
    from plans.models import Measure
    from plans.services import versioned_save

    for measure in plan.measures.order_by("order"):
        for word in ("först", "sedan"):
            measure.description = f"{measure.description} Ändrad {word}.".strip()
            measure.status = Measure.Status.DONE if word == "först" else Measure.Status.ONGOING
            versioned_save(instance=measure, expected_version=measure.version, user=user)


def pages(data: dict) -> list[tuple[str, object, str]]:
    """Return (label, user, url) for every page measured."""
    from django.urls import reverse

    plan, measure = data["plan"], data["measure"]
    return [
        ("start page, anonymous", None, reverse("plans:home")),
        ("start page, strategist", data["strategist"], reverse("plans:home")),
        ("public start page, anonymous", None, reverse("start")),
        ("organisation page, anonymous", None, reverse("organisation", args=[plan.owner_id])),
        (
            "plan page (100 measures), anonymous",
            None,
            reverse("plans:plan_detail", args=[plan.pk]),
        ),
        (
            "plan page (100 measures)",
            data["norrbotten"],
            reverse("plans:plan_detail", args=[plan.pk]),
        ),
        (
            "history page (200 changes)",
            data["norrbotten"],
            reverse("plans:plan_history", args=[plan.pk]),
        ),
        (
            "plan editor (100 measures)",
            data["norrbotten"],
            reverse("plans:plan_editor", args=[plan.pk]),
        ),
        ("measure form", data["norrbotten"], reverse("plans:measure_edit", args=[measure.pk])),
        ("Mitt arbete, rapportör (300 reports)", data["rapportor"], reverse("my_work")),
        ("Mitt arbete, secretary (15 bodies)", data["secretary"], reverse("my_work")),
        (
            "dashboard (100 measures), strategist",
            data["norrbotten"],
            reverse("reports:plan_dashboard", args=[plan.pk]),
        ),
        (
            "dashboard (100 measures), anonymous",
            None,
            reverse("reports:plan_dashboard", args=[plan.pk]),
        ),
        (
            "admin plan change",
            data["superuser"],
            reverse("admin:plans_plan_change", args=[plan.pk]),
        ),
        ("admin measure list", data["superuser"], reverse("admin:plans_measure_changelist")),
        (
            "admin organisation list",
            data["superuser"],
            reverse("admin:plans_organisation_changelist"),
        ),
    ]


def timed(action: Callable[[], object]) -> tuple[float, float, int]:
    """Return the median and p95 seconds of the action, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        action()
    connection.queries_log.clear()  # a full log (DEBUG keeps 9 000) would count nothing
    with CaptureQueriesContext(connection) as captured:
        action()
    queries = len(captured)  # now: the next request clears the log it reads from
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    p95 = statistics.quantiles(times, n=20)[-1]
    return statistics.median(times), p95, queries


def fetch(client, url: str) -> Callable[[], object]:
    """Return an action that gets the page and insists on 200."""

    def action() -> object:
        response = client.get(url, secure=True)  # as behind TLS: no redirect to https
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code}")
        return response

    return action


def raw_measures(plan_id: int) -> Callable[[], object]:
    """Return an action that reads the plan's measures as JSON in one SQL query."""
    from django.db import connection

    sql = (
        "SELECT json_agg(m ORDER BY m.order) FROM (SELECT id, code, title, description, status, "
        '"order", expected_result FROM plans_measure WHERE plan_id = %s) m'
    )

    def action() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, [plan_id])
            return cursor.fetchone()

    return action


def main() -> None:
    setup()
    from django.test import Client

    data = build()
    # A web worker does not hold the country it was given: what building left alive is frozen
    # out of the garbage collector, so its passes over it do not count against the pages.
    gc.collect()
    gc.freeze()
    trivial = timed(fetch(Client(), "/bench/trivial/"))
    sql = timed(raw_measures(data["plan"].pk))
    print(
        f"\nfloors: trivial view {trivial[0] * 1000:.1f} ms median, "
        f"raw SQL (100 measures as JSON) {sql[0] * 1000:.2f} ms median; {RUNS} runs each\n"
    )
    print("| page | median ms | p95 ms | queries | median / trivial | median / SQL |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, user, url in pages(data):
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, queries = timed(fetch(client, url))
        print(
            f"| {label} | {median * 1000:.1f} | {p95 * 1000:.1f} | {queries} | "
            f"{median / trivial[0]:.1f} | {median / sql[0]:.0f} |"
        )
        if PROFILE and any(words.strip() in label for words in PROFILE.split(",")):
            profile(label, fetch(client, url))


def profile(label: str, action: Callable[[], object]) -> None:
    """Print the functions the page spends its time in, over ten requests."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [action() for _ in range(10)])
    print(f"\nprofile of {label}, 10 requests:")  # after its row: the table goes on below
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
