"""Backups that restore: one tar archive holding the database, the uploaded files and a manifest.

The database is a `pg_dump --format=custom` on PostgreSQL (taken in the snapshot the manifest's
row counts are read in, so the two agree on a running site) or a copy through SQLite's backup
API. Stored documents (published follow-ups, typeset PDFs and Word files) are rows of the
database, so they ride along with it; MEDIA_ROOT holds the rest (attachments, logos). The
manifest (written last: an archive without one is incomplete) records when, the migrations
applied, every table's row count and every file's SHA-256; `backup_restore` checks the archive
against it before touching anything and the restored site against it afterwards.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import GlobalGoal, TargetArea

FORMAT = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"
# Our own working folders inside MEDIA_ROOT while a restore swaps the files: never backed up.
STAGING_PREFIXES = (".restore-", ".replaced-")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Swedish."""


# --- Backup -----------------------------------------------------------------------------------


def backup_create(*, output: Path) -> dict[str, Any]:
    """Write the archive to `output` (whole or not at all) and return its manifest."""
    output = output.resolve()
    if not output.parent.is_dir():
        raise BackupError(_("Mappen %(folder)s finns inte.") % {"folder": output.parent})
    if output.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        # It would hold its own half-written self, and each backup every earlier one.
        raise BackupError(
            _(
                "Säkerhetskopian kan inte skrivas i mappen för uppladdade filer (%(folder)s), "
                "som den kopierar: välj en annan mapp."
            )
            % {"folder": settings.MEDIA_ROOT}
        )
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        work_dir = Path(work)
        if connection.vendor == "postgresql":
            database_file, database = _dump_postgres(work_dir / POSTGRES_DUMP)
        else:
            database_file, database = _copy_sqlite(work_dir / SQLITE_COPY)
        partial = work_dir / "archive.tar"
        manifest = _write_archive(partial, database_file, database)
        # Every password hash and person of the service: for the owner's eyes only.
        partial.chmod(0o600)
        os.replace(partial, output)  # the same folder: the archive appears whole
    return manifest


def _dump_postgres(target: Path) -> tuple[Path, dict[str, Any]]:
    """Dump the database with pg_dump inside a snapshot; return the file and what the snapshot
    held (row counts, migrations)."""
    pg_dump = _pg_tool("pg_dump")
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            database = _database_state(reader, cursor)
            _run_pg(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                dbname_option=False,
            )
            cursor.execute("COMMIT")
    finally:
        reader.close()
    return target, database


def _copy_sqlite(target: Path) -> tuple[Path, dict[str, Any]]:
    """Copy the database through SQLite's backup API (consistent while others write)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        database = _database_state(None, copy.cursor())
    finally:
        copy.close()
    return target, database


def _database_state(wrapper: BaseDatabaseWrapper | None, cursor) -> dict[str, Any]:
    """Return the migrations applied and every table's row count, read through the cursor."""
    wrapper = wrapper or connection
    tables = sorted(wrapper.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return {"vendor": wrapper.vendor, "migrations": migrations, "tables": counts}


def _write_archive(path: Path, database_file: Path, database: dict[str, Any]) -> dict[str, Any]:
    """Write the database file, the media files and, last, the manifest into a tar archive."""
    files = {}
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        database_sha = _add_file(archive, database_file, database_file.name)
        for relative, source in _media_files(Path(settings.MEDIA_ROOT)):
            files[relative] = _add_file(archive, source, f"{MEDIA}/{relative}")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": database["vendor"],
                "file": database_file.name,
                "sha256": database_sha,
            },
            "migrations": database["migrations"],
            "tables": database["tables"],
            "files": files,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
        archive.addfile(info, _BytesReader(data))
    return manifest


def _add_file(archive: tarfile.TarFile, source: Path, name: str) -> str:
    """Add the file to the archive under the name; return the SHA-256 of what was written."""
    info = archive.gettarinfo(source, arcname=name)
    with source.open("rb") as file:
        hashing = _HashingReader(file)
        archive.addfile(info, hashing)
    return hashing.sha256.hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield every regular file under MEDIA_ROOT as (relative POSIX path, path), sorted."""
    if not root.is_dir():
        return
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(STAGING_PREFIXES))
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


class _HashingReader:
    """A file read through while its SHA-256 is computed."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk, self.position = self.data[self.position : end], min(end, len(self.data))
        return chunk


# --- PostgreSQL's tools -----------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """Return the path of pg_dump or pg_restore, or say how to get it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "%(tool)s finns inte på den här maskinen. Installera PostgreSQL:s klientprogram "
                "(Debian: apt install postgresql-client), i samma huvudversion som servern "
                "eller nyare."
            )
            % {"tool": name}
        )
    return found


def _run_pg(command: list[str], *, dbname_option: bool) -> None:
    """Run pg_dump or pg_restore on the default database; the password goes in PGPASSWORD,
    never on the command line (where every user of the machine could read it)."""
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    arguments = [
        f"--{option}={database[key]}"
        for option, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER"))
        if database.get(key)
    ]
    name = f"--dbname={database['NAME']}" if dbname_option else database["NAME"]
    env = {**os.environ, **_libpq_environment(database)}
    done = subprocess.run(
        [*command, "--no-password", *arguments, name],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s misslyckades:\n%(error)s")
            % {"tool": Path(command[0]).name, "error": done.stderr.strip()}
        )


# Connection options of DATABASE_URL (`?sslmode=require`) that libpq reads from its environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _libpq_environment(database: dict[str, Any]) -> dict[str, str]:
    env = {
        variable: str(database["OPTIONS"][option])
        for option, variable in _LIBPQ_OPTIONS.items()
        if option in database.get("OPTIONS", {})
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


# --- Restore ----------------------------------------------------------------------------------

# Rows a freshly migrated database already holds: a database holding only these is empty.
MIGRATION_TABLES = {"django_migrations"} | {
    model._meta.db_table for model in (ContentType, Permission, TargetArea, GlobalGoal)
}


def backup_restore(*, archive: Path, force: bool = False) -> list[str]:
    """Restore the archive into the default database and MEDIA_ROOT; return what differs from
    its manifest afterwards (nothing when the restore is whole)."""
    if not archive.is_file():
        raise BackupError(_("Filen %(path)s finns inte.") % {"path": archive})
    with _open_archive(archive) as tar:
        manifest = _read_manifest(tar)
        _refuse_other_vendor(manifest)
        if not force:
            _refuse_unless_empty()
        pg_restore = _pg_tool("pg_restore") if connection.vendor == "postgresql" else None
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIXES[0]))
        try:
            with tempfile.TemporaryDirectory(prefix="folkhalsa-restore-") as work:
                database_file = _unpack(tar, manifest, Path(work), staging)
                _restore_database(database_file, pg_restore)
            _swap_media(media_root, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return restore_differences(manifest)


def _open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:")
    except (tarfile.TarError, OSError) as error:
        raise _corrupt(archive, error) from error


def _corrupt(archive: Path | str, detail: object) -> BackupError:
    return BackupError(
        _("Arkivet %(path)s är skadat eller ingen säkerhetskopia från backup (%(detail)s).")
        % {"path": archive, "detail": detail}
    )


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    """Return the archive's manifest; an archive without a readable one is incomplete."""
    try:
        data = tar.extractfile(tar.getmember(MANIFEST)).read()
        manifest = json.loads(data)
        if manifest["format"] != FORMAT:
            raise ValueError(f"format {manifest['format']}")
        if not all(isinstance(manifest[key], dict) for key in ("database", "tables", "files")):
            raise ValueError("database, tables, files")
    except (KeyError, TypeError, ValueError, tarfile.TarError, OSError, AttributeError) as error:
        raise _corrupt(tar.name, _("ingen läsbar manifest.json: %s") % error) from error
    return manifest


def _refuse_other_vendor(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _("Arkivet är en säkerhetskopia av en %(archive)s-databas; den här är %(here)s.")
            % {"archive": vendor, "here": connection.vendor}
        )


def _refuse_unless_empty() -> None:
    """Refuse to overwrite a database with data in it, or uploaded files, without --force."""
    tables = database_row_counts()
    filled = sorted(t for t, n in tables.items() if n and t not in MIGRATION_TABLES)
    if filled:
        raise BackupError(
            _(
                "Databasen är inte tom (%(count)s tabeller har rader, t.ex. %(examples)s). "
                "Återställningen ersätter allt i den: kör igen med --force om det är meningen."
            )
            % {"count": len(filled), "examples": ", ".join(filled[:3])}
        )
    if next(_media_files(Path(settings.MEDIA_ROOT)), None) is not None:
        raise BackupError(
            _(
                "Mappen för uppladdade filer (%(folder)s) är inte tom. Återställningen ersätter "
                "filerna i den: kör igen med --force om det är meningen."
            )
            % {"folder": settings.MEDIA_ROOT}
        )


def _unpack(tar: tarfile.TarFile, manifest: dict[str, Any], work: Path, staging: Path) -> Path:
    """Extract the database file into `work` and the media files into `staging`, checking every
    member against the manifest; return the database file."""
    database_name = manifest["database"]["file"]
    if database_name not in (POSTGRES_DUMP, SQLITE_COPY):
        raise _corrupt(tar.name, database_name)
    expected = {database_name: manifest["database"]["sha256"], MANIFEST: None}
    expected |= {f"{MEDIA}/{name}": sha for name, sha in manifest["files"].items()}
    seen = set()
    try:
        for member in tar:
            name = member.name
            if name not in expected or name in seen or not member.isfile():
                raise _corrupt(tar.name, _("oväntad post %s") % name)
            seen.add(name)
            if name == MANIFEST:
                continue
            target = work / database_name if name == database_name else _inside(staging, name)
            if _extract(tar, member, target) != expected[name]:
                raise _corrupt(tar.name, _("%s stämmer inte med manifestet") % name)
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise _corrupt(tar.name, error) from error
    if missing := sorted(set(expected) - seen):
        raise _corrupt(tar.name, _("saknas: %s") % ", ".join(missing[:5]))
    return work / database_name


def _inside(staging: Path, name: str) -> Path:
    """Return where a media member goes under staging; refuse a name that leaves it."""
    relative = PurePosixPath(name).relative_to(MEDIA)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(name)
    return staging.joinpath(*relative.parts)


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Write the member to the target; return the SHA-256 of its content."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sha256 = hashlib.sha256()
    source = tar.extractfile(member)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            out.write(chunk)
    return sha256.hexdigest()


def _restore_database(database_file: Path, pg_restore: str | None) -> None:
    """Replace the database's content with the archived one, in one transaction."""
    connection.close()  # a fresh connection afterwards, on the restored tables
    if pg_restore is not None:
        _run_pg(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                str(database_file),
            ],
            dbname_option=True,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    ContentType.objects.clear_cache()


def _swap_media(media_root: Path, staging: Path) -> None:
    """Put the staged files in MEDIA_ROOT's place: the old entries are moved aside, the new ones
    moved in (renames within one folder, so MEDIA_ROOT may be a mount point), the old removed."""
    replaced = Path(tempfile.mkdtemp(dir=media_root, prefix=STAGING_PREFIXES[1]))
    old = [e for e in media_root.iterdir() if not e.name.startswith(STAGING_PREFIXES)]
    moved_out, moved_in = [], []
    try:
        for entry in old:
            entry.rename(replaced / entry.name)
            moved_out.append(entry.name)
        for entry in list(staging.iterdir()):
            entry.rename(media_root / entry.name)
            moved_in.append(entry.name)
    except OSError:
        # Put the old files back as they were: a failed swap loses none of them.
        for name in moved_in:
            (media_root / name).rename(staging / name)
        for name in moved_out:
            (replaced / name).rename(media_root / name)
        replaced.rmdir()
        raise
    shutil.rmtree(replaced, ignore_errors=True)


# --- Verification -----------------------------------------------------------------------------


def database_row_counts() -> dict[str, int]:
    """Return every table of the default database with its number of rows."""
    with connection.cursor() as cursor:
        return _database_state(connection, cursor)["tables"]


def media_hashes(root: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under the folder, by relative path."""
    hashes = {}
    for relative, path in _media_files(root):
        sha256 = hashlib.sha256()
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                sha256.update(chunk)
        hashes[relative] = sha256.hexdigest()
    return hashes


def restore_differences(manifest: dict[str, Any]) -> list[str]:
    """Return, in Swedish, every way the database and MEDIA_ROOT differ from the manifest."""
    with connection.cursor() as cursor:
        state = _database_state(connection, cursor)
    rows = _("tabellen %(name)s: %(expected)s rader väntade, %(found)s finns")
    files = _("filen %(name)s: SHA-256 %(expected)s väntad, %(found)s finns")
    differences = _compare(manifest["tables"], state["tables"], rows)
    if state["migrations"] != manifest["migrations"]:
        differences.append(_("de tillämpade migreringarna skiljer sig från arkivets"))
    return differences + _compare(manifest["files"], media_hashes(Path(settings.MEDIA_ROOT)), files)


def _compare(expected: dict, found: dict, message: str) -> list[str]:
    """Return a line per name whose value differs; a table only here counts if it has rows."""
    differing = [
        name
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name) and (name in expected or found[name])
    ]
    absent = _("saknas")
    return [
        message
        % {"name": name, "expected": expected.get(name, absent), "found": found.get(name, absent)}
        for name in differing
    ]
