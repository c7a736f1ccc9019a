"""An adopted plan shows readers who do not work on it each measure's assessment from the latest
published follow-up only (mark, colour class, label, the round it comes from and the counts per
focus area); an accepted report is not public until the year's follow-up is published. Those who
work on the plan keep seeing the latest accepted report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp
from reports.services import follow_up_publish
from tests.conftest import client_for, publishable
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db

DEVIATING_MARK = (
    '<span class="assessment-mark assessment-avviker" aria-hidden="true">■</span> Avviker'
)


def _plan_page(user, plan) -> str:
    response = client_for(user).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _accepted(measure, round_, status: str) -> MeasureReport:
    return MeasureReport.objects.create(
        round=round_,
        measure=measure,
        state=MeasureReport.State.ACCEPTED,
        status=status,
        progress="Läsombud på två förskolor.",
        submitted_at=datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC),
        reviewed_at=datetime.datetime(2026, 1, 22, 9, tzinfo=datetime.UTC),
    )


@pytest.fixture
def followed_up(monkeypatch, measure, alice):
    """Norberg's plan adopted, its 2025 round closed, the measure's report accepted: Avviker."""
    freeze(monkeypatch, "2026-03-02 10:00")
    plan = publishable(measure.plan, 2025)
    _accepted(measure, FollowUpRound.objects.get(plan=plan, year=2025), "avviker")
    return plan


def test_an_accepted_assessment_never_reaches_anonymous_before_it_is_published(
    followed_up, charlie
):
    for reader in (None, charlie):
        page = _plan_page(reader, followed_up)
        # The filter lists the scale; no measure and no count carries an assessment.
        assert "assessment-mark" not in page and "Avviker ·" not in page
        assert "Avviker: 1" not in page and "publicerade uppföljningen" not in page


def test_publishing_the_follow_up_shows_its_assessments_to_everyone(followed_up, alice, charlie):
    follow_up_publish(plan=followed_up, year=2025, user=alice)
    for reader in (None, charlie):
        page = _plan_page(reader, followed_up)
        assert DEVIATING_MARK in page
        assert "Avviker · Helår 2025, publicerad" in page
        assert "från den publicerade uppföljningen Helår 2025 (publicerad 2 mars 2026)" in page
        # The contents count the focus area's measures by the published assessment.
        assert "Bedömning i publicerad uppföljning" in page and "<li>Avviker: 1</li>" in page


def test_a_later_accepted_report_stays_private_until_it_too_is_published(
    followed_up, measure, alice, bob, charlie
):
    follow_up_publish(plan=followed_up, year=2025, user=alice)
    later = FollowUpRound.objects.create(
        plan=followed_up,
        year=2026,
        due_on=datetime.date(2026, 2, 27),
        status=FollowUpRound.Status.CLOSED,
    )
    _accepted(measure, later, "genomford")
    for reader in (None, charlie):
        page = _plan_page(reader, followed_up)
        assert DEVIATING_MARK in page and "Genomförd ·" not in page
    # Those who work on the plan (its strategist; the rapportör whose unit owns the measure) see
    # the latest accepted report, as before.
    for worker in (alice, bob):
        page = _plan_page(worker, followed_up)
        assert "◆</span> Genomförd · Helår 2026" in page and "publicerade uppföljningen" not in page
        assert "Senaste bedömning" in page and "<li>Genomförd: 1</li>" in page


def test_only_the_current_version_of_the_latest_year_counts(followed_up, measure, alice):
    first = follow_up_publish(plan=followed_up, year=2025, user=alice)
    report = MeasureReport.objects.get(measure=measure)
    report.status = "enligt_plan"
    report.save()
    follow_up_publish(plan=followed_up, year=2025, user=alice, reason="Rättad bedömning.")
    assert PublishedFollowUp.objects.get(pk=first.pk).replaced_by is not None
    page = _plan_page(None, followed_up)
    assert "●</span> Enligt plan · Helår 2025" in page and "Avviker ·" not in page


def test_a_draft_report_is_never_shown_to_anonymous_even_once_published(
    monkeypatch, measure, alice
):
    freeze(monkeypatch, "2026-03-02 10:00")
    plan = publishable(measure.plan, 2025)
    round_ = FollowUpRound.objects.get(plan=plan, year=2025)
    MeasureReport.objects.create(
        round=round_, measure=measure, state=MeasureReport.State.DRAFT, status="risk"
    )
    follow_up_publish(plan=plan, year=2025, user=alice)  # published while only a draft
    page = _plan_page(None, plan)
    assert "Risk för avvikelse ·" not in page and "assessment-mark" not in page


def test_the_published_assessments_cost_one_query_whatever_the_number_of_measures(
    followed_up, measure, alice
):
    follow_up_publish(plan=followed_up, year=2025, user=alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _plan_page(None, followed_up)
        return len(captured)

    few = queries()
    round_ = FollowUpRound.objects.get(plan=followed_up, year=2025)
    for number in range(8):
        other = type(measure).objects.create(
            plan=followed_up, focus_area=measure.focus_area, code=f"1{number}", title="Fler"
        )
        _accepted(other, round_, "risk")
    follow_up_publish(plan=followed_up, year=2025, user=alice, reason="Fler insatser.")
    assert "<li>Risk för avvikelse: 8</li>" in _plan_page(None, followed_up)
    assert queries() == few
