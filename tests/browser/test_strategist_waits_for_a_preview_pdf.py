"""The strategist asks for the year's follow-up as a PDF while the task queue runs on the database,
as in production: she sees the page saying it is being made, which asks its status address
until the worker has typeset it, and then gets the PDF at the address she asked."""

import threading
from collections.abc import Iterator

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from plans.models import Plan
from tests.browser.conftest import check_page
from tests.conftest import DATABASE_TASKS, task_worker

PLAN = "Region Norrbottens handlingsplan 2018–2022"


@pytest.fixture
def worker(settings) -> Iterator[db_worker.Worker]:
    """Queue tasks on the database and return a worker to start in a thread of its own, as
    `manage.py db_worker` runs beside the web server; stopped after the test."""
    settings.TASKS = DATABASE_TASKS
    worker = task_worker(worker_id="journey", batch=False, interval=0.2)

    def run() -> None:
        try:
            worker.run()
        finally:
            connection.close()

    worker.thread = threading.Thread(target=run, daemon=True)
    yield worker
    worker.running = False
    if worker.thread.is_alive():
        worker.thread.join(timeout=30)


def test_strategist_waits_on_the_progress_page_and_gets_the_pdf(page, log_in, worker):
    plan = Plan.objects.get(title=PLAN)
    log_in(page, "norrbotten-strateg")
    page.goto(reverse("reports:plan_follow_up", args=[plan.pk]))
    check_page(page, "preview-follow-up-hub")
    page.get_by_role("link", name="Förhandsgranska 2021 (PDF)").click()
    check_page(page, "preview-being-made")
    address = page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Dokumentet skapas …"
    assert "Vi skapar uppföljningens utkast som pdf just nu" in (
        page.get_by_role("status").inner_text()
    )
    # The page asks its status address, never the document's own (which would gather the whole
    # follow-up again), until the worker has typeset it; then it opens the PDF where she asked.
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    with page.expect_response(
        lambda response: response.url == address and response.status == 200, timeout=60_000
    ) as answer:
        worker.thread.start()
    assert answer.value.headers["content-type"] == "application/pdf"
    polls = [url for url in asked if "/dokument/" in url]
    assert polls and all(url.endswith("/status/") for url in polls)
    assert asked.count(address) == 1  # the document's own address once, for the file
    assert page.request.get(address).body().startswith(b"%PDF")  # made once, kept
