"""The whole plan as a PDF, as its source document reads, for whoever may read the plan."""

import re
from io import BytesIO

import pikepdf
import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import FocusArea, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_plan_document_holds_every_focus_area_and_measure(demo):
    plan = Plan.objects.get(title__startswith="Norbergs kommuns strategi")
    response = client_for(None).get(reverse("reports:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = _squeeze("".join(page.extract_text() for page in reader.pages))
    for area in FocusArea.objects.filter(plan=plan):
        assert _squeeze(area.title) in text
    for measure in plan.measures.all():
        assert _squeeze(measure.title)[:30] in text
    assert _squeeze(plan.vision)[:40] in text
    document = pikepdf.open(BytesIO(response.content))
    assert str(document.Root.Lang) == "sv" and "/StructTreeRoot" in document.Root
    assert "/Outlines" in document.Root
    # Page 1 is the cover: the plan's title on it, no blank page before.
    assert _squeeze(plan.title)[:30] in _squeeze(reader.pages[0].extract_text())


def test_a_draft_plans_document_is_for_its_organisation_only(alice, charlie, draft_plan):
    url = reverse("reports:plan_pdf", args=[draft_plan.pk])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 200
