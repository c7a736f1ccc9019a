"""The extract (protokollsutdrag): one paragraph with the checking lines and "Rätt utdraget
intygar", for the meeting's readers, and for anyone once public minutes are checked."""

import io

import pikepdf
import pytest
from django.urls import reverse

from councils.models import MinutesCheck
from tests.conftest import client_for
from tests.council_documents import (
    add_items,
    add_member,
    attend,
    check_minutes,
    new_meeting,
    one_line,
    pdf_text,
    stockholm,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paragraphs(council):
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0), status="genomfort")
    chair = add_member(council, "Åke Ordförande", role="ordforande")
    adjuster = add_member(council, "Märta Öhrström")
    add_member(council, "Sara Sekreterare", role="sekreterare")
    attend(meeting, chair)
    MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)
    MinutesCheck.objects.create(meeting=meeting, person=adjuster, role=MinutesCheck.Role.ADJUSTER)
    return meeting, add_items(meeting, 3, first_paragraph=12), (chair, adjuster)


def test_extract_shows_its_paragraph_alone_with_the_checking_lines(paragraphs, alice):
    meeting, items, people = paragraphs
    check_minutes(meeting, *people, at=stockholm(2025, 3, 14, 10, 5))
    response = client_for(alice).get(reverse("councils:extract_pdf", args=[items[1].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="utdrag-13-2025-03-12.pdf"'
    text = one_line(pdf_text(response.content))
    assert "Protokollsutdrag" in text and "onsdag 12 mars 2025" in text
    assert f"§ 13 {items[1].title}" in text and items[1].decision in text
    assert items[0].title not in text and items[2].decision not in text
    assert "Rådet beslutar Rådet beslutar att godkänna ärende 2." in text
    assert "Undertecknat den 14 mars 2025 (digitalt) Åke Ordförande Ordförande" in text
    assert "Justerat den 14 mars 2025 (digitalt) Märta Öhrström Justerare" in text
    assert "Rätt utdraget intygar" in text and "Sara Sekreterare Sekreterare" in text
    assert "Utkast" not in text


def test_extract_is_archival_and_tagged(paragraphs, alice):
    _, items, _ = paragraphs
    response = client_for(alice).get(reverse("councils:extract_pdf", args=[items[0].pk]))
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "2"
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "sv"
        assert str(pdf.docinfo.Title) == "Protokollsutdrag: Folkhälsorådet 12 mars 2025 § 12"


def test_extract_of_unchecked_minutes_says_so(paragraphs, alice):
    _, items, _ = paragraphs
    response = client_for(alice).get(reverse("councils:extract_pdf", args=[items[0].pk]))
    assert "Utkast: protokollet är inte justerat." in one_line(pdf_text(response.content))


def test_extract_is_public_only_for_checked_minutes_of_a_public_body(paragraphs, bob, charlie):
    meeting, items, people = paragraphs
    meeting.body.is_public = True
    meeting.body.save()
    url = reverse("councils:extract_pdf", args=[items[0].pk])
    assert client_for(None).get(url).status_code == 404  # as a missing one
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(bob).get(url).status_code == 404
    check_minutes(meeting, *people, at=stockholm(2025, 3, 14, 10, 5))
    assert client_for(None).get(url).status_code == 200
    assert client_for(charlie).get(url).status_code == 200
