"""The strategist writes the yearly follow-up's summary and an analysis per focus area before
publishing: saved with versions and history, beside the owners' reports, and printed in the
preview and the published PDF as she wrote them."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import FocusArea
from reports.models import AreaAnalysis, FollowUpText, PublishedFollowUp
from tests.conftest import client_for, publishable
from tests.html_forms import main_form, snapshot

pytestmark = pytest.mark.django_db

SUMMARY = "Året präglades av ett starkt samarbete med skolan."
WENT_WELL = "Läsfrämjandet nådde alla förskolor."
CAUSE = "Personalbrist på biblioteket försenade två insatser."


def _url(plan, year: int = 2025) -> str:
    return reverse("reports:follow_up_text", args=[plan.pk, year])


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def _write(client, plan, **changes):
    form = main_form(client.get(_url(plan)).content.decode())
    return client.post(_url(plan), form.data(**changes))


def test_she_writes_the_summary_and_an_areas_analysis_and_the_pdf_prints_them(alice, measure):
    plan = publishable(measure.plan, 2025)
    client = client_for(alice)
    page = client.get(_url(plan)).content.decode()
    assert measure.title[:30] in page  # the owners' reports beside her
    response = _write(
        client,
        plan,
        summary=SUMMARY,
        **{"omraden-0-went_well": WENT_WELL, "omraden-0-deviations": CAUSE},
    )
    assert response.status_code == 302
    text = FollowUpText.objects.get(plan=plan, year=2025)
    assert (text.summary, text.version) == (SUMMARY, 1)
    analysis = AreaAnalysis.objects.get(text=text)
    assert (analysis.focus_area, analysis.went_well) == (measure.focus_area, WENT_WELL)
    assert text.history.latest().history_user == alice
    preview = client.get(reverse("reports:follow_up_preview", args=[plan.pk, 2025]))
    printed = _text(preview.content)
    assert SUMMARY in printed and WENT_WELL in printed and CAUSE in printed
    assert "Det som händer nästa år" not in printed  # a text she left empty has no heading
    client.post(reverse("reports:follow_up_publish", args=[plan.pk, 2025]))
    published = PublishedFollowUp.objects.get()
    assert SUMMARY in _text(bytes(published.pdf)) and published.content["assessment"] == SUMMARY


def test_a_second_save_is_a_new_version(alice, measure):
    plan = measure.plan
    client = client_for(alice)
    _write(client, plan, summary="Första utkastet.")
    _write(client, plan, **{"omraden-0-next_steps": "Nästa år: fler läsombud."})
    text = FollowUpText.objects.get(plan=plan)
    assert text.version == 2
    assert text.areas.get().next_steps == "Nästa år: fler läsombud."


def test_an_area_of_another_plan_is_refused_and_nothing_written(alice, measure, adopted_plan):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="9", title="Annan plan")
    client = client_for(alice)
    before = snapshot()
    response = _write(
        client,
        measure.plan,
        **{"omraden-0-focus_area": str(elsewhere.pk), "omraden-0-went_well": "x"},
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_only_the_plans_editors_write_it(bob, charlie, measure):
    assert client_for(bob).get(_url(measure.plan)).status_code == 404
    assert client_for(charlie).get(_url(measure.plan)).status_code == 404


def test_the_cover_names_the_decision_the_report_goes_with(alice, measure):
    plan = measure.plan
    client = client_for(alice)
    _write(
        client,
        plan,
        case_number="KS 2026/17",
        received_by="Kommunstyrelsen",
        received_on="2026-02-10",
    )
    preview = client.get(reverse("reports:follow_up_preview", args=[plan.pk, 2025]))
    cover = " ".join(PdfReader(BytesIO(preview.content)).pages[0].extract_text().split())
    assert "KS 2026/17" in cover and "Kommunstyrelsen, 10 februari 2026" in cover
    before = snapshot()
    refused = _write(client, plan, received_on="10 februari")
    assert refused.status_code == 400 and snapshot() == before
