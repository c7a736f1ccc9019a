"""The prioritisation demo follows seed 004: Samlingen and its members, the 30 åtgärdsområden,
two rounds of invented scores in the shape the seed reports, and the plan that follows."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from plans.models import (
    Account,
    Candidate,
    CollaborationMember,
    Criterion,
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Prioritisation,
    Rater,
    Rating,
    Role,
    Round,
    Score,
    Theme,
)
from plans.permissions import can_edit_prioritisation, can_manage_user
from plans.prioritisation import selectors
from plans.prioritisation.demo import PLAN_TITLE, load_prioritisation_demo

pytestmark = pytest.mark.django_db

COLLABORATION = "Samling för social hållbarhet i Dalarna"
MODELS = [
    Organisation,
    CollaborationMember,
    User,
    Account,
    Role,
    Prioritisation,
    Criterion,
    Theme,
    Candidate,
    Round,
    Rater,
    Rating,
    Score,
    Plan,
    FocusArea,
    Measure,
]


def _samlingen() -> Prioritisation:
    return Prioritisation.objects.get(owner__name=COLLABORATION)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in (Organisation, Prioritisation, Candidate, Round, Plan, Measure):
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


def test_samlingen_is_a_collaboration_of_nineteen_members(demo):
    samlingen = Organisation.objects.get(name=COLLABORATION, parent=None)
    assert samlingen.kind == Organisation.Kind.SAMVERKAN
    members = samlingen.members.all()
    assert members.count() == 19
    assert members.filter(kind=Organisation.Kind.KOMMUN).count() == 15
    assert members.get(name="Falu kommun").municipality_code == "2080"
    assert {"Region Dalarna", "Länsstyrelsen Dalarna", "Högskolan Dalarna"} <= {
        m.name for m in members
    }


def test_thirty_shortlisted_areas_keep_the_seeds_titles(demo):
    prioritisation = _samlingen()
    shortlisted = prioritisation.candidates.filter(shortlisted=True)
    assert shortlisted.count() == 30
    assert shortlisted.get(number="1").title == "Utveckla familjecentrerade arbetssätt"
    assert shortlisted.get(number="7").title == (
        "Förhindra skolmisslyckanden, elevers skolavhopp och öka närvaron"
    )
    assert shortlisted.get(number="12").theme.number == 3
    assert shortlisted.get(number="17").title == "Utveckla nätet av gång- och cykelvägar"
    assert shortlisted.get(number="30").theme.number == 4
    assert [prioritisation.candidates.filter(theme__number=n).count() for n in (1, 2, 3, 4)] == [
        9,
        8,
        5,
        14,
    ]
    others = prioritisation.candidates.filter(shortlisted=False)
    assert all("(Demo)" in c.title and c.theme.number in (1, 2) for c in others)
    assert [c.name for c in prioritisation.criteria.all()][3] == (
        "Relevans för Dalarnas kommuner och region"
    )


def test_merged_ranking_has_the_shape_the_seed_reports(demo):
    ranking = selectors.ranking(_samlingen())
    assert [r.number for r in ranking.rounds] == [1, 2]
    patterns = {t.theme.number: t.pattern for t in ranking.themes}
    assert (patterns[1].kind, patterns[1].top) == ("top", 6)
    assert (patterns[2].kind, patterns[2].top) == ("top", 5)
    assert patterns[3].kind == "low"
    assert patterns[4].kind == "high"
    values = {t.theme.number: [r.value for r in t.rows] for t in ranking.themes}
    assert all(v <= Decimal("3.0") for v in values[3])
    assert all(v >= Decimal("3.4") for v in values[4])
    top_eleven = {r.candidate for r in ranking.overall[:11]}
    chosen = _samlingen().candidates.filter(theme__number__in=(1, 2), shortlisted=True)
    assert top_eleven == set(chosen.values_list("pk", flat=True))


def test_rounds_are_closed_in_2017_and_say_their_scores_are_invented(demo):
    rounds = list(_samlingen().rounds.order_by("number"))
    assert all(r.status == Round.Status.CLOSED and "Demo" in r.title for r in rounds)
    assert all(r.opened_at.year == r.closed_at.year == 2017 for r in rounds)
    assert [r.rater_rows.count() for r in rounds] == [6, 9]
    assert [r.candidates.count() for r in rounds] == [36, 30]
    assert "Demo" in _samlingen().description


def test_decision_made_the_plan_with_eleven_measures_linked_back(demo):
    prioritisation = _samlingen()
    plan = Plan.objects.get(title=PLAN_TITLE)
    assert prioritisation.plan == plan and plan.owner.name == COLLABORATION
    assert (plan.kind, plan.start_year, plan.end_year) == (Plan.Kind.ACTION_PLAN, 2019, 2022)
    assert prioritisation.decision_reference == "Demo 2018/1"
    assert plan.measures.count() == 11
    linked = prioritisation.candidates.filter(measure__plan=plan)
    assert linked.count() == 11
    assert all(c.measure.title == c.title for c in linked)


def test_region_administrator_cannot_manage_faluns_accounts(demo):
    admin = User.objects.get(username="dalarna-admin")
    assert not can_manage_user(admin, User.objects.get(username="falun-strateg"))
    assert can_manage_user(admin, User.objects.get(username="dalarna-strateg"))
    assert can_edit_prioritisation(User.objects.get(username="dalarna-strateg"), _samlingen())


def test_loading_twice_creates_nothing_new(demo):
    before = _counts()
    accounts = load_prioritisation_demo(password="folkhalsa-demo")
    assert _counts() == before
    assert len(accounts) == 11
    assert ("dalarna-strateg", "Strateg (Bertil Demo, påhittat namn)", "Region Dalarna") in accounts
