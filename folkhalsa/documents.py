"""Documents typeset off the request path: a request gathers what a document shows and asks for
it; a background task (folkhalsa/tasks.py, on the database: django-tasks) typesets it once.

A document is a `RenderedDocument` row per kind and key. The key is the SHA-256 of what the
document shows (its content as JSON, or its HTML where only the request can render that) and of
the files that lay it out, so the same plan is typeset once however many ask, and a new version
of the plan, the meeting or the minutes, or a new layout, makes a new document. The document's
own address answers with the file once it is ready and, until then, with a page saying it is
being made (status 202), so every rule on who may read it stays where it was: in the view.

That page asks whether the document is ready at an address of its own (`document_status`),
which reads the row alone: gathering a large follow-up again to find its key takes most of a
second, asking the row a few milliseconds. The address carries the row's id signed for the user
the view let read it, and lapses after a while, so no one else learns how its making goes.
A user may have only DOCUMENT_PENDING_PER_USER documents waiting at once.
"""

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from folkhalsa import pdf
from folkhalsa.models import RenderedDocument

logger = logging.getLogger(__name__)

Kind = RenderedDocument.Kind
Status = RenderedDocument.Status

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# How often the page of a document being made asks whether it is ready.
PROGRESS_SECONDS = 3
# How long the address that page asks stays good: after that the page goes back to the
# document's own address, which decides again whether she may read it.
PROGRESS_TOKEN_SECONDS = 600
_PROGRESS_SALT = "folkhalsa.documents.progress"

# What typesets each kind: a function of the document returning its bytes, or None where it
# stores the file itself (a published follow-up keeps its files with it). Named by path, so the
# project's own apps are imported only by the task that runs them.
RENDERERS = {
    Kind.PLAN_PDF: "folkhalsa.documents.pdf_from_html",
    Kind.NOTICE_PDF: "folkhalsa.documents.pdf_from_html",
    Kind.MINUTES_PDF: "folkhalsa.documents.pdf_from_html",
    Kind.EXTRACT_PDF: "folkhalsa.documents.pdf_from_html",
    Kind.FOLLOW_UP_PREVIEW_PDF: "reports.services.follow_up_pdf_from_document",
    Kind.FOLLOW_UP_PREVIEW_DOCX: "reports.services.follow_up_docx_from_document",
    Kind.PUBLISHED_PDF: "reports.services.published_files_store",
    Kind.PUBLISHED_DOCX: "reports.services.published_files_store",
}


def pdf_from_html(document: RenderedDocument) -> bytes:
    """Typeset the HTML the request rendered (WeasyPrint alone)."""
    return pdf.html_to_pdf(html=document.html, variant=document.variant or pdf.DEFAULT_VARIANT)


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def layout_digest(paths: Iterable[Path]) -> str:
    """Return a digest of the files that lay a document out (templates, stylesheet, code); a
    folder counts with every file in it."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file())
    digest = hashlib.sha256()
    for file in files:
        stat = file.stat()
        digest.update(f"{file}:{_file_digest(str(file), stat.st_mtime_ns, stat.st_size)}".encode())
    return digest.hexdigest()


def content_key(*, kind: str, variant: str, shown: str | dict, layout: Iterable[Path]) -> str:
    """Return the key of a document: what it shows (HTML, or content as JSON) and its layout."""
    if not isinstance(shown, str):
        shown = json.dumps(shown, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    digest = hashlib.sha256(f"{kind}\n{variant}\n{layout_digest(layout)}\n".encode())
    digest.update(shown.encode())
    return digest.hexdigest()


def document_for(
    *,
    kind: str,
    filename: str,
    content_type: str = PDF,
    html: str = "",
    content: dict | None = None,
    variant: str = "",
    layout: Iterable[Path] = (pdf.STYLESHEET,),
    key: str = "",
    create: bool = True,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> RenderedDocument | None:
    """Return the document of this content: ready, or asked of the task queue (once) for
    `user`; without `create` (a POST asking to try again) only one already asked for, and None
    where there is none or `user` already has DOCUMENT_PENDING_PER_USER documents waiting.

    Two requests for the same new document may arrive together: the unique kind and key let one
    of them create the row and enqueue its task in one transaction; the other waits for that
    transaction on the unique index and finds the row.
    """
    key = key or content_key(
        kind=kind, variant=variant, shown=html if content is None else content, layout=layout
    )
    document = _found(kind, key)
    asker = user if user is not None and user.is_authenticated else None
    if document is None and (not create or _queue_full(asker)):
        return None
    if document is None:
        with transaction.atomic():
            document, created = RenderedDocument.objects.get_or_create(
                kind=kind,
                key=key,
                defaults={
                    "html": html,
                    "content": content,
                    "variant": variant,
                    "filename": filename,
                    "content_type": content_type,
                    "asked_by": asker,
                },
            )
            if created:
                _enqueue(document.pk)
        if created:
            document = _found(kind, key)  # as the task left it (at once, when run inline)
    elif create:  # a POST trying again writes nothing else
        _requeue_if_lost(document)
        _mark_asked(document)
    return document


def _found(kind: str, key: str) -> RenderedDocument | None:
    """Return the row without its source (which may be large); the file comes with it."""
    return RenderedDocument.objects.defer("html", "content").filter(kind=kind, key=key).first()


def _queue_full(user: AbstractBaseUser | None) -> bool:
    """Return whether the user already has as many documents waiting as she may; anonymous
    visitors ask only for public records, which are typeset once each whoever asks."""
    if user is None:
        return False
    waiting = RenderedDocument.objects.filter(
        asked_by=user,
        status__in=(Status.WAITING, Status.RENDERING),
        changed_at__gte=_stale(),  # a lost one is asked for again by whoever asks next
    )
    return waiting.count() >= settings.DOCUMENT_PENDING_PER_USER


def _enqueue(document_id: int, *, delay: float = 0) -> None:
    """Ask the task queue to typeset the document, after `delay` seconds where it can wait."""
    from folkhalsa.tasks import render_document

    task = render_document
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    task.enqueue(document_id)


def _stale() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.DOCUMENT_RENDER_TIMEOUT)


def _requeue_if_lost(document: RenderedDocument) -> None:
    """Ask again for a document waiting or being made for longer than any typesetting takes:
    its task was lost (a worker stopped mid-way). Only one request asks (a conditional update)."""
    if document.status not in (Status.WAITING, Status.RENDERING):
        return
    if document.changed_at >= _stale():
        return  # the usual case, decided without asking the database
    lost = RenderedDocument.objects.filter(
        pk=document.pk, status__in=(Status.WAITING, Status.RENDERING), changed_at__lt=_stale()
    )
    with transaction.atomic():
        if lost.update(status=Status.WAITING, changed_at=timezone.now()):
            _enqueue(document.pk)
    document.refresh_from_db(fields=["status", "changed_at", "file", "error", "attempts"])


def _mark_asked(document: RenderedDocument) -> None:
    """Note that someone asked for the document, at most once an hour (pruning reads it)."""
    now = timezone.now()
    if document.asked_at < now - datetime.timedelta(hours=1):
        RenderedDocument.objects.filter(pk=document.pk).update(asked_at=now)


def document_retry(document: RenderedDocument) -> bool:
    """Ask again for a document that failed, with its attempts anew; return whether it had."""
    failed = RenderedDocument.objects.filter(pk=document.pk, status=Status.FAILED)
    with transaction.atomic():
        retried = failed.update(status=Status.WAITING, attempts=0, changed_at=timezone.now())
        if retried:
            _enqueue(document.pk)
    return bool(retried)


def document_render(document_id: int) -> None:
    """Typeset the document if it waits (the task's work): store the file, or on an error try
    again after a while, up to DOCUMENT_RENDER_ATTEMPTS attempts, then mark it failed."""
    document = _claimed(document_id)
    if document is None:
        return  # ready, failed, or being made by another worker
    try:
        with transaction.atomic():  # a renderer's failed write leaves nothing behind
            data = import_string(RENDERERS[document.kind])(document)
    except Exception as error:  # every failure is retried, then shown, logged and raised
        if _failed(document, error):
            raise  # the task's own record shows it failed too
        return
    RenderedDocument.objects.filter(pk=document.pk, status=Status.RENDERING).update(
        status=Status.READY,
        file=data or b"",
        html="",
        content=None,
        error="",
        rendered_at=timezone.now(),
        changed_at=timezone.now(),
    )
    documents_prune()


def _claimed(document_id: int) -> RenderedDocument | None:
    """Take a waiting document for this worker (a conditional update: only one takes it)."""
    taken = RenderedDocument.objects.filter(pk=document_id, status=Status.WAITING).update(
        status=Status.RENDERING, attempts=F("attempts") + 1, changed_at=timezone.now()
    )
    return RenderedDocument.objects.filter(pk=document_id).first() if taken else None


def _failed(document: RenderedDocument, error: Exception) -> bool:
    """Try again later, or, after the last attempt, mark it failed and log why; return whether
    that was the last."""
    text = f"{type(error).__name__}: {error}"[:2000]
    last = document.attempts >= settings.DOCUMENT_RENDER_ATTEMPTS
    status = Status.FAILED if last else Status.WAITING
    ours = RenderedDocument.objects.filter(pk=document.pk, status=Status.RENDERING)
    if last:
        logger.exception(
            "Document %s (%s) failed after %s attempts",
            document.pk,
            document.kind,
            document.attempts,
            exc_info=error,
        )
        ours.update(status=status, error=text, changed_at=timezone.now())
        return True
    logger.warning(
        "Document %s (%s) failed, attempt %s: trying again",
        document.pk,
        document.kind,
        document.attempts,
        exc_info=error,
    )
    with transaction.atomic():
        if ours.update(status=status, error=text, changed_at=timezone.now()):
            _enqueue(document.pk, delay=settings.DOCUMENT_RENDER_RETRY_SECONDS)
    return False


def documents_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the documents nobody asked for in DOCUMENT_KEEP_DAYS days; return how many.

    A published follow-up keeps its files with it, so only the record of their making goes.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.DOCUMENT_KEEP_DAYS)
    old = RenderedDocument.objects.filter(
        Q(asked_at__lt=cutoff), status__in=(Status.READY, Status.FAILED)
    )
    return old.delete()[0]


def asks(request: HttpRequest) -> bool:
    """Return whether the request may ask for a document not yet made: a POST only tries again
    one that failed, and writes nothing else."""
    return request.method != "POST"


def document_response(request: HttpRequest, document: RenderedDocument | None) -> HttpResponse:
    """Answer at the document's own address: the file when ready, else a page saying how it goes
    (a POST asks again for one that failed); a GET without a document was refused because she
    has too many waiting."""
    if request.method == "POST":
        if document is not None and document.status == Status.FAILED:
            document_retry(document)
        return redirect(request.get_full_path())
    if document is None:
        return queue_full_response(request)
    if document.status == Status.READY:
        return file_response(bytes(document.file), document.filename, document.content_type)
    return progress_response(request, document)


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """Return the file, shown in the browser (a PDF) or downloaded (a Word file)."""
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def progress_response(request: HttpRequest, document: RenderedDocument) -> HttpResponse:
    """Return the page of a document not ready: 202 while it is made, 500 once it failed."""
    failed = document.status == Status.FAILED
    context = {
        "document": document,
        "failed": failed,
        "url": request.get_full_path(),
        "status_url": reverse("document_status", args=[progress_token(document, request.user)]),
        "seconds": PROGRESS_SECONDS,
    }
    response = render(request, "documents/progress.html", context, status=500 if failed else 202)
    response["Cache-Control"] = "no-store"
    if not failed:
        response["Retry-After"] = str(PROGRESS_SECONDS)
    return response


def queue_full_response(request: HttpRequest) -> HttpResponse:
    """Return the page saying she has too many documents waiting to ask for another (429)."""
    context = {"pending": settings.DOCUMENT_PENDING_PER_USER}
    response = render(request, "documents/queue_full.html", context, status=429)
    response["Retry-After"] = str(PROGRESS_SECONDS * 10)
    response["Cache-Control"] = "no-store"
    return response


def progress_token(document: RenderedDocument, user: AbstractBaseUser | AnonymousUser) -> str:
    """Return the signed id of the document for this user (None for a visitor)."""
    return signing.dumps([document.pk, user.pk], salt=_PROGRESS_SALT)


@require_GET
def document_status(request: HttpRequest, token: str) -> JsonResponse:
    """Say how the making of a document goes (202 while it is made, 200 once ready or failed),
    to the user its page was shown to; 404 for anyone else and once the address lapsed."""
    try:
        document_id, user_id = signing.loads(
            token, salt=_PROGRESS_SALT, max_age=PROGRESS_TOKEN_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if user_id != request.user.pk:
        raise Http404
    document = RenderedDocument.objects.only("status", "changed_at").filter(pk=document_id).first()
    if document is None:
        raise Http404
    _requeue_if_lost(document)
    making = document.status in (Status.WAITING, Status.RENDERING)
    response = JsonResponse({"status": document.status}, status=202 if making else 200)
    response["Cache-Control"] = "no-store"
    return response
