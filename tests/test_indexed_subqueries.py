"""The queries that OR'ed conditions across many-to-many joins now take the union of indexed
lookups: each returns exactly what the joins returned, for a case built with every branch of
the OR (and rows matching two branches, and rows matching none)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from councils.models import AgendaItem, Attendance, Body, Meeting, Seat
from councils.selectors import present_people
from plans import permissions
from plans.models import FocusArea, Measure, Person, Plan
from reports.documents import follow_up_document, plan_agenda_items, plan_indicators
from reports.models import Indicator, Source
from reports.permissions import readable_indicators

pytestmark = pytest.mark.django_db


# The queries as they were, kept here as the reference.
def _old_present_people(meeting: Meeting) -> list[Person]:
    present = (Attendance.Status.PRESENT, Attendance.Status.REMOTE)
    in_seat = Q(attendances__meeting=meeting, attendances__status__in=present)
    substitute = Q(substitutions__meeting=meeting, substitutions__status=Attendance.Status.REPLACED)
    return list(Person.objects.filter(in_seat | substitute).distinct().order_by("name", "pk"))


def _old_agenda_items(plan: Plan) -> set[int]:
    items = AgendaItem.objects.filter(Q(plans=plan) | Q(measures__plan=plan)).distinct()
    return set(items.values_list("pk", flat=True))


def _old_plan_indicators(plan: Plan) -> set[int]:
    linked = Indicator.objects.filter(Q(focus_areas__plan=plan) | Q(measures__plan=plan))
    return set(linked.distinct().values_list("pk", flat=True))


def _old_readable_indicators(user) -> set[int]:
    indicators = Indicator.objects.all()
    if user.is_authenticated and user.is_superuser:
        return set(indicators.values_list("pk", flat=True))
    plans = permissions.visible_plans(user)
    areas = FocusArea.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    measures = Measure.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    own = Q(owner__in=permissions.organisations_for(user, permissions.READ))
    readable = indicators.filter(own | Exists(areas) | Exists(measures))
    return set(readable.values_list("pk", flat=True))


def _person(name: str, organisation) -> Person:
    return Person.objects.create(name=name, organisation=organisation)


def test_present_people_are_those_in_the_room_remote_or_substituting(meeting, council, eva):
    other = Meeting.objects.create(
        body=council, starts_at=meeting.starts_at + datetime.timedelta(days=30)
    )
    names = ["Anna", "Bo", "Cilla", "Dan", "Ella", "Frej", "Gun"]
    anna, bo, cilla, dan, ella, frej, gun = (_person(n, council.organisation) for n in names)
    seats = [
        Seat.objects.create(body=council, function=f"Plats {n}", organisation=council.organisation)
        for n in range(6)
    ]
    status = Attendance.Status
    rows = [
        (meeting, seats[0], anna, status.PRESENT, None),
        (meeting, seats[1], bo, status.REMOTE, None),
        (meeting, seats[2], cilla, status.REPLACED, dan),  # Dan substitutes, Cilla is away
        (meeting, seats[3], ella, status.ABSENT, None),
        (meeting, seats[4], frej, status.REPLACED, anna),  # present and substituting: once
        (meeting, seats[5], None, status.VACANT, None),
        (other, seats[0], gun, status.PRESENT, None),  # another meeting
        (other, seats[1], ella, status.REPLACED, gun),
    ]
    for on, seat, person, state, substitute in rows:
        Attendance.objects.create(
            meeting=on, seat=seat, person=person, status=state, substitute=substitute
        )
    Attendance.objects.create(meeting=meeting, guest_name="Gäst", status=status.PRESENT)
    present = list(present_people(meeting=meeting))
    assert present == _old_present_people(meeting)
    assert present == [anna, bo, dan, eva]  # Eva chairs in the fixture
    assert list(present_people(meeting=other)) == _old_present_people(other) == [gun]


@pytest.fixture
def two_plans(norberg, adopted_plan, draft_plan, focus_area, measure):
    """The draft plan with two measures in one focus area, and the adopted plan with one."""
    second = Measure.objects.create(plan=draft_plan, focus_area=focus_area, title="Andra insatsen")
    adopted_area = FocusArea.objects.create(plan=adopted_plan, title="Fokus")
    theirs = Measure.objects.create(plan=adopted_plan, focus_area=adopted_area, title="Deras")
    return {
        "area": focus_area,
        "measures": [measure, second],
        "other": theirs,
        "other_area": adopted_area,
    }


def test_a_plans_agenda_items_are_those_linking_it_or_its_measures(meeting, draft_plan, two_plans):
    first, second = two_plans["measures"]
    cases = {
        "plan": ([draft_plan], []),
        "measure": ([], [first]),
        "plan and measure": ([draft_plan], [first]),
        "two measures": ([], [first, second]),
        "another plan's measure": ([], [two_plans["other"]]),
        "nothing": ([], []),
    }
    for title, (plans, measures) in cases.items():
        item = AgendaItem.objects.create(meeting=meeting, title=title)
        item.plans.set(plans)
        item.measures.set(measures)
    found = set(
        AgendaItem.objects.filter(pk__in=plan_agenda_items(plan=draft_plan)).values_list(
            "pk", flat=True
        )
    )
    assert found == _old_agenda_items(draft_plan)
    titles = set(AgendaItem.objects.filter(pk__in=found).values_list("title", flat=True))
    fixture_item = "Uppföljning av handlingsplanen"  # the meeting fixture links the measure
    assert titles == {fixture_item, "plan", "measure", "plan and measure", "two measures"}


def test_the_follow_up_quotes_each_item_once(norberg, adopted_plan, two_plans):
    body = Body.objects.create(organisation=norberg, name="Rådet", kind="rad", is_public=True)
    starts = timezone.make_aware(datetime.datetime(2025, 3, 12, 13, 0))
    checked = Meeting.objects.create(body=body, starts_at=starts, status=Meeting.Status.CHECKED)
    item = AgendaItem.objects.create(meeting=checked, title="Två länkar", paragraph=1)
    item.plans.add(adopted_plan)
    item.measures.add(two_plans["other"])
    meetings = follow_up_document(plan=adopted_plan, year=2025)["meetings"]
    assert [i["title"] for m in meetings for i in m["items"]] == ["Två länkar"]


def _indicator(owner, name: str, *, areas=(), measures=()) -> Indicator:
    indicator = Indicator.objects.create(owner=owner, name=name, source=Source.MANUAL)
    indicator.focus_areas.set(areas)
    indicator.measures.set(measures)
    return indicator


@pytest.fixture
def indicators(norberg, alingsas, two_plans):
    first, second = two_plans["measures"]
    area, other_area = two_plans["area"], two_plans["other_area"]
    return [
        _indicator(alingsas, "area", areas=[area]),
        _indicator(alingsas, "measure", measures=[first]),
        _indicator(alingsas, "area and measures", areas=[area], measures=[first, second]),
        _indicator(alingsas, "adopted plan's", areas=[other_area], measures=[two_plans["other"]]),
        _indicator(norberg, "Norberg's own, unlinked"),
        _indicator(alingsas, "Alingsås' own, unlinked"),
    ]


def test_a_plans_indicators_are_those_linked_to_its_areas_or_measures(draft_plan, indicators):
    found = set(
        Indicator.objects.filter(pk__in=plan_indicators(plan=draft_plan)).values_list(
            "pk", flat=True
        )
    )
    assert found == _old_plan_indicators(draft_plan)
    names = set(Indicator.objects.filter(pk__in=found).values_list("name", flat=True))
    assert names == {"area", "measure", "area and measures"}


def test_readable_indicators_are_the_same_for_everyone(indicators, alice, bob, charlie, superuser):
    for user in (AnonymousUser(), alice, bob, charlie, superuser):
        readable = readable_indicators(user)
        assert set(readable.values_list("pk", flat=True)) == _old_readable_indicators(user), user
        assert readable.count() == len(set(readable))  # no row twice
    anonymous = set(readable_indicators(AnonymousUser()).values_list("name", flat=True))
    assert anonymous == {"adopted plan's"}
    charlies = set(readable_indicators(charlie).values_list("name", flat=True))
    assert charlies == {
        "adopted plan's",
        "area",
        "measure",
        "area and measures",
        "Alingsås' own, unlinked",
    }


def test_one_owners_readable_indicators_are_tested_from_its_own_indicators(
    indicators, alingsas, alice, charlie
):
    alingsas_own = set(Indicator.objects.filter(owner=alingsas).values_list("pk", flat=True))
    for user in (AnonymousUser(), alice, charlie):
        readable = readable_indicators(user).filter(owner=alingsas)
        assert set(readable.values_list("pk", flat=True)) == (
            _old_readable_indicators(user) & alingsas_own
        )
    sql = str(readable_indicators(AnonymousUser()).filter(owner=alingsas).query)
    # Each link table is looked up from the indicator by its index: the owner's few indicators
    # are tested, never every link of the country read and joined to every measure first.
    assert sql.count('V0."indicator_id" = ("reports_indicator"."id")') == 2
    assert "UNION" not in sql
