"""A strategist opens a follow-up round; measure owners report; she accepts or returns."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Measure, Organisation, Responsibility
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DUE = "2026-01-31"


def _open(client, plan, **data) -> object:
    fields = {"year": "2025", "period": "helar", "due_on": DUE, **data}
    return client.post(reverse("reports:round_create", args=[plan.pk]), fields)


def _report(measure) -> MeasureReport:
    return MeasureReport.objects.get(measure=measure)


def _write(client, report, action="draft", **data) -> object:
    fields = {
        "loaded_version": report.version,
        "status": "",
        "progress": "",
        "action": action,
        **data,
    }
    return client.post(reverse("reports:report_edit", args=[report.pk]), fields)


def test_opening_a_round_gives_every_measure_a_report_to_write(alice, measure):
    Measure.objects.create(plan=measure.plan, focus_area=measure.focus_area, title="Andra insatsen")
    response = _open(client_for(alice), measure.plan)
    round_ = FollowUpRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:round_detail", args=[round_.pk])
    assert round_.reports.count() == 2
    assert set(round_.reports.values_list("state", flat=True)) == {"ej_rapporterad"}
    assert round_.history.get().history_user == alice
    assert MeasureReport.history.count() == 2  # the reports were created with their history


def test_a_round_for_a_year_outside_the_plan_or_twice_is_refused(alice, measure):
    client = client_for(alice)
    response = _open(client, measure.plan, year="2031")
    assert response.status_code == 400
    assert "utanför planens period" in response.content.decode()
    assert _open(client, measure.plan).status_code == 302
    again = _open(client, measure.plan)
    assert again.status_code == 400
    assert "redan en uppföljning för den perioden" in again.content.decode()
    assert FollowUpRound.objects.count() == 1 and MeasureReport.objects.count() == 1


def test_only_the_plans_editors_open_a_round(bob, charlie, measure):
    for user in (bob, charlie):
        assert _open(client_for(user), measure.plan).status_code == 404
    assert not FollowUpRound.objects.exists()


def test_owner_finds_her_measure_saves_a_draft_and_submits(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    owner = client_for(bob)
    mine = owner.get(reverse("reports:my_reports")).content.decode()
    assert measure.title in mine and "Ej rapporterad" in mine
    response = _write(owner, report, progress="Läsombud på två förskolor.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "utkast" and report.progress == "Läsombud på två förskolor."
    response = _write(owner, report, action="submit", status="risk", progress="Vikarier saknas.")
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.state, report.status, report.submitted_by) == ("inskickad", "risk", bob)
    page = owner.get(reverse("reports:my_reports")).content.decode()
    assert "Risk för avvikelse" in page and "report-status-risk" in page  # label and colour


def test_submitting_without_status_or_text_is_refused_and_nothing_changes(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    response = _write(client_for(bob), report, action="submit", progress="   ")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Välj en status innan du skickar in." in text
    assert "Skriv hur arbetet går innan du skickar in." in text
    fresh = _report(measure)
    assert (fresh.state, fresh.version) == ("ej_rapporterad", report.version)


def test_a_submitted_report_is_no_longer_the_owners_to_change(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    owner = client_for(bob)
    _write(owner, report, action="submit", status="enligt_plan", progress="Klart enligt plan.")
    report.refresh_from_db()
    response = _write(owner, report, status="avviker", progress="Ändrat i efterhand.")
    assert response.status_code == 400
    assert "inskickad och kan inte ändras" in response.content.decode()
    assert _report(measure).progress == "Klart enligt plan."


def test_outsider_neither_sees_nor_writes_the_report(alice, charlie, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    outsider = client_for(charlie)
    assert outsider.get(reverse("reports:report_edit", args=[report.pk])).status_code == 404
    assert _write(outsider, report, progress="Intrång").status_code == 404
    assert measure.title not in outsider.get(reverse("reports:my_reports")).content.decode()
    assert _report(measure).progress == ""


def test_strategist_returns_with_a_comment_and_accepts_the_completed_report(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    owner, strategist = client_for(bob), client_for(alice)
    _write(owner, report, action="submit", status="avviker", progress="Försenat.")
    review = reverse("reports:report_review", args=[report.pk])
    refused = strategist.post(review, {"action": "return", "comment": ""})
    assert refused.status_code == 400 and _report(measure).state == "inskickad"
    strategist.post(review, {"action": "return", "comment": "Skriv vad som är försenat."})
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == ("returnerad", alice)
    assert "Skriv vad som är försenat." in owner.get(reverse("reports:my_reports")).content.decode()
    _write(owner, report, action="submit", status="avviker", progress="Lokalen blev klar i maj.")
    assert strategist.post(review, {"action": "accept", "comment": ""}).status_code == 302
    assert _report(measure).state == "godkand"


def test_only_the_plans_editors_review(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    report = _report(measure)
    _write(client_for(bob), report, action="submit", status="genomford", progress="Klart.")
    response = client_for(bob).post(
        reverse("reports:report_review", args=[report.pk]), {"action": "accept"}
    )
    assert response.status_code == 404 and _report(measure).state == "inskickad"


def test_closed_round_refuses_reports(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    round_ = FollowUpRound.objects.get()
    client_for(alice).post(reverse("reports:round_close", args=[round_.pk]))
    report = _report(measure)
    response = _write(client_for(bob), report, progress="För sent.")
    assert response.status_code == 400 and "Uppföljningen är stängd" in response.content.decode()
    assert _report(measure).progress == ""
    assert measure.title not in client_for(bob).get(reverse("reports:my_reports")).content.decode()


def test_overview_lists_what_each_organisation_has_not_reported(alice, bob, measure, norberg):
    school = Organisation.objects.create(name="Skolan", parent=norberg, kind="enhet")
    other = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Skolinsatsen"
    )
    Responsibility.objects.create(measure=other, organisation=school, role="ansvarig")
    _open(client_for(alice), measure.plan)
    _write(client_for(bob), _report(measure), action="submit", status="genomford", progress="Ok")
    page = client_for(alice).get(
        reverse("reports:round_detail", args=[FollowUpRound.objects.get().pk])
    )
    rows = {
        line.split("</th>")[0].rsplit(">", 1)[-1]: line
        for line in re.split(r'<th scope="row"[^>]*lang="sv">', page.content.decode())[1:]
    }
    assert "1B" in rows["Norbergs kommun › Skolan"]
    assert "1A" not in rows["Norbergs kommun › Biblioteket"]


def test_figure_reached_is_asked_only_where_the_expected_result_has_a_number(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    url = reverse("reports:report_edit", args=[_report(measure).pk])
    assert 'name="figure_reached"' not in client_for(bob).get(url).content.decode()
    Measure.objects.filter(pk=measure.pk).update(expected_result="100 familjer nås")
    assert 'name="figure_reached"' in client_for(bob).get(url).content.decode()
    report = _report(measure)
    _write(client_for(bob), report, progress="Bra", figure_reached="1 234,5")
    assert str(_report(measure).figure_reached) == "1234.50"


def _queries(client, url: str) -> int:
    """Return how many queries the page takes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_report_pages_take_the_same_queries_for_few_and_many_measures(alice, bob, measure):
    _open(client_for(alice), measure.plan)
    round_ = FollowUpRound.objects.get()
    library = measure.responsibilities.get().organisation
    pages = (
        (client_for(alice), reverse("reports:round_detail", args=[round_.pk])),
        (client_for(bob), reverse("reports:my_reports")),
    )
    few = [_queries(client, url) for client, url in pages]
    for n in range(10):
        more = Measure.objects.create(
            plan=measure.plan, focus_area=measure.focus_area, code=f"X{n}", title="Fler"
        )
        Responsibility.objects.create(measure=more, organisation=library, role="ansvarig")
        MeasureReport.objects.create(round=round_, measure=more)
    assert [_queries(client, url) for client, url in pages] == few
