"""Measure the site at three sizes on PostgreSQL: `make bench` (not part of `make test`).

For each size in BENCH_SIZES (default `demo,region,country`: the demo with two generated
municipalities, a region's worth of 14, the country of 290 and 21 regions; see SIZES) a fresh
database on the throwaway cluster gets the demo, the generated data (`bench.national`: plans,
councils, rounds, reports, indicators, a plan of 2,000 measures) and the work on it
(`bench.work`); a process of its own then asks every page of `bench.pages` as its user and
times the PDFs' functions. Per page: the query count at every size; at the largest size the
median and p95 wall time and the median CPU time (`time.process_time`: this process only, not
the database's), the CPU ratio to the smallest size, and the ratio to two floors sampled in
the same rounds as the page, alternately (a trivial view through the same middleware; one raw
SQL query returning a plan's measures as JSON). A page that does not answer 200 is shown as
such. Per PDF: the selector (queries, time at every size), the HTML and WeasyPrint timed apart,
and WeasyPrint alone on the same HTML as its floor (at the largest size; it does not depend on
the size). Runs with DEBUG off, as production does. The table is printed and written to
`bench/results.md` with the date, the machine and the sizes.

BENCH_RUNS: samples per page (20); BENCH_PDF_RUNS: per PDF step (3); BENCH_PAGES: only pages
whose label contains one of these comma-separated words; BENCH_PROFILE=<words of a page's
label>: where that page spends its time (cProfile), printed after the run; BENCH_KEEP=<a
directory>: keep each size's figures there (JSON), for `python -m bench.run --report a.json …`
to write the table again from sizes run apart.
"""

import cProfile
import datetime
import gc
import json
import logging
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
# A page (with its floors) is sampled for at most this long, at least five rounds: a page of
# several seconds at national size takes its five and the run goes on.
BUDGET_S = float(os.environ.get("BENCH_PAGE_SECONDS", "30"))
PDF_RUNS = int(os.environ.get("BENCH_PDF_RUNS", "3"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
ONLY = [w.strip() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
RESULTS = Path(__file__).with_name("results.md")
KEEP = os.environ.get("BENCH_KEEP", "")  # a directory to keep each size's figures in
# NationalSize fields per size; the defaults are the country's.
SIZES = {
    "demo": {"municipalities": 2, "regions": 1},
    "region": {"municipalities": 14, "regions": 1},
    "country": {},
    # Not in the default: to try the bench itself in a minute.
    "tiny": {"municipalities": 2, "regions": 1, "measures_per_plan": 5, "big_plan_measures": 40},
}
DEFAULT_SIZES = "demo,region,country"


def setup() -> None:
    """Configure Django for the database the parent made on the throwaway cluster."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench: run through `make bench` (it starts a throwaway PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database-0123456789")
    # Publishing Norrbotten's follow-up (bench.work) stores its PDF at once, without a worker.
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"
    settings.AXES_ENABLED = False
    # One line per request would bury the progress; the pages are timed without it.
    logging.getLogger("folkhalsa.requests").setLevel(logging.WARNING)


def prepare(*, size, edits: bool = True, publish: bool = True, today=None) -> None:
    """Generate the country beside the demo and the work on it: the strategist of the first
    municipality, the rapportör and the secretary (`bench.work`); with `edits`, Norrbotten's
    measures changed twice each (a full page of history); with `publish`, its follow-up."""
    from django.contrib.auth.models import User

    from bench.national import generate_national, record_history
    from bench.pages import NORRBOTTEN_PLAN
    from bench.work import build_work
    from plans.models import Organisation, Plan, Role

    generate_national(size=size, today=today)
    record_history()
    strategist = User.objects.create_user("bench-strateg")
    Role.objects.create(
        user=strategist,
        organisation=Organisation.objects.get(name="Gen kommun 000"),
        kind=Role.Kind.STRATEGIST,
    )
    plan = Plan.objects.get(title=NORRBOTTEN_PLAN)
    admin = User.objects.get(username="admin")
    if edits:
        edit_measures(plan=plan, user=admin)
    build_work(norrbotten_plan=plan, publisher=admin, publish=publish)


def edit_measures(*, plan, user) -> None:
    """Change every measure of the plan twice, so a full page of history has diffs to show."""
    from plans.models import Measure
    from plans.services import versioned_save

    for measure in plan.measures.order_by("order"):
        for word in ("först", "sedan"):
            measure.description = f"{measure.description} Ändrad {word}.".strip()
            measure.status = Measure.Status.DONE if word == "först" else Measure.Status.ONGOING
            versioned_save(instance=measure, expected_version=measure.version, user=user)


def counts() -> dict[str, int]:
    """Return the number of rows the issue counts a country by."""
    from councils.models import AgendaItem, Attendance, Meeting
    from plans.models import Measure, Organisation
    from reports.models import FollowUpRound, IndicatorValue, MeasureReport

    models = {
        "organisations": Organisation,
        "measures": Measure,
        "meetings": Meeting,
        "agenda items": AgendaItem,
        "attendance": Attendance,
        "rounds": FollowUpRound,
        "measure reports": MeasureReport,
        "indicator values": IndicatorValue,
    }
    return {name: model.objects.count() for name, model in models.items()}


# Timing -----------------------------------------------------------------------------------------


def sample(action: Callable[[], object]) -> tuple[float, float]:
    """Return the wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def queries_of(action: Callable[[], object]) -> int:
    """Return how many queries one call asks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def summary(walls: list[float], cpus: list[float]) -> dict:
    """Return the median and p95 wall time and the median CPU time, in ms."""
    p95 = statistics.quantiles(walls, n=20)[-1] if len(walls) > 1 else walls[0]
    return {
        "median": statistics.median(walls) * 1000,
        "p95": p95 * 1000,
        "cpu": statistics.median(cpus) * 1000,
    }


def interleaved(
    actions: dict[str, Callable[[], object]], runs: int, budget: float = float("inf")
) -> dict[str, dict]:
    """Sample the actions in turn, `runs` rounds (fewer, but five, past `budget` seconds), the
    order turning each round; summarise each, with the number of rounds."""
    names = list(actions)
    taken: dict[str, tuple[list, list]] = {name: ([], []) for name in names}
    started = time.perf_counter()
    for n in range(runs):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            wall, cpu = sample(actions[name])
            taken[name][0].append(wall)
            taken[name][1].append(cpu)
        if n >= 4 and time.perf_counter() - started > budget:
            break
    return {name: {**summary(*taken[name]), "n": len(taken[name][0])} for name in names}


def fetch(client, url: str) -> Callable[[], int | str]:
    """Return an action that gets the page (as behind TLS) and returns its status."""

    def action() -> int | str:
        try:
            return client.get(url, secure=True).status_code
        except Exception as error:  # even the error page failed: shown as such, the run goes on
            return f"{type(error).__name__}"

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


def client_for(user):
    """Return a test client logged in as the user (anonymous for None) that answers a failing
    view with its status instead of raising."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def measure_pages(data: dict, runs: int) -> list[dict]:
    """Ask every page: status, queries, and its times beside the floors sampled with it."""
    from bench.pages import pages

    trivial = fetch(client_for(None), "/bench/trivial/")
    sql = raw_measures(data["plan"].pk)
    rows = []
    for page in pages(data):
        if ONLY and not any(word in page.label for word in ONLY):
            continue
        action = fetch(client_for(data["users"].get(page.user)), page.url)
        row = {"label": page.label, "user": page.user or "anonymous", "url": page.url}
        row["status"] = status = action()
        if status == 200:
            action()  # warm: what the first request fills (sessions, caches) is not the page's
            row["queries"] = queries_of(action)
            timed = interleaved({"page": action, "trivial": trivial, "sql": sql}, runs, BUDGET_S)
            row.update(
                timed["page"], trivial=timed["trivial"]["median"], sql=timed["sql"]["median"]
            )
        rows.append(row)
        print(f"  {page.label} ({row['user']}): {status}", file=sys.stderr, flush=True)
        if PROFILE and any(w.strip() in page.label for w in PROFILE.split(",")):
            profile(f"{page.label} ({row['user']})", action)
    return rows


def measure_documents(data: dict, *, typeset: bool) -> list[dict]:
    """Time each PDF's selector (with its queries) and HTML, and with `typeset` WeasyPrint and
    WeasyPrint alone (the floor) on the same HTML, alternately, and count its pages."""
    from bench.pages import documents

    rows = []
    for document in documents(data):
        row = {"label": document.label}
        try:
            row["queries"] = queries_of(document.select)
            content = document.select()
            context = document.context(content)
            row["select"] = interleaved({"s": document.select}, PDF_RUNS)["s"]
            row.update(typeset_figures(document, context, typeset=typeset))
        except Exception as error:  # a failing document is shown as such; the table goes on
            row["error"] = f"{type(error).__name__}: {error}"[:200]
        rows.append(row)
        print(f"  {document.label}: {row.get('error', 'ok')}", file=sys.stderr, flush=True)
    return rows


def typeset_figures(document, context: dict, *, typeset: bool) -> dict:
    """Return the HTML's time, and with `typeset` WeasyPrint's, WeasyPrint alone's and the pages."""
    import io

    from pypdf import PdfReader

    from bench.follow_up import weasyprint_alone
    from folkhalsa.pdf import html_to_pdf, render_html

    def render() -> str:
        return render_html(template_name=document.template, context=context)

    html = render()
    figures = {"html": interleaved({"html": render}, PDF_RUNS)["html"]}
    if typeset:
        pdf = html_to_pdf(html=html, variant=document.variant)
        figures["pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
        timed = interleaved(
            {
                "pdf": lambda: html_to_pdf(html=html, variant=document.variant),
                "floor": lambda: weasyprint_alone(html),
            },
            PDF_RUNS,
        )
        figures.update(weasyprint=timed["pdf"], floor=timed["floor"])
    return figures


def profile(label: str, action: Callable[[], object]) -> None:
    """Print the functions the page spends its time in, over ten requests."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [action() for _ in range(10)])
    print(f"\nprofile of {label}, 10 requests:", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def measure_size(name: str, output: str, typeset: bool) -> None:
    """In this process: fill the database for the size and measure it; write the figures."""
    setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.national import NationalSize
    from bench.pages import records

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--force", verbosity=0, stdout=quiet)
    size = NationalSize(**SIZES[name])
    started = time.perf_counter()
    prepare(size=size)
    built = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    rows = counts()
    print(f"bench {name}: built in {built:.0f} s: {rows}", file=sys.stderr, flush=True)
    data = records(big_plan_measures=size.big_plan_measures, last_year=size.follow_up_years[-1])
    # A web worker does not hold the country it was given: what building left alive is frozen
    # out of the garbage collector, so its passes over it do not count against the pages.
    gc.collect()
    gc.freeze()
    figures = {
        "size": name,
        "built_s": built,
        "counts": rows,
        "postgres": version,
        "pages": measure_pages(data, RUNS),
        "documents": measure_documents(data, typeset=typeset),
    }
    Path(output).write_text(json.dumps(figures))


# The parent: a database per size, the table -----------------------------------------------------


def database_url(base: str, name: str) -> str:
    """Return the cluster's URL with the database `name`."""
    return base.rsplit("/", 1)[0] + "/" + name


def fresh_database(base: str, name: str) -> str:
    """Create (again) the database on the cluster; return its URL."""
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(base, name)


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def machine() -> str:
    """Return a line naming the machine: host, processor, cores, memory, load."""
    cpu = ""
    info = Path("/proc/cpuinfo")
    if info.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in info.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = int(meminfo.read_text().split()[1])
        memory = f", {total / 2**20:.0f} GB memory"
    load = ", load {:.1f} {:.1f} {:.1f} at the start".format(*os.getloadavg())
    return f"{platform.node()}: {cpu or platform.machine()}, {os.cpu_count()} cores{memory}{load}"


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def page_table(results: list[dict]) -> list[str]:
    """Return the pages' table: queries at every size; times at the largest; ratios."""
    first, last = results[0], results[-1]
    sizes = [r["size"] for r in results]
    by_size = [{(p["label"], p["user"]): p for p in r["pages"]} for r in results]
    lines = [
        f"| page | user | queries ({' / '.join(sizes)}) | median ms | p95 ms | CPU ms | "
        f"CPU ms at {first['size']} | CPU × | / trivial | / SQL |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in last["pages"]:
        key = (page["label"], page["user"])
        seen = [found.get(key) for found in by_size]
        queries = []
        for row in seen:
            if row is None:
                queries.append("–")
            elif row["status"] != 200:
                queries.append(f"**{row['status']}**")
            else:
                queries.append(str(row["queries"]))
        grows = len({q for q in queries if q.isdigit()}) > 1
        cells = " / ".join(queries) + (" **grows**" if grows else "")
        small = seen[0] if seen[0] and seen[0]["status"] == 200 else None
        if page["status"] != 200:
            lines.append(
                f"| {page['label']} | {page['user']} | {cells} | "
                f"answered {page['status']} | | | | | | |"
            )
            continue
        ratio = f"{page['cpu'] / small['cpu']:.1f}" if small and small["cpu"] > 0 else "–"
        floors = f"{page['median'] / page['trivial']:.1f} | {page['median'] / page['sql']:.0f}"
        few = f" (n={page['n']})" if page["n"] < RUNS else ""
        lines.append(
            f"| {page['label']} | {page['user']} | {cells} | {ms(page['median'])} | "
            f"{ms(page['p95'])}{few} | {ms(page['cpu'])} | {ms(small['cpu'] if small else None)} | "
            f"{ratio} | {floors} |"
        )
    return lines


def document_table(results: list[dict]) -> list[str]:
    """Return the PDFs' table: selector at every size; HTML, WeasyPrint and floor at the largest."""
    sizes = [r["size"] for r in results]
    by_size = [{d["label"]: d for d in r["documents"]} for r in results]
    lines = [
        f"| PDF | queries ({' / '.join(sizes)}) | selector ms ({' / '.join(sizes)}) | HTML ms | "
        "WeasyPrint ms | WeasyPrint alone ms | / floor | pages |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for document in results[-1]["documents"]:
        seen = [found.get(document["label"], {}) for found in by_size]
        if "error" in document:
            lines.append(f"| {document['label']} | failed: {document['error']} | | | | | | |")
            continue
        queries = " / ".join(str(s.get("queries", "–")) for s in seen)
        select = " / ".join(ms(s["select"]["median"]) if "select" in s else "–" for s in seen)
        pdf, floor = document.get("weasyprint"), document.get("floor")
        ratio = f"{pdf['median'] / floor['median']:.2f}" if pdf and floor else "–"
        lines.append(
            f"| {document['label']} | {queries} | {select} | {ms(document['html']['median'])} | "
            f"{ms(pdf['median'] if pdf else None)} | {ms(floor['median'] if floor else None)} | "
            f"{ratio} | {document.get('pages', '–')} |"
        )
    return lines


def report(results: list[dict], started: datetime.datetime, host: str) -> str:
    """Return the results as markdown."""
    lines = [
        "# `make bench`",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC on {host}; PostgreSQL {results[0]['postgres']}; "
        f"{RUNS} samples per page, {PDF_RUNS} per PDF step; DEBUG off.",
        "",
        "| size | " + " | ".join(results[0]["counts"]) + " | built in s |",
        "| --- |" + " ---: |" * (len(results[0]["counts"]) + 1),
    ]
    for result in results:
        values = " | ".join(f"{v:,}" for v in result["counts"].values())
        lines.append(f"| {result['size']} | {values} | {result['built_s']:.0f} |")
    lines += [
        "",
        f"Pages: times at the largest size ({results[-1]['size']}); CPU × is its CPU time over "
        f"the CPU time at {results[0]['size']}; / trivial and / SQL: its median over the floors' "
        "medians sampled alternately with it (a trivial view through the same middleware; one "
        "raw SQL query returning a plan's 100 measures as JSON).",
        "",
        *page_table(results),
        "",
        "PDFs: the selector at every size; the HTML, our WeasyPrint step (tagged) and WeasyPrint "
        "alone (the floor) on the same HTML at the largest size.",
        "",
        *document_table(results),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("bench: run through `make bench` (it starts a throwaway PostgreSQL)")
    names = [n.strip() for n in os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split(",")]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        sys.exit(f"bench: unknown sizes {unknown}; choose from {list(SIZES)}")
    started, host = datetime.datetime.now(datetime.UTC), machine()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for n, name in enumerate(names):
            output = f"{folder}/{name}.json"
            url = fresh_database(base, f"bench_{name}")
            command = [sys.executable, "-m", "bench.run", "--size", name, output]
            if n == len(names) - 1:
                command.append("--typeset")
            subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=True)
            drop_database(base, f"bench_{name}")
            results.append(json.loads(Path(output).read_text()))
            if KEEP:
                Path(KEEP, f"{name}.json").write_text(Path(output).read_text())
    write(results, started, host)


def write(results: list[dict], started: datetime.datetime, host: str) -> None:
    """Print the results and write them to bench/results.md (unless only some pages ran)."""
    text = report(results, started, host)
    print(text)
    if not ONLY:
        RESULTS.write_text(text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--size"]:
        measure_size(sys.argv[2], sys.argv[3], typeset="--typeset" in sys.argv)
    elif sys.argv[1:2] == ["--report"]:  # the table again from sizes kept by BENCH_KEEP
        kept = [json.loads(Path(name).read_text()) for name in sys.argv[2:]]
        write(kept, datetime.datetime.now(datetime.UTC), machine())
    else:
        main()
