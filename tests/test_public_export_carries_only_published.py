"""A plan's Excel file: the public gets what was published, the plan's editors the working data."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.models import Plan
from reports.documents import follow_up_document
from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _round(plan, year: int) -> FollowUpRound:
    return FollowUpRound.objects.create(
        plan=plan, year=year, period="helar", due_on=datetime.date(year, 12, 31)
    )


@pytest.fixture
def plan_with_followups(alice, measure) -> Plan:
    """An adopted plan: 2025 reviewed and published, 2026's report submitted, not reviewed."""
    plan = measure.plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    MeasureReport.objects.create(
        round=_round(plan, 2025),
        measure=measure,
        state="godkand",
        status="risk",
        progress="Granskad och publicerad text",
        figure_reached=40,
    )
    PublishedFollowUp.objects.create(
        plan=plan,
        year=2025,
        content=follow_up_document(plan=plan, year=2025),
        pdf=b"%PDF",
        published_by=alice,
        published_at=timezone.make_aware(datetime.datetime(2026, 2, 10, 12)),
    )
    MeasureReport.objects.create(
        round=_round(plan, 2026),
        measure=measure,
        state="inskickad",
        status="avviker",
        progress="Ogranskad text från rapportören",
        figure_reached=7,
    )
    return plan


def _first_row(user, plan) -> dict:
    response = client_for(user).get(reverse("reports:plan_measures_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    return dict(zip(rows[0], rows[1], strict=True))


def test_anonymous_export_carries_the_published_follow_up_not_the_unreviewed_report(
    plan_with_followups,
):
    row = _first_row(None, plan_with_followups)
    assert row["Hur går det?"] == "Granskad och publicerad text"
    assert row["Senaste uppföljning"] == "Helår 2025"
    assert row["Bedömning"] == "Risk för avvikelse"
    assert row["Uppnått värde"] == 40
    assert row["Rapportens läge"] == "Publicerad"


def test_reader_who_does_not_edit_the_plan_gets_only_the_published_follow_up(
    bob, charlie, plan_with_followups
):
    for user in (bob, charlie):
        row = _first_row(user, plan_with_followups)
        assert row["Hur går det?"] == "Granskad och publicerad text", user


def test_plans_editor_gets_the_submitted_report_awaiting_review(alice, plan_with_followups):
    row = _first_row(alice, plan_with_followups)
    assert row["Hur går det?"] == "Ogranskad text från rapportören"
    assert row["Senaste uppföljning"] == "Helår 2026"
    assert row["Rapportens läge"] == "Inskickad"


def test_nothing_published_means_no_follow_up_in_the_public_export(measure):
    Plan.objects.filter(pk=measure.plan_id).update(status=Plan.Status.ADOPTED)
    MeasureReport.objects.create(
        round=_round(measure.plan, 2026),
        measure=measure,
        state="godkand",
        status="risk",
        progress="Godkänd men inte publicerad",
    )
    row = _first_row(None, measure.plan)
    assert row["Hur går det?"] is None and row["Bedömning"] is None
