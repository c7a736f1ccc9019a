"""PDFs and Word files are typeset off the request path (folkhalsa/documents.py): a request asks
for the document of what it shows and answers "being made" (202) until the task queue's worker
has typeset it; then the same address gives the file. The same content is typeset once, a new
version of it anew; a failing typesetting is tried again, then reported on the page and logged;
who may read a document is decided by its address as before.

Most tests here run the task queue on the database (django-tasks-db) as production does, with
the worker run by hand; the rest of the suite runs tasks inside the request (tests/conftest.py).
"""

import io
import logging
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from folkhalsa import documents, pdf
from folkhalsa.models import RenderedDocument
from plans.models import FocusArea, Measure, Plan
from plans.services import versioned_save
from reports import services
from reports.models import PublishedFollowUp
from reports.services import follow_up_publish
from tests.conftest import DATABASE_TASKS, client_for, publishable, task_worker

pytestmark = pytest.mark.django_db

Status = RenderedDocument.Status


@pytest.fixture
def queued(settings) -> None:
    """Queue tasks on the database, for a worker to run, as production does."""
    settings.TASKS = DATABASE_TASKS
    settings.DOCUMENT_RENDER_RETRY_SECONDS = 0  # a retry is at once, so one batch runs it


def run_worker(monkeypatch) -> None:
    """Run every task ready, as `manage.py db_worker --batch` does, inside the test's transaction
    (the command's own reconnecting would drop it)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    task_worker(worker_id="test", batch=True, interval=0).run()


def _plan_pdf_url(plan: Plan) -> str:
    return reverse("reports:plan_pdf", args=[plan.pk])


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_plan_pdf_is_made_by_the_worker_while_the_page_says_so(
    adopted_plan, queued, typesettings, monkeypatch
):
    url = _plan_pdf_url(adopted_plan)
    waiting = client_for(None).get(url)
    page = waiting.content.decode()
    assert waiting.status_code == 202 and waiting["Content-Type"].startswith("text/html")
    assert "Dokumentet skapas" in page and f'href="{url}"' in page  # a plain link asks again
    assert "js/documents.js" in page  # with JavaScript it opens the file once ready
    assert typesettings == []  # the request typeset nothing
    assert client_for(None).get(url).status_code == 202  # asked again: still one task
    assert DBTaskResult.objects.count() == 1
    run_worker(monkeypatch)
    ready = client_for(None).get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert adopted_plan.title in _pdf_text(ready.content)
    assert len(typesettings) == 1


def test_a_cached_plan_pdf_is_served_without_typesetting_until_the_plan_changes(
    adopted_plan, alice, queued, typesettings, monkeypatch
):
    area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Trygghet")
    measure = Measure.objects.create(
        plan=adopted_plan, focus_area=area, code="1A", title="Nattvandring"
    )
    url = _plan_pdf_url(adopted_plan)
    client_for(None).get(url)
    run_worker(monkeypatch)
    first = client_for(None).get(url).content
    for _ in range(3):
        assert client_for(None).get(url).content == first
    assert len(typesettings) == 1
    measure.title = "Nattvandring med föräldrar"
    versioned_save(instance=measure, expected_version=measure.version, user=alice)
    assert client_for(None).get(url).status_code == 202  # a new version: a new document
    run_worker(monkeypatch)
    changed = client_for(None).get(url)
    assert changed.status_code == 200 and len(typesettings) == 2
    assert "Nattvandring med föräldrar" in _pdf_text(changed.content)
    assert RenderedDocument.objects.filter(kind="plan_pdf").count() == 2


def test_a_failing_typesetting_is_retried_then_reported_and_logged(
    adopted_plan, queued, settings, monkeypatch, caplog
):
    settings.DOCUMENT_RENDER_ATTEMPTS = 3
    calls = []

    def broken(*, html: str, variant: str) -> bytes:
        calls.append(variant)
        raise OSError("Typsnittet saknas")

    typeset = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    url = _plan_pdf_url(adopted_plan)
    client_for(None).get(url)
    with caplog.at_level(logging.WARNING, logger="folkhalsa.documents"):
        run_worker(monkeypatch)
    assert len(calls) == 3  # tried three times in all
    document = RenderedDocument.objects.get()
    assert document.status == Status.FAILED and document.attempts == 3
    assert "OSError: Typsnittet saknas" in document.error
    failures = [r for r in caplog.records if r.name == "folkhalsa.documents"]
    assert [r.levelname for r in failures] == ["WARNING", "WARNING", "ERROR"]
    assert failures[-1].exc_info and "failed after 3 attempts" in failures[-1].getMessage()
    # The task's own record says it failed too (the admin and the operator see it).
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1

    response = client_for(None).get(url)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Dokumentet kunde inte skapas" in page and "vi försökte 3 gånger" in page
    assert "Typsnittet" not in page  # the technical error is for the log, not the visitor
    assert 'method="post"' in page and "Försök igen</button>" in page

    monkeypatch.setattr(pdf, "html_to_pdf", typeset)  # the font is back
    retried = client_for(None).post(url)
    assert retried.status_code == 302 and retried["Location"] == url
    assert client_for(None).get(url).status_code == 202
    run_worker(monkeypatch)
    assert client_for(None).get(url).status_code == 200


def test_a_new_version_of_the_minutes_is_a_new_document(
    alice, meeting, queued, typesettings, monkeypatch
):
    url = reverse("councils:minutes_pdf", args=[meeting.pk])
    assert client_for(alice).get(url).status_code == 202
    run_worker(monkeypatch)
    first = client_for(alice).get(url)
    assert first.status_code == 200 and client_for(alice).get(url).content == first.content
    item = meeting.items.first()
    item.decision = "Rådet beslutar att godkänna uppföljningen med ändringar."
    item.save()
    assert client_for(alice).get(url).status_code == 202
    run_worker(monkeypatch)
    second = client_for(alice).get(url)
    assert second.status_code == 200 and "med ändringar" in " ".join(
        _pdf_text(second.content).split()
    )
    assert RenderedDocument.objects.filter(kind="protokoll_pdf").count() == 2
    assert len(typesettings) == 2


def test_who_may_read_a_document_is_decided_by_its_address_as_before(
    draft_plan, alice, charlie, queued, monkeypatch
):
    url = _plan_pdf_url(draft_plan)
    assert client_for(None).get(url).status_code == 404  # no row yet
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 202
    assert client_for(None).get(url).status_code == 404  # waiting
    assert client_for(None).post(url).status_code == 404  # nor may she ask again
    run_worker(monkeypatch)
    assert client_for(alice).get(url).status_code == 200
    assert client_for(None).get(url).status_code == 404  # ready
    assert client_for(charlie).get(url).status_code == 404
    assert RenderedDocument.objects.count() == 1


def test_a_lost_task_is_asked_for_again(adopted_plan, queued, settings, monkeypatch):
    url = _plan_pdf_url(adopted_plan)
    client_for(None).get(url)
    DBTaskResult.objects.all().delete()  # the worker's machine went away with it
    assert client_for(None).get(url).status_code == 202
    assert DBTaskResult.objects.count() == 0  # not yet: it may only be slow
    settings.DOCUMENT_RENDER_TIMEOUT = -1  # longer than any typesetting takes
    assert client_for(None).get(url).status_code == 202
    assert DBTaskResult.objects.count() == 1
    run_worker(monkeypatch)
    assert client_for(None).get(url).status_code == 200


def test_documents_nobody_asked_for_are_pruned(adopted_plan, queued, settings, monkeypatch):
    client_for(None).get(_plan_pdf_url(adopted_plan))
    run_worker(monkeypatch)
    settings.DOCUMENT_KEEP_DAYS = -1
    assert documents.documents_prune() == 1
    assert not RenderedDocument.objects.exists()


def test_publishing_renders_nothing_in_the_request_and_stores_the_files_once(
    alice, measure, queued, typesettings, monkeypatch
):
    plan = publishable(measure.plan, 2025)
    url = reverse("reports:follow_up_publish", args=[plan.pk, 2025])
    assert client_for(alice).post(url).status_code == 302
    published = PublishedFollowUp.objects.get()
    assert typesettings == [] and bytes(published.pdf) == b"" and bytes(published.docx) == b""
    pdf_url = reverse("reports:published_pdf", args=[published.pk])
    docx_url = reverse("reports:published_docx", args=[published.pk])
    assert client_for(None).get(pdf_url).status_code == 202
    assert client_for(None).get(docx_url).status_code == 202
    run_worker(monkeypatch)
    published.refresh_from_db()
    assert "Uppföljning 2025" in _pdf_text(bytes(published.pdf))
    assert bytes(published.docx).startswith(b"PK")  # a Word file is a zip
    served = client_for(None).get(pdf_url)
    assert served.status_code == 200 and served.content == bytes(published.pdf)
    word = client_for(None).get(docx_url)
    assert word.status_code == 200 and word.content == bytes(published.docx)
    assert word["Content-Disposition"] == 'attachment; filename="uppfoljning-2025.docx"'
    assert len(typesettings) == 1
    # Stored once: neither asking nor posting again typesets it anew.
    RenderedDocument.objects.all().delete()
    assert client_for(None).post(pdf_url).status_code == 302
    assert client_for(None).get(pdf_url).content == bytes(published.pdf)
    assert len(typesettings) == 1 and not RenderedDocument.objects.exists()


def test_previews_are_made_per_content_as_pdf_and_word(alice, measure, queued, monkeypatch):
    plan = publishable(measure.plan, 2025)
    preview = reverse("reports:follow_up_preview", args=[plan.pk, 2025])
    word = reverse("reports:follow_up_preview_docx", args=[plan.pk, 2025])
    assert client_for(alice).get(preview).status_code == 202
    assert client_for(alice).get(word).status_code == 202
    run_worker(monkeypatch)
    answer = client_for(alice).get(preview)
    assert answer.status_code == 200 and "Uppföljning 2025" in _pdf_text(answer.content)
    assert client_for(alice).get(word).content.startswith(b"PK")
    assert RenderedDocument.objects.filter(status=Status.READY).count() == 2


# --- On PostgreSQL, with real transactions and the worker command --------------------------


@pytest.fixture
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are only real on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_enqueue_one_task(postgresql_only, adopted_plan, queued, monkeypatch):
    barrier = threading.Barrier(2)
    found = documents._found
    waited = threading.local()

    def found_together(kind: str, key: str) -> RenderedDocument | None:
        document = found(kind, key)
        if document is None and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)  # both have looked and found nothing
        return document

    monkeypatch.setattr(documents, "_found", found_together)
    answers, errors = [None, None], []

    def ask(index: int) -> None:
        try:
            answers[index] = Client().get(_plan_pdf_url(adopted_plan)).status_code
        except BaseException as error:  # raised in the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and answers == [202, 202]
    assert RenderedDocument.objects.count() == 1 and DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Client().get(_plan_pdf_url(adopted_plan)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_publishing_on_postgresql_stores_the_pdf_once_the_worker_ran(
    postgresql_only, alice, measure, queued
):
    plan = publishable(measure.plan, 2025)
    published = follow_up_publish(plan=plan, year=2025, user=alice)
    assert bytes(published.pdf) == b""
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    published.refresh_from_db()
    assert "Uppföljning 2025" in _pdf_text(bytes(published.pdf))
    assert bytes(published.docx).startswith(b"PK")
    assert set(RenderedDocument.objects.values_list("status", flat=True)) == {Status.READY}


def _at_once(*asks) -> list:
    """Run each request in a thread of its own, with its own connection; return the answers."""
    answers, errors = [None] * len(asks), []

    def run(index: int) -> None:
        try:
            answers[index] = asks[index]()
        except BaseException as error:  # raised in the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(asks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return answers


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_publish_one_version(
    postgresql_only, alice, diana, measure, queued, monkeypatch
):
    plan = publishable(measure.plan, 2025)
    barrier = threading.Barrier(2)
    lock = services.locked

    def locked_together(*args, **kwargs):
        barrier.wait(timeout=10)  # both have read the page and ask to lock the plan
        return lock(*args, **kwargs)

    monkeypatch.setattr(services, "locked", locked_together)
    url = reverse("reports:follow_up_publish", args=[plan.pk, 2025])
    answers = _at_once(
        lambda: client_for(alice).post(url).status_code,
        lambda: client_for(diana).post(url).status_code,
    )
    # One publishes; the other finds the year published and is asked why she publishes again.
    assert sorted(answers) == [302, 400]
    assert PublishedFollowUp.objects.count() == 1
    assert RenderedDocument.objects.count() == 2  # its PDF and Word file, once each
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_readers_trying_a_failed_document_again_at_once_enqueue_one_task(
    postgresql_only, adopted_plan, queued, monkeypatch
):
    url = _plan_pdf_url(adopted_plan)
    assert Client().get(url).status_code == 202
    RenderedDocument.objects.update(status=Status.FAILED, attempts=3, error="OSError")
    DBTaskResult.objects.all().delete()
    barrier = threading.Barrier(2)
    retry = documents.document_retry

    def retry_together(document: RenderedDocument) -> bool:
        barrier.wait(timeout=10)  # both have found it failed
        return retry(document)

    monkeypatch.setattr(documents, "document_retry", retry_together)
    answers = _at_once(
        lambda: Client().post(url).status_code, lambda: Client().post(url).status_code
    )
    assert answers == [302, 302]
    assert DBTaskResult.objects.count() == 1
    document = RenderedDocument.objects.get()
    assert document.status == Status.WAITING and document.attempts == 0
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Client().get(url).status_code == 200
