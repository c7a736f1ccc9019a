"""The deployment files in deploy/ work as docs/DEPLOYMENT.md says: nginx accepts the site, systemd
the units, gunicorn its configuration, Django the production settings read from the settings file
as the document reads it; the units run commands that exist. Every command of the document is run
here, by `make load` (scripts/load.sh), or by hand on the machine with what it names checked here:
the document's last table says which, and `test_every_command_of_the_document_is_in_its_table`
fails on a command it does not cover."""

import fnmatch
import grp
import json
import logging
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.db import connection
from django.test import Client
from django.urls import reverse

from folkhalsa.middleware import JsonLogFormatter
from load.nginx_conf import write as write_nginx_conf

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
VENV_BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def production_environment(tmp_path: Path) -> dict[str, str]:
    """Return the environment `set -a; . folkhalsa.env; set +a` gives in `sh`, with
    deploy/folkhalsa.env.example filled in as an operator would: a key made by the document's
    command and a local database and folders."""
    secret = subprocess.run(
        ["sh", "-c", _documented("python3 -c 'import secrets")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    filled = {
        "SECRET_KEY": secret,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    settings_file = tmp_path / "folkhalsa.env"
    settings_file.write_text(
        "".join(
            f"{key}={filled[key]}\n" if (key := line.split("=")[0]) in filled else line
            for line in (DEPLOY / "folkhalsa.env.example").read_text().splitlines(keepends=True)
        )
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    source = _documented("set -a; . ").replace("/etc/folkhalsa/folkhalsa.env", str(settings_file))
    done = subprocess.run(
        ["sh", "-c", f"{source}; env -0"], env=clean, capture_output=True, text=True, check=True
    )
    env = dict(item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)
    assert len(secret) >= 50 and env["SECRET_KEY"] == secret
    assert env["DEFAULT_FROM_EMAIL"] == "Folkhälsa <folkhalsa@example.se>"  # quoted, read whole
    return env


# Programs whose commands in the document only name what they act on: an inline `…` starting
# with one of these is a command, like every line of a ```sh block.
PROGRAMS = (
    "manage.py ",
    "python3 ",
    "gunicorn ",
    "systemctl ",
    "journalctl ",
    "createdb ",
    "createuser ",
    "nginx ",
    "certbot ",
    "apt-get ",
    "pip ",
    "jq ",
)
# What runs as someone else or from the virtual environment is read as the command itself.
PREFIXES = ("sudo -E -u folkhalsa ", "sudo -u folkhalsa ", "sudo -u postgres ")
# Commands that change the machine itself may be run "by hand"; nothing else may.
BY_HAND = ("apt-get update", "adduser ", "git ", "cp ", "ln ", "rm ", "certbot ", "systemctl ")
BY_HAND += ("journalctl ",)
TABLE_HEADING = "## Which test or script runs each command"


def _normal(command: str) -> str:
    """Return the command without who runs it and without the virtual environment's path."""
    command = command.strip()
    for prefix in PREFIXES:
        command = command.removeprefix(prefix)
    command = command.replace("/srv/folkhalsa/venv/bin/python manage.py", "manage.py")
    return command.replace("/srv/folkhalsa/venv/bin/", "")


def document_commands() -> list[str]:
    """Return every command of docs/DEPLOYMENT.md: each line of its ```sh blocks (continuations
    joined, `&&` and `|` apart) and each inline `…` that starts with one of PROGRAMS."""
    text = (ROOT / "docs" / "DEPLOYMENT.md").read_text().split(TABLE_HEADING)[0]
    lines = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        joined = re.sub(r"\\\n\s*", "", block)
        lines += [line for line in joined.splitlines() if line and not line.startswith("#")]
    lines += [span for span in re.findall(r"`([^`\n]+)`", text) if span.startswith(PROGRAMS)]
    parts = [part for line in lines for part in re.split(r" && | \| ", line)]
    return [_normal(part) for part in parts]


def document_table() -> dict[str, str]:
    """Return the document's last table: command (its start) -> what runs it."""
    text = (ROOT / "docs" / "DEPLOYMENT.md").read_text().split(TABLE_HEADING)[1]
    return dict(re.findall(r"^\| `([^`]+)`[^|]* \| (.+) \|$", text, re.M))


def _documented(start: str) -> str:
    """Return the document's one command starting so."""
    [command] = {c for c in document_commands() if c.startswith(start)}
    return command


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


def test_every_command_of_the_document_is_in_its_table():
    table = document_table()
    uncovered = [c for c in document_commands() if not any(c.startswith(k) for k in table)]
    assert not uncovered, f"docs/DEPLOYMENT.md's last table does not say who runs {uncovered}"


def test_the_table_names_what_exists_and_leaves_only_the_machine_to_hand():
    load_sh = (ROOT / "scripts" / "load.sh").read_text()
    tests = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    table = document_table()
    assert len(table) >= 25
    for command, run_by in table.items():
        if run_by.startswith("load") and command.startswith(("manage.py", "gunicorn")):
            assert command in load_sh, f"docs/DEPLOYMENT.md says make load runs {command}"
        for test in re.findall(r"`(test_\w+)`", run_by):
            assert f"def {test}(" in tests, f"docs/DEPLOYMENT.md names a missing {test}"
        if run_by.startswith("by hand"):
            assert f"{command} ".startswith(BY_HAND), f"{command}: not the machine's, so test it"
        else:
            assert "test `" in run_by or run_by.startswith("load"), command


def test_the_packages_are_debian_12s():
    release = Path("/etc/debian_version")
    if not release.exists() or not release.read_text().startswith("12"):
        pytest.skip("the packages are Debian 12's, and this machine is no Debian 12")
    packages = _documented("apt-get install").split()[2:]
    known = subprocess.run(["apt-cache", "policy", "nginx"], capture_output=True, text=True)
    if "Candidate: (none)" in known.stdout or "Candidate" not in known.stdout:
        pytest.skip("no package lists on this machine (apt-get update)")
    done = subprocess.run(
        ["apt-get", "install", "--simulate", *packages], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr


def test_install_lines_make_private_folders_and_the_settings_file(tmp_path):
    """The document's `install` lines, with /srv/folkhalsa, /etc and /var in a temporary folder
    and the owner and group those of the test, make what the units expect."""
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    for command in (c for c in document_commands() if c.startswith("install ")):
        local = re.sub(r" /(etc|var)/", rf" {tmp_path}/\1/", command)
        local = local.replace("/srv/folkhalsa/app", str(ROOT))
        local = local.replace("/srv/folkhalsa", f"{tmp_path}/srv")
        assert all(w.startswith((str(tmp_path), str(ROOT))) for w in local.split() if "/" in w)
        local = re.sub(r"-o \w+ -g \w+", f"-o {user} -g {group}", local)
        subprocess.run(local, shell=True, check=True)
    modes = {
        "etc/folkhalsa": 0o750,
        "etc/folkhalsa/folkhalsa.env": 0o640,
        "srv/media": 0o750,
        "srv/backups": 0o750,
    }
    for path, mode in modes.items():
        assert stat.S_IMODE((tmp_path / path).stat().st_mode) == mode, path
    assert (tmp_path / "var/www/letsencrypt").is_dir()  # certbot's webroot
    written = (tmp_path / "etc/folkhalsa/folkhalsa.env").read_text()
    assert written == (DEPLOY / "folkhalsa.env.example").read_text()


@pytest.mark.django_db
def test_database_commands_make_a_utf8_database_of_its_owner():
    if connection.vendor != "postgresql":
        pytest.skip("createuser and createdb are PostgreSQL's (scripts/with-postgres.sh)")
    database = connection.settings_dict
    env = os.environ | {
        "PGHOST": database["HOST"],
        "PGPORT": str(database["PORT"]),
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"] or "",
        "PGDATABASE": "postgres",
    }
    name = "folkhalsa_deployment_check"
    createuser = _documented("createuser").replace(" --pwprompt", "").split()
    createdb = _documented("createdb --owner folkhalsa --encoding").split()
    try:
        for command in (createuser, createdb):
            run = [c.replace("folkhalsa", name) for c in command]
            subprocess.run(run, env=env, check=True, capture_output=True, text=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding) FROM pg_database"
                " WHERE datname = %s",
                [name],
            )
            assert cursor.fetchone() == (name, "UTF8")
    finally:
        subprocess.run(["dropdb", "--if-exists", name], env=env, capture_output=True)
        subprocess.run(["dropuser", "--if-exists", name], env=env, capture_output=True)


@pytest.mark.django_db
def test_createsuperuser_makes_an_account_that_opens_the_admin(monkeypatch):
    command = _documented("manage.py createsuperuser").split()[1:]
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ett-långt-lösenord-för-drift")
    call_command(*command, "--noinput", "--username", "drift", "--email", "drift@example.se")
    client = Client()
    assert client.login(username="drift", password="ett-långt-lösenord-för-drift")
    assert client.get(reverse("admin:index"), secure=True).status_code == 200


def test_certbots_webroot_is_where_nginx_serves_the_challenge():
    certbot = _documented("certbot certonly")
    webroot = re.search(r"-w (\S+)", certbot).group(1)
    assert f"install -d {webroot}" in document_commands()
    conf = (DEPLOY / "nginx" / "folkhalsa.conf").read_text()
    challenge = re.search(r"location /\.well-known/acme-challenge/ \{\s*root (\S+);", conf)
    assert challenge.group(1) == webroot
    domain = re.search(r"-d (\S+)", certbot).group(1)
    assert f"/etc/letsencrypt/live/{domain}/fullchain.pem;" in conf


def test_systemctl_lines_name_the_units_in_deploy():
    units = {unit.name for unit in UNITS}
    named = []
    for command in (c for c in document_commands() if c.startswith("systemctl ")):
        words = [w.strip("'") for w in command.split()[1:] if not w.startswith("-")]
        named += [w for w in words[1:] if w not in {"nginx"}]
    assert len(named) >= 10
    for name in named:
        full = name if name.endswith((".service", ".timer")) else f"{name}.service"
        assert fnmatch.filter(units, full), f"docs/DEPLOYMENT.md names a missing unit {name}"
    for command in (c for c in document_commands() if c.startswith("systemctl reload folk")):
        unit = DEPLOY / "systemd" / f"{command.split()[2]}.service"
        assert "ExecReload=" in unit.read_text(), f"{command}: the unit cannot reload"


@pytest.mark.skipif(not shutil.which("jq"), reason="jq is missing (apt-get install jq)")
def test_the_log_filter_finds_the_server_errors():
    filter_ = _documented("jq ").removeprefix("jq ").strip("'")
    lines = []
    for status in (200, 404, 500, 503):
        record = logging.LogRecord("folkhalsa.requests", logging.INFO, "", 0, "", None, None)
        record.request_fields = {"method": "GET", "path": "/", "status": status}
        lines.append(JsonLogFormatter().format(record))
    other = logging.LogRecord("django", logging.ERROR, "", 0, "Fel", None, None)
    lines.append(JsonLogFormatter().format(other))
    done = subprocess.run(
        ["jq", "-c", filter_], input="\n".join(lines), capture_output=True, text=True, check=True
    )
    found = [json.loads(line)["status"] for line in done.stdout.splitlines()]
    assert found == [500, 503]


def test_pgbouncers_setting_is_read_from_the_environment(tmp_path):
    """DATABASE_DISABLE_SERVER_SIDE_CURSORS (PgBouncer in transaction pooling) sets Django's
    DISABLE_SERVER_SIDE_CURSORS; off by default; a misspelt value fails loudly."""
    env = production_environment(tmp_path)
    show = "from django.db import connection; print(connection.settings_dict[{!r}])"
    script = show.format("DISABLE_SERVER_SIDE_CURSORS")

    def shown(**extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", script],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
        )

    assert shown().stdout.strip() == "False"
    assert shown(DATABASE_DISABLE_SERVER_SIDE_CURSORS="true").stdout.strip() == "True"
    wrong = shown(DATABASE_DISABLE_SERVER_SIDE_CURSORS="kanske")
    assert wrong.returncode != 0 and "must be true or false" in wrong.stderr
    documented = (ROOT / ".env.example").read_text() + (ROOT / "docs" / "DEPLOYMENT.md").read_text()
    assert documented.count("DATABASE_DISABLE_SERVER_SIDE_CURSORS") >= 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
@pytest.mark.django_db
def test_postgresqls_jit_compiler_is_off_on_our_connections_unless_asked_for(tmp_path):
    """A page's short queries lose by JIT compiling (up to 0.9 s seen at national size): the
    connection turns it off; DATABASE_JIT=true leaves the server's default."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    env = production_environment(tmp_path) | {"DATABASE_URL": os.environ["DATABASE_URL"]}
    script = (
        "from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('SHOW jit'); print(cursor.fetchone()[0])"
    )

    def shown(**extra: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", script],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert shown() == "off"
    assert shown(DATABASE_JIT="true") == "on"
