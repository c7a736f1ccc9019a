"""The follow-up finds deviations without being asked: targets missed, worse than last year,
worse than the county or the country, and gaps between women and men wider than she set."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from plans.models import BudgetAmount
from reports.documents import follow_up_document
from reports.models import Indicator, IndicatorTarget, IndicatorValue
from reports.services import follow_up_render

pytestmark = pytest.mark.django_db


def _values(indicator, area: str, name: str, year: int, **by_sex) -> None:
    for sex, value in by_sex.items():
        IndicatorValue.objects.create(
            indicator=indicator,
            area_code=area,
            area_name=name,
            year=year,
            sex=sex,
            value=Decimal(str(value)),
            source="manuell",
            organisation=indicator.owner if area == "1962" else None,
        )


@pytest.fixture
def ill_health(norberg, focus_area) -> Indicator:
    """Norberg's ill-health days (lower is better), linked to the plan's focus area."""
    indicator = Indicator.objects.create(
        owner=norberg, name="Ohälsotal", unit="dagar", direction="lagre", source="manuell"
    )
    indicator.focus_areas.add(focus_area)
    _values(indicator, "1962", "Norberg", 2024, T=31, K=36, M=27)
    _values(indicator, "1962", "Norberg", 2025, T=33, K=36, M=30)
    _values(indicator, "0019", "Region Västmanland", 2025, T=26)
    _values(indicator, "0000", "Riket", 2025, T=34)
    IndicatorTarget.objects.create(indicator=indicator, year=2025, value=Decimal(30))
    return indicator


def _kinds(content: dict) -> set[str]:
    return {d["kind"] for d in content["indicator_deviations"]}


def test_the_deviations_listed_are_the_ones_the_data_has(ill_health, focus_area):
    content = follow_up_document(plan=focus_area.plan, year=2025)
    assert _kinds(content) == {
        "Målet nås inte",  # 33 against the target 30, lower is better
        "Sämre än året före",  # 33 against 31
        "Sämre än Region Västmanland",  # 33 against 26; the country (34) is worse, not listed
        "Skillnad mellan kvinnor och män",  # 36 against 30: 6 is more than 5
    }


def test_a_wider_gap_threshold_leaves_the_gap_out(ill_health, focus_area):
    content = follow_up_document(plan=focus_area.plan, year=2025, gap=Decimal(6))
    assert "Skillnad mellan kvinnor och män" not in _kinds(content)
    assert content["gap"] == "6"


def test_higher_is_better_turns_every_comparison_round(ill_health, focus_area):
    Indicator.objects.filter(pk=ill_health.pk).update(direction="hogre")
    content = follow_up_document(plan=focus_area.plan, year=2025)
    assert _kinds(content) == {"Sämre än Riket", "Skillnad mellan kvinnor och män"}


def test_the_pdf_shows_women_and_men_the_target_and_the_comparisons(ill_health, focus_area):
    pdf = follow_up_render(content=follow_up_document(plan=focus_area.plan, year=2025))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    squeezed = "".join(text.split())
    assert "Indikator:Ohälsotal(dagar)" in squeezed
    assert "2025363033302634" in squeezed  # year, women, men, total, target, county, country
    assert "Kvinnor36" in squeezed and "Män30" in squeezed  # the chart's text alternative too
    assert "MåletnåsinteÅ" not in squeezed  # deviations are in a table, not run together
    assert "Sämreänåretföre" in squeezed


def test_the_budget_outcome_stands_beside_the_budget(budget, focus_area):
    BudgetAmount.objects.update(outcome=Decimal("320000"))
    content = follow_up_document(plan=focus_area.plan, year=2025)
    outcome = content["budget"]["outcome"]
    assert outcome["total"] == {
        "budget": "350000.00",
        "outcome": "320000.00",
        "difference": "-30000.00",
    }
    assert outcome["lines"][0]["name"] == "Personal"
    pdf = follow_up_render(content=content)
    text = "".join("".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())
    assert "Personal350000320000−30000" in text or "Personal350000320000-30000" in text


def test_each_deviation_is_a_plain_swedish_sentence(ill_health, focus_area):
    content = follow_up_document(plan=focus_area.plan, year=2025)
    texts = {d["kind"]: d["text"] for d in content["indicator_deviations"]}
    assert texts == {
        "Målet nås inte": "Ohälsotal var 33 dagar 2025 och är över målet 30.",
        "Sämre än året före": "Ohälsotal steg från 31 till 33 dagar 2025.",
        "Sämre än Region Västmanland": (
            "Ohälsotal var 33 dagar 2025, sämre än Region Västmanland, där värdet var 26."
        ),
        "Skillnad mellan kvinnor och män": (
            "Kvinnor låg på 36 och män på 30 dagar 2025: en skillnad på 6, mer än de 5 "
            "rapporten redovisar från."
        ),
    }


def test_the_chart_is_a_trend_with_one_point_per_year_of_data(ill_health, focus_area):
    """Ill-health for Norberg in 2024 and 2025: the total, women and men have a point each
    year, the target and the comparisons a point in 2025 only."""
    import base64
    import re

    content = follow_up_document(plan=focus_area.plan, year=2025)
    (indicator,) = content["indicators"]
    svg = base64.b64decode(indicator["chart"].split(",", 1)[1]).decode()
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    points = [len(line.split()) for line in lines]
    assert points == [2, 2, 2, 1, 1, 1]  # women, men, total, target, county, country
    assert svg.count('class="point"') == sum(points)
    assert indicator["alt"].startswith("Ohälsotal 2024–2025: ")
    assert "Totalt 2024 31, 2025 33" in indicator["alt"]


def test_a_kolada_figure_is_credited_with_its_key_figure_and_fetch_date(norberg, focus_area):
    import datetime

    from django.utils import timezone

    indicator = Indicator.objects.create(
        owner=norberg,
        name="Medellivslängd",
        unit="år",
        direction="hogre",
        source="kolada",
        kolada_kpi="N00925",
    )
    indicator.focus_areas.add(focus_area)
    _values(indicator, "1962", "Norberg", 2025, T=81)
    fetched = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    indicator.values.update(source="kolada", imported_at=fetched)
    content = follow_up_document(plan=focus_area.plan, year=2025)
    (entry,) = content["indicators"]
    assert (entry["kpi"], entry["fetched_on"], entry["demo"]) == ("N00925", "2026-03-02", False)
    pdf = follow_up_render(content=content)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
    assert "Källa: Kolada (nyckeltal N00925, hämtat 2 mars 2026)" in text


def test_a_survey_figure_is_credited_with_its_years_n_and_response_rate(norberg, focus_area):
    from django.core.exceptions import ValidationError
    from docx import Document

    from reports.word import follow_up_docx

    indicator = Indicator.objects.create(
        owner=norberg,
        name="Mår bra",
        unit="%",
        direction="hogre",
        source="enkat",
        survey="Liv och hälsa ung",
        split_by_sex=True,
    )
    indicator.focus_areas.add(focus_area)
    _values(indicator, "1962", "Norberg", 2023, K=54, M=68)
    _values(indicator, "1962", "Norberg", 2025, K=56, M=70)
    indicator.values.update(source="enkat")
    # 2023: women's and men's n added up; 2025: the total's n and the response rate.
    indicator.values.filter(year=2023, sex="K").update(respondents=150)
    indicator.values.filter(year=2023, sex="M").update(respondents=162)
    _values(indicator, "1962", "Norberg", 2025, T=63)
    indicator.values.filter(year=2025).update(source="enkat")
    indicator.values.filter(year=2025, sex="T").update(respondents=1205, response_rate="78.5")
    content = follow_up_document(plan=focus_area.plan, year=2025)
    (entry,) = content["indicators"]
    credit = "Liv och hälsa ung 2023 (n = 312) och 2025 (n = 1205, svarsfrekvens 78,5 %)"
    assert entry["survey_credit"] == credit
    pdf = follow_up_render(content=content)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
    assert f"Källa: {credit}" in text
    word = Document(BytesIO(follow_up_docx(content=content)))
    assert f"Källa: {credit}" in [p.text for p in word.paragraphs]
    # Only a survey's figure has respondents; a rate is a percentage (also in the database).
    manual = IndicatorValue(
        indicator=indicator,
        area_code="1962",
        area_name="Norberg",
        year=2026,
        sex="K",
        value=Decimal(1),
        source="manuell",
        respondents=10,
    )
    with pytest.raises(ValidationError) as refused:
        manual.full_clean()
    assert refused.value.message_dict["respondents"] == ["Anges bara för värden från en enkät."]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.values.filter(year=2025, sex="T").update(response_rate="120")
