"""The yearly follow-up as an editable Word file: the same report as the PDF, in Word's own
styles (headings as headings, tables as tables with a repeating header row), read back with
python-docx."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from PIL import Image

from plans.models import Plan
from reports.documents import follow_up_document
from reports.models import FollowUpText, MeasureReport, PublishedFollowUp
from reports.word import follow_up_docx
from tests.conftest import client_for, publishable

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_published_report_as_word_has_headings_tables_and_her_words(alice, measure):
    plan = publishable(measure.plan, 2025)
    text = FollowUpText.objects.create(plan=plan, year=2025, summary="Ett år med bra samarbete.")
    text.areas.create(focus_area=measure.focus_area, deviations="Personalbrist i våras.")
    client_for(alice).post(reverse("reports:follow_up_publish", args=[plan.pk, 2025]))
    published = PublishedFollowUp.objects.get()
    response = client_for(None).get(reverse("reports:published_docx", args=[published.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = Document(BytesIO(response.content))
    assert document.core_properties.title == f"Uppföljning 2025: {plan.title}"
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", f"Uppföljning 2025: {plan.title}") in headings
    assert ("Heading 1", "Sammanfattning") in headings
    assert ("Heading 2", "Sammanfattande bedömning") in headings
    assert ("Heading 1", f"1 {measure.focus_area.title}") in headings
    words = "\n".join(p.text for p in document.paragraphs)
    assert "Ett år med bra samarbete." in words and "Personalbrist i våras." in words
    assert alice.username not in words
    measures = next(t for t in document.tables if t.rows[0].cells[0].text == "Insats")
    assert measures.style.name == "Table Grid"
    assert measures.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeats on every page
    assert any(measure.title in row.cells[0].text for row in measures.rows[1:])


def test_the_preview_as_word_is_the_plans_editors_only(alice, bob, charlie, measure):
    url = reverse("reports:follow_up_preview_docx", args=[measure.plan.pk, 2025])
    response = client_for(alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert Document(BytesIO(response.content)).paragraphs  # a real document
    assert client_for(bob).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404


def test_word_has_the_measures_table_with_marks_and_every_chart_as_a_described_picture(demo):
    plan = Plan.objects.get(title="Region Norrbottens handlingsplan 2018–2022")
    report = MeasureReport.objects.get(round__plan=plan, round__year=2021, measure__code="1A")
    first, rest = "Tre skolor har infört rastvärdar.", "Två till börjar i vår."
    MeasureReport.objects.filter(pk=report.pk).update(progress=f"{first} {rest}", status="risk")
    content = follow_up_document(plan=plan, year=2021)
    document = Document(BytesIO(follow_up_docx(content=content)))

    deviations, table = [
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "Insats"
        and any(r.cells[0].text.startswith("1A ") for r in t.rows)
    ]
    assert [c.text for c in table.rows[0].cells] == ["Insats", "Bedömning", "Ansvarig"]
    index = next(n for n, r in enumerate(table.rows) if r.cells[0].text.startswith("1A "))
    row, under = table.rows[index], table.rows[index + 1]
    mark, label = row.cells[1].paragraphs[0].runs
    assert (mark.text, label.text.strip()) == ("▲", "Risk för avvikelse")
    assert mark.style.type == WD_STYLE_TYPE.CHARACTER and mark.style.font.color.rgb is not None
    # What the owner reported, across the row under the measure's (one merged cell).
    assert len({id(c._tc) for c in under.cells}) == 1
    assert under.cells[0].text == f"{first} {rest}"
    # The deviations in the summary carry the same mark.
    row = next(r for r in deviations.rows if r.cells[0].text.startswith("1A "))
    assert row.cells[1].paragraphs[0].runs[0].text == "▲"


def test_word_has_every_chart_as_a_picture_with_its_text_alternative(demo):
    # The summary chart and one chart per indicator with data, as PNG pictures with their
    # text alternative (Word takes no SVG).
    plan = Plan.objects.get(title="Norbergs kommuns strategi för folkhälsoarbetet 2022-2026")
    content = follow_up_document(plan=plan, year=2024)
    document = Document(BytesIO(follow_up_docx(content=content)))
    charted = [i for i in content["indicators"] if i.get("chart")]
    pictures = document.inline_shapes
    assert len(pictures) == 1 + len(charted) and charted
    described = [p._inline.docPr.get("descr") for p in pictures]
    assert described[0].startswith("Stapeldiagram över insatserna per bedömning")
    assert sorted(i["alt"] for i in charted) == sorted(described[1:])
    blip = pictures[1]._inline.graphic.graphicData.pic.blipFill.blip
    part = document.part.related_parts[blip.embed]
    image = Image.open(BytesIO(part.blob))
    assert image.format == "PNG" and image.width >= 1000
