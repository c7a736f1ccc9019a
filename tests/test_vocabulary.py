"""One vocabulary across a meeting's pages and documents: the agenda is "Föredragningslista"
(never "Dagordning"), where a meeting is held is its "Lokal" ("Plats" is a seat), and dates in
text read "12 mars 2025", ISO dates only in file names."""

import html
import re

import pytest
from django.urls import reverse

from councils.models import Body, Meeting
from councils.services.documents import render_minutes_pdf, render_notice_pdf
from tests.conftest import client_for
from tests.council_documents import pdf_text
from tests.minutes_helpers import at, freeze

pytestmark = pytest.mark.django_db

# An ISO date that is not part of a file name ("kallelse-2025-03-12.pdf" is one).
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b(?!\.(?:pdf|ics|docx|xlsx))")


def _page_text(user, url: str) -> str:
    """Return what a reader reads on the page: no markup, attributes or scripts."""
    response = client_for(user).get(url)
    assert response.status_code == 200
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


@pytest.fixture
def documents(meeting, diana, monkeypatch) -> dict[str, str]:
    """The meeting's page, its notice and its minutes, as text."""
    freeze(monkeypatch, "2025-03-20 10:00")
    return {
        "the meeting page": _page_text(
            diana, reverse("councils:meeting_detail", args=[meeting.pk])
        ),
        "the notice": " ".join(pdf_text(render_notice_pdf(meeting=meeting)).split()),
        "the minutes": " ".join(pdf_text(render_minutes_pdf(meeting=meeting)).split()),
    }


def test_the_agenda_is_a_foredragningslista_everywhere(documents):
    for name, text in documents.items():
        assert "dagordning" not in text.lower(), name
    for name in ("the meeting page", "the notice"):
        assert "Föredragningslista" in documents[name], name


def test_where_a_meeting_is_held_is_its_lokal(documents):
    for name, text in documents.items():
        assert "Lokal Kommunhuset" in text or "Lokal: Kommunhuset" in text, name
        assert not re.search(r"Plats:? Kommunhuset", text), name


def test_dates_in_text_are_words_not_iso(documents):
    for name, text in documents.items():
        assert "12 mars 2025" in text, name
        assert not ISO_DATE.findall(text), f"{name}: {ISO_DATE.findall(text)}"


@pytest.fixture
def public_board(norberg, monkeypatch) -> Meeting:
    """A public nämnd with minutes checked and posted, and a coming meeting."""
    freeze(monkeypatch, "2025-03-20 10:00")
    board = Body.objects.create(
        organisation=norberg, name="Socialnämnden", kind=Body.Kind.BOARD, is_public=True
    )
    Meeting.objects.create(body=board, starts_at=at("2025-04-14 13:00"), place="Kommunhuset")
    return Meeting.objects.create(
        body=board,
        starts_at=at("2025-03-12 13:00"),
        place="Kommunhuset",
        status=Meeting.Status.CHECKED,
        checked_on=at("2025-03-17 12:00").date(),
        posted_on=at("2025-03-18 12:00").date(),
    )


def test_the_public_pages_write_dates_in_words(public_board, diana):
    pages = {
        "notice board": (None, reverse("councils:notice_board")),
        "public minutes": (None, reverse("councils:public_minutes_list")),
        "a public body's meetings": (
            None,
            reverse("councils:public_body_meetings", args=[public_board.body_id]),
        ),
        "the body page": (diana, reverse("councils:body_detail", args=[public_board.body_id])),
        "my meetings": (diana, reverse("councils:my_meetings")),
    }
    for name, (user, url) in pages.items():
        text = _page_text(user, url)
        assert not ISO_DATE.findall(text), f"{name}: {ISO_DATE.findall(text)}"
        assert "dagordning" not in text.lower(), name
