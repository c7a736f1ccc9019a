"""The REST API against its own OpenAPI description (schemathesis): for every operation, a
bounded number of generated requests, as anonymous and as a strategist with a key. No request
may get a server error, and every answer (status, content type, body) must be as described."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from folkhalsa.api import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

# Enough to reach each operation's filters, bodies and error answers, few enough to stay fast.
EXAMPLES = 6
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read through the WSGI application at collection (the schema view reads no database); each
# request below goes through it too, inside the test's transaction.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _any_host(settings):
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """The WSGI handler closes the database connection after each request, as in production;
    here every request runs inside the test's transaction, on its connection (Django's test
    client disconnects the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_is_valid_openapi_and_describes_every_view_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "/api/v1/measures/{id}/" in (tmp_path / "schema.yaml").read_text()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_anonymous_requests_get_what_the_schema_says(case, objects):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_a_strategists_requests_get_what_the_schema_says(case, objects):
    key = _key(objects["users"]["alice"])
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {key}"})


def _key(user) -> str:
    token = user.api_tokens.filter(name="Schemathesis").first()
    if token is None:
        _key.keys[user.pk] = token_create(user=user, name="Schemathesis")[1]
    return _key.keys[user.pk]


_key.keys = {}
