"""Demo follow-up: rounds and reports on the demo plans, written as measure owners would.

Every text starts with "Demo:" so nobody takes it for a municipality's real report. The
statuses are spread over the fixed scale deterministically (by the measure's place in the plan),
so the demo looks the same on every machine and the tests can count on it.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from plans.models import Plan
from reports.models import FollowUpRound, MeasureReport

S = MeasureReport.Status

# What an owner writes for each status; {title} is the measure's title, shortened.
TEXTS = {
    S.ON_TRACK: "Demo: Arbetet med {title} följer planen. Aktiviteterna för perioden är "
    "genomförda och samverkan med berörda parter fungerar.",
    S.AT_RISK: "Demo: {title} har kommit igång, men personalomsättning gör att vi riskerar "
    "att inte hinna allt under året. Vi har bett om stöd från styrgruppen.",
    S.DEVIATING: "Demo: {title} avviker från planen. Finansieringen blev klar först i juni "
    "och aktiviteterna har flyttats till nästa år.",
    S.NOT_STARTED: "Demo: {title} är inte påbörjad. Start planeras efter sommaren när "
    "samordnaren är på plats.",
    S.DONE: "Demo: {title} är genomförd. Utvärderingen visar att målgruppen nåddes och "
    "arbetssättet förs över i ordinarie verksamhet.",
    S.CANCELLED: "Demo: {title} är avbruten efter beslut i styrgruppen; insatsen ersätts av "
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
    """Create the demo rounds not there yet, with their reports; return what was created."""
    created = []
    with transaction.atomic():
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
            report.progress = TEXTS[status].format(title=_short(measure.title))
        if state in (MeasureReport.State.SUBMITTED, MeasureReport.State.ACCEPTED):
            report.submitted_at = submitted
        if state == MeasureReport.State.ACCEPTED:
            report.reviewed_by, report.reviewed_at = opener, submitted
        report._history_user = opener
        report.save()


def _short(title: str) -> str:
    """Return the measure's title as a sentence can hold it: lower-case start, at most 80."""
    text = " ".join(title.split())
    text = text[:77].rsplit(" ", 1)[0] + "…" if len(text) > 80 else text
    return f"insatsen ”{text}”"
