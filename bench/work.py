"""The follow-up and council work `make bench` measures Mitt arbete and a plan's dashboard on:
open rounds across the country, a rapportör with 300 reports, a secretary of 15 bodies among
hundreds, and Norrbotten's 100-measure plan followed up and published."""

import datetime
from itertools import cycle

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from councils.models import Body, Meeting, MinutesCheck
from plans.models import Measure, Organisation, Person, Plan, Role
from reports.models import FollowUpRound, MeasureReport
from reports.services import follow_up_publish

BATCH = 5000
# Municipalities whose plans have an open round: enough that her reports are few among many.
OPEN_MUNICIPALITIES = 60
OTHER_BODIES = 400
SECRETARY_BODIES = 15
MEETINGS_PER_BODY = 8


def build_work(*, norrbotten_plan: Plan, publisher: User, publish: bool = True) -> dict:
    """Create the work; return the rapportör and the secretary. Without `publish`, Norrbotten's
    plan is not followed up (its PDF takes seconds: the smoke test in `make test` skips it)."""
    today = timezone.localdate()
    municipalities = list(
        Organisation.objects.filter(name__startswith="Gen kommun ").order_by("name")[
            :OPEN_MUNICIPALITIES
        ]
    )
    plans = Plan.objects.filter(owner__in=municipalities)
    _open_rounds(list(plans), year=today.year, due=today + datetime.timedelta(days=40))
    rapportor = _user("bench-rapportor", municipalities[0], Role.Kind.REPORTER)
    secretary = _user("bench-sekreterare", municipalities[1], Role.Kind.SECRETARY)
    _bodies(municipalities[1], SECRETARY_BODIES, today)
    _bodies_elsewhere(municipalities[2:], today)
    if publish:
        _follow_up(norrbotten_plan, publisher)
    reports = MeasureReport.objects.filter(
        measure__responsibilities__organisation__in=Organisation.objects.below(
            [municipalities[0].pk]
        )
    ).count()
    print(f"work: rapportör with {reports} reports, secretary of {SECRETARY_BODIES} bodies")
    # As a database in use has: the planner's statistics of the tables just filled.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"rapportor": rapportor, "secretary": secretary}


def _user(username: str, organisation: Organisation, kind: str) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.se")
    Role.objects.create(user=user, organisation=organisation, kind=kind)
    return user


def _open_rounds(plans: list[Plan], *, year: int, due: datetime.date) -> None:
    """An open year round per plan, its reports at every stage."""
    rounds = FollowUpRound.objects.bulk_create(
        FollowUpRound(plan=p, year=year, period=FollowUpRound.Period.YEAR, due_on=due)
        for p in plans
    )
    by_plan = {r.plan_id: r for r in rounds}
    states = cycle(
        [
            MeasureReport.State.NOT_REPORTED,
            MeasureReport.State.DRAFT,
            MeasureReport.State.SUBMITTED,
            MeasureReport.State.RETURNED,
        ]
    )
    rows = [
        MeasureReport(round=by_plan[plan_id], measure_id=pk, state=next(states), comment="Mer.")
        for pk, plan_id in Measure.objects.filter(plan__in=plans).values_list("pk", "plan_id")
    ]
    MeasureReport.objects.bulk_create(rows, batch_size=BATCH)


def _bodies(organisation: Organisation, count: int, today: datetime.date) -> list[Body]:
    """Bodies with a year of meetings around today: planned, held with a check waiting, checked."""
    bodies = Body.objects.bulk_create(
        Body(organisation=organisation, name=f"Organ {i:03}", kind=Body.Kind.BOARD)
        for i in range(count)
    )
    person = Person.objects.create(name="Ada Justerare", organisation=organisation)
    meetings = []
    for body in bodies:
        for i in range(MEETINGS_PER_BODY):
            day = today + datetime.timedelta(days=45 * (i - MEETINGS_PER_BODY // 2))
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
            status = Meeting.Status.PLANNED if day >= today else Meeting.Status.CHECKED
            if day < today and i == MEETINGS_PER_BODY // 2 - 1:
                status = Meeting.Status.HELD
            checked = day + datetime.timedelta(days=5) if status == Meeting.Status.CHECKED else None
            meetings.append(Meeting(body=body, starts_at=starts, status=status, checked_on=checked))
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    MinutesCheck.objects.bulk_create(
        MinutesCheck(meeting=m, person=person, role=MinutesCheck.Role.ADJUSTER)
        for m in meetings
        if m.status == Meeting.Status.HELD
    )
    return bodies


def _bodies_elsewhere(organisations: list[Organisation], today: datetime.date) -> None:
    """Hundreds of other municipalities' bodies, so hers are a few among many."""
    per = max(OTHER_BODIES // max(len(organisations), 1), 1)
    for organisation in organisations[: OTHER_BODIES // per]:
        _bodies(organisation, per, today)


def _follow_up(plan: Plan, publisher: User) -> None:
    """Norrbotten's last year followed up, every report accepted, and published."""
    round_ = FollowUpRound.objects.create(
        plan=plan,
        year=plan.end_year,
        period=FollowUpRound.Period.YEAR,
        due_on=datetime.date(plan.end_year + 1, 1, 31),
        status=FollowUpRound.Status.CLOSED,
    )
    statuses = cycle(["enligt_plan", "risk", "avviker", "genomford", "ej_paborjad"])
    MeasureReport.objects.bulk_create(
        MeasureReport(
            round=round_,
            measure=m,
            state=MeasureReport.State.ACCEPTED,
            status=next(statuses),
            progress="Arbetet går enligt plan.",
        )
        for m in plan.measures.all()
    )
    follow_up_publish(plan=plan, year=plan.end_year, user=publisher)
