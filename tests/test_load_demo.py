"""The demo data is the source documents, loaded completely and only once."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from plans.demo.loader import DemoDataError, load_demo
from plans.models import (
    Budget,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
    Result,
    Role,
)
from plans.selectors import budget_table

pytestmark = pytest.mark.django_db

MODELS = [Organisation, Plan, FocusArea, Result, Measure, Responsibility, Budget, Role]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_twice_gives_the_same_counts(demo, capsys, settings):
    settings.DEBUG = True
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    # The source documents' four, Norsjö's demo of the grant and the plan Samlingen decided.
    assert first["Plan"] == 6
    out = capsys.readouterr().out
    assert "norberg-strateg" in out and "folkhalsa-demo" in out


def test_norrbotten_has_four_sub_goals_arenas_and_all_measures(demo):
    plan = Plan.objects.get(title__startswith="Region Norrbottens handlingsplan")
    sub_goals = plan.focus_areas.filter(parent=None).order_by("order")
    assert [area.number for area in sub_goals] == ["1", "2", "3", "4"]
    arenas = [area.title for area in sub_goals[1].children.order_by("order")]
    assert arenas[:2] == ["Boende och närmiljö", "Fritid och kultur"]
    assert "Omsorg samt hälso- och sjukvård" in arenas and len(arenas) == 6
    measures = plan.measures.all()
    assert measures.count() >= 100
    codes = [m.code for m in measures]
    assert len(set(codes)) == len(codes) and all(codes)
    assert Result.objects.filter(focus_area__plan=plan).count() == 36
    five_a = measures.get(code="5A")
    assert five_a.target_year == 2022 and five_a.expected_result.startswith("Fler människor")
    assert str(plan.revised_on) == "2019-04-11"


def test_norrbotten_partners_keep_prerequisite_and_desirable(demo):
    one_a = Measure.objects.get(code="1A", plan__title__startswith="Region Norrbotten")
    lead = one_a.responsibilities.get(
        role=Responsibility.Role.RESPONSIBLE, organisation__name="Folkhälsocentrum"
    )
    assert lead.organisation.path == "Region Norrbotten › Utvecklingsavdelningen › Folkhälsocentrum"
    kinds = set(one_a.responsibilities.values_list("cooperation", flat=True))
    assert {"forutsattning", "onskvard"} <= kinds


def test_alingsas_budget_totals_are_1_050_000_for_both_funders(demo):
    budget = Budget.objects.get(plan__title__startswith="Verksamhetsplan för folkhälsa")
    table = budget_table(budget=budget)
    assert table.funder_totals == [Decimal("1050000"), Decimal("1050000")]
    assert [f.organisation.name for f in table.funders][1] == "Alingsås kommun"
    assert budget.plan.parent.title.startswith("Samverkansavtal")


def test_norberg_strategy_has_five_focus_areas_with_directions_of_work(demo):
    plan = Plan.objects.get(owner__name="Norbergs kommun")
    assert plan.focus_areas.filter(parent=None).count() == 5
    assert plan.measures.filter(title="Utveckla familjecentralen").exists()
    assert "68 %" in plan.purpose + "".join(plan.focus_areas.values_list("background", flat=True))
    assert sorted(plan.global_goals.values_list("number", flat=True)) == [1, 3, 4, 5, 8, 10, 11]


def test_each_organisation_is_loaded_once(demo):
    assert Organisation.objects.filter(name="Region Norrbotten", parent=None).count() == 1
    assert Organisation.objects.get(name="Folkhälsocentrum").parent.name == "Utvecklingsavdelningen"


def test_an_inconsistent_demo_file_loads_nothing(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "organisations: [{name: X, kind: kommun}]\n"
        "plan: {key: x, kind: strategi, title: X, owner: X, start_year: 2024, end_year: 2020}\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="Slutåret"):
        load_demo(directory=tmp_path)
    assert Plan.objects.count() == 0 and Organisation.objects.count() == 0


def test_load_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG är av"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


def test_load_demo_again_after_a_plan_was_deleted_restores_only_that_plan(demo):
    Plan.objects.get(kind="verksamhetsplan", owner__name="Alingsås kommun").delete()
    report = load_demo()
    assert report.created == ["Verksamhetsplan för folkhälsa och social hållbarhet 2024"]
    plan = Plan.objects.get(kind="verksamhetsplan", owner__name="Alingsås kommun")
    assert plan.parent.title.startswith("Samverkansavtal")
    assert Plan.objects.filter(title__startswith="Region Norrbottens").get().measures.count() >= 100


def test_a_demo_record_that_breaks_a_model_rule_loads_nothing(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "organisations: [{name: X, kind: kommun}]\n"
        "plan:\n"
        "  {key: x, kind: strategi, title: X, owner: X, start_year: 2024, end_year: 2024,\n"
        "   focus_areas: [{number: '1', title: F, measures: [{title: M, responsible:\n"
        "     [{organisation: X, role: ansvarig, cooperation: onskvard}]}]}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="Samverkansformen"):
        load_demo(directory=tmp_path)
    assert Plan.objects.count() == 0


def _partners(code: str) -> dict[str, str]:
    measure = Measure.objects.get(code=code, plan__title__startswith="Region Norrbotten")
    return {r.organisation.path: r.role for r in measure.responsibilities.all()}


def test_10b_lead_unit_is_written_as_the_document_writes_it(demo):
    assert "Region Norrbotten › Regionala avdelningen › Kulturenheten" in _partners("10B")


def test_sisu_is_one_organisation_of_its_own_in_both_documents(demo):
    sisu = Organisation.objects.get(name="SISU Idrottsutbildarna")
    assert sisu.parent is None
    measures = set(sisu.responsibilities.values_list("measure__code", flat=True))
    assert {"10C", "10F"} <= measures
    assert sisu.responsibilities.filter(measure__plan__owner__name="Norbergs kommun").exists()
    assert not Organisation.objects.filter(name="RF SISU").exists()


def test_one_unit_for_occupational_health_and_no_unit_for_the_regional_director(demo):
    region = Organisation.objects.get(name="Region Norrbotten")
    assert "Region Norrbotten › Företagshälsan" in _partners("16A")
    assert "Region Norrbotten › Företagshälsan" in _partners("17A")
    assert not region.children.filter(name__in=["Företagshälsovården", "Regiondirektören"]).exists()


def test_norberg_partners_are_named_as_the_document_names_them(demo):
    assert not Organisation.objects.filter(name__endswith=" i Norberg").exists()
    business = Organisation.objects.get(name="Näringslivet", parent=None)
    owners = set(business.responsibilities.values_list("measure__plan__owner__name", flat=True))
    assert owners == {"Norbergs kommun", "Region Norrbotten"}


def test_partners_the_text_names_are_there(demo):
    assert "Länsaktörer" in _partners("1D") and "Länsaktörer" in _partners("5B")
    assert "Privata utbildningsanordnare" in _partners("4D")
    assert "Aktörer för de samiska språken och meänkieli" in _partners("4G")
    assert "Kommunerna i Norrbotten › Elevhälsan" in _partners("10D")
    norberg = Plan.objects.get(owner__name="Norbergs kommun")
    work = norberg.measures.get(title="Vägar till arbete")
    assert work.responsibilities.filter(organisation__name="Kurator").exists()
    team = norberg.measures.get(title="Elevhälsoteam")
    assert team.responsibilities.filter(organisation__name="Skolledningen").exists()


def test_parties_named_beside_the_region_share_the_responsibility(demo):
    assert _partners("14A")["Skolor"] == Responsibility.Role.RESPONSIBLE
    assert _partners("4E")["Luleå tekniska universitet"] == Responsibility.Role.RESPONSIBLE


def test_the_lead_actors_seed_002_names_are_lead_actors(demo):
    """Seed 002: "Länsstyrelsen som är huvudaktör" (9E, 11A, 24A), "SISU Idrottsutbildarna som är
    huvudaktör" (10C): the lead actor, one a measure, listed first; no other measure has one."""
    lead = Responsibility.Role.LEAD
    assert _partners("9E")["Länsstyrelsen i Norrbotten"] == lead
    assert _partners("11A")["Länsstyrelsen i Norrbotten"] == lead
    assert _partners("24A")["Länsstyrelsen i Norrbotten"] == lead
    assert _partners("10C")["SISU Idrottsutbildarna"] == lead
    assert Responsibility.objects.filter(role=lead).count() == 4
    measure = Responsibility.objects.get(role=lead, measure__code="24A").measure
    assert measure.responsibilities.all()[0].role == lead
