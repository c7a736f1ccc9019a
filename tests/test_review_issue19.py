"""A review of issue 19's operations pieces, as an attacker and as an operator: the request log
keeps secrets out and a line for every request; a backup archive is readable by its owner only
and never holds itself; a restore that fails while swapping the files keeps the old ones; a
crafted archive writes nothing outside the folder it is restored to."""

import hashlib
import io
import json
import logging
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from folkhalsa import backups
from folkhalsa.backups import BackupError, backup_create, backup_restore

pytestmark = pytest.mark.django_db

LOGGER = "folkhalsa.requests"
TOKEN = "hemlig-nyckel-abc123"


@pytest.fixture
def request_log(caplog, monkeypatch) -> pytest.LogCaptureFixture:
    monkeypatch.setattr(logging.getLogger(LOGGER), "propagate", True)
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [r.request_fields for r in caplog.records if r.name == LOGGER]


# --- The request log ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        # A link whose slash a mail program dropped: answered with a redirect, never resolved.
        (f"/hamta/{TOKEN}", "/hamta/***"),
        # A calendar program adding a slash to a feed's address: a 404, never resolved.
        (f"/kalender/{TOKEN}.ics/", "/kalender/***.ics/"),
        (f"/kalender/{TOKEN}/arshjul.ics/", "/kalender/***/arshjul.ics/"),
    ],
)
def test_a_token_in_a_path_that_did_not_resolve_is_masked_too(request_log, path, masked):
    Client().get(path)
    [line] = _logged(request_log)
    assert line["path"] == masked
    assert not [r for r in request_log.records if r.name == LOGGER and TOKEN in r.getMessage()]


def test_a_request_with_too_many_query_fields_is_still_logged(request_log, settings):
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client().get(f"/halsa/?{query}")
    assert response.status_code == 400
    [line] = _logged(request_log)
    assert line["status"] == 400 and line["query_keys"] == []
    assert response["X-Request-ID"] == line["request_id"]


# --- Backups ----------------------------------------------------------------------------------


@pytest.fixture
def small_database(monkeypatch) -> None:
    """Stand a small file in for the database copy: these tests are about the archive."""

    def copy(target: Path) -> tuple[Path, dict]:
        target.write_bytes(b"databasen")
        return target, {"vendor": connection.vendor, "migrations": [], "tables": {}}

    monkeypatch.setattr(backups, "_copy_sqlite", copy)
    monkeypatch.setattr(backups, "_dump_postgres", copy)


def test_the_archive_is_readable_by_its_owner_only(small_database, tmp_path, monkeypatch):
    # It holds every password hash and every person's name and address.
    os.umask(previous := os.umask(0o022))
    try:
        backup_create(output=tmp_path / "folkhalsa.tar")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "folkhalsa.tar").stat().st_mode) == 0o600


def test_an_archive_is_never_written_among_the_files_it_backs_up(small_database, settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "logo.png").write_bytes(b"png")
    with pytest.raises(BackupError, match="uppladdade filer"):
        backup_create(output=media / "folkhalsa.tar")
    assert not [p for p in media.iterdir() if p.suffix == ".tar" or p.name.startswith(".")]


def test_a_swap_that_fails_midway_keeps_the_old_files(settings, tmp_path, monkeypatch):
    media = tmp_path / "media-swap"
    (media / "councils").mkdir(parents=True)
    (media / "councils" / "bilaga.pdf").write_bytes(b"gammal bilaga")
    (media / "logo.png").write_bytes(b"gammal logga")
    staging = media / ".restore-x"
    (staging / "councils").mkdir(parents=True)
    (staging / "councils" / "ny.pdf").write_bytes(b"ny bilaga")
    (staging / "ny-logo.png").write_bytes(b"ny logga")
    rename = Path.rename

    def failing(self: Path, target):
        if self.parent == staging and self.name == "ny-logo.png":
            raise PermissionError(13, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        backups._swap_media(media, staging)
    monkeypatch.undo()
    assert (media / "councils" / "bilaga.pdf").read_bytes() == b"gammal bilaga"
    assert (media / "logo.png").read_bytes() == b"gammal logga"
    assert not (media / "councils" / "ny.pdf").exists()
    assert sorted(p.name for p in media.iterdir()) == [".restore-x", "councils", "logo.png"]


def _crafted(path: Path, members: list[tarfile.TarInfo], data: bytes) -> Path:
    """Write an archive whose manifest names each member as a media file with `data`."""
    sha = hashlib.sha256(data).hexdigest()
    manifest = {
        "format": backups.FORMAT,
        "database": {"vendor": connection.vendor, "file": "database.sqlite3", "sha256": sha},
        "migrations": [],
        "tables": {},
        "files": {m.name.removeprefix("media/"): sha for m in members},
    }
    with tarfile.open(path, "w") as tar:
        for member in members:
            member.size = len(data) if member.isfile() else 0
            tar.addfile(member, io.BytesIO(data) if member.isfile() else None)
        text = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    return path


@pytest.mark.parametrize(
    "member",
    [
        tarfile.TarInfo("media/../utanfor.txt"),
        tarfile.TarInfo("/tmp/utanfor.txt"),
        tarfile.TarInfo("media/a/../../utanfor.txt"),
    ],
)
def test_a_crafted_archive_writes_nothing_outside_the_folder(member, settings, tmp_path):
    archive = _crafted(tmp_path / "farlig.tar", [member], b"utanfor")
    with pytest.raises(BackupError, match="skadat"):
        backup_restore(archive=archive, force=True)
    assert not (tmp_path / "utanfor.txt").exists() and not Path("/tmp/utanfor.txt").exists()


def test_a_link_in_a_crafted_archive_is_refused(settings, tmp_path):
    link = tarfile.TarInfo("media/lank")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = _crafted(tmp_path / "lank.tar", [link], b"")
    with pytest.raises(BackupError, match="oväntad post"):
        backup_restore(archive=archive, force=True)
    assert not (Path(settings.MEDIA_ROOT) / "lank").exists()
