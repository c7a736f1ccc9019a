"""The deployment files in deploy/ work as docs/DEPLOYMENT.md says: nginx accepts the site, systemd
the units, gunicorn its configuration, Django the production settings; the units run commands
that exist, and every command the document says `make load` runs is in scripts/load.sh."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class

from load.nginx_conf import write as write_nginx_conf

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
VENV_BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def production_environment(tmp_path: Path) -> dict[str, str]:
    """Return the environment of deploy/folkhalsa.env.example with a real key and a local
    database, as an operator's file would be once filled in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for line in (DEPLOY / "folkhalsa.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value.strip('"')
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    env["STATIC_ROOT"] = str(tmp_path / "static")
    return env


def exec_start(unit: str) -> str:
    """Return the unit's ExecStart line."""
    text = (DEPLOY / "systemd" / unit).read_text()
    return re.search(r"^ExecStart=(.*)$", text, re.M).group(1)


def test_check_deploy_passes_with_production_settings(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_gunicorn_config_checks(tmp_path):
    done = subprocess.run(
        [VENV_BIN / "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"]
        + ["folkhalsa.wsgi"],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    settings: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), settings)
    assert settings["bind"].startswith("127.0.0.1:")
    assert settings["timeout"] > 30  # above gunicorn's default, below nginx's 75 s
    assert "proxy_read_timeout 75s;" in (DEPLOY / "nginx" / "folkhalsa.conf").read_text()


@pytest.mark.skipif(
    not Path(NGINX).exists(),
    reason="nginx is not installed (apt-get install nginx; make load does)",
)
def test_nginx_config_passes_nginx_t(tmp_path):
    directory = tmp_path / "nginx"
    directory.mkdir()
    conf = write_nginx_conf(
        directory=directory,
        https_port=18443,
        http_port=18080,
        app_port=18001,
        static_root=tmp_path / "static",
    )
    done = subprocess.run(
        [NGINX, "-t", "-e", str(directory / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "client_max_body_size 21m;" in conf.read_text()  # ATTACHMENT_MAX_BYTES is 20 MB


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_units_pass_systemd_analyze_verify(tmp_path):
    # The units name /srv/folkhalsa; here the same files point at this checkout.
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        text = unit.read_text().replace("/srv/folkhalsa/venv/bin", str(VENV_BIN))
        (units / unit.name).write_text(text.replace("/srv/folkhalsa/app", str(ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in units.iterdir())],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_units_run_what_the_document_says():
    assert exec_start("folkhalsa-web.service").endswith(
        "gunicorn -c /srv/folkhalsa/app/deploy/gunicorn.conf.py folkhalsa.wsgi"
    )
    assert exec_start("folkhalsa-worker.service").endswith("manage.py db_worker --no-reload")
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert (timer.with_suffix(".service")).exists()
    for unit in (u for u in UNITS if u.suffix == ".service"):
        if found := re.search(r"manage\.py (\S+)", exec_start(unit.name)):
            assert found.group(1) in get_commands(), f"{unit.name} runs a missing {found.group(1)}"


@pytest.mark.django_db
def test_daily_jobs_run(tmp_path):
    """The timers' commands run with the units' arguments (on the test database; nothing due)."""
    call_command(*exec_start("folkhalsa-reminders.service").split("manage.py ")[1].split())
    call_command(*exec_start("folkhalsa-notifications.service").split("manage.py ")[1].split())
    backup_line = exec_start("folkhalsa-backup.service").split("manage.py ")[1].rstrip("'")
    backup = backup_line.replace("$(date +%%Y-%%m-%%d)", "2026-01-31").split()
    parser = load_command_class("folkhalsa", backup[0]).create_parser("manage.py", backup[0])
    output = parser.parse_args(backup[1:]).output
    assert str(output).startswith("/srv/folkhalsa/backups/") and str(output).endswith(".tar")


def test_every_command_the_document_gives_load_is_in_load_sh():
    load_sh = (ROOT / "scripts" / "load.sh").read_text()
    this_file = Path(__file__).read_text()
    rows = re.findall(
        r"^\| `([^`]+)`[^|]* \| (.+) \|$", (ROOT / "docs" / "DEPLOYMENT.md").read_text(), re.M
    )
    assert len(rows) >= 10
    for command, run_by in rows:
        if run_by.startswith("load") and command.startswith(("manage.py", "gunicorn")):
            assert command in load_sh, f"docs/DEPLOYMENT.md says make load runs {command}"
        for test in re.findall(r"`(test_\w+)`", run_by):
            assert f"def {test}(" in this_file, f"docs/DEPLOYMENT.md names a missing {test}"
