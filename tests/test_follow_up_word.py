"""The yearly follow-up as an editable Word file: the same report as the PDF, in Word's own
styles (headings as headings, tables as tables with a repeating header row), read back with
python-docx."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from reports.models import FollowUpText, PublishedFollowUp
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
