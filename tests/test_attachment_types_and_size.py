"""Attachments are PDF, Word, Excel, PNG or JPEG by content, within the size limit; anything
else is refused with a Swedish message and leaves neither a row nor a file."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils.models import Attachment
from tests.conftest import PDF_BYTES, client_for

pytestmark = pytest.mark.django_db

# The start of a Windows program: "MZ", then the DOS stub.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def _upload(user, item, name: str, content: bytes):
    url = reverse("councils:attachment_upload", args=[item.pk])
    return client_for(user).post(url, {"file": SimpleUploadedFile(name, content)})


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


_BEFORE: set[Path] = set()


@pytest.fixture(autouse=True)
def _files_before() -> None:
    """The files there before the test (the demo's attachments are copied to every test)."""
    _BEFORE.clear()
    _BEFORE.update(_files())


def _stored_files() -> list[Path]:
    """Return the files the test stored."""
    return sorted(_files() - _BEFORE)


def _refused(response) -> str:
    assert response.status_code == 400
    assert not Attachment.objects.exists()
    assert _stored_files() == []
    return response.content.decode()


def test_a_program_renamed_pdf_is_refused_and_nothing_saved(meeting, diana):
    response = _upload(diana, meeting.items.get(), "protokoll.pdf", EXE_BYTES)
    text = _refused(response)
    assert (
        "Filen är inte en PDF, ett Word- eller Excel-dokument eller en PNG- eller JPEG-bild."
        in (text)
    )


def test_a_file_over_the_limit_is_refused_and_nothing_saved(meeting, diana, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    text = _refused(_upload(diana, meeting.items.get(), "lagesbild.pdf", PDF_BYTES))
    assert "Filen är för stor" in text and "Största tillåtna storlek är 20" in text


def test_a_pdf_named_as_an_image_is_refused(meeting, diana):
    text = _refused(_upload(diana, meeting.items.get(), "bild.png", PDF_BYTES))
    assert "Filens innehåll är PDF men namnet slutar inte på .pdf." in text


def test_a_pdf_and_an_image_are_attached_under_their_own_names(meeting, diana):
    item = meeting.items.get()
    assert _upload(diana, item, "C:\\Users\\eva\\Lägesbild 2025.pdf", PDF_BYTES).status_code == 302
    assert _upload(diana, item, "karta.PNG", PNG_BYTES).status_code == 302
    stored = {a.name: a.content_type for a in Attachment.objects.all()}
    assert stored == {"Lägesbild 2025.pdf": "application/pdf", "karta.PNG": "image/png"}
    assert len(_stored_files()) == 2
    assert all("Lägesbild" not in path.name for path in _stored_files())  # a random name


def test_the_setting_defaults_to_twenty_megabytes():
    from folkhalsa import settings as project_settings

    assert project_settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024
