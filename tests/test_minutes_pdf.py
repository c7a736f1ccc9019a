"""The minutes as an archival PDF: PDF/A, tagged, in Swedish with a title and embedded fonts,
showing every present member, every decision, the signatures and the amendments."""

import io

import pikepdf
import pytest
from django.urls import reverse

from councils.models import Amendment, Attendance, MinutesCheck
from councils.services import render_minutes_pdf
from tests.conftest import client_for
from tests.council_documents import (
    add_items,
    add_member,
    attend,
    check_minutes,
    new_meeting,
    one_line,
    pdf_text,
    pdf_words,
    stockholm,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(council):
    """A held meeting with members present, absent and replaced, a guest and three paragraphs."""
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0), status="genomfort")
    chair = add_member(council, "Åke Ordförande", role="ordforande")
    adjuster = add_member(council, "Märta Öhrström")
    absent = add_member(council, "Göran Frånvarande")
    replaced = add_member(council, "Ylva Ersatt")
    substitute = add_member(council, "Östen Ersättare", role="ersattare")
    add_member(council, "Sara Sekreterare", role="sekreterare")
    attend(meeting, chair)
    attend(meeting, adjuster, Attendance.Status.REMOTE)
    attend(meeting, absent, Attendance.Status.EXCUSED)
    Attendance.objects.create(
        meeting=meeting,
        seat=replaced.seat_holdings.get().seat,
        person=replaced,
        status=Attendance.Status.REPLACED,
        substitute=substitute,
    )
    Attendance.objects.create(
        meeting=meeting,
        guest_name="Gäst Gästsson",
        guest_organisation="Polisen",
        status=Attendance.Status.PRESENT,
    )
    add_items(meeting, 3, first_paragraph=7)
    MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)
    MinutesCheck.objects.create(meeting=meeting, person=adjuster, role=MinutesCheck.Role.ADJUSTER)
    return meeting


def test_minutes_are_pdfa_tagged_swedish_with_a_title_and_embedded_fonts(held):
    with pikepdf.open(io.BytesIO(render_minutes_pdf(meeting=held))) as pdf:
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "2" and metadata["pdfaid:conformance"] == "A"
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "sv"
        assert str(pdf.docinfo.Title) == "Protokoll: Folkhälsorådet 12 mars 2025"
        fonts = _fonts(pdf)
        assert fonts and all(embedded for _, embedded in fonts)
        # Our own font, not one the machine happened to have.
        assert all("Source-Sans-3" in name for name, _ in fonts)


def _fonts(pdf: pikepdf.Pdf) -> list[tuple[str, bool]]:
    """Return every font the pages use, with whether its program is embedded."""
    found = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.BaseFont)] = embedded
    return list(found.items())


def test_minutes_show_every_present_member_and_every_decision(held):
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    for name in ("Åke Ordförande", "Märta Öhrström", "Östen Ersättare"):
        assert name in text
    assert "Ersättare för Ylva Ersatt" in text and "På distans" in text
    assert "Göran Frånvarande" in text and "Anmält förhinder" in text
    assert "Gäst Gästsson" in text and "Polisen" in text
    for item in held.items.all():
        assert f"§ {item.paragraph} {item.title}" in text
        assert item.decision in text and item.note in text and item.case_number in text
    assert "onsdag 12 mars 2025" in text and "kl. 13.00" in text
    assert "Utkast: protokollet är inte justerat." in text


def test_swedish_characters_are_intact_in_the_text_a_reader_copies(held):
    words = pdf_words(render_minutes_pdf(meeting=held))
    assert {"Åke", "Märta", "Öhrström", "Östen", "Ersättare", "Folkhälsorådet", "§"} <= words


def test_a_councils_decision_reads_radet_beslutar(held):
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    assert "Rådet beslutar Rådet beslutar att godkänna ärende 1." in text
    assert "rekommenderar" not in text


def test_a_boards_decision_reads_namnden_beslutar(held):
    held.body.kind = "namnd"
    held.body.save()
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    assert "Nämnden beslutar Rådet beslutar att godkänna ärende 1." in text
    assert "rekommenderar" not in text


def test_unchecked_minutes_have_signature_lines_for_secretary_chair_and_adjuster(held):
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    assert "Sara Sekreterare Sekreterare" in text
    assert "Åke Ordförande Ordförande" in text
    assert "Märta Öhrström Justerare" in text
    assert "Undertecknat" not in text and "Justerat den" not in text


def test_checked_minutes_say_who_signed_and_checked_how_and_when(held, alice):
    chair, adjuster = (c.person for c in held.checks.order_by("id"))  # as appointed
    check_minutes(held, chair, adjuster, at=stockholm(2025, 3, 14, 10, 5))
    held.checks.filter(person=adjuster).update(on_paper=True)
    Amendment.objects.create(
        meeting=held, item=held.items.first(), what="Rätt år är 2026", why="Skrivfel", made_by=alice
    )
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    assert "Undertecknat den 14 mars 2025 (digitalt) Åke Ordförande Ordförande" in text
    assert "Justerat den 14 mars 2025 (på papper) Märta Öhrström Justerare" in text
    assert "Protokollet justerades 14 mars 2025." in text
    assert "Utkast" not in text
    assert "§ 7: Rättelse" in text and "Rätt år är 2026" in text and "Skrivfel" in text


def test_registered_minutes_show_their_case_number(held):
    chair = held.checks.get(role=MinutesCheck.Role.CHAIR).person
    check_minutes(held, chair, at=stockholm(2025, 3, 14, 10, 5))
    held.case_number, held.status = "KS 2025/412", "diariefort"
    held.registered_on = stockholm(2025, 3, 17, 9, 0).date()
    held.save()
    text = one_line(pdf_text(render_minutes_pdf(meeting=held)))
    assert "Diariefört 17 mars 2025, diarienummer KS 2025/412." in text


def test_anonymous_reads_checked_minutes_of_a_public_body_only(held):
    url = reverse("councils:minutes_pdf", args=[held.pk])
    anonymous = client_for(None)
    assert anonymous.get(url).status_code == 404  # not checked: as if missing
    chair = held.checks.get(role=MinutesCheck.Role.CHAIR).person
    check_minutes(held, chair, at=stockholm(2025, 3, 14, 10, 5))
    assert anonymous.get(url).status_code == 404  # checked, but the body is not public
    held.body.is_public = True
    held.body.save()
    response = anonymous.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Åke Ordförande" in pdf_text(response.content)
    notice = anonymous.get(reverse("councils:notice_pdf", args=[held.pk]))
    assert notice.status_code == 404  # the notice is for members


def test_outsider_gets_no_minutes(held, charlie, bob):
    url = reverse("councils:minutes_pdf", args=[held.pk])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(bob).get(url).status_code == 404
