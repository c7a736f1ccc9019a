"""Every kind of PDF the site makes passes, in an independent validator (page-validation), the
profiles it claims: the minutes and the extract PDF/A-2a and PDF/UA-1, the notice, the plan
document and the yearly follow-up PDF/UA-1.

Each kind is rendered here from the demo as a reader gets it. Beyond these, every PDF any test
renders is validated against its claim (tests/conftest.py, `_every_pdf_passes_its_profiles`), so
a new document, or a template change that breaks a rule, fails the suite where it is made.
"""

import zlib

import pydyf
import pytest
from django.db.models import Count
from page import ValidationProfile, validate_pdf_bytes

from councils.models import Body, Meeting
from councils.services import render_extract_pdf, render_minutes_pdf, render_notice_pdf
from councils.services.documents import EXTRACT_VARIANT, MINUTES_VARIANT, NOTICE_VARIANT
from folkhalsa.pdf import _no_stream_ends_in_a_carriage_return, html_to_pdf
from plans.models import Plan
from reports.models import PublishedFollowUp
from reports.services import PLAN_DOCUMENT_VARIANT, plan_document_render
from tests.conftest import CLAIMED_PROFILES

pytestmark = pytest.mark.django_db

ARCHIVAL_AND_ACCESSIBLE = (ValidationProfile.PDF_A_2A, ValidationProfile.PDF_UA_1)
ACCESSIBLE = (ValidationProfile.PDF_UA_1,)


def assert_passes(pdf: bytes, profiles: tuple[ValidationProfile, ...]) -> None:
    """Assert the PDF passes every profile; else list each broken rule with its message."""
    failures = [
        f"{profile.name} {failure.rule_id}: {failure.message}"
        for profile in profiles
        for failure in validate_pdf_bytes(pdf, profile=profile).failures
    ]
    assert not failures, "\n".join(failures)


def _checked_council_meeting() -> Meeting:
    """Return the Norsjö council's checked meeting with the most paragraphs."""
    council = Body.objects.get(
        name="Folkhälso- och trygghetsrådet", organisation__name="Norsjö kommun"
    )
    meetings = council.meetings.filter(minutes_record__isnull=False)
    return meetings.annotate(paragraphs=Count("items")).order_by("-paragraphs", "-starts_at")[0]


def test_the_documents_claim_what_the_issue_asks():
    assert CLAIMED_PROFILES[MINUTES_VARIANT] == ARCHIVAL_AND_ACCESSIBLE
    assert CLAIMED_PROFILES[EXTRACT_VARIANT] == ARCHIVAL_AND_ACCESSIBLE
    assert CLAIMED_PROFILES[NOTICE_VARIANT] == ACCESSIBLE
    assert CLAIMED_PROFILES[PLAN_DOCUMENT_VARIANT] == ACCESSIBLE


def test_checked_minutes_are_pdfa_2a_and_pdfua_1(demo):
    # PDFA2A-METADATA-FILTER-001 (no compressed XMP) is PDF/A-1's rule (ISO 19005-1, 6.7.2);
    # veraPDF's PDF/A-2 profile does not have it, page-validation does. Met, not waived:
    # folkhalsa.pdf writes the XMP uncompressed.
    meeting = _checked_council_meeting()
    assert meeting.items.exists()
    assert_passes(render_minutes_pdf(meeting=meeting), ARCHIVAL_AND_ACCESSIBLE)


def test_extract_is_pdfa_2a_and_pdfua_1(demo):
    # The paragraph is a heading of the level below the title: PDF/UA-1 lets no level be skipped.
    item = _checked_council_meeting().items.exclude(decision="").order_by("order")[0]
    assert_passes(render_extract_pdf(item=item), ARCHIVAL_AND_ACCESSIBLE)


def test_notice_is_pdfua_1(demo):
    meeting = (
        Meeting.objects.filter(body__organisation__name="Norsjö kommun")
        .annotate(agenda=Count("items"))
        .order_by("-agenda", "starts_at")[0]
    )
    assert meeting.items.exists()
    assert_passes(render_notice_pdf(meeting=meeting), ACCESSIBLE)


def test_plan_document_is_pdfua_1(demo):
    plan = Plan.objects.get(title="Region Norrbottens handlingsplan 2018–2022")
    assert_passes(plan_document_render(plan=plan), ACCESSIBLE)


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Norbergs kommuns strategi för folkhälsoarbetet 2022-2026", 2024),
        ("Region Norrbottens handlingsplan 2018–2022", 2021),
    ],
)
def test_published_follow_up_is_pdfua_1(demo, title, year):
    # The stored file the public downloads, typeset when the demo published it.
    published = PublishedFollowUp.objects.get(
        plan__title=title, year=year, replaced_by__isnull=True
    )
    assert_passes(bytes(published.pdf), ACCESSIBLE)


def test_a_pdf_breaking_its_claim_fails_whichever_test_renders_it():
    html = (
        '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head>'
        "<body><h1>Rubrik</h1><h3>En nivå för djupt</h3><p>Text.</p></body></html>"
    )
    with pytest.raises(pytest.fail.Exception, match="PDFUA1-HEADING-NESTING-001"):
        html_to_pdf(html=html, variant="pdf/ua-1")


def test_a_pdf_of_a_variant_nobody_validates_fails_whichever_test_renders_it():
    html = '<!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body></body></html>'
    with pytest.raises(pytest.fail.Exception, match="a variant no test validates"):
        html_to_pdf(html=html, variant="pdf/a-2b")


def test_no_stream_is_written_ending_in_a_carriage_return():
    # One compressed stream in 256 ends in CR (its Adler-32 checksum); written before "\n
    # endstream", a reader counts CR LF as the end of line and the /Length one byte short
    # (page-validation: PDFA2A-STREAM-LENGTH-001). Found on a committee's minutes in a journey.
    texts = (b"q Q\n%" + b"a" * n for n in range(256))  # a comment lengthened: every sum
    text = next(t for t in texts if zlib.compress(t, 9).endswith(b"\r"))
    pdf = pydyf.PDF()
    page_text = pydyf.Stream([text], compress=True)
    font = pydyf.Stream([text], {"Length1": len(text)}, compress=True)
    pdf.add_object(page_text)
    pdf.add_object(font)
    _no_stream_ends_in_a_carriage_return(pdf)
    written = b"\n".join(pydyf._to_bytes(item) for item in page_text.stream)
    assert page_text.compress and not zlib.compress(written, 9).endswith(b"\r")
    assert written.rstrip(b"\n") == text  # the same drawing, a line feed after it
    assert not font.compress and font.stream == [text]  # a font's bytes are never changed


def test_the_demo_prioritisation_report_is_pdfua_1(demo):
    from plans.models import Prioritisation
    from plans.prioritisation.documents import report_pdf

    prioritisation = Prioritisation.objects.get(
        owner__name="Samling för social hållbarhet i Dalarna"
    )
    pdf = report_pdf(prioritisation)  # 36 areas, two rounds, the picture and the decision
    assert_passes(pdf, ACCESSIBLE)
