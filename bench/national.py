"""Generate a country's worth of data, fast (bulk_create).

At full size (the defaults), as measured in issue 19: 290 municipalities and 21 regions, each
with departments and units (about 3 300 organisations); three plans of 100 measures for every
municipality and one plan of 2 000 measures (89 000 measures); a public-health council (or,
in one municipality in three, a statutory public-health committee) and a styrgrupp preparing
it per municipality, with seats, holders and two years of meetings (about 7 000, 70 000 agenda
items, some linked to measures, 50 000 attendance rows, checked minutes); two years of
follow-up rounds of every adopted plan, tertials for most (about 437 000 measure reports in
mixed states); four indicators per municipality and region with values per area (its own, its
region's, the country's), year and sex (about 120 000). Tests call it with small numbers to
compare query counts at two sizes.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle, islice

from django.db import transaction
from django.utils import timezone

from councils.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Body,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
)
from plans.models import FocusArea, Measure, Organisation, Person, Plan, Responsibility, Result
from reports.models import (
    COUNTRY_CODE,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    MeasureReport,
    Sex,
    Source,
)

BATCH = 5000
DEPARTMENTS = ("Socialförvaltningen", "Kultur- och fritidsförvaltningen", "Barn- och utbildning")
UNITS = ("Enhet A", "Enhet B")
STATUSES = [Plan.Status.ADOPTED, Plan.Status.ADOPTED, Plan.Status.DRAFT]
MEASURE_STATUSES = [value for value in Measure.Status.values if value]
ASSESSMENTS = ["enligt_plan", "risk", "avviker", "genomford", "ej_paborjad", "avbruten"]
OPEN_STATES = [
    MeasureReport.State.NOT_REPORTED,
    MeasureReport.State.DRAFT,
    MeasureReport.State.SUBMITTED,
    MeasureReport.State.RETURNED,
    MeasureReport.State.ACCEPTED,
]
PROGRESS = "Arbetet går enligt planen; två träffar hölls under hösten med god uppslutning."
COUNCIL_NAME = "Folkhälsorådet"
COMMITTEE_NAME = "Folkhälsoutskottet"
GROUP_NAME = "Styrgruppen för folkhälsa"
TERTIALS = (FollowUpRound.Period.T1, FollowUpRound.Period.T2, FollowUpRound.Period.T3)


def big_plan_title(measures: int, prefix: str = "Gen") -> str:
    """Return the title of the generated plan of `measures` measures."""
    return f"{prefix} handlingsplan med {measures} insatser"


@dataclass
class NationalSize:
    """How much to generate."""

    municipalities: int = 290
    regions: int = 21
    plans_per_municipality: int = 3
    measures_per_plan: int = 100
    top_areas: int = 4
    sub_areas: int = 3
    # Councils: two bodies per municipality, meeting this often over the two years up to today.
    meetings_per_year: int = 6
    council_seats: int = 10
    group_seats: int = 6
    items_per_meeting: int = 10
    # Follow-up: a year round per adopted plan for each year, and tertials for all but one
    # adopted plan in `year_only_every`; the last year's rounds of one plan in four are open.
    follow_up_years: tuple[int, ...] = (2024, 2025)
    year_only_every: int = 12
    # Indicators per municipality and region, with values for this many years up to the last
    # follow-up year.
    indicators_per_owner: int = 4
    indicator_years: int = 11
    # One plan of this many measures (0: none), followed up for the last follow-up year.
    big_plan_measures: int = 2000


@transaction.atomic
def generate_national(
    *, size: NationalSize, prefix: str = "Gen", today: datetime.date | None = None
) -> list[Plan]:
    """Create the organisations, plans, focus areas, results, measures and responsibilities,
    the councils, the follow-up and the indicators; return the municipalities' plans."""
    today = today or timezone.localdate()
    municipalities = _top_level(size.municipalities, f"{prefix} kommun", Organisation.Kind.KOMMUN)
    regions = _top_level(size.regions, f"{prefix} region", Organisation.Kind.REGION)
    units = _units(municipalities + regions)
    plans = _plans(municipalities, size.plans_per_municipality)
    for plan in plans:
        plan.owner_units = units[plan.owner_id]
    _contents(plans, size, partners=regions)
    measures = _measures_by_owner(plans)
    if size.meetings_per_year:
        _councils(municipalities, regions, measures, size, today)
    _follow_up(plans, size)
    if size.indicators_per_owner:
        _indicators(municipalities, regions, measures, size)
    if size.big_plan_measures:
        owner = (regions or municipalities)[0] if (regions or municipalities) else None
        if owner is not None:
            _big_plan(size, prefix, owner, units[owner.pk])
    return plans


def record_history(models: Iterable[type] | None = None) -> None:
    """Give every generated record its "created" version, as saving it one by one would: the
    plans' records (the plan history reads them), the councils' bodies, seats and meetings,
    the rounds (the årshjul reads when a round closed) and the indicators. Not the reports,
    agenda items and values: no page reads their history in bulk, and they are most rows."""
    models = models or (
        Organisation,
        Plan,
        FocusArea,
        Result,
        Measure,
        Responsibility,
        Body,
        Seat,
        Meeting,
        FollowUpRound,
        Indicator,
    )
    for model in models:
        rows = model.objects.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(list(rows), batch_size=BATCH, update=False)


def _bulk(model: type, rows: list) -> list:
    """Insert the rows in batches and return them with their primary keys."""
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _stream(model: type, rows: Iterator) -> int:
    """Insert rows from an iterator a batch at a time, never holding them all; return how many."""
    count = 0
    while batch := list(islice(rows, BATCH)):
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def _top_level(count: int, name: str, kind: str) -> list[Organisation]:
    """Create numbered top-level organisations of one kind (municipalities with a code)."""
    code = (lambda i: f"9{i:03}") if kind == Organisation.Kind.KOMMUN else (lambda i: "")
    return _bulk(
        Organisation,
        [
            Organisation(name=f"{name} {i:03}", kind=kind, municipality_code=code(i))
            for i in range(count)
        ],
    )


def _units(owners: list[Organisation]) -> dict[int, list[Organisation]]:
    """Create departments with units below every owner; return the units by owner."""
    departments = _bulk(
        Organisation,
        [
            Organisation(name=n, parent=o, kind=Organisation.Kind.ENHET)
            for o in owners
            for n in DEPARTMENTS
        ],
    )
    leaves = _bulk(
        Organisation,
        [
            Organisation(name=n, parent=d, kind=Organisation.Kind.ENHET)
            for d in departments
            for n in UNITS
        ],
    )
    by_owner: dict[int, list[Organisation]] = {o.pk: [] for o in owners}
    owner_of = {d.pk: d.parent_id for d in departments}
    for leaf in leaves:
        by_owner[owner_of[leaf.parent_id]].append(leaf)
    return by_owner


def _plans(owners: list[Organisation], per_owner: int) -> list[Plan]:
    """Create the plans of every owner, most of them adopted."""
    rows = [
        Plan(
            owner=owner,
            kind=Plan.Kind.ACTION_PLAN,
            title=f"Handlingsplan {i + 1} för {owner.name}",
            start_year=2022 + i,
            end_year=2026 + i,
            status=STATUSES[i % len(STATUSES)],
        )
        for owner in owners
        for i in range(per_owner)
    ]
    return _bulk(Plan, rows)


def _contents(plans: list[Plan], size: NationalSize, partners: list[Organisation]) -> None:
    """Create each plan's focus areas (two levels), one result per sub-area, and measures."""
    tops = _bulk(
        FocusArea,
        [
            FocusArea(plan=p, number=str(i + 1), order=i, title=f"Fokusområde {i + 1}")
            for p in plans
            for i in range(size.top_areas)
        ],
    )
    subs = _bulk(
        FocusArea,
        [
            FocusArea(
                plan_id=t.plan_id, parent=t, number=str(j + 1), order=j, title=f"Arena {j + 1}"
            )
            for t in tops
            for j in range(size.sub_areas)
        ],
    )
    results = _bulk(
        Result,
        [Result(focus_area=s, number=n + 1, title="Fler mår bra") for n, s in enumerate(subs)],
    )
    by_plan: dict[int, list[Result]] = {}
    for result, area in zip(results, subs, strict=True):
        result.area = area
        by_plan.setdefault(area.plan_id, []).append(result)
    _measures(plans, by_plan, size.measures_per_plan, partners)


def _measures(
    plans: list[Plan], by_plan: dict[int, list[Result]], per_plan: int, partners: list[Organisation]
) -> None:
    """Create the measures, each with a responsible unit and a partner region."""
    rows, parties = [], []
    partner_cycle = cycle(partners)
    for plan in plans:
        results = list(islice(cycle(by_plan[plan.pk]), per_plan))
        units = cycle(plan.owner_units)
        for order, result in enumerate(results, start=1):
            rows.append(
                Measure(
                    plan=plan,
                    focus_area_id=result.area.pk,
                    result=result,
                    code=f"{result.number}{chr(65 + order % 26)}{order}",
                    order=order,
                    title=f"Insats {order} i {plan.title}",
                    expected_result="Fler människor är fysiskt aktiva.",
                    status=MEASURE_STATUSES[order % len(MEASURE_STATUSES)],
                )
            )
            parties.append((next(units), next(partner_cycle) if partners else None))
    measures = _bulk(Measure, rows)
    responsibilities = []
    for measure, (unit, partner) in zip(measures, parties, strict=True):
        responsibilities.append(
            Responsibility(measure=measure, organisation=unit, role=Responsibility.Role.RESPONSIBLE)
        )
        if partner is not None:
            responsibilities.append(
                Responsibility(
                    measure=measure, organisation=partner, role=Responsibility.Role.PARTNER
                )
            )
    _bulk(Responsibility, responsibilities)


def _measures_by_owner(plans: list[Plan]) -> dict[int, list[tuple[int, int, int]]]:
    """Return (measure, plan, focus area) of every generated plan, by the plan's owner."""
    owner_of = {p.pk: p.owner_id for p in plans}
    by_owner: dict[int, list[tuple[int, int, int]]] = {o: [] for o in owner_of.values()}
    rows = Measure.objects.filter(plan__in=plans).order_by("plan", "order")
    for pk, plan_id, area_id in rows.values_list("pk", "plan_id", "focus_area_id"):
        by_owner[owner_of[plan_id]].append((pk, plan_id, area_id))
    return by_owner


# Councils ---------------------------------------------------------------------------------------


def _councils(
    municipalities: list[Organisation],
    regions: list[Organisation],
    measures: dict[int, list[tuple[int, int, int]]],
    size: NationalSize,
    today: datetime.date,
) -> None:
    """Create per municipality a public council (a statutory committee in one in three) and a
    styrgrupp preparing it, their seats and holders, and their meetings with agenda items,
    attendance and minutes checks."""
    councils = _bulk(
        Body,
        [
            Body(
                organisation=m,
                name=COMMITTEE_NAME if k % 3 == 2 else COUNCIL_NAME,
                kind=Body.Kind.COMMITTEE if k % 3 == 2 else Body.Kind.COUNCIL,
                is_public=True,
                min_meetings_per_year=size.meetings_per_year,
                minutes_kept_at="Kommunkansliet, kommunhuset",
            )
            for k, m in enumerate(municipalities)
        ],
    )
    groups = _bulk(
        Body,
        [
            Body(
                organisation_id=c.organisation_id,
                parent=c,
                prepares=c,
                name=GROUP_NAME,
                kind=Body.Kind.WORKING_GROUP,
                short_name="Styrgruppen",
            )
            for c in councils
        ],
    )
    people = _people(municipalities, size.council_seats + size.group_seats)
    partner = {
        m.pk: regions[k % len(regions)] if regions else m for k, m in enumerate(municipalities)
    }
    seats = _seats(councils, size.council_seats, people, partner, 0)
    seats.update(_seats(groups, size.group_seats, people, partner, size.council_seats))
    meetings = _meetings(councils, groups, size, today)
    _agenda(meetings, measures, size.items_per_meeting)
    _attendance(meetings, seats)


def _people(owners: list[Organisation], per_owner: int) -> dict[int, list[Person]]:
    """Create the people of each municipality who hold its bodies' seats."""
    rows = _bulk(
        Person,
        [
            Person(
                name=f"Person {n:02} {o.name}",
                title="Folkhälsostrateg" if n == 0 else "Ledamot",
                email=f"p{n}.{o.pk}@example.se",
                organisation=o,
            )
            for o in owners
            for n in range(per_owner)
        ],
    )
    by_owner: dict[int, list[Person]] = {}
    for person in rows:
        by_owner.setdefault(person.organisation_id, []).append(person)
    return by_owner


def _seats(
    bodies: list[Body],
    count: int,
    people: dict[int, list[Person]],
    partner: dict[int, Organisation],
    first_person: int,
) -> dict[int, list[tuple[Seat, Person]]]:
    """Create each body's seats (chair, vice chair, members; the last for the region) held by
    its municipality's people since the start of the period; return them by body."""
    roles = [Seat.Role.CHAIR, Seat.Role.VICE_CHAIR]
    rows, holders = [], []
    for body in bodies:
        for n in range(count):
            rows.append(
                Seat(
                    body=body,
                    function=f"Funktion {n + 1}",
                    organisation=partner[body.organisation_id]
                    if n == count - 1
                    else body.organisation,
                    role=roles[n] if n < len(roles) else Seat.Role.MEMBER,
                    order=n,
                )
            )
            holders.append(people[body.organisation_id][first_person + n])
    seats = _bulk(Seat, rows)
    _bulk(
        SeatHolding,
        [
            SeatHolding(seat=s, person=p, starts_on=datetime.date(2020, 1, 1))
            for s, p in zip(seats, holders, strict=True)
        ],
    )
    by_body: dict[int, list[tuple[Seat, Person]]] = {}
    for seat, person in zip(seats, holders, strict=True):
        by_body.setdefault(seat.body_id, []).append((seat, person))
    return by_body


def _meeting(body: Body, day: datetime.date, today: datetime.date, **fields) -> Meeting:
    """Return a meeting of the body on the day, as far along as the day makes it."""
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
    ends = starts + datetime.timedelta(hours=2)
    if day >= today:
        noticed = day - today <= datetime.timedelta(days=body.notice_days)
        return Meeting(
            body=body,
            starts_at=starts,
            ends_at=ends,
            place="Kommunhuset",
            status=Meeting.Status.NOTICE_SENT if noticed else Meeting.Status.PLANNED,
            notice_sent_at=starts - datetime.timedelta(days=body.notice_days) if noticed else None,
            **fields,
        )
    checked = day + datetime.timedelta(days=5)
    return Meeting(
        body=body,
        starts_at=starts,
        ends_at=ends,
        place="Kommunhuset",
        status=Meeting.Status.CHECKED if checked < today else Meeting.Status.HELD,
        notice_sent_at=starts - datetime.timedelta(days=body.notice_days),
        checked_on=checked if checked < today else None,
        posted_on=checked + datetime.timedelta(days=1)
        if checked < today and body.is_statutory
        else None,
        **fields,
    )


def _meetings(
    councils: list[Body], groups: list[Body], size: NationalSize, today: datetime.date
) -> list[Meeting]:
    """Create two years of meetings ending two months ahead, the councils' staggered by a few
    days from one municipality to the next; each styrgrupp meets two weeks before its council."""
    count = 2 * size.meetings_per_year
    step = datetime.timedelta(days=365 // size.meetings_per_year)
    first = today - step * (count - 1) + datetime.timedelta(days=50)
    days = {
        c.pk: [
            first + datetime.timedelta(days=(k * 5) % step.days) + step * j for j in range(count)
        ]
        for k, c in enumerate(councils)
    }
    held = _bulk(Meeting, [_meeting(c, d, today) for c in councils for d in days[c.pk]])
    prepared = iter(held)
    before = datetime.timedelta(days=14)
    preparing = _bulk(
        Meeting,
        [
            _meeting(g, d - before, today, prepares_meeting=next(prepared))
            for g, c in zip(groups, councils, strict=True)
            for d in days[c.pk]
        ],
    )
    return held + preparing


def _agenda(
    meetings: list[Meeting], measures: dict[int, list[tuple[int, int, int]]], per_meeting: int
) -> None:
    """Create each meeting's agenda items (paragraphs once checked); one item in three concerns
    a measure of the municipality's plans, and its plan."""
    kinds = cycle([AgendaKind.INFORMATION, AgendaKind.DECISION, AgendaKind.PROPOSAL])
    picks = {owner: cycle(rows) for owner, rows in measures.items() if rows}
    rows, links = [], []
    for meeting in meetings:
        for n in range(per_meeting):
            kind = next(kinds)
            checked = meeting.status == Meeting.Status.CHECKED
            rows.append(
                AgendaItem(
                    meeting=meeting,
                    order=n,
                    kind=kind,
                    proposal_to="Kommunstyrelsen" if kind == AgendaKind.PROPOSAL else "",
                    title=f"Ärende {n + 1} om trygghet och hälsa",
                    presenter="Folkhälsostrategen",
                    text="Underlag inför mötet. " * 5,
                    paragraph=n + 1 if checked else None,
                    note="Diskussion om läget." if checked else "",
                    decision="Rådet beslutar att godkänna." if checked else "",
                )
            )
            owner = meeting.body.organisation_id
            links.append(next(picks[owner]) if n % 3 == 0 and owner in picks else None)
    through_measures = AgendaItem.measures.through
    through_plans = AgendaItem.plans.through
    for start in range(0, len(rows), BATCH):
        items = AgendaItem.objects.bulk_create(rows[start : start + BATCH])
        pairs = [
            (i, link) for i, link in zip(items, links[start : start + BATCH], strict=True) if link
        ]
        through_measures.objects.bulk_create(
            through_measures(agendaitem_id=i.pk, measure_id=link[0]) for i, link in pairs
        )
        through_plans.objects.bulk_create(
            through_plans(agendaitem_id=i.pk, plan_id=link[1]) for i, link in pairs
        )


def _attendance(meetings: list[Meeting], seats: dict[int, list[tuple[Seat, Person]]]) -> None:
    """Record who attended every held meeting (one seat in seven excused), and the minutes'
    checks: the chair and an adjuster, done once checked, waiting while held."""
    held = [m for m in meetings if m.status in (Meeting.Status.HELD, Meeting.Status.CHECKED)]

    def attendance() -> Iterator[Attendance]:
        for meeting in held:
            for n, (seat, person) in enumerate(seats[meeting.body_id]):
                excused = (meeting.pk + n) % 7 == 0
                yield Attendance(
                    meeting=meeting,
                    seat=seat,
                    person=person,
                    status=Attendance.Status.EXCUSED if excused else Attendance.Status.PRESENT,
                )

    def checks() -> Iterator[MinutesCheck]:
        for meeting in held:
            body_seats = seats[meeting.body_id]
            done = None
            if meeting.checked_on:
                done = timezone.make_aware(
                    datetime.datetime.combine(meeting.checked_on, datetime.time(10))
                )
            yield MinutesCheck(
                meeting=meeting, person=body_seats[0][1], role="ordforande", checked_at=done
            )
            yield MinutesCheck(
                meeting=meeting,
                person=body_seats[min(2, len(body_seats) - 1)][1],
                role="justerare",
                checked_at=done,
            )

    _stream(Attendance, attendance())
    _stream(MinutesCheck, checks())


# Follow-up --------------------------------------------------------------------------------------


def _follow_up(plans: list[Plan], size: NationalSize) -> None:
    """Create the rounds of every adopted plan and a report per measure in each: closed rounds
    with reports accepted (one in ten never written), open ones at every stage."""
    adopted = [p for p in plans if p.status == Plan.Status.ADOPTED]
    last = size.follow_up_years[-1] if size.follow_up_years else None
    rows = []
    for q, plan in enumerate(adopted):
        for year in size.follow_up_years:
            periods = [FollowUpRound.Period.YEAR]
            if size.year_only_every and q % size.year_only_every:
                periods += TERTIALS
            for period in periods:
                is_open = year == last and q % 4 == 1 and period == periods[-1]
                rows.append(
                    FollowUpRound(
                        plan=plan,
                        year=year,
                        period=period,
                        due_on=_due(year, period),
                        status=FollowUpRound.Status.OPEN
                        if is_open
                        else FollowUpRound.Status.CLOSED,
                    )
                )
    rounds = _bulk(FollowUpRound, rows)
    measures: dict[int, list[int]] = {}
    for pk, plan_id in Measure.objects.filter(plan__in=adopted).values_list("pk", "plan_id"):
        measures.setdefault(plan_id, []).append(pk)

    def reports() -> Iterator[MeasureReport]:
        for round_ in rounds:
            for n, measure_id in enumerate(measures.get(round_.plan_id, [])):
                yield _report(round_, measure_id, n)

    _stream(MeasureReport, reports())


def _due(year: int, period: str) -> datetime.date:
    """Return the last day to report for the period."""
    return {
        FollowUpRound.Period.T1: datetime.date(year, 5, 31),
        FollowUpRound.Period.T2: datetime.date(year, 9, 30),
    }.get(period, datetime.date(year + 1, 1, 31))


def _report(round_: FollowUpRound, measure_id: int, n: int) -> MeasureReport:
    """Return the n-th report of the round, in a state fitting the round."""
    state = (
        OPEN_STATES[n % len(OPEN_STATES)]
        if round_.status == FollowUpRound.Status.OPEN
        else (MeasureReport.State.NOT_REPORTED if n % 10 == 9 else MeasureReport.State.ACCEPTED)
    )
    written = state != MeasureReport.State.NOT_REPORTED
    return MeasureReport(
        round=round_,
        measure_id=measure_id,
        state=state,
        status=ASSESSMENTS[(n + round_.pk) % len(ASSESSMENTS)] if written else "",
        progress=PROGRESS if written else "",
        comment="Komplettera med siffror." if state == MeasureReport.State.RETURNED else "",
    )


# Indicators -------------------------------------------------------------------------------------


def _indicators(
    municipalities: list[Organisation],
    regions: list[Organisation],
    measures: dict[int, list[tuple[int, int, int]]],
    size: NationalSize,
) -> None:
    """Create each municipality's and region's indicators, linked to measures and focus areas of
    the municipality's plans, with values per area (its own, its region, the country), year and
    sex."""
    region_code = {r.pk: f"00{50 + k:02}" for k, r in enumerate(regions)}
    areas: dict[int, list[tuple[str, str, Organisation | None]]] = {}
    for k, m in enumerate(municipalities):
        own = [(m.municipality_code, m.name, m)]
        if regions:
            region = regions[k % len(regions)]
            own.append((region_code[region.pk], region.name, region))
        areas[m.pk] = [*own, (COUNTRY_CODE, "Riket", None)]
    for r in regions:
        areas[r.pk] = [(region_code[r.pk], r.name, r), (COUNTRY_CODE, "Riket", None)]
    owners = municipalities + regions
    indicators = _bulk(
        Indicator,
        [
            Indicator(
                owner=o,
                name=f"Indikator {n + 1} för {o.name}",
                unit="%",
                direction=Indicator.Direction.HIGHER if n % 2 else Indicator.Direction.LOWER,
                source=Source.KOLADA,
                kolada_kpi=f"N{n:05}",
                split_by_sex=True,
            )
            for o in owners
            for n in range(size.indicators_per_owner)
        ],
    )
    areas_through, measures_through = Indicator.focus_areas.through, Indicator.measures.through
    area_links, measure_links = [], []
    for indicator in indicators:
        own = measures.get(indicator.owner_id, [])[indicator.pk % 7 :: 17][:3]
        measure_links += [measures_through(indicator=indicator, measure_id=m) for m, _, _ in own]
        area_links += [
            areas_through(indicator=indicator, focusarea_id=a) for a in {a for _, _, a in own}
        ]
    _bulk(measures_through, measure_links)
    _bulk(areas_through, area_links)
    last = size.follow_up_years[-1] if size.follow_up_years else 2025
    years = range(last - size.indicator_years + 1, last + 1)

    def values() -> Iterator[IndicatorValue]:
        for indicator in indicators:
            for a, (code, name, organisation) in enumerate(areas[indicator.owner_id]):
                for year in years:
                    for s, sex in enumerate(Sex.values):
                        figure = 40 + (indicator.pk * 7 + a * 3 + year + s) % 30
                        yield IndicatorValue(
                            indicator=indicator,
                            organisation=organisation,
                            area_code=code,
                            area_name=name,
                            year=year,
                            sex=sex,
                            value=Decimal(figure) + Decimal("0.5"),
                            source=Source.KOLADA,
                        )

    _stream(IndicatorValue, values())


# The plan of 2 000 measures ---------------------------------------------------------------------


def _big_plan(size: NationalSize, prefix: str, owner: Organisation, units: list) -> Plan:
    """Create the first region's plan of `big_plan_measures` measures in 20 focus areas, its
    units responsible in turn, every measure reported and accepted for the last follow-up year
    (no organisation of its own: the country's organisations stay as many)."""
    count = size.big_plan_measures
    year = size.follow_up_years[-1] if size.follow_up_years else 2025
    plan = Plan.objects.create(
        owner=owner,
        kind=Plan.Kind.ACTION_PLAN,
        title=big_plan_title(count, prefix),
        start_year=year - 1,
        end_year=year + 2,
        status=Plan.Status.ADOPTED,
        adopted_by="Regionfullmäktige",
    )
    areas = _bulk(
        FocusArea,
        [
            FocusArea(plan=plan, number=str(n + 1), order=n, title=f"Målområde {n + 1}")
            for n in range(20)
        ],
    )
    rows = _bulk(
        Measure,
        [
            Measure(
                plan=plan,
                focus_area=areas[n % 20],
                code=f"{n % 20 + 1}{n // 20:03d}",
                order=n,
                title=f"Insats {n} för barn och unga i samverkan med föreningslivet och skolan",
                expected_result="Fler unga i organiserad fritid, minst 100 deltagare",
                status=MEASURE_STATUSES[n % len(MEASURE_STATUSES)],
            )
            for n in range(count)
        ],
    )
    _bulk(
        Responsibility,
        [
            Responsibility(measure=m, organisation=units[n % len(units)], role="ansvarig")
            for n, m in enumerate(rows)
        ],
    )
    round_ = FollowUpRound.objects.create(
        plan=plan, year=year, due_on=_due(year, "helar"), status=FollowUpRound.Status.CLOSED
    )
    _bulk(
        MeasureReport,
        [
            MeasureReport(
                round=round_,
                measure=m,
                state=MeasureReport.State.ACCEPTED,
                status=ASSESSMENTS[n % len(ASSESSMENTS)],
                progress=PROGRESS,
            )
            for n, m in enumerate(rows)
        ],
    )
    return plan
