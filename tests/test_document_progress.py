"""The page of a document being made asks whether it is ready at a status address of its own,
which reads the document's row alone (folkhalsa/documents.py): a poll costs the same few queries
however large the follow-up, and tells its state only to the user the page was shown to. A
preview is made once per gap however the gap is written, a gap the page does not offer is
refused, and a user with documents waiting may not ask for more until they are made.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from folkhalsa import documents
from folkhalsa.models import RenderedDocument
from plans.models import Measure, Plan
from tests.conftest import client_for, publishable
from tests.test_documents_in_background import queued, run_worker  # noqa: F401 (a fixture)

# Tasks queue on the database, for a worker to run, as in production.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queued")]

Status = RenderedDocument.Status


def _preview_url(plan: Plan, query: str = "") -> str:
    return reverse("reports:follow_up_preview", args=[plan.pk, 2025]) + query


def _status_url(page: str) -> str:
    return re.search(r'data-status-url="([^"]+)"', page).group(1)


def _poll_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def _add_measures(plan: Plan, count: int) -> None:
    first = plan.measures.first()
    Measure.objects.bulk_create(
        Measure(plan=plan, focus_area=first.focus_area, code=f"9{i}", title=f"Insats {i}")
        for i in range(count)
    )


def test_the_progress_page_polls_the_row_at_the_same_cost_whatever_the_follow_ups_size(
    alice, measure, monkeypatch
):
    plan = publishable(measure.plan, 2025)
    client = client_for(alice)
    small = client.get(_preview_url(plan))
    assert small.status_code == 202
    small_status = _status_url(small.content.decode())
    assert client.get(small_status).json() == {"status": Status.WAITING}
    _add_measures(plan, 40)  # a new content: a new document
    large_status = _status_url(client.get(_preview_url(plan)).content.decode())
    assert large_status != small_status
    small_poll, large_poll = (
        _poll_queries(client, small_status),
        _poll_queries(client, large_status),
    )
    assert small_poll[0] == large_poll[0] == 202
    assert small_poll[1] == large_poll[1] <= 3  # session, user, the document's row
    run_worker(monkeypatch)
    ready = client.get(large_status)
    assert ready.status_code == 200 and ready.json() == {"status": Status.READY}
    assert ready["Cache-Control"] == "no-store"


def test_an_anonymous_visitor_polls_a_public_plan_pdf_in_one_query(adopted_plan):
    client = client_for(None)
    page = client.get(reverse("reports:plan_pdf", args=[adopted_plan.pk])).content.decode()
    assert _poll_queries(client, _status_url(page)) == (202, 1)


def test_no_one_but_the_reader_learns_how_a_document_goes(
    alice, bob, charlie, diana, measure, monkeypatch
):
    plan = publishable(measure.plan, 2025)
    page = client_for(alice).get(_preview_url(plan)).content.decode()
    status_url = _status_url(page)
    assert client_for(alice).get(status_url).status_code == 202
    before = list(RenderedDocument.objects.values("pk", "status", "changed_at", "asked_by"))
    for other in (None, bob, charlie, diana):  # hers alone, also among readers of the plan
        assert client_for(other).get(status_url).status_code == 404
        assert client_for(other).post(status_url).status_code in (404, 405)
    assert list(RenderedDocument.objects.values("pk", "status", "changed_at", "asked_by")) == before
    token = status_url.split("/")[2]
    forged = reverse("document_status", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])
    assert client_for(alice).get(forged).status_code == 404
    assert client_for(alice).post(status_url).status_code == 405  # it only reads
    monkeypatch.setattr(documents, "PROGRESS_TOKEN_SECONDS", -1)  # the address lapsed
    assert client_for(alice).get(status_url).status_code == 404


def test_a_gap_written_otherwise_is_the_same_preview_and_one_not_offered_is_refused(alice, measure):
    plan = publishable(measure.plan, 2025)
    client = client_for(alice)
    for query in ("", "?skillnad=5", "?skillnad=5.0", "?skillnad=05.00", "?skillnad=&x=1"):
        assert client.get(_preview_url(plan, query)).status_code == 202, query
    assert RenderedDocument.objects.count() == 1
    for query in ("?skillnad=fem", "?skillnad=-1", "?skillnad=0.001", "?skillnad=1e9"):
        assert client.get(_preview_url(plan, query)).status_code == 400, query
    assert client.get(_preview_url(plan, "?skillnad=2.50")).status_code == 202
    assert client.get(_preview_url(plan, "?skillnad=2.5")).status_code == 202
    assert RenderedDocument.objects.count() == 2


def test_a_user_with_documents_waiting_may_not_ask_for_more(
    alice, measure, adopted_plan, settings, monkeypatch
):
    settings.DOCUMENT_PENDING_PER_USER = 2
    plan = publishable(measure.plan, 2025)
    client = client_for(alice)
    assert client.get(_preview_url(plan, "?skillnad=1")).status_code == 202
    assert client.get(_preview_url(plan, "?skillnad=2")).status_code == 202
    refused = client.get(_preview_url(plan, "?skillnad=3"))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Du har redan 2 dokument som skapas" in refused.content.decode()
    assert RenderedDocument.objects.count() == 2  # nothing asked of the queue
    assert client.get(_preview_url(plan, "?skillnad=1")).status_code == 202  # one of hers
    anonymous = client_for(None).get(reverse("reports:plan_pdf", args=[adopted_plan.pk]))
    assert anonymous.status_code == 202  # others still ask
    run_worker(monkeypatch)
    assert client.get(_preview_url(plan, "?skillnad=3")).status_code == 202  # hers are made
