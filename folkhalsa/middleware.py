"""Middleware of the project itself."""

import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """Speak the language the user chose (the language cookie), else Swedish.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: Swedish is the
    interface language, and many municipal computers run browsers set to English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


class RefuseNulCharactersMiddleware:
    """Answer 400 to a request whose query or form data holds a NUL character; a session cookie
    holding one is no session.

    PostgreSQL cannot store or compare text with NUL, so a search or filter holding one would
    end in a server error; no form of ours has a use for it. A session cookie is sent by the
    browser on every request, so refusing it would lock the visitor out until it expires: she
    gets an empty session instead, and the session middleware removes the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        # The API reads JSON only (its parser refuses forms); its JSON is checked for NUL there.
        posted = request.method == "POST" and not api
        if _holds_nul(request.GET) or (posted and _holds_nul(request.POST)):
            message = _("Förfrågan innehåller ett otillåtet tecken (NUL).")
            if api:  # the API answers in JSON (folkhalsa/api.py)
                return JsonResponse({"detail": str(message)}, status=400)
            raise BadRequest(message)
        if "\x00" in request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""):
            # Replaced before anything reads it: the session is loaded lazily, on first use.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        return self.get_response(request)


def _holds_nul(data: QueryDict) -> bool:
    """Return whether any key or value of the data holds a NUL character."""
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


request_logger = logging.getLogger("folkhalsa.requests")

# What a proxy's request id may look like (nginx's $request_id, a UUID); anything else is
# replaced, so a client cannot write line breaks or megabytes into the log.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_SECRET_URL_ARGUMENTS = ("token",)
# The addresses whose segment after these is a token (a download link, a calendar feed): masked
# also where the path did not resolve (a redirect adding a dropped slash, a 404 for an added one).
_SECRET_PATH = re.compile(r"^(/(?:hamta|kalender)/)[^/]+?(?=(?:\.ics)?(?:/|$))")


class SecretPathFilter(logging.Filter):
    """Mask the tokens in paths that other loggers write (Django's "Not Found: /kalender/…"),
    as the request log masks them: on every handler, so no log line carries a working link."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_PATH.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _SECRET_PATH.sub(r"\1***", record.msg)
        return True


class RequestLogMiddleware:
    """Log one line per request on `folkhalsa.requests`: method, path, status, duration, query
    count, user id and request id (structured fields, a JSON line with `LOG_FORMAT=json`).

    First in MIDDLEWARE, so the time and the queries are those of the whole request. The query
    string's values are left out (a search may hold a name); secrets in the path (a calendar's
    or a download link's token) are masked. The request id is the proxy's `X-Request-ID` when it
    looks like one, else a new one; the response carries it, so a user's report can be found.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response.headers["X-Request-ID"] = request_id
        if request_logger.isEnabledFor(logging.INFO):
            self.log(request, response, duration_ms, queries.count)
        return response

    def log(
        self, request: HttpRequest, response: HttpResponse, duration_ms: float, queries: int
    ) -> None:
        """Write the request's line."""
        fields = {
            "method": request.method,
            "path": _logged_path(request),
            "query_keys": _query_keys(request),
            "status": response.status_code,
            "duration_ms": duration_ms,
            "queries": queries,
            "user_id": _user_id(request),
            "request_id": request.request_id,
        }
        request_logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)s ms %(queries)s queries "
            "user=%(user_id)s id=%(request_id)s",
            fields,
            extra={"request_fields": fields},
        )


class _QueryCounter:
    """Count the queries run through the connection (works with DEBUG off)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params, many: bool, context: dict):
        self.count += 1
        return execute(sql, params, many, context)


def _request_id(given: str) -> str:
    """Return the proxy's request id if it looks sane, else a new one."""
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _logged_path(request: HttpRequest) -> str:
    """Return the path with the secrets it carries (tokens) masked."""
    path = request.path
    match = request.resolver_match
    secrets = (
        [str(v) for k, v in match.kwargs.items() if k in _SECRET_URL_ARGUMENTS] if match else []
    )
    for secret in filter(None, secrets):
        path = path.replace(secret, "***")
    return _SECRET_PATH.sub(r"\1***", path)


def _query_keys(request: HttpRequest) -> list[str]:
    """Return the query string's keys (at most 20, each cut at 50 characters); none where the
    query string could not be read (too many fields: the request was answered with 400)."""
    try:
        return sorted({key[:50] for key in request.GET})[:20]
    except SuspiciousOperation:
        return []


def _user_id(request: HttpRequest) -> int | None:
    """Return the logged-in user's id, or None (also when the request never reached the
    authentication middleware, e.g. a static file)."""
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class JsonLogFormatter(logging.Formatter):
    """Format a record as one JSON line: time, level, logger, message and its structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            **getattr(record, "request_fields", {"message": record.getMessage()}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
