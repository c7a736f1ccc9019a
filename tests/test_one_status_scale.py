"""Two scales, each under its own name: the plan-state ("Läge i planen") and the follow-up's
assessment ("Bedömning"). The plan page shows each measure's latest accepted assessment with its
round, counts them as the follow-up PDF does, and leads to the follow-up to report."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, Plan, Responsibility
from reports.documents import follow_up_document
from reports.models import FollowUpRound, MeasureReport
from reports.services import round_open
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REVIEWED = timezone.make_aware(datetime.datetime(2026, 2, 10, 9))


def _round(plan: Plan, period: str, *, year: int = 2025) -> FollowUpRound:
    return FollowUpRound.objects.create(
        plan=plan,
        year=year,
        period=period,
        due_on=datetime.date(year + 1, 1, 31),
        status=FollowUpRound.Status.CLOSED,
    )


def _report(round_: FollowUpRound, measure: Measure, status: str, state=None) -> MeasureReport:
    return MeasureReport.objects.create(
        round=round_,
        measure=measure,
        status=status,
        state=state or MeasureReport.State.ACCEPTED,
        submitted_at=REVIEWED,
        reviewed_at=REVIEWED,
    )


def _page(user, plan: Plan, **filters):
    response = client_for(user).get(reverse("plans:plan_detail", args=[plan.pk]), filters)
    assert response.status_code == 200
    return response


def test_the_plan_page_shows_the_latest_accepted_assessment_with_its_round(alice, measure):
    _report(_round(measure.plan, "t1"), measure, MeasureReport.Status.ON_TRACK)
    _report(_round(measure.plan, "helar"), measure, MeasureReport.Status.DEVIATING)
    text = _page(alice, measure.plan).content.decode()
    assert "<dt>Bedömning</dt>" in text
    assert 'Avviker · Helår 2025, <time datetime="2026-02-10">' in text
    assert "Enligt plan · Tertial 1 2025" not in text
    assert "Senaste bedömning" in text and "<li>Avviker: 1</li>" in text


def test_a_submitted_report_is_not_an_assessment_until_it_is_accepted(alice, measure):
    _report(_round(measure.plan, "t1"), measure, MeasureReport.Status.ON_TRACK)
    later = _round(measure.plan, "helar")
    _report(later, measure, MeasureReport.Status.DEVIATING, MeasureReport.State.SUBMITTED)
    text = _page(alice, measure.plan).content.decode()
    assert "Enligt plan · Tertial 1 2025" in text and "Avviker ·" not in text


def test_a_measure_never_reported_shows_its_plan_state_and_no_assessment(alice, measure):
    measure.status = Measure.Status.ONGOING
    measure.save()
    text = _page(alice, measure.plan).content.decode()
    assert "<dt>Läge i planen</dt><dd>Pågående/förankrad</dd>" in text
    assert "<dt>Bedömning</dt>" not in text and "Senaste bedömning" not in text
    assert "<dt>Status</dt><dd>Pågående" not in text


def test_the_filters_name_both_scales_and_filter_by_assessment(alice, measure):
    Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Ingen rapport än"
    )
    _report(_round(measure.plan, "helar"), measure, MeasureReport.Status.DEVIATING)
    text = _page(alice, measure.plan).content.decode()
    assert 'for="id_status">Läge i planen' in text and 'for="id_assessment">Bedömning' in text
    deviating = _page(alice, measure.plan, assessment="avviker").content.decode()
    assert 'id="insats-1A"' in deviating and 'id="insats-1B"' not in deviating
    unassessed = _page(alice, measure.plan, assessment="ej_bedomd").content.decode()
    assert 'id="insats-1B"' in unassessed and 'id="insats-1A"' not in unassessed


def test_contents_count_the_assessments_as_the_follow_up_pdf_does(demo):
    plan = Plan.objects.get(title__startswith="Region Norrbottens")
    response = _page(None, plan)
    shown = Counter()
    for node in response.context["tree"]:
        shown.update(dict(node.assessment_counts))
    summary = follow_up_document(plan=plan, year=2021)["summary"]["statuses"]
    expected = {s["label"]: s["count"] for s in summary if s["status"] and s["count"]}
    assert dict(shown) == expected and sum(expected.values()) == plan.measures.count()
    text = response.content.decode()
    assert "Genomförd · Helår 2021" in text  # the demo: the 2021 round's assessments
    assert "Ej angiven:" not in text


def test_reporting_leads_to_the_open_rounds_report(alice, bob, measure):
    round_open(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=alice
    )
    report = MeasureReport.objects.get(measure=measure)
    form = reverse("reports:report_edit", args=[report.pk])
    text = _page(bob, measure.plan).content.decode()
    assert f'href="{form}">Rapportera i uppföljningen 1A' in text
    old = reverse("plans:measure_report", args=[measure.pk])
    assert client_for(bob).get(old)["Location"] == form


def test_without_an_open_round_there_is_no_reporting_link(bob, measure):
    text = _page(bob, measure.plan).content.decode()
    assert "Rapportera" not in text and "Din organisation rapporterar på insatsen." in text
    old = reverse("plans:measure_report", args=[measure.pk])
    assert client_for(bob).get(old)["Location"] == f"/planer/{measure.plan_id}/#insats-1A"


def _queries(user, plan: Plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(user, plan)
    return len(captured)


def _grow(measure: Measure, library, count: int) -> None:
    """Give the measure's plan `count` more measures of the library, each assessed twice."""
    plan = measure.plan
    more = Measure.objects.bulk_create(
        Measure(plan=plan, focus_area=measure.focus_area, code=f"9{i}", title=f"Insats {i}")
        for i in range(count)
    )
    Responsibility.objects.bulk_create(
        Responsibility(measure=m, organisation=library, role=Responsibility.Role.RESPONSIBLE)
        for m in more
    )
    for period in ("t1", "helar"):
        round_ = FollowUpRound.objects.get(plan=plan, year=2025, period=period)
        MeasureReport.objects.bulk_create(
            MeasureReport(
                round=round_,
                measure=m,
                status=MeasureReport.Status.DONE,
                state=MeasureReport.State.ACCEPTED,
                reviewed_at=REVIEWED,
            )
            for m in more
        )


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob"])
def test_the_plan_page_query_count_does_not_grow_with_the_assessed_measures(
    who, alice, bob, measure, library
):
    plan = measure.plan
    plan.status = Plan.Status.ADOPTED
    plan.save()
    _report(_round(plan, "t1"), measure, MeasureReport.Status.ON_TRACK)
    _report(_round(plan, "helar"), measure, MeasureReport.Status.DEVIATING)
    round_open(plan=plan, year=2026, period="helar", due_on=datetime.date(2027, 1, 31), user=alice)
    user = {"anonymous": None, "alice": alice, "bob": bob}[who]
    small = _queries(user, plan)
    _grow(measure, library, 40)
    assert _queries(user, plan) == small
