"""One structured log line per request: who, what, how it ended, how long, how many queries."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from folkhalsa.middleware import JsonLogFormatter
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LOGGER = "folkhalsa.requests"


@pytest.fixture
def request_log(caplog, monkeypatch) -> pytest.LogCaptureFixture:
    """Capture the request log (which normally goes to its own handler only)."""
    monkeypatch.setattr(logging.getLogger(LOGGER), "propagate", True)
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    """Return the request lines as the JSON formatter writes them."""
    formatter = JsonLogFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]


def test_each_request_is_one_line_with_status_user_and_query_count(request_log, alice):
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("my_work"))
    assert response.status_code == 200
    [line] = _lines(request_log)
    assert line["method"] == "GET" and line["path"] == reverse("my_work")
    assert line["status"] == 200 and line["user_id"] == alice.pk
    assert line["queries"] == len(queries) > 0
    assert line["duration_ms"] > 0 and line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]


def test_an_anonymous_miss_is_logged_with_no_user(request_log):
    Client().get("/finns-inte/")
    [line] = _lines(request_log)
    assert line["status"] == 404 and line["user_id"] is None


def test_the_query_string_is_logged_by_its_keys_only(request_log, alice):
    client_for(alice).get(reverse("plans:home"), {"q": "Anna Svensson", "sida": "2"})
    [line] = _lines(request_log)
    assert line["path"] == reverse("plans:home")
    assert line["query_keys"] == ["q", "sida"]
    assert "Anna" not in json.dumps(line) and "Anna" not in request_log.records[-1].getMessage()


def test_a_secret_in_the_path_is_masked(request_log):
    Client().get(reverse("year_wheel:feed", args=["hemlig-nyckel-123"]))
    [line] = _lines(request_log)
    assert "hemlig" not in line["path"] and line["path"].startswith("/kalender/***/")


def test_the_proxys_request_id_is_kept_and_a_strange_one_replaced(request_log):
    kept = Client().get("/halsa/", HTTP_X_REQUEST_ID="7f3a9c0e1b2d4e5f")
    replaced = Client().get("/halsa/", HTTP_X_REQUEST_ID="x" * 500)
    assert kept["X-Request-ID"] == "7f3a9c0e1b2d4e5f"
    assert len(replaced["X-Request-ID"]) == 32
    assert [line["request_id"] for line in _lines(request_log)] == [
        kept["X-Request-ID"],
        replaced["X-Request-ID"],
    ]


def test_other_records_keep_their_message_as_json():
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "ERROR", "msg": "%s fel", "args": (1,)}
    )
    assert json.loads(JsonLogFormatter().format(record))["message"] == "1 fel"


def test_djangos_own_not_found_line_masks_a_token_in_the_path():
    """The console handler's filter masks tokens in what other loggers write (Django's 404)."""
    import logging

    from folkhalsa.middleware import SecretPathFilter

    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, SecretPathFilter) for f in h.filters)
    )
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/kalender/hemligNyckel123/arshjul.ics/",),
        None,
    )
    assert handler.filter(record)
    message = record.getMessage()
    assert "hemligNyckel123" not in message and message == "Not Found: /kalender/***/arshjul.ics/"
