"""Time the tree queries and a 2,000-measure plan page at national size on PostgreSQL.

Run by hand: `scripts/with-postgres.sh .venv/bin/python -m bench.plan_page`. Generates the
country (bench/national.py: about 3,400 organisations, 87,000 measures) and the follow-up
bench's synthetic plan of 2,000 measures in 20 focus areas, every one assessed; then prints the
median and p95 of the permission lookups that walk the organisation tree, and of the plan page
for anonymous, its strategist and the superuser, with its size in bytes and its query count.
Goal (issue 19): the tree lookups start from the organisations they are given (about 1 ms), and
the plan page stays under 1 s.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def setup() -> None:
    """Configure Django for the throwaway database that scripts/with-postgres.sh started."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench: run through scripts/with-postgres.sh (it starts a throwaway PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database-0123456789")
    import django

    django.setup()
    from django.conf import settings

    settings.AXES_ENABLED = False


def build() -> dict:
    """Migrate, generate the country and the 2,000-measure plan; return users and the plan."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from bench.follow_up import synthetic_plan
    from bench.national import NationalSize, generate_national
    from plans.models import Measure, Organisation, Role

    call_command("migrate", verbosity=0)
    if User.objects.filter(username="bench-strateg").exists():  # a database kept from a run
        return _built()
    started = time.perf_counter()
    generate_national(size=NationalSize())
    plan = synthetic_plan(int(os.environ.get("BENCH_MEASURES", "2000")))
    print(
        f"generated in {time.perf_counter() - started:.1f} s: {Organisation.objects.count()} "
        f"organisations, {Measure.objects.count()} measures"
    )
    strategist = User.objects.create_user("bench-strateg")
    Role.objects.create(user=strategist, organisation=plan.owner, kind=Role.Kind.STRATEGIST)
    reader = User.objects.create_user("bench-lasare")
    for name in ("Gen kommun 000", "Gen kommun 001", "Gen region 000"):
        organisation = Organisation.objects.get(name=name)
        Role.objects.create(user=reader, organisation=organisation, kind=Role.Kind.READER)
    User.objects.create_superuser("bench-admin")
    return _built()


def _built() -> dict:
    """Return the users and the plan that `build` made."""
    from django.contrib.auth.models import User

    from plans.models import Plan

    users = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    return {
        "plan": Plan.objects.get(title__startswith="Handlingsplan med "),
        "strategist": users["bench-strateg"],
        "reader": users["bench-lasare"],
        "superuser": users["bench-admin"],
    }


def timed(action: Callable[[], object]) -> tuple[float, float, int, object]:
    """Return the median and p95 seconds of the action, its query count and its last result."""
    from django.db import connection

    for _ in range(2):
        action()
    executed = []
    # Counted as they run: a request resets the log that CaptureQueriesContext reads.
    with connection.execute_wrapper(lambda run, *args: executed.append(1) or run(*args)):
        result = action()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], len(executed), result


def tree_lookups(data: dict) -> list[tuple[str, Callable[[], object]]]:
    """Return the tree reads every page of a user with roles makes, as fresh as each request."""
    from django.contrib.auth.models import User

    from plans import permissions
    from plans.models import Organisation
    from plans.selectors import organisation_paths

    reader_id = data["reader"].pk
    unit = Organisation.objects.filter(name="Enhet A").order_by("pk").first()
    actors = list(data["plan"].measures.values_list("responsibilities__organisation_id", flat=True))

    def role_scopes() -> object:
        return permissions.organisations_for(User.objects.get(pk=reader_id), permissions.READ)

    def one_path() -> object:
        return str(Organisation.objects.get(pk=unit.pk))

    return [
        ("roles in 3 organisations (_role_scopes)", role_scopes),
        ("an organisation's path (Organisation.path)", one_path),
        (
            "the plan's 25 actors' paths (organisation_paths)",
            lambda: organisation_paths(ids=actors),
        ),
    ]


def pages(data: dict) -> list[tuple[str, object, str]]:
    """Return (label, user, address) of the plan page as each reader sees it."""
    from django.urls import reverse

    url = reverse("plans:plan_detail", args=[data["plan"].pk])
    top = data["plan"].focus_areas.filter(parent=None).order_by("order").first()
    return [
        ("plan page, anonymous", None, url),
        ("plan page, its strategist", data["strategist"], url),
        ("plan page, superuser", data["superuser"], url),
        ("plan page filtered (status), anonymous", None, url + "?status=pagaende"),
        ("plan page, one focus area opened, anonymous", None, url + f"?fokusomrade={top.pk}"),
    ]


def fetch(client, url: str) -> Callable[[], object]:
    """Return an action that gets the page and insists on 200."""

    def action() -> object:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code}")
        return response

    return action


def main() -> None:
    setup()
    from django.test import Client

    data = build()
    print("\n| tree lookup | median ms | p95 ms | queries |\n| --- | ---: | ---: | ---: |")
    for label, action in tree_lookups(data):
        median, p95, queries, _ = timed(action)
        print(f"| {label} | {median * 1000:.2f} | {p95 * 1000:.2f} | {queries} |")
    print("\n| page | median ms | p95 ms | queries | bytes |\n| --- | ---: | ---: | ---: | ---: |")
    for label, user, url in pages(data):
        client = Client()
        if user is not None:
            client.force_login(user)
        median, p95, queries, response = timed(fetch(client, url))
        print(
            f"| {label} | {median * 1000:.0f} | {p95 * 1000:.0f} | {queries} | "
            f"{len(response.content):,} |"
        )


if __name__ == "__main__":
    main()
