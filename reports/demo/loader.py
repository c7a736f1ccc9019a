"""Demo follow-up: rounds and reports on the demo plans, written as measure owners would.

Every text starts with "Demo:" so nobody takes it for a municipality's real report. The
statuses are spread over the fixed scale deterministically (by the measure's place in the plan),
so the demo looks the same on every machine and the tests can count on it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from plans.models import Organisation, Plan
from reports.demo.grant import PLAN_TITLE as GRANT_PLAN
from reports.demo.grant import load_grant_demo
from reports.models import FollowUpRound, MeasureReport

S = MeasureReport.Status

# What an owner writes for each status (marked as the demo's own words).
TEXTS = {
    S.ON_TRACK: "Demo: Arbetet följer planen. Aktiviteterna för perioden är "
    "genomförda och samverkan med berörda parter fungerar.",
    S.AT_RISK: "Demo: Insatsen har kommit igång, men personalomsättning gör att vi riskerar "
    "att inte hinna allt under året. Vi har bett om stöd från styrgruppen.",
    S.DEVIATING: "Demo: Insatsen avviker från planen. Finansieringen blev klar först i juni "
    "och aktiviteterna har flyttats till nästa år.",
    S.NOT_STARTED: "Demo: Insatsen är inte påbörjad. Start planeras efter sommaren när "
    "samordnaren är på plats.",
    S.DONE: "Demo: Insatsen är genomförd. Utvärderingen visar att målgruppen nåddes och "
    "arbetssättet förs över i ordinarie verksamhet.",
    S.CANCELLED: "Demo: Insatsen är avbruten efter beslut i styrgruppen; insatsen ersätts av "
    "en gemensam insats med regionen.",
}

# The spread of statuses: mostly on track, some at risk or late, a few done or stopped.
EARLY = [S.ON_TRACK, S.ON_TRACK, S.AT_RISK, S.NOT_STARTED, S.ON_TRACK, S.DEVIATING, S.DONE]
LATE = [S.DONE, S.ON_TRACK, S.DONE, S.AT_RISK, S.DONE, S.DEVIATING, S.CANCELLED, S.ON_TRACK]


@dataclass(frozen=True)
class DemoRound:
    """A follow-up of a demo plan: closed with every report accepted, or open with gaps."""

    plan: str
    year: int
    period: str
    due_on: datetime.date
    statuses: list[str]
    is_open: bool = False


ROUNDS = [
    DemoRound(
        "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026",
        2024,
        FollowUpRound.Period.YEAR,
        datetime.date(2025, 1, 31),
        EARLY,
    ),
    DemoRound(
        "Verksamhetsplan för folkhälsa och social hållbarhet 2024",
        2024,
        FollowUpRound.Period.YEAR,
        datetime.date(2025, 1, 31),
        LATE,
    ),
    DemoRound(
        "Region Norrbottens handlingsplan 2018–2022",
        2019,
        FollowUpRound.Period.YEAR,
        datetime.date(2020, 2, 14),
        EARLY,
    ),
    DemoRound(
        "Region Norrbottens handlingsplan 2018–2022",
        2020,
        FollowUpRound.Period.YEAR,
        datetime.date(2021, 2, 12),
        EARLY[1:] + EARLY[:1],
    ),
    DemoRound(
        "Region Norrbottens handlingsplan 2018–2022",
        2021,
        FollowUpRound.Period.YEAR,
        datetime.date(2022, 2, 11),
        LATE,
    ),
    # Norsjö's grant per inhabitant (reports/demo/grant.py), followed up with its outcome.
    DemoRound(GRANT_PLAN, 2024, FollowUpRound.Period.YEAR, datetime.date(2025, 1, 31), LATE),
    # The open round: Norberg's year 2026, opened early so owners can start; reports missing.
    DemoRound(
        "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026",
        2026,
        FollowUpRound.Period.YEAR,
        datetime.date(2027, 1, 29),
        LATE,
        is_open=True,
    ),
]

# In the open round, measure owners are at different stages: every third report is submitted,
# every third a draft, the rest not reported yet.
OPEN_STATES = [
    MeasureReport.State.SUBMITTED,
    MeasureReport.State.DRAFT,
    MeasureReport.State.NOT_REPORTED,
]


def load_follow_up_demo() -> list[str]:
    """Create the demo follow-up not there yet: rounds with their reports, indicators, the
    budget outcome and one published report; return what was created."""
    created = []
    with transaction.atomic():
        if load_grant_demo():
            created.append(f"Bidrag per invånare: {GRANT_PLAN}")
        for demo in ROUNDS:
            plan = Plan.objects.filter(title=demo.plan).first()
            if (
                plan is None
                or FollowUpRound.objects.filter(
                    plan=plan, year=demo.year, period=demo.period
                ).exists()
            ):
                continue
            _create_round(demo, plan)
            created.append(f"{plan.title}: {demo.year} {demo.period}")
        created += [f"Indikatorer: {name}" for name in load_indicator_demo()]
        if load_need_demo():
            created.append("Indikator för Samlingens prioritering")
        if load_budget_outcome_demo():
            created.append("Utfall: Alingsås 2024")
        # Last: the published report shows the rounds, indicators and outcome above.
        created += [f"Publicerad uppföljning: {title} {year}" for title, year in publish_demo()]
    return created


def _create_round(demo: DemoRound, plan: Plan) -> None:
    """Create the round and fill in its reports as the owners and the strategist left them."""
    opener = User.objects.filter(roles__organisation=plan.owner, roles__kind="strateg").first()
    round_ = FollowUpRound(
        plan=plan,
        year=demo.year,
        period=demo.period,
        due_on=demo.due_on,
        opened_by=opener,
        status=FollowUpRound.Status.OPEN if demo.is_open else FollowUpRound.Status.CLOSED,
    )
    round_._history_user = opener
    round_.save()
    submitted = timezone.make_aware(datetime.datetime.combine(demo.due_on, datetime.time(9)))
    measures = plan.measures.order_by("order", "code", "pk")
    for index, measure in enumerate(measures):
        status = demo.statuses[index % len(demo.statuses)]
        state = OPEN_STATES[index % 3] if demo.is_open else MeasureReport.State.ACCEPTED
        report = MeasureReport(round=round_, measure=measure, state=state)
        if state != MeasureReport.State.NOT_REPORTED:
            report.status = status
            report.progress = TEXTS[status]
        if state in (MeasureReport.State.SUBMITTED, MeasureReport.State.ACCEPTED):
            report.submitted_at = submitted
        if state == MeasureReport.State.ACCEPTED:
            report.reviewed_by, report.reviewed_at = opener, submitted
        report._history_user = opener
        report.save()


# Indicators. The survey figures are the source documents' own (Norberg's strategy quotes Liv
# och hälsa ung 2020); the Kolada-shaped series are invented for the demo and say so.
SURVEY = "Liv och hälsa ung"
DEMO_NOTE = (
    "Demo: påhittade värden i Koladas form, för att visa jämförelser och avvikelser. "
    "Hämta riktiga värden med ”Hämta från Kolada”."
)
# Area codes as Kolada writes them, with their names, and each municipality's county.
AREAS = {
    "1962": ("Norberg", "0019"),
    "2417": ("Norsjö", "0024"),
    "1489": ("Alingsås", "0014"),
    "0019": ("Region Västmanland", None),
    "0024": ("Region Västerbotten", None),
    "0014": ("Västra Götalandsregionen", None),
    "0000": ("Riket", None),
}
YEARS = range(2020, 2025)
# (indicator, KPI, unit, direction, {area: totals 2020–2024}, women − total, men − total)
SERIES = [
    (
        "Ohälsotal",
        "N00957",
        "dagar",
        "lagre",
        {
            "1962": [33.1, 32.4, 31.8, 32.6, 33.4],
            "2417": [35.0, 34.2, 33.9, 33.5, 33.0],
            "1489": [26.5, 26.1, 25.8, 25.4, 25.1],
            "0019": [27.5, 27.0, 26.6, 26.3, 26.0],
            "0024": [28.1, 27.8, 27.5, 27.3, 27.0],
            "0014": [25.9, 25.5, 25.2, 24.9, 24.7],
            "0000": [25.8, 25.5, 25.3, 25.1, 24.9],
        },
        6.2,
        -5.8,
    ),
    (
        "Medellivslängd",
        "N00925",
        "år",
        "hogre",
        {
            "1962": [81.0, 81.1, 80.9, 81.3, 81.4],
            "2417": [80.7, 80.9, 81.0, 80.8, 81.1],
            "1489": [83.0, 83.1, 83.2, 83.3, 83.3],
            "0019": [82.2, 82.3, 82.2, 82.5, 82.6],
            "0024": [82.5, 82.6, 82.6, 82.8, 82.9],
            "0014": [82.8, 82.9, 82.9, 83.1, 83.2],
            "0000": [82.7, 82.8, 82.7, 83.0, 83.1],
        },
        2.0,
        -2.1,
    ),
]
# Which municipality follows which series in which plan's focus area (title starts).
FOLLOWED = [
    ("Norbergs kommun", "1962", "Norbergs kommuns strategi", "Arbete", "Hälsofrämjande och trygga"),
    ("Alingsås kommun", "1489", "Verksamhetsplan för folkhälsa", "", ""),
    ("Norsjö kommun", "2417", "", "", ""),
]


def load_indicator_demo() -> list[str]:
    """Create the demo indicators not there yet, with their values and targets."""
    from reports.models import Indicator

    created = []
    for org_name, code, plan_prefix, area_a, area_b in FOLLOWED:
        owner = Organisation.objects.filter(name=org_name, parent=None).first()
        if owner is None or Indicator.objects.filter(owner=owner).exists():
            continue
        areas = _focus_areas(plan_prefix, [area_a, area_b])
        for index, series in enumerate(SERIES):
            _kolada_series(owner, code, series, areas[index % len(areas)] if areas else None)
        if code == "1962":
            _survey_indicators(owner, plan_prefix)
        created.append(org_name)
    return created


# Seed 004's prioritisation shows the need behind its areas with indicators; one, invented in
# Kolada's shape for Region Dalarna and the country, marked Demo (plans/prioritisation/demo.py).
NEED_INDICATOR = "Barn som lever i ekonomiskt utsatta hushåll"
NEED_VALUES = {"0020": [11.2, 11.0, 10.9, 11.3, 11.6], "0000": [9.8, 9.6, 9.5, 9.7, 9.9]}


def load_need_demo() -> bool:
    """Link Region Dalarna's demo indicator to the first two areas of Samlingen's first theme;
    return whether it was created now."""
    from plans.models import Candidate
    from reports.models import Indicator, IndicatorValue

    owner = Organisation.objects.filter(name="Region Dalarna", parent=None).first()
    candidates = Candidate.objects.filter(
        prioritisation__owner__name="Samling för social hållbarhet i Dalarna",
        theme__number=1,
        number__in=["1", "2"],
    )
    if owner is None or Indicator.objects.filter(owner=owner, name=NEED_INDICATOR).exists():
        return False
    indicator = Indicator.objects.create(
        owner=owner,
        name=NEED_INDICATOR,
        description=DEMO_NOTE,
        unit="%",
        direction="lagre",
        source="manuell",
        split_by_sex=False,
    )
    indicator.candidates.set(candidates)
    names = {"0020": "Region Dalarna", "0000": "Riket"}
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            organisation=owner if code == "0020" else None,
            area_code=code,
            area_name=names[code],
            year=year,
            sex="T",
            value=Decimal(str(value)),
            source="manuell",
            is_demo=True,
        )
        for code, values in NEED_VALUES.items()
        for year, value in zip(YEARS, values, strict=True)
    )
    return True


def _focus_areas(plan_prefix: str, title_starts: list[str]) -> list:
    """Return the plan's focus areas whose titles start as given (all top ones if blank)."""
    plan = Plan.objects.filter(title__startswith=plan_prefix).first() if plan_prefix else None
    if plan is None:
        return []
    areas = plan.focus_areas.filter(parent=None).order_by("order", "pk")
    chosen = [a for start in title_starts if start for a in areas if a.title.startswith(start)]
    return chosen or list(areas[:1])


def _kolada_series(owner, code: str, series: tuple, area) -> None:
    """Create one Kolada-shaped indicator with its own, its county's and the country's values."""
    from reports.models import Indicator, IndicatorTarget, IndicatorValue

    name, kpi, unit, direction, totals, women, men = series
    indicator = Indicator.objects.create(
        owner=owner,
        name=name,
        description=DEMO_NOTE,
        unit=unit,
        direction=direction,
        source="kolada",
        kolada_kpi=kpi,
        split_by_sex=True,
    )
    if area is not None:
        indicator.focus_areas.add(area)
    county = AREAS[code][1]
    rows = []
    for area_code in (code, county, "0000"):
        organisation = owner if area_code == code else None
        for year, total in zip(YEARS, totals[area_code], strict=True):
            for sex, value in (("T", total), ("K", total + women), ("M", total + men)):
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        organisation=organisation,
                        area_code=area_code,
                        area_name=AREAS[area_code][0],
                        year=year,
                        sex=sex,
                        value=Decimal(str(round(value, 1))),
                        source="kolada",
                        is_demo=True,
                    )
                )
    IndicatorValue.objects.bulk_create(rows)
    target = Decimal("30") if direction == "lagre" else Decimal("82")
    IndicatorTarget.objects.create(indicator=indicator, year=2024, value=target, is_demo=True)


def _survey_indicators(owner, plan_prefix: str) -> None:
    """Create the Liv och hälsa ung figures Norberg's strategy quotes (2020)."""
    from reports.models import Indicator, IndicatorValue

    quoted = [
        ("Mår bra eller mycket bra (Liv och hälsa ung)", "Föräldraskap", 54, 68),
        (
            "Upplever studiero på lektionerna, årskurs 9 (Liv och hälsa ung)",
            "Hälsofrämjande skola",
            25,
            36,
        ),
    ]
    for name, area_start, girls, boys in quoted:
        indicator = Indicator.objects.create(
            owner=owner,
            name=name,
            unit="%",
            direction="hogre",
            source="enkat",
            survey=SURVEY,
            split_by_sex=True,
            women_label="Tjejer",  # as Liv och hälsa ung names its groups
            men_label="Killar",
            description="Andel unga som svarat så i Liv och hälsa ung 2020, enligt strategin.",
        )
        for area in _focus_areas(plan_prefix, [area_start]):
            indicator.focus_areas.add(area)
        for sex, value in (("K", girls), ("M", boys)):
            IndicatorValue.objects.create(
                indicator=indicator,
                organisation=owner,
                area_code="1962",
                area_name="Norberg",
                year=2020,
                sex=sex,
                value=Decimal(value),
                source="enkat",
            )


# The outcome of Alingsås' 2024 budget: close to the budget, some lines under, one over.
OUTCOME_SHARES = [Decimal("0.95"), Decimal("1.00"), Decimal("0.88"), Decimal("1.04")]
# The follow-ups the demo publishes, each from its closed round with every report accepted:
# Norberg's 2024, and Norrbotten's last full year, 2021 (its plan's public page shows them).
PUBLISHED = [
    ("Norbergs kommuns strategi för folkhälsoarbetet 2022-2026", 2024, "norberg-strateg"),
    ("Region Norrbottens handlingsplan 2018–2022", 2021, "norrbotten-strateg"),
]


def load_budget_outcome_demo() -> bool:
    """Give Alingsås' 2024 budget its outcome, once; return whether it was given now."""
    from plans.models import BudgetAmount

    amounts = BudgetAmount.objects.filter(
        line__budget__plan__owner__name="Alingsås kommun", line__budget__year=2024
    ).order_by("line__order", "line_id", "funder__order", "funder_id")
    if not amounts or any(a.outcome is not None for a in amounts):
        return False
    for index, amount in enumerate(amounts):
        amount.outcome = (amount.amount * OUTCOME_SHARES[index % 4]).quantize(Decimal("1"))
        amount.outcome_is_demo = True  # invented: the seed gives the budget, not its outcome
        amount.save(update_fields=["outcome", "outcome_is_demo"])
    return True


def publish_demo() -> list[tuple[str, int]]:
    """Publish the demo's follow-ups not published yet; return (plan, year) of each published."""
    return [(title, year) for title, year, user in PUBLISHED if _publish(title, year, user)]


def _publish(title: str, year: int, username: str) -> bool:
    """Publish the plan's follow-up of the year, once; return whether it was published now."""
    from reports.models import PublishedFollowUp
    from reports.services import follow_up_publish

    plan = Plan.objects.filter(title=title).first()
    user = User.objects.filter(username=username).first()
    if plan is None or user is None or PublishedFollowUp.objects.filter(plan=plan).exists():
        return False
    follow_up_publish(plan=plan, year=year, user=user)
    return True
