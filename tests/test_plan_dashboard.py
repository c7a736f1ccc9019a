"""A plan's dashboard: the follow-up's figures on one screen, from the same content as the PDF;
the working figures for its editors, the published follow-up only for everyone else."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea, Measure, Plan, Responsibility
from reports.documents import follow_up_document
from reports.models import FollowUpRound, MeasureReport
from reports.services import follow_up_publish, round_open
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("reports:plan_dashboard", args=[plan.pk])


def _counts(page: str) -> list[str]:
    """Return the dashboard's bottom line: the whole plan per assessment, as its cells read."""
    foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
    return re.findall(r'<td class="num">(\d+)</td>', foot)


@pytest.fixture
def followed(measure, alice, library):
    """The draft made adopted, three measures, a closed 2025 round: 1A on plan, 1B at risk,
    1C not reported."""
    plan = measure.plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    plan.refresh_from_db()
    for code in ("1B", "1C"):
        other = Measure.objects.create(
            plan=plan, focus_area=measure.focus_area, code=code, title=f"Insats {code}"
        )
        Responsibility.objects.create(
            measure=other, organisation=library, role=Responsibility.Role.RESPONSIBLE
        )
    round_ = round_open(
        plan=plan,
        year=2025,
        period=FollowUpRound.Period.YEAR,
        due_on=datetime.date(2026, 1, 31),
        user=alice,
    )
    for code, status in (("1A", "enligt_plan"), ("1B", "risk")):
        round_.reports.filter(measure__code=code).update(
            state=MeasureReport.State.ACCEPTED, status=status, progress="Rapport."
        )
    FollowUpRound.objects.filter(pk=round_.pk).update(status=FollowUpRound.Status.CLOSED)
    return plan


def test_the_editor_sees_the_same_figures_as_the_follow_up_pdf(followed, alice):
    page = client_for(alice).get(_url(followed)).content.decode()

    content = follow_up_document(plan=followed, year=2025)
    expected = [str(s["count"]) for s in content["summary"]["statuses"]] + ["3"]
    assert _counts(page) == expected
    assert "Arbetsläge för 2025" in page
    assert "1C Insats 1C" in page.split('id="ej-rapporterade"')[1].split("</section>")[0]
    assert "1B Insats 1B" in page.split('id="avvikelser"')[1].split("</section>")[0]
    assert "1 Föräldraskapsstöd" in page


def test_readers_see_only_the_published_follow_up(followed, alice, bob):
    for reader in (None, bob):
        page = client_for(reader).get(_url(followed)).content.decode()
        assert "Ingen uppföljning av planen är publicerad ännu." in page
        assert "Insats 1B" not in page

    published = follow_up_publish(plan=followed, year=2025, user=alice)
    # Later the strategist's working figures change; readers keep what was published.
    MeasureReport.objects.filter(measure__code="1C").update(
        state=MeasureReport.State.ACCEPTED, status="avviker"
    )
    page = client_for(None).get(_url(followed)).content.decode()
    assert "Publicerad uppföljning" in page
    assert reverse("reports:published_pdf", args=[published.pk]) in page
    assert "1C Insats 1C" in page.split('id="ej-rapporterade"')[1].split("</section>")[0]
    editor = client_for(alice).get(_url(followed)).content.decode()
    assert "1C Insats 1C" not in editor.split('id="ej-rapporterade"')[1].split("</section>")[0]


def test_a_year_is_chosen_and_a_strange_one_falls_back_to_the_latest(followed, alice):
    client = client_for(alice)
    round_open(
        plan=followed,
        year=2026,
        period=FollowUpRound.Period.YEAR,
        due_on=datetime.date(2027, 1, 29),
        user=alice,
    )
    assert "Arbetsläge för 2026" in client.get(_url(followed)).content.decode()
    assert "Arbetsläge för 2025" in client.get(_url(followed) + "?ar=2025").content.decode()
    for strange in ("1999", "١٢", "9" * 5000, "x"):
        response = client.get(_url(followed), {"ar": strange})
        assert response.status_code == 200 and "Arbetsläge för 2026" in response.content.decode()


def test_a_draft_plans_dashboard_does_not_exist_for_outsiders(measure, charlie):
    assert client_for(None).get(_url(measure.plan)).status_code == 404
    assert client_for(charlie).get(_url(measure.plan)).status_code == 404


def _grow(plan, library, measures: int, areas: int) -> None:
    for a in range(areas):
        area = FocusArea.objects.create(plan=plan, number=f"{a + 2}", title=f"Område {a}")
        for m in range(measures):
            other = Measure.objects.create(
                plan=plan, focus_area=area, code=f"{a + 2}{m}", title=f"Insats {m}"
            )
            Responsibility.objects.create(
                measure=other, organisation=library, role=Responsibility.Role.RESPONSIBLE
            )


def _queries(user, plan, year=2025) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(plan), {"ar": year}).status_code == 200
    return len(queries.captured_queries)


def test_the_dashboard_asks_a_fixed_number_of_queries(followed, alice, library):
    small = _queries(alice, followed)
    published = _queries(None, followed)
    _grow(followed, library, measures=10, areas=4)
    round_open(
        plan=followed,
        year=2026,
        period=FollowUpRound.Period.YEAR,
        due_on=datetime.date(2027, 1, 29),
        user=alice,
    )
    assert _queries(alice, followed) == small
    assert _queries(alice, followed, year=2026) == small
    assert _queries(None, followed) == published
