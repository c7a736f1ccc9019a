"""The yearly follow-up PDF politicians read: complete, accessible, and frozen once published."""

import datetime
import re
from collections import Counter
from io import BytesIO

import pikepdf
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from councils.models import AgendaItem, Body, Meeting
from plans.models import FocusArea, Measure, Plan, Responsibility
from reports.documents import ASSESSMENT_MARKS, follow_up_document
from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp
from reports.services import follow_up_publish, follow_up_render
from tests.conftest import client_for, publishable

pytestmark = pytest.mark.django_db

NORRBOTTEN = "Region Norrbottens handlingsplan 2018–2022"


def _text(pdf: bytes) -> str:
    """Return the PDF's text without whitespace: extraction spaces letters unevenly."""
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def norrbotten_2021(demo) -> tuple[Plan, bytes]:
    plan = Plan.objects.get(title=NORRBOTTEN)
    return plan, follow_up_render(content=follow_up_document(plan=plan, year=2021))


def test_page_one_is_the_cover_with_the_plans_title(norrbotten_2021):
    plan, pdf = norrbotten_2021
    first = _squeeze(PdfReader(BytesIO(pdf)).pages[0].extract_text())
    assert "Uppföljning2021" in first and _squeeze(plan.title) in first


def test_every_measure_appears_with_its_status_label(norrbotten_2021):
    plan, pdf = norrbotten_2021
    text = _text(pdf)
    reports = MeasureReport.objects.filter(round__plan=plan, round__year=2021)
    assert reports.count() == plan.measures.count() == 100
    for report in reports.select_related("measure"):
        entry = _squeeze(f"{report.measure.code} {report.measure.title}"[:40])
        assert entry in text, report.measure.code
    assert _squeeze("Sida 3 av") in text
    assert "Uppföljning2021" in text


def test_summary_counts_match_the_database(norrbotten_2021):
    plan, pdf = norrbotten_2021
    counts = Counter(
        MeasureReport.objects.filter(round__plan=plan, round__year=2021).values_list(
            "status", flat=True
        )
    )
    text = _text(pdf)
    for value, label in MeasureReport.Status.choices:
        assert _squeeze(f"{label} {counts.get(value, 0)}") in text, label
    assert _squeeze(f"Totalt {sum(counts.values())}") in text


def test_deviations_are_the_measures_off_track_or_at_risk(norrbotten_2021):
    plan, _ = norrbotten_2021
    content = follow_up_document(plan=plan, year=2021)
    expected = set(
        MeasureReport.objects.filter(
            round__plan=plan, round__year=2021, status__in=["avviker", "risk"]
        ).values_list("measure__code", flat=True)
    )
    assert {m["code"] for m in content["deviations"]} == expected
    assert expected


def _structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Return every element of the structure tree."""
    found, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            stack.append(node.get("/K"))
    return found


def test_follow_up_is_a_tagged_accessible_pdf(norrbotten_2021, tmp_path):
    import pdfua

    _, pdf = norrbotten_2021
    document = pikepdf.open(BytesIO(pdf))
    assert str(document.Root.Lang) == "sv"
    assert document.Root.MarkInfo.Marked
    with document.open_metadata() as meta:
        assert "Uppföljning 2021" in meta["dc:title"]
        assert meta["pdfuaid:part"] == "1"
    elements = _structure(document)
    kinds = Counter(str(e.S) for e in elements)
    assert kinds["/H1"] >= 1 and kinds["/H2"] >= 5 and kinds["/TH"] >= 10
    figures = [e for e in elements if e.S == "/Figure"]
    assert figures and all("Enligt plan" in str(f.Alt) for f in figures)
    assert "/Outlines" in document.Root  # bookmarks
    for font in document.pages[2].Resources.Font.values():
        descriptor = font.DescendantFonts[0].FontDescriptor
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded
    path = tmp_path / "uppfoljning.pdf"
    path.write_bytes(pdf)
    errors = [f for f in pdfua.validate(str(path)).findings if f.severity.name == "ERROR"]
    assert errors == []


def test_status_is_never_shown_by_colour_alone(norrbotten_2021):
    plan, pdf = norrbotten_2021
    text = _text(pdf)
    # Each measure's row in its focus area's table: code and whole title, then the assessment
    # written out beside its mark, then who is responsible.
    reports = MeasureReport.objects.filter(round__plan=plan, round__year=2021)
    for report in reports.select_related("measure"):
        measure = report.measure
        shape = ASSESSMENT_MARKS[report.status][0]
        row = _squeeze(f"{measure.code} {measure.title}{shape} {report.get_status_display()}")
        assert row in text, measure.code
    assert text.count("Genomförd") >= reports.filter(status="genomford").count() + 1


def test_under_each_measures_row_stands_what_its_owner_reported(demo):
    plan = Plan.objects.get(title=NORRBOTTEN)
    report = MeasureReport.objects.filter(round__plan=plan, round__year=2021).first()
    text = "Tre skolor har infört rastvärdar. Två till börjar i vår, när personalen är utbildad."
    MeasureReport.objects.filter(pk=report.pk).update(progress=text, figure_reached=12)
    pdf = _text(follow_up_render(content=follow_up_document(plan=plan, year=2021)))
    measure = report.measure
    owners = [r.organisation.name for r in measure.responsibilities.filter(role="ansvarig")]
    row = f"{measure.code} {measure.title}{ASSESSMENT_MARKS[report.status][0]}"
    row += f" {report.get_status_display()}Ansvarig: {', '.join(owners) or 'ingen angiven'}"
    assert _squeeze(f"{row}{text} Uppnått värde: 12") in pdf


def test_editing_a_measure_after_publishing_changes_neither_the_pdf_nor_its_content(demo):
    plan = Plan.objects.get(title=NORRBOTTEN)
    published = PublishedFollowUp.objects.get(plan=plan, year=2021)  # the demo published 2021
    frozen_pdf, frozen_content = bytes(published.pdf), published.content
    measure = plan.measures.get(code="1A")
    Measure.objects.filter(pk=measure.pk).update(title="Ett helt nytt namn")
    MeasureReport.objects.filter(measure=measure).update(progress="Ändrad text")
    published.refresh_from_db()
    assert bytes(published.pdf) == frozen_pdf and published.content == frozen_content
    served = client_for(None).get(reverse("reports:published_pdf", args=[published.pk]))
    assert served.content == frozen_pdf
    assert "Etthelt" not in _text(served.content)


def test_published_follow_up_is_compared_with_the_year_before(demo):
    plan = Plan.objects.get(title=NORRBOTTEN)
    strategist = User.objects.get(username="norrbotten-strateg")
    follow_up_publish(plan=plan, year=2020, user=strategist)
    later = PublishedFollowUp.objects.get(plan=plan, year=2021)  # the demo published 2021
    page = client_for(None).get(reverse("reports:published_compare", args=[later.pk]))
    text = page.content.decode()
    before = dict(
        MeasureReport.objects.filter(round__plan=plan, round__year=2020).values_list(
            "measure__code", "status"
        )
    )
    after = dict(
        MeasureReport.objects.filter(round__plan=plan, round__year=2021).values_list(
            "measure__code", "status"
        )
    )
    changed = [code for code in after if before[code] != after[code]]
    assert changed and page.status_code == 200
    assert text.count("<tr><td") == len(changed)


def test_only_editors_preview_and_publish_and_drafts_stay_hidden(alice, charlie, measure):
    plan = measure.plan  # a draft of Norberg
    preview = reverse("reports:follow_up_preview", args=[plan.pk, 2025])
    publish = reverse("reports:follow_up_publish", args=[plan.pk, 2025])
    assert client_for(charlie).get(preview).status_code == 404
    assert client_for(charlie).post(publish).status_code == 404
    assert client_for(alice).get(preview)["Content-Type"] == "application/pdf"
    refused = client_for(alice).post(publish)  # a draft is never followed up publicly
    assert refused.status_code == 400 and "Planen är inte antagen" in refused.content.decode()
    assert not PublishedFollowUp.objects.exists()
    publishable(plan, 2025)
    assert client_for(alice).post(publish).status_code == 302
    published = PublishedFollowUp.objects.get()
    url = reverse("reports:published_pdf", args=[published.pk])
    assert client_for(None).get(url).status_code == 200  # adopted, so public
    assert client_for(charlie).get(url).status_code == 200


def test_meetings_that_dealt_with_the_plan_are_listed(alice, meeting, measure):
    assert follow_up_document(plan=measure.plan, year=2025)["meetings"] == []  # not checked yet
    Body.objects.filter(pk=meeting.body_id).update(is_public=True)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CHECKED)
    meeting.items.update(decision="Godkänd")
    content = follow_up_document(plan=measure.plan, year=2025)
    assert [m["body"] for m in content["meetings"]] == [meeting.body.name]
    assert content["meetings"][0]["items"][0]["title"] == "Uppföljning av handlingsplanen"
    assert content["meetings"][0]["items"][0]["decision"] == "Godkänd"


def _context_queries(plan: Plan, year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        follow_up_document(plan=plan, year=year)
    return len(queries)


def test_building_the_report_takes_the_same_queries_for_few_and_many_measures(
    alice, measure, library, meeting
):
    plan = measure.plan
    round_ = FollowUpRound.objects.create(plan=plan, year=2025, due_on="2026-01-31")
    MeasureReport.objects.create(round=round_, measure=measure, state="godkand", status="risk")
    Body.objects.filter(pk=meeting.body_id).update(is_public=True)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CHECKED)
    few = _context_queries(plan, 2025)
    for n in range(20):
        more = Measure.objects.create(
            plan=plan, focus_area=measure.focus_area, code=f"M{n}", title="X"
        )
        Responsibility.objects.create(measure=more, organisation=library, role="ansvarig")
        MeasureReport.objects.create(round=round_, measure=more, state="godkand", status="avviker")
        item = AgendaItem.objects.create(meeting=meeting, order=n + 2, title=f"Punkt {n}")
        item.measures.add(more)
    body = Body.objects.create(
        organisation=meeting.body.organisation, name="Styrgruppen", kind="rad", is_public=True
    )
    other = Meeting.objects.create(body=body, starts_at=meeting.starts_at, status="justerat")
    AgendaItem.objects.create(meeting=other, title="Planen", order=1).plans.add(plan)
    assert _context_queries(plan, 2025) == few


def test_deviating_titles_are_whole_and_focus_areas_flow_on(alice, measure):
    """A long title is printed whole in the deviations table (not cut with "…"), and a short
    plan's focus areas share pages instead of starting one each."""
    long_title = "Läsfrämjande insatser för familjer " + "med små barn i alla kommundelar " * 4
    Measure.objects.filter(pk=measure.pk).update(title=long_title.strip())
    for number in "234":
        FocusArea.objects.create(plan=measure.plan, number=number, title=f"Område {number}")
    round_ = FollowUpRound.objects.create(
        plan=measure.plan, year=2025, due_on=datetime.date(2025, 12, 31)
    )
    MeasureReport.objects.create(round=round_, measure=measure, status="avviker", state="godkand")
    content = follow_up_document(plan=measure.plan, year=2025)
    pdf = follow_up_render(content=content)
    text = _text(pdf)
    assert _squeeze(long_title) in text and "…" not in text
    pages = [_squeeze(p.extract_text()) for p in PdfReader(BytesIO(pdf)).pages]
    assert any("Område2" in p and "Område3" in p for p in pages)
