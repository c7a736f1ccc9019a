"""The REST API's follow-up: who reads which rounds and reports, a report written through the
report page's form and service under its version, the published follow-ups with their files,
indicators and their values written by the indicator's editors (reports/api.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import FocusArea, Measure, Plan, Responsibility
from reports.models import (
    FollowUpRound,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    MeasureReport,
    PublishedFollowUp,
    Sex,
    Source,
)
from tests.test_api_plans import api, key_of

pytestmark = pytest.mark.django_db

PUBLISHED_AT = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))


def url(name: str, *args, **query) -> str:
    address = reverse(f"api:{name}", args=args)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def patch(client, address: str, payload: object):
    return client.patch(address, payload, content_type="application/json")


@pytest.fixture
def follow_up_round(measure, alice) -> FollowUpRound:
    return FollowUpRound.objects.create(
        plan=measure.plan, year=2025, due_on=datetime.date(2026, 1, 31), opened_by=alice
    )


@pytest.fixture
def report(follow_up_round, measure) -> MeasureReport:
    return MeasureReport.objects.create(round=follow_up_round, measure=measure)


def _measure(plan: Plan, area: FocusArea, organisation, code: str) -> Measure:
    measure = Measure.objects.create(plan=plan, focus_area=area, code=code, title=f"Insats {code}")
    Responsibility.objects.create(
        measure=measure, organisation=organisation, role=Responsibility.Role.RESPONSIBLE
    )
    return measure


# --- Who reads which reports and rounds ----------------------------------------------------


def test_strategist_and_reporter_read_the_report_others_do_not(alice, bob, charlie, report):
    for user in (alice, bob):
        rows = api(token=key_of(user)).get(url("measurereport-list")).json()["results"]
        assert [row["id"] for row in rows] == [report.pk], user
        assert rows[0]["state"] == "ej_rapporterad" and rows[0]["is_editable"] is True
    outsider = api(token=key_of(charlie))
    assert outsider.get(url("measurereport-list")).json()["count"] == 0
    assert outsider.get(url("measurereport-detail", report.pk)).status_code == 404
    assert outsider.get(url("followupround-list")).json()["count"] == 0
    assert api().get(url("measurereport-list")).status_code == 401
    assert api().get(url("followupround-list")).status_code == 401


def test_reporter_reads_the_round_of_her_measure(bob, follow_up_round, report):
    rows = api(token=key_of(bob)).get(url("followupround-list", year=2025)).json()["results"]
    assert [(r["plan"], r["year"], r["period"], r["status"]) for r in rows] == [
        (follow_up_round.plan_id, 2025, "helar", "oppen")
    ]
    assert rows[0]["due_on"] == "2026-01-31"
    assert api(token=key_of(bob)).get(url("followupround-list", status="stangd")).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_reports_are_filtered_by_state_and_assessment(alice, report):
    MeasureReport.objects.filter(pk=report.pk).update(state="utkast", status="risk")
    client = api(token=key_of(alice))
    assert client.get(url("measurereport-list", state="utkast", status="risk")).json()["count"] == 1
    assert client.get(url("measurereport-list", status="avviker")).json()["count"] == 0
    assert client.get(url("measurereport-list", plan=report.round.plan_id)).json()["count"] == 1


# --- Writing a report ----------------------------------------------------------------------


def test_reporter_writes_her_report_under_its_version(bob, report):
    client = api(token=key_of(bob))
    address = url("measurereport-detail", report.pk)
    response = patch(
        client, address, {"status": "risk", "progress": "Två förskolor klara.", "version": 1}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "utkast" and body["status"] == "risk" and body["version"] == 2
    report.refresh_from_db()
    assert report.progress == "Två förskolor klara."
    assert report.history.latest().history_user == bob

    submitted = patch(client, address, {"submit": True, "version": 2})
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "inskickad" and submitted.json()["is_editable"] is False
    report.refresh_from_db()
    assert report.submitted_by == bob and report.status == "risk"


def test_a_stale_report_write_gets_409_and_writes_nothing(bob, report):
    client = api(token=key_of(bob))
    address = url("measurereport-detail", report.pk)
    assert patch(client, address, {"progress": "Först", "version": 1}).status_code == 200
    stale = patch(client, address, {"progress": "Sedan", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["version"] == 2 and stale.json()["current"]["progress"] == "Först"
    report.refresh_from_db()
    assert report.progress == "Först" and report.version == 2


def test_a_closed_round_refuses_the_report_in_swedish(bob, report):
    FollowUpRound.objects.filter(pk=report.round_id).update(status=FollowUpRound.Status.CLOSED)
    response = patch(
        api(token=key_of(bob)),
        url("measurereport-detail", report.pk),
        {"progress": "För sent", "version": 1},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Uppgifterna kunde inte sparas.",
        "fields": {"non_field_errors": ["Uppföljningen är stängd. Kontakta folkhälsostrategen."]},
    }
    report.refresh_from_db()
    assert report.progress == "" and report.version == 1 and report.history.count() == 1


def test_submitting_without_an_assessment_names_the_field(bob, report):
    response = patch(
        api(token=key_of(bob)),
        url("measurereport-detail", report.pk),
        {"progress": "Text", "submit": True, "version": 1},
    )
    assert response.status_code == 400
    assert response.json()["fields"]["status"] == ["Välj en status innan du skickar in."]
    report.refresh_from_db()
    assert report.state == "ej_rapporterad" and report.version == 1


def test_a_figure_is_refused_where_the_measure_has_no_number(bob, report):
    response = patch(
        api(token=key_of(bob)),
        url("measurereport-detail", report.pk),
        {"figure_reached": "12", "version": 1},
    )
    assert response.status_code == 400
    assert "figure_reached" in response.json()["fields"]


def test_a_put_writes_every_field_with_the_figure_reached(bob, report):
    Measure.objects.filter(pk=report.measure_id).update(expected_result="100 familjer")
    response = api(token=key_of(bob)).put(
        url("measurereport-detail", report.pk),
        {
            "status": "enligt_plan",
            "progress": "80 familjer nådda.",
            "figure_reached": "80.5",
            "version": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["figure_reached"] == "80.50"
    report.refresh_from_db()
    assert report.figure_reached == Decimal("80.5") and report.state == "utkast"


def test_hostile_json_gets_field_messages_and_writes_nothing(alice, bob, report, indicator):
    address = url("measurereport-detail", report.pk)
    client = api(token=key_of(bob))
    for payload in (
        {"progress": {"$ne": 1}, "version": 1},
        {"status": "bra", "version": 1},
        {"submit": "kanske", "version": 1},
        {"progress": "Text"},
        {"progress": "Text", "version": "1; DROP"},
        {"comment": "Godkänd av mig själv", "version": 1},
        ["progress"],
    ):
        response = patch(client, address, payload)
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["detail"], payload
    report.refresh_from_db()
    assert report.version == 1 and report.comment == ""
    values = url("indicatorvalue-list")
    editor = api(token=key_of(alice))
    for payload in (
        {"indicator": "x"},
        {"indicator": indicator.pk, "year": "٢٠٢٤", "area_code": "1962", "area_name": "N"},
        {"indicator": indicator.pk, "value": "1e999", "year": 2024, "source": "manuell"},
        {"indicator": indicator.pk, "is_demo": True},
    ):
        response = editor.post(values, payload, content_type="application/json")
        assert response.status_code == 400, (payload, response.content)
    assert not IndicatorValue.objects.exists()
    assert (
        api().post(values, {"indicator": indicator.pk}, content_type="application/json").status_code
        == 401
    )


def test_outsider_cannot_write_the_report(charlie, report):
    response = patch(
        api(token=key_of(charlie)),
        url("measurereport-detail", report.pk),
        {"progress": "Inte min", "version": 1},
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.version == 1


def test_strategist_returns_a_submitted_report_and_the_reporter_cannot_review(
    alice, bob, report, mailoutbox
):
    MeasureReport.objects.filter(pk=report.pk).update(
        state="inskickad", status="risk", progress="Text", submitted_by=bob
    )
    address = url("measurereport-review", report.pk)
    refused = api(token=key_of(bob)).post(
        address, {"accept": True, "version": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    no_comment = api(token=key_of(alice)).post(
        address, {"accept": False, "version": 1}, content_type="application/json"
    )
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()["fields"]
    returned = api(token=key_of(alice)).post(
        address,
        {"accept": False, "comment": "Lägg till siffror.", "version": 1},
        content_type="application/json",
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["state"] == "returnerad" and returned.json()["version"] == 2
    report.refresh_from_db()
    assert report.reviewed_by == alice and report.comment == "Lägg till siffror."


# --- Published follow-ups ------------------------------------------------------------------


def _published(plan: Plan, year: int, **fields) -> PublishedFollowUp:
    return PublishedFollowUp.objects.create(
        plan=plan,
        year=year,
        content={"summary": {"measures": 3}},
        pdf=b"%PDF-1.7 publicerad",
        publisher="Alice Strateg, folkhälsostrateg",
        published_at=PUBLISHED_AT,
        **fields,
    )


def test_anyone_reads_published_follow_ups_with_working_file_links(adopted_plan, alice):
    published = _published(adopted_plan, 2024)
    response = api().get(url("publishedfollowup-list"))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["publisher"] == "Alice Strateg, folkhälsostrateg"
    assert "published_by" not in row and "content" not in row
    assert row["pdf_ready"] is True and row["docx_ready"] is False
    assert row["pdf_url"] == f"http://testserver/uppfoljningar/{published.pk}.pdf"
    pdf = api().get(row["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 publicerad"
    detail = api().get(url("publishedfollowup-detail", published.pk)).json()
    assert detail["content"] == {"summary": {"measures": 3}}


def test_archived_versions_are_listed_only_when_asked(adopted_plan):
    current = _published(adopted_plan, 2024)
    earlier = _published(adopted_plan, 2024, replaced_by=current)
    current.reason = "Rättade siffror"
    current.save()
    rows = api().get(url("publishedfollowup-list")).json()["results"]
    assert [(r["id"], r["is_current"], r["reason"]) for r in rows] == [
        (current.pk, True, "Rättade siffror")
    ]
    every = api().get(url("publishedfollowup-list", archived="true")).json()["results"]
    assert {r["id"]: r["replaced_by"] for r in every} == {current.pk: None, earlier.pk: current.pk}
    assert api().get(url("publishedfollowup-detail", earlier.pk)).json()["is_current"] is False


def test_follow_ups_of_a_plan_anonymous_cannot_read_are_hidden(draft_plan, alice):
    published = _published(draft_plan, 2025)
    assert api().get(url("publishedfollowup-list")).json()["count"] == 0
    assert api().get(url("publishedfollowup-detail", published.pk)).status_code == 404
    assert api(token=key_of(alice)).get(url("publishedfollowup-list")).json()["count"] == 1


# --- Indicators and their values -----------------------------------------------------------


@pytest.fixture
def indicator(focus_area) -> Indicator:
    indicator = Indicator.objects.create(
        owner=focus_area.plan.owner,
        name="Ohälsotal, dagar",
        unit="dagar",
        direction=Indicator.Direction.LOWER,
        source=Source.KOLADA,
        kolada_kpi="N00957",
    )
    indicator.focus_areas.add(focus_area)
    IndicatorTarget.objects.create(indicator=indicator, year=2026, sex=Sex.TOTAL, value=25)
    return indicator


def _value(indicator: Indicator, area: str, year: int, sex: str, value: str = "30") -> None:
    IndicatorValue.objects.create(
        indicator=indicator,
        area_code=area,
        area_name={"1962": "Norberg", "0000": "Riket"}[area],
        year=year,
        sex=sex,
        value=Decimal(value),
        source=Source.KOLADA,
    )


def test_indicators_are_read_with_their_targets_by_those_who_may(
    alice, bob, charlie, indicator, measure
):
    rows = api(token=key_of(alice)).get(url("indicator-list")).json()["results"]
    assert [(r["name"], r["kolada_kpi"], r["direction"]) for r in rows] == [
        ("Ohälsotal, dagar", "N00957", "lagre")
    ]
    assert rows[0]["targets"][0]["year"] == 2026 and rows[0]["targets"][0]["value"] == "25.0000"
    assert rows[0]["focus_areas"] == [indicator.focus_areas.get().pk]
    assert api(token=key_of(bob)).get(url("indicator-list")).json()["count"] == 1
    assert api(token=key_of(charlie)).get(url("indicator-list")).json()["count"] == 0
    # Linked to a draft plan only: not public.
    assert api().get(url("indicator-detail", indicator.pk)).status_code == 404


def test_indicator_values_are_filtered_by_area_year_and_sex(alice, indicator):
    for area in ("1962", "0000"):
        for year in (2022, 2023):
            for sex in ("T", "K", "M"):
                _value(indicator, area, year, sex)
    client = api(token=key_of(alice))
    rows = client.get(url("indicatorvalue-list", area_code="1962", year=2023, sex="K")).json()[
        "results"
    ]
    assert [(r["area_code"], r["year"], r["sex"], r["value"]) for r in rows] == [
        ("1962", 2023, "K", "30.0000")
    ]
    by_year = client.get(url("indicatorvalue-list", area_code="0000", sex="T", ordering="-year"))
    assert [r["year"] for r in by_year.json()["results"]] == [2023, 2022]
    assert client.get(url("indicatorvalue-list", indicator=indicator.pk)).json()["count"] == 12
    assert api().get(url("indicatorvalue-list")).json()["count"] == 0


def test_an_editor_writes_values_and_others_are_refused(alice, bob, charlie, indicator, measure):
    payload = {
        "indicator": indicator.pk,
        "area_code": "1962",
        "area_name": "Norberg",
        "year": 2024,
        "sex": "T",
        "value": "28.5",
        "source": "manuell",
    }
    for outsider, status in ((bob, 403), (charlie, 400)):
        refused = api(token=key_of(outsider)).post(
            url("indicatorvalue-list"), payload, content_type="application/json"
        )
        assert refused.status_code == status, refused.json()
    assert not IndicatorValue.objects.exists()

    editor = api(token=key_of(alice))
    created = editor.post(url("indicatorvalue-list"), payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    value = IndicatorValue.objects.get()
    assert value.value == Decimal("28.5") and value.history.latest().history_user == alice
    address = url("indicatorvalue-detail", value.pk)
    assert patch(api(token=key_of(bob)), address, {"value": "1"}).status_code == 403
    assert patch(api(token=key_of(charlie)), address, {"value": "1"}).status_code == 404
    assert api(token=key_of(bob)).delete(address).status_code == 403
    changed = patch(editor, address, {"value": None, "status": "saknas"})
    assert changed.status_code == 200, changed.json()
    value.refresh_from_db()
    assert value.value is None and value.status == "saknas" and value.area_name == "Norberg"
    assert editor.delete(address).status_code == 204
    assert not IndicatorValue.objects.exists()


def test_a_duplicate_or_invalid_value_is_refused_in_swedish(alice, indicator):
    _value(indicator, "1962", 2024, "T")
    editor = api(token=key_of(alice))
    payload = {
        "indicator": indicator.pk,
        "area_code": "1962",
        "area_name": "Norberg",
        "year": 2024,
        "sex": "T",
        "value": "28.5",
        "source": "manuell",
    }
    duplicate = editor.post(url("indicatorvalue-list"), payload, content_type="application/json")
    assert duplicate.status_code == 400
    assert duplicate.json()["fields"]["non_field_errors"] == [
        "Indikatorn har redan ett värde för det området, året och könet."
    ]
    both = editor.post(
        url("indicatorvalue-list"),
        {**payload, "year": 2025, "status": "saknas"},
        content_type="application/json",
    )
    assert both.status_code == 400
    assert both.json()["fields"]["status"] == [
        "Ett värde som saknas kan inte ha ett tal; töm värdet."
    ]
    bad_code = editor.post(
        url("indicatorvalue-list"), {**payload, "area_code": "19"}, content_type="application/json"
    )
    assert bad_code.status_code == 400 and "area_code" in bad_code.json()["fields"]
    assert IndicatorValue.objects.count() == 1


# --- Query counts: the same whatever the page size and the data size ---------------------


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, response.content
    return len(queries)


def _counts_equal(client, address: str, add_more) -> None:
    """Count a list's queries with one row, with six, and with six on pages of two."""
    joined = address + ("&" if "?" in address else "?")
    few = _queries(client, joined + "page_size=100")
    add_more()
    assert client.get(joined + "page_size=100").json()["count"] >= 6
    assert _queries(client, joined + "page_size=100") == few
    assert _queries(client, joined + "page_size=2") == few


def test_report_and_round_lists_ask_the_same_queries_at_two_sizes(alice, report, library):
    plan, area = report.round.plan, report.measure.focus_area
    client = api(alice)

    def more_reports():
        for number in range(5):
            measure = _measure(plan, area, library, f"2{chr(65 + number)}")
            MeasureReport.objects.create(round=report.round, measure=measure)

    _counts_equal(client, url("measurereport-list"), more_reports)

    def more_rounds():
        for year in range(2020, 2025):
            FollowUpRound.objects.create(plan=plan, year=year, due_on=datetime.date(year, 12, 31))

    _counts_equal(client, url("followupround-list"), more_rounds)


def test_published_and_indicator_lists_ask_the_same_queries_at_two_sizes(
    alice, adopted_plan, indicator, focus_area
):
    _published(adopted_plan, 2022)
    _counts_equal(
        api(),
        url("publishedfollowup-list"),
        lambda: [_published(adopted_plan, 2023 + n) for n in range(5)] and None,
    )
    client = api(alice)

    def more_indicators():
        for number in range(5):
            other = Indicator.objects.create(
                owner=indicator.owner, name=f"Indikator {number}", source=Source.MANUAL
            )
            other.focus_areas.add(focus_area)
            IndicatorTarget.objects.create(indicator=other, year=2026, value=number)

    _counts_equal(client, url("indicator-list"), more_indicators)
    _value(indicator, "1962", 2018, "T")
    _counts_equal(
        client,
        url("indicatorvalue-list"),
        lambda: [_value(indicator, "1962", 2019 + n, "T") for n in range(5)] and None,
    )


def test_an_indicator_filter_names_no_link_to_a_hidden_measure(
    alice, charlie, indicator, adopted_plan, measure
):
    from plans.models import FocusArea

    public_area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Öppet")
    indicator.focus_areas.add(public_area)  # so everyone reads the indicator
    indicator.measures.add(measure)  # a measure of the draft, hidden from charlie
    outsider = api(token=key_of(charlie))
    assert outsider.get(url("indicator-list")).json()["count"] == 1
    for value in (measure.pk, 99999999):
        answer = outsider.get(url("indicator-list") + f"?measure={value}")
        assert answer.status_code == 200 and answer.json()["count"] == 0
    answer = outsider.get(url("indicator-list") + f"?focus_area={measure.focus_area_id}")
    assert answer.json()["count"] == 0
    member = api(token=key_of(alice))
    assert member.get(url("indicator-list") + f"?measure={measure.pk}").json()["count"] == 1
