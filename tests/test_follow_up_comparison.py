"""A published follow-up compared with the year before: which indicators moved, and which way."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import Indicator, IndicatorValue
from reports.services import follow_up_publish
from tests.conftest import client_for, publishable

pytestmark = pytest.mark.django_db


def _indicator(plan, name: str, direction: str, unit: str = "procent") -> Indicator:
    indicator = Indicator.objects.create(
        owner=plan.owner, name=name, unit=unit, direction=direction, source="manuell"
    )
    indicator.focus_areas.add(plan.focus_areas.first())
    return indicator


def _value(indicator, year: int, **by_sex) -> None:
    for sex, value in by_sex.items():
        IndicatorValue.objects.create(
            indicator=indicator,
            area_code="1962",
            area_name="Norberg",
            year=year,
            sex=sex,
            value=Decimal(str(value)),
            source="manuell",
            organisation=indicator.owner,
        )


@pytest.fixture
def two_years(focus_area, alice):
    """Norberg's follow-ups for 2024 and 2025, published a year apart, with four indicators."""
    plan = publishable(focus_area.plan, 2024, 2025)
    wellbeing = _indicator(plan, "Mår bra eller mycket bra", "hogre")
    _value(wellbeing, 2024, T=61, K=54, M=68)
    ill_health = _indicator(plan, "Ohälsotal", "lagre", unit="dagar")
    _value(ill_health, 2024, T=31)
    steady = _indicator(plan, "Studiero", "hogre")
    _value(steady, 2024, T="30.5")
    new = _indicator(plan, "Nöjda med fritiden", "hogre")
    earlier = follow_up_publish(plan=plan, year=2024, user=alice)
    _value(wellbeing, 2025, T="63.5", K=58, M=69)  # better: higher is better
    _value(ill_health, 2025, T=33)  # worse: lower is better
    _value(steady, 2025, T="30.5")  # the same
    _value(new, 2025, T=70)  # no figure the year before
    later = follow_up_publish(plan=plan, year=2025, user=alice)
    return earlier, later, alice


def _rows(html: str) -> dict[str, list[str]]:
    """Return the indicator table's rows by name: the cells' text."""
    rows = re.findall(r'<tr><th scope="row" lang="sv">(.*?)</th>(.*?)</tr>', html)
    return {name: re.findall(r"<td>(.*?)</td>", cells) for name, cells in rows}


def test_indicators_that_moved_are_listed_with_their_figures_and_which_way(two_years):
    _, later, alice = two_years
    page = client_for(alice).get(reverse("reports:published_compare", args=[later.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert _rows(html) == {
        "Mår bra eller mycket bra (procent)": [
            "61 (K 54, M 68)",
            "63,5 (K 58, M 69)",
            "+2,5",
            "Bättre",
        ],
        "Ohälsotal (dagar)": ["31", "33", "+2", "Sämre"],
        "Nöjda med fritiden (procent)": ["–", "70", "–", "Nytt värde"],
    }
    assert "1 indikator har samma värde som året före." in html
    assert "Bättre: 1. Sämre: 1. Oförändrade: 1." in html  # the totals


def test_the_comparison_reads_the_frozen_figures_not_todays(two_years):
    _, later, alice = two_years
    IndicatorValue.objects.filter(year=2024, indicator__name="Ohälsotal").update(value=40)
    Indicator.objects.filter(name="Ohälsotal").update(direction="hogre")
    page = client_for(alice).get(reverse("reports:published_compare", args=[later.pk]))
    assert _rows(page.content.decode())["Ohälsotal (dagar)"] == ["31", "33", "+2", "Sämre"]


def test_an_indicator_without_a_figure_this_year_is_said_to_lack_one(focus_area, alice):
    plan = publishable(focus_area.plan, 2024, 2025)
    dropped = _indicator(plan, "Daglig rökning", "lagre")
    _value(dropped, 2024, T=9)
    follow_up_publish(plan=plan, year=2024, user=alice)
    later = follow_up_publish(plan=plan, year=2025, user=alice)
    page = client_for(alice).get(reverse("reports:published_compare", args=[later.pk]))
    assert _rows(page.content.decode()) == {
        "Daglig rökning (procent)": ["9", "–", "–", "Värde saknas"]
    }


def test_a_plan_without_indicators_says_so(focus_area, alice):
    plan = publishable(focus_area.plan, 2024, 2025)
    follow_up_publish(plan=plan, year=2024, user=alice)
    later = follow_up_publish(plan=plan, year=2025, user=alice)
    page = client_for(alice).get(reverse("reports:published_compare", args=[later.pk]))
    assert "Uppföljningarna har inga indikatorvärden att jämföra." in page.content.decode()
