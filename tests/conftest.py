"""Shared fixtures: a municipality with a unit, another municipality, and the standing users.

alice is a strategist of Norbergs kommun (the editor), bob a rapportör at its library (fewer
rights), charlie a strategist of Alingsås kommun (the outsider), and diana the administrator of
Norbergs kommun (who manages its accounts). Each account belongs to its municipality.
"""

from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.test import Client

from plans.models import (
    Account,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    GlobalGoal,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
    Role,
    Tag,
    TargetArea,
)

PASSWORD = "ett-långt-testlösenord"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False


@pytest.fixture
def norberg(db) -> Organisation:
    return Organisation.objects.create(
        name="Norbergs kommun", kind=Organisation.Kind.KOMMUN, municipality_code="1962"
    )


@pytest.fixture
def library(norberg) -> Organisation:
    return Organisation.objects.create(
        name="Biblioteket", parent=norberg, kind=Organisation.Kind.ENHET
    )


@pytest.fixture
def alingsas(db) -> Organisation:
    return Organisation.objects.create(
        name="Alingsås kommun", kind=Organisation.Kind.KOMMUN, municipality_code="1489"
    )


def _user(username: str, org: Organisation, kind: str, staff: bool) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=staff)
    Role.objects.create(user=user, organisation=org, kind=kind)
    Account.objects.create(user=user, organisation=org.parent or org)
    return user


@pytest.fixture
def alice(norberg) -> User:
    return _user("alice", norberg, Role.Kind.STRATEGIST, staff=True)


@pytest.fixture
def bob(library) -> User:
    return _user("bob", library, Role.Kind.REPORTER, staff=False)


@pytest.fixture
def charlie(alingsas) -> User:
    return _user("charlie", alingsas, Role.Kind.STRATEGIST, staff=True)


@pytest.fixture
def diana(norberg) -> User:
    return _user("diana", norberg, Role.Kind.ADMINISTRATOR, staff=True)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.se", PASSWORD)


def client_for(user: User | None) -> Client:
    """Return a client logged in as the user, or an anonymous one."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft_plan(norberg) -> Plan:
    return Plan.objects.create(
        owner=norberg,
        kind=Plan.Kind.ACTION_PLAN,
        title="Handlingsplan 2025–2026 (utkast)",
        start_year=2025,
        end_year=2026,
        status=Plan.Status.DRAFT,
    )


@pytest.fixture
def adopted_plan(norberg) -> Plan:
    return Plan.objects.create(
        owner=norberg,
        kind=Plan.Kind.STRATEGY,
        title="Strategi för folkhälsoarbetet 2022–2026",
        start_year=2022,
        end_year=2026,
        status=Plan.Status.ADOPTED,
    )


@pytest.fixture
def focus_area(draft_plan) -> FocusArea:
    return FocusArea.objects.create(plan=draft_plan, number="1", title="Föräldraskapsstöd")


@pytest.fixture
def result(focus_area) -> Result:
    return Result.objects.create(focus_area=focus_area, number=1, title="Fler läser för barnen")


@pytest.fixture
def measure(focus_area, result, library) -> Measure:
    measure = Measure.objects.create(
        plan=focus_area.plan,
        focus_area=focus_area,
        result=result,
        code="1A",
        title="Läsfrämjande insatser",
    )
    Responsibility.objects.create(
        measure=measure, organisation=library, role=Responsibility.Role.RESPONSIBLE
    )
    return measure


@pytest.fixture
def budget(draft_plan, norberg, alingsas) -> Budget:
    budget = Budget.objects.create(plan=draft_plan, year=2025, title="Budget")
    funder = BudgetFunder.objects.create(budget=budget, organisation=norberg, order=0)
    line = BudgetLine.objects.create(budget=budget, name="Personal", kind=BudgetLine.Kind.PERSONNEL)
    BudgetAmount.objects.create(line=line, funder=funder, amount=Decimal("350000"))
    return budget


# One record of every model, for the pages that show one: Norberg's, or shared ones.
@pytest.fixture
def objects(norberg, alice, bob, charlie, diana, superuser, measure, budget):
    tag = Tag.objects.create(name="Färdplan 2035")
    measure.tags.add(tag)
    records = {
        "plan": measure.plan,
        "focusarea": measure.focus_area,
        "result": measure.result,
        "measure": measure,
        "budget": budget,
        "person": Person.objects.create(name="Eva Ek", organisation=norberg),
        "organisation": norberg,
        "role": Role.objects.get(user=alice),
        "tag": tag,
        "targetarea": TargetArea.objects.get(number=1),
        "globalgoal": GlobalGoal.objects.get(number=3),
        "user": alice,
        "group": Group.objects.create(name="Grupp"),
        "accessattempt": AccessAttempt.objects.create(username="x", failures_since_start=1),
        "accesslog": AccessLog.objects.create(username="x"),
        "accessfailurelog": AccessFailureLog.objects.create(username="x"),
    }
    users = {"alice": alice, "bob": bob, "charlie": charlie, "diana": diana, "root": superuser}
    return {"users": users, "records": records}
