"""Production settings pass Django's deployment check, and logins are throttled."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "t" * 20 + "-a-long-random-production-secret-0123456789-xyz",
    "ALLOWED_HOSTS": "folkhalsa.example.se",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key():
    done = _manage("check", env={"DEBUG": "false"})
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


def test_a_misspelt_boolean_fails_loudly():
    done = _manage("check", env={"DEBUG": "kanske"})
    assert done.returncode != 0 and "DEBUG must be true or false" in done.stderr


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(settings, alice, client):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": "alice", "password": "fel"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_correct_login_lands_on_mitt_arbete(settings, alice, client):
    settings.AXES_ENABLED = True
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("my_work")


def test_password_rules_refuse_a_short_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("kort")
