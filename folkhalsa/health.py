"""The health check for a load balancer (`/halsa/`): does the database answer, is the worker alive.

The worker (`manage.py db_worker`) proves it is alive by finishing tasks. When none finished
lately the check enqueues a heartbeat, a task that does nothing, and counts the worker dead only
once a task has waited longer than `HEALTH_WORKER_SECONDS`: a fresh install, or a quiet night,
answers ok while the first heartbeat is young.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_tasks import TaskResultStatus, task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

OK, FAILED, UNKNOWN = "ok", "fel", "okänd"
# A database that does not answer a trivial query within this time is as good as down.
STATEMENT_TIMEOUT_MS = 2000
# Each process enqueues at most one heartbeat this often, however often the balancers ask.
HEARTBEAT_CACHE_KEY = "health:heartbeat-enqueued"


# Finished tasks are kept this long (the admin shows them), then deleted by the heartbeat: an
# idle site's probes add some 720 heartbeats a day, and the check reads the table.
TASK_RESULTS_KEEP = datetime.timedelta(days=7)


@task()
def heartbeat() -> None:
    """Delete tasks finished more than a week ago; the worker finishing this task is the sign of
    life the health check looks for."""
    DBTaskResult.objects.filter(finished_at__lt=timezone.now() - TASK_RESULTS_KEEP).delete()


@csrf_exempt  # a POST answers 405, never the CSRF page
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers and the task worker is alive, else 503.

    Reads neither the session nor the user and sets no cookie; errors are logged, never shown.
    """
    database = _database_state()
    worker = _worker_state() if database == OK else UNKNOWN
    status = 200 if database == worker == OK else 503
    return JsonResponse({"databas": database, "arbetare": worker}, status=status)


def _database_state() -> str:
    """Return ok if the database answers `SELECT 1` within the statement timeout."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [STATEMENT_TIMEOUT_MS])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Hälsokontrollen: databasen svarar inte")
        return FAILED
    return OK


def _worker_state() -> str:
    """Return ok if the worker started or finished a task lately (a worker busy with a long
    document is alive) or none has waited too long, else fel."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return OK  # tasks run inline, in the request that enqueues them
    try:
        tasks = _recent_tasks(timezone.now() - _worker_limit())
        if not tasks["finished"] and not tasks["started"] and not tasks["heartbeats_waiting"]:
            _enqueue_heartbeat()
    except DatabaseError:
        logger.exception("Hälsokontrollen: uppgiftstabellen kan inte läsas")
        return FAILED
    if tasks["finished"] or tasks["started"] or not tasks["overdue"]:
        return OK
    logger.error("Hälsokontrollen: en uppgift har väntat längre än %s", _worker_limit())
    return FAILED


def _worker_limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.HEALTH_WORKER_SECONDS)


def _recent_tasks(cutoff: datetime.datetime) -> dict[str, int]:
    """Count, in one query, tasks started and finished since the cutoff, ready tasks waiting
    since before it and heartbeats waiting."""
    ready = Q(status=TaskResultStatus.READY)
    # A task deferred to a later time waits from then, not from when it was enqueued.
    waiting_since_before = Q(enqueued_at__lt=cutoff) & (
        Q(run_after=get_date_max()) | Q(run_after__lt=cutoff)
    )
    return DBTaskResult.objects.aggregate(
        finished=Count("pk", filter=Q(finished_at__gte=cutoff)),
        started=Count("pk", filter=Q(started_at__gte=cutoff)),
        overdue=Count("pk", filter=ready & waiting_since_before),
        heartbeats_waiting=Count("pk", filter=ready & Q(task_path=heartbeat.module_path)),
    )


def _enqueue_heartbeat() -> None:
    """Enqueue a heartbeat, unless this process did so within a quarter of the limit."""
    if cache.add(HEARTBEAT_CACHE_KEY, True, timeout=settings.HEALTH_WORKER_SECONDS / 4):
        heartbeat.enqueue()
