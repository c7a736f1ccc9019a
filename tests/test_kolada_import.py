"""Importing indicator values from Kolada: recorded answers served by a local fake, no network."""

import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports.kolada import KoladaError, parse_areas, parse_kpis, parse_years
from reports.models import Indicator, IndicatorValue, Sex, Source
from reports.services import indicator_values_import_kolada
from tests.kolada_fake import FIXTURES, NEXT_PAGE

pytestmark = pytest.mark.django_db

AREAS = ["1962", "0019", "0000"]
DATA = "/data/kpi/N00957/municipality/1962,0019,0000/year/2022,2023"


def _import(kpis=("N00957",), areas=AREAS, **kwargs):
    return indicator_values_import_kolada(
        kpis=list(kpis), municipalities=list(areas), years=[2022, 2023], **kwargs
    )


def _value(area: str, year: int, sex: str) -> IndicatorValue:
    return IndicatorValue.objects.get(area_code=area, year=year, sex=sex)


def _stored() -> list[tuple]:
    return list(IndicatorValue.objects.order_by("pk").values_list())


def test_import_follows_next_url_and_stores_every_sex(kolada, norberg):
    kolada.serve_norberg()
    _import()
    assert NEXT_PAGE in kolada.requests
    indicator = Indicator.objects.get()
    assert (indicator.owner, indicator.name, indicator.kolada_kpi) == (
        norberg,
        "Ohälsotal, dagar",
        "N00957",
    )
    assert indicator.split_by_sex and indicator.source == Source.KOLADA
    assert IndicatorValue.objects.count() == 18  # 3 areas × 2 years × 3 sexes
    assert _value("0000", 2023, Sex.WOMEN).value == Decimal("25.2")  # from the second page
    assert _value("1962", 2022, Sex.MEN).value == Decimal("22.4")


def test_areas_are_named_as_kolada_names_them_and_linked_to_their_organisation(kolada, norberg):
    kolada.serve_norberg()
    _import()
    norberg_value, county, country = (_value(a, 2022, Sex.TOTAL) for a in AREAS)
    assert (norberg_value.area_name, norberg_value.organisation) == ("Norberg", norberg)
    assert (county.area_name, county.organisation) == ("Region Västmanland", None)
    assert (country.area_name, country.organisation) == ("Riket", None)


def test_null_value_is_stored_as_missing(kolada, norberg):
    kolada.serve_norberg()
    result = _import()
    missing = _value("1962", 2023, Sex.MEN)
    assert missing.value is None and missing.status == IndicatorValue.Status.MISSING
    assert _value("1962", 2023, Sex.WOMEN).status == ""
    assert result.indicators[0].missing == 1


def test_kpi_without_sex_split_gets_totals_only(kolada, norberg):
    kolada.serve_norberg()
    _import(kpis=["N00938"])
    indicator = Indicator.objects.get()
    assert not indicator.split_by_sex
    assert set(indicator.values.values_list("sex", flat=True)) == {Sex.TOTAL}
    assert _value("0000", 2023, Sex.TOTAL).value == Decimal("362.75")
    assert _value("1962", 2023, Sex.TOTAL).is_missing


def test_two_kpis_make_two_indicators_in_one_request(kolada, norberg):
    kolada.serve_norberg()
    _import(kpis=["N00957", "N00938"])
    assert sorted(Indicator.objects.values_list("kolada_kpi", flat=True)) == ["N00938", "N00957"]
    assert IndicatorValue.objects.count() == 18 + 6


def test_more_than_25_municipalities_are_asked_for_25_at_a_time(kolada, norberg):
    codes = ["1962", *(f"{n:04d}" for n in range(1001, 1030))]  # 30 areas
    kolada.serve("/kpi/N00957", "kpi_N00957.json")
    kolada.fallback = _answer_any_area
    _import(areas=codes)
    asked = [_ids(path, "municipality") for path in kolada.requests if path.startswith("/data/")]
    assert sorted(len(ids) for ids in asked) == [5, 25]
    assert sorted(code for ids in asked for code in ids) == sorted(codes)
    assert IndicatorValue.objects.values("area_code").distinct().count() == 30


def _ids(path: str, dimension: str) -> list[str]:
    return re.search(rf"/{dimension}/([^/?]+)", path)[1].split(",")


def _answer_any_area(path: str) -> tuple[int, dict]:
    """Answer /municipality and /data for whatever areas are asked, as Kolada would."""
    codes = _ids(path, "municipality")
    if path.startswith("/municipality/"):
        rows = [{"id": code, "title": f"Kommun {code}", "type": "K"} for code in codes]
    else:
        figure = {"count": 1, "gender": "T", "isdeleted": False, "status": "", "value": 20.5}
        rows = [
            {"kpi": "N00957", "municipality": c, "period": 2022, "values": [figure]} for c in codes
        ]
    return 200, {"count": len(rows), "next_url": None, "previous_url": None, "values": rows}


def test_http_500_ends_with_a_clear_message_and_writes_nothing(kolada, norberg):
    kolada.serve_norberg()
    kolada.serve_raw("/kpi/N00957", b'{"error": "internal"}', status=500)
    with pytest.raises(KoladaError, match="Kolada svarade med ett fel \\(HTTP 500\\)"):
        _import()
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()


def test_broken_json_ends_with_a_clear_message_and_writes_nothing(kolada, norberg):
    kolada.serve_norberg()
    kolada.serve_raw(DATA, b'{"count": 3, "values": [{"kpi": "N00957", ')
    with pytest.raises(KoladaError, match="oväntat format"):
        _import()
    assert not Indicator.objects.exists()


def test_unexpected_shape_is_refused_like_broken_json(kolada, norberg):
    kolada.serve_norberg()
    page = json.loads((FIXTURES / "data_N00957_page1.json").read_text())
    page["values"][0]["values"][0]["gender"] = "X"
    kolada.serve_raw(DATA, json.dumps(page).encode())
    with pytest.raises(KoladaError, match="oväntat format"):
        _import()


def test_next_url_to_another_address_is_not_followed(kolada, norberg):
    kolada.serve_norberg()
    page = json.loads((FIXTURES / "data_N00957_page1.json").read_text())
    page["next_url"] = "http://elsewhere.example/v3/data?page=2"
    kolada.serve_raw(DATA, json.dumps(page).encode())
    with pytest.raises(KoladaError, match="oväntat format"):
        _import()
    assert not any("elsewhere" in path for path in kolada.requests)


def test_unreachable_kolada_ends_with_a_clear_message(norberg):
    # No fake: the tests point the client at a closed port on this machine.
    with pytest.raises(KoladaError, match="Det gick inte att nå Kolada"):
        _import()


def test_unknown_kpi_is_named_in_the_message(kolada, norberg):
    kolada.serve_raw("/kpi/N99999", b'{"count": 0, "next_url": null, "values": []}')
    with pytest.raises(KoladaError, match="känner inte till nyckeltalet N99999"):
        _import(kpis=["N99999"])


def test_second_run_changes_nothing_and_writes_no_history(kolada, norberg, alice):
    kolada.serve_norberg()
    _import(user=alice)
    before = (_stored(), IndicatorValue.history.count(), Indicator.history.count())
    result = _import(user=alice)
    assert (_stored(), IndicatorValue.history.count(), Indicator.history.count()) == before
    assert result.written == 0 and result.indicators[0].unchanged == 18
    assert IndicatorValue.history.filter(history_user=alice).count() == 18


def test_changed_figure_is_updated_with_the_user_in_its_history(kolada, norberg, alice):
    kolada.serve_norberg()
    _import()
    page = json.loads((FIXTURES / "data_N00957_page1.json").read_text())
    page["values"][0]["values"][0]["value"] = 30.0  # Norberg 2022, women
    kolada.serve_raw(
        DATA, json.dumps(page).replace("https://api.kolada.se/v3", kolada.url).encode()
    )
    result = _import(user=alice)
    assert _value("1962", 2022, Sex.WOMEN).value == Decimal("30")
    assert (result.indicators[0].changed, result.indicators[0].new) == (1, 0)
    assert _value("1962", 2022, Sex.WOMEN).history.first().history_user == alice


def test_failing_second_page_leaves_nothing_half_imported(kolada, norberg):
    kolada.serve_norberg()
    _import()
    before = _stored()
    page = json.loads((FIXTURES / "data_N00957_page1.json").read_text())
    page["values"][0]["values"][0]["value"] = 30.0  # would change Norberg 2022, women
    kolada.serve_raw(
        DATA, json.dumps(page).replace("https://api.kolada.se/v3", kolada.url).encode()
    )
    kolada.serve_raw(NEXT_PAGE, b"Bad Gateway", status=502)
    with pytest.raises(KoladaError, match="HTTP 502"):
        _import()
    assert _stored() == before


def test_without_an_organisation_for_the_code_the_import_is_refused(kolada):
    kolada.serve_norberg()
    with pytest.raises(KoladaError, match="Ingen organisation i Folkhälsa har kommunkoden"):
        _import()
    assert kolada.requests == []  # refused before asking Kolada


def test_existing_indicator_takes_the_title_kolada_gives(kolada, norberg):
    kolada.serve_norberg()
    Indicator.objects.create(
        owner=norberg, name="Gammalt namn", source="kolada", kolada_kpi="N00957"
    )
    result = _import()
    assert Indicator.objects.get().name == "Ohälsotal, dagar"
    assert result.indicators[0].renamed


@pytest.mark.parametrize(
    ("text", "years"),
    [("2020-2024", [2020, 2021, 2022, 2023, 2024]), ("2022", [2022]), ("2020,2022", [2020, 2022])],
)
def test_years_are_read_as_written(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "2024-2020", "tjugo", "1800", "2020-", "١٢٣٤", "2020-2300"])
def test_years_that_are_not_years_are_refused_in_swedish(text):
    with pytest.raises(ValueError, match="Ange"):
        parse_years(text)


def test_kpis_and_areas_are_checked_before_anything_is_asked():
    assert parse_kpis("n00957, N00938") == ["N00957", "N00938"]
    assert parse_areas("1962,0019,0000,1962") == ["1962", "0019", "0000"]
    for wrong in ("N957", "N00957;DROP", ""):
        with pytest.raises(ValueError):
            parse_kpis(wrong)
    with pytest.raises(ValueError):
        parse_areas("19620")


def test_command_prints_what_it_did_in_swedish(kolada, norberg, capsys):
    kolada.serve_norberg()
    call_command(
        "import_kolada", kpi="N00957,N00938", municipality="1962,0019,0000", years="2022-2023"
    )
    out = capsys.readouterr().out
    assert "Indikatorn Ohälsotal, dagar (N00957) skapades för Norbergs kommun." in out
    assert "18 nya värden, 0 ändrade, 0 oförändrade; 1 saknas i Kolada." in out
    assert "Källa: Kolada" in out


def test_command_error_is_a_clear_message(kolada, norberg):
    kolada.serve_norberg()
    kolada.serve_raw(NEXT_PAGE, b"{}", status=500)
    with pytest.raises(CommandError, match="HTTP 500.*Inget har sparats"):
        call_command(
            "import_kolada", kpi="N00957", municipality="1962,0019,0000", years="2022,2023"
        )
    assert not IndicatorValue.objects.exists()


def test_command_exits_non_zero_with_the_message_on_bad_input():
    done = subprocess.run(
        [sys.executable, "manage.py", "import_kolada", "--kpi", "N00957", "--municipality", "1962"]
        + ["--years", "2024-2020"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "det första först" in done.stderr
