"""Indicators: values by sex and area, targets, the page that shows them, who may read and fetch."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea
from reports.models import Indicator, IndicatorTarget, IndicatorValue, Sex, Source
from reports.services import indicator_values_import_kolada
from tests.conftest import client_for
from tests.kolada_fake import NEXT_PAGE

pytestmark = pytest.mark.django_db

FETCH = {"years": "2022-2023", "areas": "1962,0019,0000"}


@pytest.fixture
def indicator(norberg, focus_area) -> Indicator:
    indicator = Indicator.objects.create(
        owner=norberg,
        name="Ohälsotal, dagar",
        direction=Indicator.Direction.LOWER,
        source=Source.KOLADA,
        kolada_kpi="N00957",
    )
    indicator.focus_areas.add(focus_area)
    return indicator


@pytest.fixture
def imported(kolada, indicator) -> Indicator:
    kolada.serve_norberg()
    indicator_values_import_kolada(
        kpis=["N00957"], municipalities=FETCH["areas"].split(","), years=[2022, 2023]
    )
    return indicator


def _page(user, indicator: Indicator) -> str:
    response = client_for(user).get(reverse("reports:indicator_detail", args=[indicator.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _cells(html: str, year: int) -> list[str]:
    """Return the texts of the cells in the table row of the year, as shown on screen."""

    row = re.search(rf"<th scope=\"row\">{year}</th>(.*?)</tr>", html, re.S)[1]
    cells = re.findall(r"<td.*?</td>", row, re.S)
    shown = [re.sub(r'<span class="visually-hidden">.*?</span>', "", cell) for cell in cells]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in shown]


def test_values_are_shown_per_year_for_women_men_and_total_beside_the_comparisons(alice, imported):
    html = _page(alice, imported)
    assert "Region Västmanland" in html and "Riket" in html
    # Women, men, total, target, the county, the country.
    assert _cells(html, 2022) == ["33,1", "22,4", "27,6", "", "22,8", "21,4"]
    assert _cells(html, 2023) == ["31,9", "saknas", "26,2", "", "22,3", "20,9"]


def test_page_credits_kolada_and_says_which_direction_is_better(alice, imported):
    html = _page(alice, imported)
    assert "Källa: Kolada" in html
    assert "Lägre är bättre" in html and "nyckeltal N00957" in html


def test_target_is_shown_in_its_year(alice, imported):
    IndicatorTarget.objects.create(indicator=imported, year=2023, value=Decimal("25.0"))
    IndicatorTarget.objects.create(indicator=imported, year=2026, sex=Sex.WOMEN, value=24)
    html = _page(alice, imported)
    assert _cells(html, 2023)[3] == "25"
    assert _cells(html, 2026) == ["–", "–", "–", "K 24", "–", "–"]


def test_indicator_without_sex_split_shows_totals_only(alice, kolada, norberg):
    kolada.serve_norberg()
    indicator_values_import_kolada(
        kpis=["N00938"], municipalities=["1962", "0019", "0000"], years=[2022, 2023]
    )
    html = _page(alice, Indicator.objects.get())
    assert "Kvinnor" not in html
    assert _cells(html, 2023) == ["saknas", "", "305,25", "362,75"]


def test_strategist_fetches_from_kolada_on_the_indicator_page(alice, kolada, indicator):
    kolada.serve_norberg()
    url = reverse("reports:indicator_detail", args=[indicator.pk])
    response = client_for(alice).post(url, FETCH, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert indicator.values.count() == 18
    assert "18 nya värden" in response.content.decode()
    assert indicator.values.first().history.first().history_user == alice


def test_failed_fetch_shows_the_error_in_swedish_and_changes_nothing(alice, kolada, imported):
    before = list(IndicatorValue.objects.values_list())
    kolada.serve_raw(NEXT_PAGE, b"oops", status=500)
    url = reverse("reports:indicator_detail", args=[imported.pk])
    response = client_for(alice).post(url, FETCH)
    assert response.status_code == 400
    assert "Kolada svarade med ett fel (HTTP 500)" in response.content.decode()
    assert list(IndicatorValue.objects.values_list()) == before


def test_years_that_are_not_years_are_refused_on_the_page(alice, kolada, indicator):
    url = reverse("reports:indicator_detail", args=[indicator.pk])
    response = client_for(alice).post(url, {"years": "2024-2020", "areas": "1962"})
    assert response.status_code == 400
    assert "det första först" in response.content.decode()
    assert kolada.requests == []


def test_rapportor_reads_the_indicator_of_her_plan_but_cannot_fetch(bob, measure, indicator):
    assert "Hämta från Kolada" not in _page(bob, indicator)
    url = reverse("reports:indicator_detail", args=[indicator.pk])
    assert client_for(bob).post(url, FETCH).status_code == 403


def test_outsider_and_anonymous_do_not_find_an_indicator_of_a_draft(charlie, indicator):
    url = reverse("reports:indicator_detail", args=[indicator.pk])
    for user in (charlie, None):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, FETCH).status_code == 404
        listing = client_for(user).get(reverse("reports:indicator_list")).content.decode()
        assert indicator.name not in listing


def test_anonymous_reads_indicators_linked_to_published_plans(adopted_plan, indicator):
    area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Goda livsvillkor")
    public = Indicator.objects.create(
        owner=adopted_plan.owner, name="Medellivslängd", source=Source.MANUAL
    )
    public.focus_areas.add(area)
    listing = client_for(None).get(reverse("reports:indicator_list")).content.decode()
    assert "Medellivslängd" in listing and indicator.name not in listing
    html = _page(None, public)
    assert "Goda livsvillkor" in html and "Hämta från Kolada" not in html


def test_indicator_page_reads_in_the_same_number_of_queries_for_more_years(alice, indicator):
    def queries() -> int:
        client = client_for(alice)
        url = reverse("reports:indicator_detail", args=[indicator.pk])
        client.get(url)  # the session and roles, read once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _values(indicator, range(2020, 2022))
    few = queries()
    _values(indicator, range(2022, 2040))
    assert queries() == few


def _values(indicator: Indicator, years) -> None:
    for year in years:
        for area, sex in (("1962", "K"), ("1962", "M"), ("1962", "T"), ("0000", "T")):
            IndicatorValue.objects.create(
                indicator=indicator,
                area_code=area,
                area_name=area,
                year=year,
                sex=sex,
                value=year - 2000,
                source=Source.MANUAL,
            )
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=20)


def test_a_value_is_either_a_number_or_missing(indicator):
    value = IndicatorValue(
        indicator=indicator, area_code="1962", area_name="Norberg", year=2024, source="manuell"
    )
    with pytest.raises(ValidationError, match="Ange ett värde, eller markera att det saknas"):
        value.full_clean()
    value.value, value.status = Decimal("3"), IndicatorValue.Status.MISSING
    with pytest.raises(ValidationError, match="Ett värde som saknas kan inte ha ett tal"):
        value.full_clean()
    value.status = ""
    value.full_clean()


def test_women_and_men_are_refused_on_an_indicator_not_split_by_sex(indicator):
    indicator.split_by_sex = False
    value = IndicatorValue(
        indicator=indicator, area_code="1962", area_name="Norberg", year=2024, sex=Sex.WOMEN
    )
    value.value, value.source = Decimal("3"), Source.MANUAL
    with pytest.raises(ValidationError, match="inte uppdelad på kön"):
        value.full_clean()
    with pytest.raises(ValidationError, match="inte uppdelad på kön"):
        IndicatorTarget(indicator=indicator, year=2024, sex=Sex.MEN, value=1).full_clean()


def test_area_code_and_organisation_must_agree(indicator, alingsas):
    value = IndicatorValue(
        indicator=indicator, organisation=alingsas, area_code="1962", area_name="Norberg"
    )
    value.year, value.value, value.source = 2024, Decimal(1), Source.MANUAL
    with pytest.raises(ValidationError, match="kommunkoden 1489"):
        value.full_clean()


def test_database_refuses_a_second_value_for_the_same_area_year_and_sex(indicator):
    fields = {"indicator": indicator, "area_code": "1962", "area_name": "Norberg", "year": 2024}
    IndicatorValue.objects.create(**fields, value=1, source=Source.MANUAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(**fields, value=2, source=Source.MANUAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(**fields | {"year": 2025}, value=None, source="manuell")
    IndicatorValue.objects.create(**fields, tertial=1, value=3, source=Source.MANUAL)


def test_kolada_indicator_needs_its_kpi_and_a_survey_its_name(norberg):
    with pytest.raises(ValidationError, match="nyckeltalets id i Kolada"):
        Indicator(owner=norberg, name="X", source=Source.KOLADA).full_clean()
    with pytest.raises(ValidationError, match="vilken enkät"):
        Indicator(owner=norberg, name="X", source=Source.SURVEY).full_clean()
    with pytest.raises(ValidationError, match="stor bokstav och fem siffror"):
        Indicator(owner=norberg, name="X", source=Source.KOLADA, kolada_kpi="957").full_clean()


def test_admin_offers_focus_areas_of_plans_she_may_edit_only(alice, charlie, indicator, alingsas):
    from plans.models import Plan

    other = Plan.objects.create(
        owner=alingsas, kind="strategi", title="Alingsås utkast", start_year=2025, end_year=2026
    )
    FocusArea.objects.create(plan=other, number="1", title="Hemligt fokusområde")
    url = reverse("admin:reports_indicator_change", args=[indicator.pk])
    page = client_for(alice).get(url).content.decode()
    assert "Föräldraskapsstöd" in page and "Hemligt fokusområde" not in page
    assert client_for(charlie).get(url).status_code == 404


def test_the_page_draws_the_trend_with_a_text_alternative_naming_every_figure(alice, imported):
    import base64
    import html as html_lib
    import xml.etree.ElementTree as ET

    page = _page(alice, imported)
    image = re.search(
        r'<img class="chart" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page
    )
    assert image, "a chart above the table"
    svg = ET.fromstring(base64.b64decode(image[1]))
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    # Women, men, total, the county and the country: a line each, a point per year of data
    # (men's 2023 figure is missing).
    assert [len(line.get("points").split()) for line in lines] == [2, 1, 2, 2, 2]
    alt = html_lib.unescape(image[2])
    assert alt.startswith(f"{imported.name} 2022–2023: ")
    assert "Kvinnor 2022 33,1, 2023 31,9" in alt and "Riket 2022 21,4, 2023 20,9" in alt
