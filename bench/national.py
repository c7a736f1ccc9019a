"""Generate a country's worth of organisations, plans and measures, fast (bulk_create).

At full size (the defaults): 290 municipalities and 21 regions, each with departments and
units (about 3 300 organisations), and three plans of 100 measures for every municipality
(87 000 measures). Tests call it with small numbers to compare query counts at two sizes.
"""

from dataclasses import dataclass
from itertools import cycle, islice

from django.db import transaction

from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility, Result

BATCH = 5000
DEPARTMENTS = ("Socialförvaltningen", "Kultur- och fritidsförvaltningen", "Barn- och utbildning")
UNITS = ("Enhet A", "Enhet B")
STATUSES = [Plan.Status.ADOPTED, Plan.Status.ADOPTED, Plan.Status.DRAFT]
MEASURE_STATUSES = [value for value in Measure.Status.values if value]


@dataclass
class NationalSize:
    """How much to generate."""

    municipalities: int = 290
    regions: int = 21
    plans_per_municipality: int = 3
    measures_per_plan: int = 100
    top_areas: int = 4
    sub_areas: int = 3


@transaction.atomic
def generate_national(*, size: NationalSize, prefix: str = "Gen") -> list[Plan]:
    """Create the organisations, plans, focus areas, results, measures and responsibilities."""
    municipalities = _top_level(size.municipalities, f"{prefix} kommun", Organisation.Kind.KOMMUN)
    regions = _top_level(size.regions, f"{prefix} region", Organisation.Kind.REGION)
    units = _units(municipalities + regions)
    plans = _plans(municipalities, size.plans_per_municipality)
    for plan in plans:
        plan.owner_units = units[plan.owner_id]
    _contents(plans, size, partners=regions)
    return plans


def _bulk(model: type, rows: list) -> list:
    """Insert the rows in batches and return them with their primary keys."""
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _top_level(count: int, name: str, kind: str) -> list[Organisation]:
    """Create numbered top-level organisations of one kind."""
    return _bulk(
        Organisation, [Organisation(name=f"{name} {i:03}", kind=kind) for i in range(count)]
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
