"""A plan's measures with their latest reports, as an Excel file people can filter."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Measure, Responsibility
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _download(client, plan):
    response = client.get(reverse("reports:plan_measures_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="insatser-')
    return load_workbook(BytesIO(response.content)).active


def _round(plan, year: int, period: str) -> FollowUpRound:
    return FollowUpRound.objects.create(
        plan=plan, year=year, period=period, due_on=datetime.date(year, 12, 31)
    )


def test_spreadsheet_has_one_row_per_measure_with_its_latest_report(alice, measure):
    plan = measure.plan
    second = Measure.objects.create(
        plan=plan, focus_area=measure.focus_area, code="1B", title="Andra", order=1
    )
    MeasureReport.objects.create(
        round=_round(plan, 2025, "t1"),
        measure=measure,
        state="godkand",
        status="risk",
        progress="Tertialens text",
    )
    MeasureReport.objects.create(
        round=_round(plan, 2025, "helar"),
        measure=measure,
        state="inskickad",
        status="genomford",
        progress="Helårets text",
        figure_reached=120,
    )
    MeasureReport.objects.create(
        round=_round(plan, 2026, "t1"),
        measure=measure,
        state="utkast",
        status="avviker",
        progress="Ett utkast räknas inte",
    )
    sheet = _download(client_for(alice), plan)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Fokusområde", "Nr", "Insats") and "Bedömning" in rows[0]
    assert [r[1] for r in rows[1:]] == ["1A", "1B"]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Senaste uppföljning"] == "Helår 2025"
    assert first["Bedömning"] == "Genomförd"
    assert first["Hur går det?"] == "Helårets text"
    assert first["Uppnått värde"] == 120
    assert first["Ansvarig"] == "Norbergs kommun › Biblioteket"
    assert first["Fokusområde"] == "1 Föräldraskapsstöd"
    assert dict(zip(header, rows[2], strict=True))["Bedömning"] is None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(rows)}"
    assert first["Budget"] is None  # no budget for the plan yet
    assert second.title in [r[2] for r in rows]


def test_outsider_gets_no_spreadsheet_of_a_draft(charlie, measure):
    response = client_for(charlie).get(
        reverse("reports:plan_measures_xlsx", args=[measure.plan.pk])
    )
    assert response.status_code == 404


def _queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        _download(client, plan)
    return len(queries)


def test_spreadsheet_takes_the_same_queries_for_few_and_many_measures(alice, measure, library):
    plan = measure.plan
    round_ = _round(plan, 2025, "helar")
    few = _queries(client_for(alice), plan)
    for n in range(15):
        more = Measure.objects.create(
            plan=plan, focus_area=measure.focus_area, code=f"X{n}", title="Fler"
        )
        Responsibility.objects.create(measure=more, organisation=library, role="ansvarig")
        MeasureReport.objects.create(round=round_, measure=more, state="godkand", status="risk")
    assert _queries(client_for(alice), plan) == few
