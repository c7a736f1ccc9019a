"""A backup restores whole: every table's rows and every uploaded file come back identical.

The demo is backed up with `manage.py backup` and restored with `manage.py restore`, run as an
operator runs it (a separate process, DATABASE_URL and MEDIA_ROOT pointing at an empty database
and folder), then every table is compared row by row (a checksum of its rows) and every file by
its SHA-256.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from folkhalsa import backups
from folkhalsa.backups import backup_create, media_hashes, restore_differences

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (scripts/with-postgres.sh)")


@pytest.fixture
def sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL the round trip goes through pg_dump (the test above)")


@pytest.fixture
def empty_database(postgres) -> str:
    """Return the address of an empty database in the test's PostgreSQL cluster."""
    database = connection.settings_dict
    name = f"{database['NAME']}_restored"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = quote(database["USER"] or "") + (
        f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    )
    yield f"postgres://{user}@{database['HOST']}:{database['PORT']}/{name}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_tables(cursor) -> dict[str, tuple[int, str]]:
    """Return every table's row count and the MD5 of its rows in a fixed order."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '' ORDER BY t::text), ''))"
            f' FROM "{table}" AS t'
        )
        tables[table] = tuple(cursor.fetchone())
    return tables


def _sqlite_tables(database: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Return every table's row count and the SHA-256 of its rows, sorted."""
    names = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'"
    ).fetchall()
    tables = {}
    for (table,) in names:
        # Each value as SQL writes it (quote()): the same text whatever types the connection
        # converts to (Django's converts dates and decimals).
        columns = database.execute(f'SELECT name FROM pragma_table_info("{table}")').fetchall()
        row = " || '|' || ".join(f'quote("{column}")' for (column,) in columns)
        rows = sorted(text for (text,) in database.execute(f'SELECT {row} FROM "{table}"'))
        tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return tables


def test_a_backup_of_the_demo_restores_identical_into_an_empty_database(
    demo, settings, tmp_path, empty_database
):
    import psycopg

    archive = tmp_path / "folkhalsa.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    done = _manage(
        "restore",
        str(archive),
        env={"DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_media)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stämmer" in done.stdout
    with connection.cursor() as cursor:
        original = _postgres_tables(cursor)
    with psycopg.connect(empty_database.replace("postgres://", "postgresql://")) as restored:
        assert _postgres_tables(restored.cursor()) == original
    assert original["plans_measure"][0] > 0 and original["councils_meeting"][0] > 0
    files = media_hashes(Path(settings.MEDIA_ROOT))
    assert files and media_hashes(restored_media) == files


def test_restore_with_force_puts_back_a_database_and_folder_that_have_changed(
    demo, settings, tmp_path, empty_database
):
    """As DEPLOYMENT.md's restore step runs it: `restore --force` over a database that has data
    (rows changed, deleted and added since the backup) and a media folder with a stray file
    brings back exactly what the backup holds."""
    import psycopg

    archive = tmp_path / "folkhalsa.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    media = tmp_path / "restored-media"
    env = {"DATABASE_URL": empty_database, "MEDIA_ROOT": str(media)}
    assert _manage("restore", str(archive), env=env).returncode == 0
    address = empty_database.replace("postgres://", "postgresql://")
    with psycopg.connect(address) as since:
        since.execute("UPDATE plans_measure SET title = 'Ändrad efter säkerhetskopian'")
        since.execute("DELETE FROM plans_tag")
        since.execute("INSERT INTO auth_group (name) VALUES ('Skapad efter säkerhetskopian')")
    (media / "efteråt.txt").write_text("en fil som inte fanns i säkerhetskopian")

    refused = _manage("restore", str(archive), env=env)
    assert refused.returncode != 0 and "--force" in refused.stdout + refused.stderr
    done = _manage("restore", str(archive), "--force", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    with connection.cursor() as cursor:
        original = _postgres_tables(cursor)
    with psycopg.connect(address) as restored:
        assert _postgres_tables(restored.cursor()) == original
    assert media_hashes(media) == media_hashes(Path(settings.MEDIA_ROOT))


def test_an_sqlite_backup_restores_identical_into_an_empty_file(demo, settings, tmp_path, sqlite):
    archive = tmp_path / "folkhalsa.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    restored, restored_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    done = _manage(
        "restore",
        str(archive),
        env={"DATABASE_URL": f"sqlite:///{restored}", "MEDIA_ROOT": str(restored_media)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    connection.ensure_connection()
    original = _sqlite_tables(connection.connection)
    assert _sqlite_tables(sqlite3.connect(restored)) == original
    assert original["plans_measure"][0] > 0
    files = media_hashes(Path(settings.MEDIA_ROOT))
    assert files and media_hashes(restored_media) == files


def test_the_manifest_names_every_table_and_file_and_what_differs(demo, settings, tmp_path):
    manifest = backup_create(output=tmp_path / "folkhalsa.tar")
    assert manifest["tables"]["plans_measure"] > 0
    assert "plans.0001_initial" in manifest["migrations"]
    assert manifest["files"] == media_hashes(Path(settings.MEDIA_ROOT))
    assert restore_differences(manifest) == []
    some_file = next(iter(manifest["files"]))
    manifest["tables"]["plans_measure"] += 1
    manifest["files"][some_file] = "0" * 64
    differences = restore_differences(manifest)
    assert len(differences) == 2
    assert "plans_measure" in differences[0] and some_file in differences[1]


def test_a_missing_archive_is_named(tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("restore", str(tmp_path / "saknas.tar"))


def test_an_archive_that_is_not_one_is_refused(tmp_path):
    archive = tmp_path / "trasig.tar"
    archive.write_bytes(b"inte ett tar-arkiv" * 100)
    with pytest.raises(CommandError, match="skadat"):
        call_command("restore", str(archive))


def _rewritten(archive: Path, change: callable) -> Path:
    """Return a copy of the archive with each member's bytes passed through `change`."""
    copy = archive.with_name("andrad.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def test_a_damaged_archive_changes_nothing(demo, settings, tmp_path):
    archive = tmp_path / "folkhalsa.tar"
    backup_create(output=archive)
    damaged = _rewritten(
        archive, lambda name, data: data + b"x" if name.startswith("media/") else data
    )
    counts, files = backups.database_row_counts(), media_hashes(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match="stämmer inte med manifestet"):
        call_command("restore", str(damaged), "--force")
    assert backups.database_row_counts() == counts
    assert media_hashes(Path(settings.MEDIA_ROOT)) == files
    assert not [p for p in Path(settings.MEDIA_ROOT).iterdir() if p.name.startswith(".")]


def test_an_archive_without_its_manifest_is_incomplete(demo, tmp_path):
    archive = tmp_path / "folkhalsa.tar"
    backup_create(output=archive)
    with tarfile.open(archive) as source, tarfile.open(tmp_path / "halv.tar", "w") as target:
        for member in source:
            if member.name != "manifest.json":
                target.addfile(member, source.extractfile(member))
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(tmp_path / "halv.tar"))


def test_a_database_with_data_is_not_overwritten_without_force(demo, tmp_path):
    manifest = {
        "format": 1,
        "database": {"vendor": connection.vendor, "file": "database.dump", "sha256": ""},
        "tables": {},
        "files": {},
        "migrations": [],
    }
    archive = tmp_path / "folkhalsa.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="Databasen är inte tom.*--force"):
        call_command("restore", str(archive))


def test_missing_postgresql_tools_are_named(postgres, tmp_path, monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    folder = tmp_path / "kopior"
    folder.mkdir()
    with pytest.raises(CommandError, match="pg_dump finns inte.*postgresql-client"):
        call_command("backup", output=folder / "folkhalsa.tar")
    assert not list(folder.iterdir())  # not even half an archive


def test_a_freshly_migrated_database_and_an_empty_folder_count_as_empty(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "tom"
    backups._refuse_unless_empty()  # the migrations' reference data is no data
    (settings.MEDIA_ROOT / "councils").mkdir(parents=True)
    (settings.MEDIA_ROOT / "councils" / "bilaga.pdf").write_bytes(b"%PDF")
    with pytest.raises(backups.BackupError, match="uppladdade filer.*inte tom.*--force"):
        backups._refuse_unless_empty()
