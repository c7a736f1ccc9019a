"""The health check a load balancer asks (`/halsa/`): the database and the task worker."""

import datetime

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from folkhalsa.health import heartbeat
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/halsa/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _database_worker(settings) -> None:
    """Run tasks through the database, as production does, and forget earlier heartbeats."""
    settings.TASKS = DATABASE_TASKS
    settings.HEALTH_WORKER_SECONDS = 120
    cache.clear()


def _task(*, waited: int = 0, finished: int | None = None, run_after=None) -> DBTaskResult:
    """Return a task enqueued `waited` seconds ago, finished `finished` seconds ago if given."""
    now = timezone.now()
    result = heartbeat.using(run_after=run_after).enqueue().db_result
    fields = {"enqueued_at": now - datetime.timedelta(seconds=waited)}
    if finished is not None:
        fields |= {
            "status": TaskResultStatus.SUCCESSFUL,
            "finished_at": now - datetime.timedelta(seconds=finished),
        }
    DBTaskResult.objects.filter(pk=result.pk).update(**fields)
    return result


def test_a_fresh_install_answers_ok_and_enqueues_one_heartbeat():
    response = Client().get(URL)
    assert response.status_code == 200
    assert response.json() == {"databas": "ok", "arbetare": "ok"}
    assert DBTaskResult.objects.get().task_path == "folkhalsa.health.heartbeat"
    Client().get(URL)
    cache.clear()  # past the rate limit: still only one heartbeat waiting at a time
    Client().get(URL)
    assert DBTaskResult.objects.count() == 1


def test_a_task_finished_lately_shows_the_worker_alive_without_a_heartbeat():
    _task(waited=300, finished=60)
    response = Client().get(URL)
    assert response.status_code == 200 and response.json()["arbetare"] == "ok"
    assert DBTaskResult.objects.count() == 1


def test_a_task_waiting_longer_than_the_limit_shows_the_worker_dead():
    _task(waited=121)
    response = Client().get(URL)
    assert response.status_code == 503
    assert response.json() == {"databas": "ok", "arbetare": "fel"}


def test_a_worker_busy_with_a_long_document_is_alive_while_others_wait():
    running = _task(waited=400)
    DBTaskResult.objects.filter(pk=running.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(seconds=30)
    )
    _task(waited=200)  # waits behind it, longer than the limit
    response = Client().get(URL)
    assert response.status_code == 200 and response.json()["arbetare"] == "ok"


def test_a_worker_stuck_on_a_task_started_long_ago_is_dead():
    stuck = _task(waited=900)
    DBTaskResult.objects.filter(pk=stuck.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(seconds=600)
    )
    _task(waited=200)
    assert Client().get(URL).status_code == 503


def test_a_young_waiting_task_and_an_old_finished_one_answer_ok():
    _task(waited=1000, finished=900)
    _task(waited=100)
    assert Client().get(URL).status_code == 200


def test_a_task_deferred_to_later_is_not_counted_as_waiting():
    _task(waited=1000, run_after=timezone.now() + datetime.timedelta(hours=1))
    assert Client().get(URL).status_code == 200


def test_tasks_run_inline_count_as_a_live_worker(settings):
    settings.TASKS = IMMEDIATE_TASKS
    response = Client().get(URL)
    assert response.status_code == 200 and response.json()["arbetare"] == "ok"
    assert not DBTaskResult.objects.exists()


def test_a_database_that_does_not_answer_gives_503_without_its_error_text():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: lösenordet för användaren hemlig")

    with connection.execute_wrapper(refuse):
        response = Client().get(URL)
    assert response.status_code == 503
    assert response.json() == {"databas": "fel", "arbetare": "okänd"}
    assert b"hemlig" not in response.content


def test_the_answer_is_never_cached_sets_no_cookie_and_needs_no_login(alice):
    for client in (Client(), client_for(alice)):
        response = client.get(URL)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies
        assert response["Content-Type"] == "application/json"


def test_only_get_and_head_are_answered():
    assert Client().head(URL).status_code == 200
    assert Client(enforce_csrf_checks=True).post(URL).status_code == 405


def test_a_plain_http_probe_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(URL).status_code == 200
    assert Client().get(reverse("start")).status_code == 301


def test_a_probe_must_name_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["folkhalsa.example.se"]
    probe = Client(raise_request_exception=False).get(URL, HTTP_HOST="10.0.0.5")
    assert probe.status_code == 400  # the balancer must send the site's name as Host
    assert Client().get(URL, HTTP_HOST="folkhalsa.example.se").status_code == 200


@pytest.mark.parametrize("finished_tasks", [1, 40])
def test_the_check_asks_a_fixed_number_of_queries(finished_tasks, django_assert_num_queries):
    for _ in range(finished_tasks):
        _task(waited=200, finished=100)
    # Savepoint and release around the check's SET LOCAL and SELECT 1, then one count.
    queries = 5 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(queries):
        assert Client().get(URL).status_code == 200


def test_enqueuing_the_heartbeat_adds_one_query(django_assert_num_queries):
    queries = 6 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(queries):
        Client().get(URL)
    assert DBTaskResult.objects.count() == 1


def test_the_heartbeat_deletes_tasks_finished_more_than_a_week_ago():
    old = _task(waited=8 * 86400, finished=8 * 86400 - 5)
    recent = _task(waited=6 * 86400, finished=6 * 86400 - 5)
    waiting = _task(waited=30)
    heartbeat.call()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
