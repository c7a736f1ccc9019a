"""Time the lists paged in issue 19 and the queries that became indexed subqueries, at national
size on PostgreSQL, beside the same work done as it was before (the old queries and the old
unpaged templates, kept here): `scripts/with-postgres.sh .venv/bin/python -m bench.lists`.

Prints per page and query the median milliseconds and the query count, old and new, and the
plan PostgreSQL chose for each new query (sequential scans of large tables flagged). By hand,
never in `make test`. BENCH_MUNICIPALITIES sets the size (default 290, as the issue measured).
"""

import os
import statistics
import subprocess
import time
from collections.abc import Callable

from bench.run import setup

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
MUNICIPALITIES = int(os.environ.get("BENCH_MUNICIPALITIES", "290"))
LARGE_TABLES = (
    "councils_agendaitem",
    "councils_attendance",
    "reports_measurereport",
    "reports_indicatorvalue",
    "plans_measure",
    "councils_agendaitem_measures",
    "reports_indicator_measures",
    "reports_indicator_focus_areas",
)


def timed(action: Callable[[], object]) -> tuple[float, int]:
    """Return the median milliseconds of RUNS calls and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()
    with CaptureQueriesContext(connection) as captured:
        action()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), len(captured)


def old_template(path: str):
    """Return the template as it was at the last commit, before the lists were paged."""
    from django.template import engines

    text = subprocess.run(
        ["git", "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
    ).stdout
    return engines["django"].from_string(text)


def build() -> dict:
    """Migrate, generate the country and return the users and records to measure with."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from bench.national import NationalSize, generate_national
    from bench.run import counts
    from plans.models import Organisation, Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generate_national(size=NationalSize(municipalities=MUNICIPALITIES, big_plan_measures=0))
    print(f"generated in {time.perf_counter() - started:.0f} s: {counts()}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    superuser = User.objects.create_superuser("bench-admin")
    strategist = User.objects.create_user("bench-strateg")
    Role.objects.create(
        user=strategist,
        organisation=Organisation.objects.get(name="Gen kommun 000"),
        kind=Role.Kind.STRATEGIST,
    )
    return {"superuser": superuser, "strategist": strategist}


def page(user, url: str) -> Callable[[], object]:
    """Return a GET of the page as the user (anonymous if None), asserting a 200."""
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)

    def get() -> None:
        response = client.get(url, secure=True)  # DEBUG off: HTTPS as in production
        assert response.status_code == 200, (url, response.status_code)

    return get


def old_page(user, template: str, context: Callable[[], dict]) -> Callable[[], object]:
    """Return the old template rendered with the old selector's data, as a request would."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    compiled = old_template(template)

    def render() -> None:
        request = RequestFactory().get("/")
        request.user = user or AnonymousUser()
        compiled.render(context(), request)

    return render


# The queries as they were ------------------------------------------------------------------------


def old_managed_rounds(user):
    from plans.permissions import EDIT_PLANS, organisations_for, visible_plans
    from reports.models import FollowUpRound

    plans = visible_plans(user).select_related("owner")
    if not user.is_superuser:
        plans = plans.filter(owner__in=organisations_for(user, EDIT_PLANS))
    plans = list(plans.order_by("owner__name", "-start_year", "title"))
    rounds = list(
        FollowUpRound.objects.filter(plan__in=plans)
        .select_related("plan")
        .order_by("-year", "period", "plan__title")
    )
    return {"plans": plans, "rounds": rounds}


def old_body_tree(user):
    from councils.permissions import readable_bodies
    from councils.selectors import BodyNode

    bodies = (
        readable_bodies(user)
        .with_tree_fields()
        .order_siblings_by("name")
        .select_related("organisation")
    )
    nodes = {body.pk: BodyNode(body) for body in bodies}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.body.parent_id)
        (parent.children if parent else roots).append(node)
    return {"tree": roots, "can_create": True}


def old_present_people(meeting):
    from django.db.models import Q

    from councils.models import Attendance
    from plans.models import Person

    present = (Attendance.Status.PRESENT, Attendance.Status.REMOTE)
    in_seat = Q(attendances__meeting=meeting, attendances__status__in=present)
    substitute = Q(substitutions__meeting=meeting, substitutions__status=Attendance.Status.REPLACED)
    return Person.objects.filter(in_seat | substitute).distinct().order_by("name", "pk")


def old_meeting_items(plan, year):
    from django.db.models import Q

    from councils.models import AgendaItem, Meeting
    from plans.models import Organisation

    owners = Organisation.objects.below([plan.owner_id]).values_list("pk", flat=True)
    return (
        AgendaItem.objects.filter(Q(plans=plan) | Q(measures__plan=plan))
        .filter(meeting__starts_at__year=year, meeting__status__in=Meeting.LOCKED_STATUSES)
        .filter(meeting__body__is_public=True, meeting__body__organisation__in=list(owners))
        .select_related("meeting__body")
        .order_by("meeting__starts_at", "order", "pk")
        .distinct()
    )


def new_meeting_items(plan, year):
    from councils.models import AgendaItem, Meeting
    from plans.models import Organisation
    from reports.documents import plan_agenda_items

    owners = Organisation.objects.below([plan.owner_id]).values_list("pk", flat=True)
    return (
        AgendaItem.objects.filter(pk__in=plan_agenda_items(plan=plan))
        .filter(meeting__starts_at__year=year, meeting__status__in=Meeting.LOCKED_STATUSES)
        .filter(meeting__body__is_public=True, meeting__body__organisation__in=list(owners))
        .select_related("meeting__body")
        .order_by("meeting__starts_at", "order", "pk")
    )


def old_plan_indicators(plan):
    from django.db.models import Q

    from reports.models import Indicator

    return Indicator.objects.filter(Q(focus_areas__plan=plan) | Q(measures__plan=plan)).distinct()


def old_readable_indicators(user):
    from django.db.models import Exists, OuterRef, Q

    from plans import permissions
    from plans.models import FocusArea, Measure
    from reports.models import Indicator

    indicators = Indicator.objects.all()
    if user.is_authenticated and user.is_superuser:
        return indicators
    plans = permissions.visible_plans(user)
    areas = FocusArea.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    measures = Measure.objects.filter(indicators=OuterRef("pk"), plan__in=plans)
    own = Q(owner__in=permissions.organisations_for(user, permissions.READ))
    return indicators.filter(own | Exists(areas) | Exists(measures))


def explain(queryset) -> str:
    """Return PostgreSQL's plan of the query, with the sequential scans of large tables."""
    plan = queryset.explain(analyze=True)
    scans = [line.strip() for line in plan.splitlines() if "Seq Scan" in line]
    large = [s for s in scans if any(f" on {t} " in s + " " for t in LARGE_TABLES)]
    time_line = next((line for line in plan.splitlines() if "Execution Time" in line), "")
    return f"{time_line.strip()}; large seq scans: {large or 'none'}"


def main() -> None:
    setup()
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from councils.models import Attendance, Meeting
    from councils.selectors import notice_board, present_people
    from reports.documents import plan_indicators
    from reports.models import Indicator
    from reports.permissions import readable_indicators

    users = build()
    admin, strategist = users["superuser"], users["strategist"]
    anonymous = AnonymousUser()
    print(f"\n{'page or query':58} {'old ms':>8} {'old q':>6} {'new ms':>8} {'new q':>6}")

    def row(label: str, old, new) -> None:
        try:
            old_ms, old_q = timed(old) if old else (float("nan"), 0)
            new_ms, new_q = timed(new)
        except Exception as error:  # one broken page or query does not lose the others
            print(f"{label:58} failed: {error!r}")
            return
        print(f"{label:58} {old_ms:8.1f} {old_q:6} {new_ms:8.1f} {new_q:6}", flush=True)

    followup = "reports/templates/reports/followup_home.html"
    for who, user in (("superuser", admin), ("strategist of one municipality", strategist)):
        row(
            f"uppfoljning/ ({who})",
            old_page(user, followup, lambda user=user: old_managed_rounds(user)),
            page(user, "/uppfoljning/"),
        )
    row(
        "organ/ (superuser)",
        old_page(admin, "councils/templates/councils/body_list.html", lambda: old_body_tree(admin)),
        page(admin, "/organ/"),
    )
    board = "councils/templates/councils/notice_board.html"
    row(
        "anslagstavla/ (anonymous)",
        old_page(
            None, board, lambda: {"announcements": notice_board(), "today": timezone.localdate()}
        ),
        page(None, "/anslagstavla/"),
    )
    row("protokoll/ (anonymous)", None, page(None, "/protokoll/"))
    for who, user in (("anonymous", None), ("strategist", strategist)):
        row(f"indikatorer/ ({who})", None, page(user, "/indikatorer/"))

    meeting = Meeting.objects.filter(pk__in=Attendance.objects.values("meeting_id")).last()
    row(
        "present_people (a meeting)",
        lambda: list(old_present_people(meeting)),
        lambda: list(present_people(meeting=meeting)),
    )
    from councils.models import AgendaItem

    linked = AgendaItem.measures.through.objects.select_related(
        "measure__plan", "agendaitem__meeting"
    ).last()
    plan, year = linked.measure.plan, linked.agendaitem.meeting.starts_at.year
    row(
        "_meetings' items (a plan, a year)",
        lambda: list(old_meeting_items(plan, year)),
        lambda: list(new_meeting_items(plan, year)),
    )
    indicator_plan = (
        Indicator.measures.through.objects.select_related("measure__plan").last().measure.plan
    )
    row(
        "_indicators' indicators (a plan)",
        lambda: list(old_plan_indicators(indicator_plan)),
        lambda: list(Indicator.objects.filter(pk__in=plan_indicators(plan=indicator_plan))),
    )
    for who, user in (("anonymous", anonymous), ("strategist", strategist)):
        row(
            f"readable_indicators ({who}): count and first 50",
            lambda user=user: (
                old_readable_indicators(user).count(),
                list(old_readable_indicators(user).order_by("name", "pk")[:50]),
            ),
            lambda user=user: (
                readable_indicators(user).count(),
                list(readable_indicators(user).order_by("name", "pk")[:50]),
            ),
        )
    print("\nPlans (EXPLAIN ANALYZE) of the new queries:")
    print("present_people:", explain(present_people(meeting=meeting)))
    print("_meetings:", explain(new_meeting_items(plan, year)))
    print(
        "_indicators:",
        explain(Indicator.objects.filter(pk__in=plan_indicators(plan=indicator_plan))),
    )
    for who, user in (("anonymous", anonymous), ("strategist", strategist)):
        print(
            f"readable_indicators ({who}):",
            explain(readable_indicators(user).order_by("name", "pk")[:50]),
        )
    print("\nPlans of the old queries:")
    print("present_people:", explain(old_present_people(meeting)))
    print("_meetings:", explain(old_meeting_items(plan, year)))
    print("_indicators:", explain(old_plan_indicators(indicator_plan)))
    for who, user in (("anonymous", anonymous), ("strategist", strategist)):
        print(
            f"readable_indicators ({who}):",
            explain(old_readable_indicators(user).order_by("name", "pk")[:50]),
        )


if __name__ == "__main__":
    main()
