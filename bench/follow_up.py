"""Time the yearly follow-up PDF: `make bench` runs it (by hand, not part of `make test`).

In a throwaway SQLite database, for the demo's Norrbotten plan (100 measures, 2021) and for a
synthetic plan of 2,000 measures, prints the median of: gathering the content (with its query
count), the HTML, our WeasyPrint step (tagged PDF/UA-1), and WeasyPrint alone on the same HTML
(no tags, no variant, the collector at its default) as the floor; the pages and the total against
the floor. The memory is that of a fresh process doing the whole pipeline once, as a worker
would: its peak Python allocations (tracemalloc) and its peak resident size (RSS, Django and
WeasyPrint loaded included).
Goal (issue 9): total within 1.25 × the floor; 2,000 measures under 20 s and 500 MB.
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SYNTHETIC_MEASURES = int(os.environ.get("BENCH_MEASURES", "2000"))
TEMPLATE = "reports/pdf/follow_up.html"
PROGRESS = "Arbetet går enligt planen; två träffar hölls under hösten med god uppslutning. " * 2


def configure(database: str) -> None:
    """Configure Django with DEBUG off on the SQLite file."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database-0123456789")
    import django

    django.setup()


def setup(database: str) -> None:
    """Configure Django on a fresh SQLite file, migrate it and load the demo."""
    configure(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--force", verbosity=0, stdout=quiet)


def synthetic_plan(measures: int):
    """Return a plan of `measures` measures in 20 focus areas, every one reported for 2025."""
    import datetime

    from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility
    from reports.models import FollowUpRound, MeasureReport

    owner = Organisation.objects.create(name=f"Benchregionen {measures}", kind="region")
    units = [
        Organisation.objects.create(name=f"Enhet {n}", parent=owner, kind="enhet")
        for n in range(25)
    ]
    plan = Plan.objects.create(
        owner=owner,
        kind="handlingsplan",
        title=f"Handlingsplan med {measures} insatser",
        start_year=2024,
        end_year=2027,
        status="antagen",
        adopted_by="Regionfullmäktige",
    )
    areas = FocusArea.objects.bulk_create(
        FocusArea(
            plan=plan, number=str(n + 1), order=n, title=f"Målområde {n + 1} för jämlik hälsa"
        )
        for n in range(20)
    )
    rows = Measure.objects.bulk_create(
        Measure(
            plan=plan,
            focus_area=areas[n % 20],
            code=f"{n % 20 + 1}{n // 20:03d}",
            order=n,
            title=f"Insats {n} för barn och unga i samverkan med föreningslivet och skolan",
            expected_result="Fler unga i organiserad fritid, minst 100 deltagare",
        )
        for n in range(measures)
    )
    Responsibility.objects.bulk_create(
        Responsibility(measure=m, organisation=units[n % 25], role="ansvarig")
        for n, m in enumerate(rows)
    )
    round_ = FollowUpRound.objects.create(
        plan=plan, year=2025, due_on=datetime.date(2026, 1, 31), status="stangd"
    )
    statuses = ["enligt_plan", "risk", "avviker", "genomford", "ej_paborjad", "avbruten"]
    MeasureReport.objects.bulk_create(
        MeasureReport(
            round=round_,
            measure=m,
            state="godkand",
            status=statuses[n % 6],
            progress=PROGRESS,
        )
        for n, m in enumerate(rows)
    )
    return plan


def median_s(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def weasyprint_alone(html: str) -> bytes:
    """Return the HTML typeset by WeasyPrint with its defaults: the floor we compare against."""
    from weasyprint import CSS, HTML

    from folkhalsa.pdf import STATIC_DIR, STYLESHEET, OwnFilesFetcher

    fetcher = OwnFilesFetcher()
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)]
    )


def pipeline(plan, year: int) -> bytes:
    """Return the follow-up PDF as the site makes it: content, HTML, tagged PDF/UA-1."""
    from folkhalsa.pdf import html_to_pdf, render_html
    from reports.documents import follow_up_document

    html = render_html(template_name=TEMPLATE, context=follow_up_document(plan=plan, year=year))
    return html_to_pdf(html=html, variant="pdf/ua-1")


def once(database: str, plan_pk: int, year: int, traced: bool) -> None:
    """In this fresh process, run the pipeline once and print its peak memory in MB: the Python
    allocations when `traced`, else the resident size (tracemalloc's own records would swell it)."""
    configure(database)
    from plans.models import Plan

    plan = Plan.objects.get(pk=plan_pk)
    if traced:
        tracemalloc.start()
        pipeline(plan, year)
        print(tracemalloc.get_traced_memory()[1] / 2**20)
    else:
        pipeline(plan, year)
        print(peak_resident_mb())


def peak_resident_mb() -> float:
    """Return this process's peak resident size in MB since it started its program.

    Linux carries getrusage's maximum over from the parent across fork and exec, so a child
    started by a large parent would report the parent's size; VmHWM belongs to this program.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory(database: str, plan_pk: int, year: int) -> tuple[float, float]:
    """Return (peak Python MB, peak RSS MB) of fresh processes making the PDF once."""
    figures = []
    for traced in ("traced", "untraced"):
        done = subprocess.run(
            [sys.executable, "-m", "bench.follow_up", "--once", database, str(plan_pk)]
            + [str(year), traced],
            capture_output=True,
            text=True,
            check=True,
        )
        figures.append(float(done.stdout))
    return figures[0], figures[1]


def measure(name: str, database: str, plan, year: int) -> None:
    """Print one line of figures for the plan's follow-up of the year."""
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from folkhalsa.pdf import html_to_pdf, render_html
    from reports.documents import follow_up_document
    from reports.word import follow_up_docx

    with CaptureQueriesContext(connection) as queries:
        content = follow_up_document(plan=plan, year=year)
    html = render_html(template_name=TEMPLATE, context=content)
    pdf = pipeline(plan, year)
    context_s = median_s(lambda: follow_up_document(plan=plan, year=year))
    html_s = median_s(lambda: render_html(template_name=TEMPLATE, context=content))
    pdf_s = median_s(lambda: html_to_pdf(html=html, variant="pdf/ua-1"))
    floor_s = median_s(lambda: weasyprint_alone(html))
    docx_s = median_s(lambda: follow_up_docx(content=content))  # the same report as Word
    total = context_s + html_s + pdf_s
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    python_mb, rss_mb = peak_memory(database, plan.pk, year)
    print(
        f"{name:28} {len(queries):>7} {context_s:>8.2f} {html_s:>6.2f} {pdf_s:>10.2f} "
        f"{floor_s:>6.2f} {total:>6.2f} {total / floor_s:>6.2f}x {pages:>5} "
        f"{python_mb:>7.0f} {rss_mb:>7.0f} {docx_s:>6.2f}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = f"{folder}/bench.sqlite3"
        setup(database)
        from plans.models import Plan

        print(
            f"{'document':28} {'queries':>7} {'context':>8} {'html':>6} {'weasyprint':>10} "
            f"{'floor':>6} {'total':>6} {'/floor':>7} {'pages':>5} {'peak MB':>7} {'RSS MB':>7}"
            f" {'docx':>6}"
        )
        print(
            f"(seconds, median of {RUNS} runs; peak MB: Python allocations, RSS MB: resident size,"
            " of a fresh process making the PDF once; docx: the same content as a Word file)"
        )
        norrbotten = Plan.objects.get(title="Region Norrbottens handlingsplan 2018–2022")
        measure("Norrbotten 2021 (100)", database, norrbotten, 2021)
        synthetic = synthetic_plan(SYNTHETIC_MEASURES)
        measure(f"Syntetisk ({SYNTHETIC_MEASURES})", database, synthetic, 2025)
    sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--once"]:
        once(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "traced")
    else:
        main()
