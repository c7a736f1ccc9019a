"""Time the council's PDFs: `make bench-documents` (by hand, not part of `make test`).

Builds a meeting of 10 and of 100 items (members and attachments in step) in a throwaway SQLite
database and prints, per document and size, the median of the selector (with its query count),
the HTML and WeasyPrint alone, so a regression shows where it is.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def setup(database: str) -> None:
    """Configure Django with DEBUG off on a fresh SQLite file and migrate it."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "folkhalsa.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database-0123456789")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(items: int):
    """Return a held meeting with `items` items, as many members as items / 2 (at least 5)."""
    import datetime

    from django.utils import timezone

    from councils.models import (
        AgendaItem,
        Attachment,
        Attendance,
        Body,
        Meeting,
        MinutesCheck,
        Seat,
        SeatHolding,
    )
    from plans.models import Organisation, Person

    org, _ = Organisation.objects.get_or_create(name="Benchköping", defaults={"kind": "kommun"})
    body = Body.objects.create(organisation=org, name=f"Rådet {items}", kind="rad")
    starts = timezone.make_aware(datetime.datetime(2025, 3, 12, 13, 0))
    meeting = Meeting.objects.create(
        body=body, starts_at=starts, place="Kommunhuset", status="genomfort"
    )
    for n in range(max(5, items // 2)):
        seat = Seat.objects.create(body=body, function=f"Funktion {n}", organisation=org, order=n)
        person = Person.objects.create(
            name=f"Ledamot Åström {n}", email=f"l{n}@example.se", organisation=org
        )
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))
        Attendance.objects.create(
            meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
        )
        if n < 3:
            role = "ordforande" if n == 0 else "justerare"
            MinutesCheck.objects.create(meeting=meeting, person=person, role=role)
    for n in range(items):
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=n,
            kind="beslut",
            title=f"Ärende {n} om trygghet",
            paragraph=n + 1,
            text="Underlag. " * 40,
            note="Diskussion om läget. " * 20,
            decision="Rådet beslutar att godkänna.",
        )
        Attachment.objects.create(
            item=item, file="x", name=f"Bilaga {n}.pdf", content_type="application/pdf", size=1
        )
    return meeting


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


COLUMNS = "{:10} {:>5} {:>7} {:>9} {:>8} {:>8} {:>5}"


def time_document(meeting, selector, template: str, variant: str) -> tuple:
    """Return the queries, the median ms of selector, HTML and WeasyPrint, and the pages."""
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from folkhalsa.pdf import html_to_pdf, render_html

    with CaptureQueriesContext(connection) as queries:
        document = selector(meeting=meeting)
    context = {"document": document}
    html = render_html(template_name=template, context=context)
    pages = len(PdfReader(io.BytesIO(html_to_pdf(html=html, variant=variant))).pages)
    return (
        len(queries),
        f"{median_ms(lambda: selector(meeting=meeting)):.1f}",
        f"{median_ms(lambda: render_html(template_name=template, context=context)):.1f}",
        f"{median_ms(lambda: html_to_pdf(html=html, variant=variant)):.0f}",
        pages,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup(os.path.join(folder, "bench.sqlite3"))
        from councils.selectors import minutes_document, notice_document
        from councils.services import MINUTES_VARIANT, NOTICE_VARIANT

        documents = [
            ("notice", notice_document, "councils/pdf/notice.html", NOTICE_VARIANT),
            ("minutes", minutes_document, "councils/pdf/minutes.html", MINUTES_VARIANT),
        ]
        print(
            COLUMNS.format(
                "document", "items", "queries", "select ms", "html ms", "pdf ms", "pages"
            )
        )
        for items in (10, 100):
            meeting = build(items)
            for name, selector, template, variant in documents:
                row = time_document(meeting, selector, template, variant)
                print(COLUMNS.format(name, items, *row))


if __name__ == "__main__":
    sys.exit(main())
