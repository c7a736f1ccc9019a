"""The demo has follow-ups as a municipality would have them: closed years and one open round."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from reports.demo.loader import load_follow_up_demo
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NORBERG = "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026"
NORRBOTTEN = "Region Norrbottens handlingsplan 2018–2022"


def test_demo_has_closed_follow_ups_for_2024_and_norrbottens_three_years(demo):
    closed = FollowUpRound.objects.filter(status="stangd")
    years = sorted(closed.filter(plan__title=NORRBOTTEN).values_list("year", flat=True))
    assert years == [2019, 2020, 2021]
    assert closed.filter(plan__title=NORBERG, year=2024).exists()
    assert closed.filter(plan__owner__name="Alingsås kommun", year=2024).exists()
    reports = MeasureReport.objects.filter(round__in=closed)
    assert set(reports.values_list("state", flat=True)) == {"godkand"}
    assert len(set(reports.values_list("status", flat=True))) >= 5  # a mix of statuses
    assert all(text.startswith("Demo: ") for text in reports.values_list("progress", flat=True))


def test_demo_has_one_open_round_with_reports_missing(demo):
    round_ = FollowUpRound.objects.get(status="oppen")
    assert round_.plan.title == NORBERG
    states = set(round_.reports.values_list("state", flat=True))
    assert {"inskickad", "utkast", "ej_rapporterad"} <= states
    strategist = client_for(User.objects.get(username="norberg-strateg"))
    page = strategist.get(reverse("reports:round_detail", args=[round_.pk])).content.decode()
    assert "Ej rapporterade" in page and "Granska" in page


def test_loading_the_follow_up_demo_twice_changes_nothing(demo):
    before = MeasureReport.objects.count()
    assert load_follow_up_demo() == []
    assert MeasureReport.objects.count() == before
