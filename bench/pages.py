"""What `make bench` measures: every main page of the site for the user who sees most and for
typical users, every admin changelist, and the PDFs, on the demo and a generated country.

`records` finds the records the pages show in a database holding the demo, a generated country
(`bench.national`) and its work (`bench.work`); `pages` and `documents` list what is measured.
`tests/test_bench.py` asks every page at two small sizes (answer 200, queries equal).
"""

from collections.abc import Callable
from dataclasses import dataclass

from bench.national import COUNCIL_NAME, big_plan_title

NORRBOTTEN_PLAN = "Region Norrbottens handlingsplan 2018–2022"
NORRBOTTEN_YEAR = 2021  # its published follow-up in the demo
FOLLOW_UP_TEMPLATE = "reports/pdf/follow_up.html"
PLAN_TEMPLATE = "reports/pdf/plan_document.html"


@dataclass
class Page:
    """A page measured: its label, whose it is (a key of the records' users, None: anonymous)
    and its address."""

    label: str
    user: str | None
    url: str


@dataclass
class Document:
    """A PDF measured: its selector (the content), template and variant."""

    label: str
    select: Callable[[], object]
    template: str
    variant: str
    wrap: bool = False  # the council's templates read the content as `document`

    def context(self, content: object) -> dict:
        return {"document": content} if self.wrap else content


def records(*, big_plan_measures: int, last_year: int, prefix: str = "Gen") -> dict:
    """Return the users and records the pages show (the first generated municipality's and the
    second's, whose secretary `bench.work` made)."""
    from django.contrib.auth.models import User

    from councils.models import Body, Meeting
    from plans.models import Organisation, Plan
    from reports.models import FollowUpRound, Indicator, MeasureReport

    first = Organisation.objects.get(name=f"{prefix} kommun 000")
    second = Organisation.objects.get(name=f"{prefix} kommun 001")
    plan = Plan.objects.get(title=NORRBOTTEN_PLAN)
    council = Body.objects.get(organisation=second, name=COUNCIL_NAME)
    meetings = Meeting.objects.filter(body=council).order_by("starts_at")
    users = {
        "superuser": User.objects.get(username="admin"),
        "region": User.objects.get(username="norrbotten-strateg"),
        "strategist": User.objects.get(username="bench-strateg"),
        "rapportor": User.objects.get(username="bench-rapportor"),
        "secretary": User.objects.get(username="bench-sekreterare"),
    }
    return {
        "users": users,
        "plan": plan,
        "measure": plan.measures.get(code="5B"),
        "big_plan": Plan.objects.get(title=big_plan_title(big_plan_measures, prefix)),
        "last_year": last_year,
        "organisation": first,
        "round": FollowUpRound.objects.filter(
            plan__owner=first, year=last_year, period=FollowUpRound.Period.YEAR
        ).earliest("pk"),
        "report": MeasureReport.objects.filter(
            round__status=FollowUpRound.Status.OPEN,
            round__plan__owner=first,
            state=MeasureReport.State.DRAFT,
        ).earliest("pk"),
        "indicator": Indicator.objects.filter(owner=first).earliest("pk"),
        "council": council,
        "checked": meetings.filter(status=Meeting.Status.CHECKED).last(),
        "coming": meetings.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.NOTICE_SENT]
        ).first(),
    }


def pages(data: dict) -> list[Page]:
    """Return every page measured, the user who sees most first, then typical users."""
    from django.urls import reverse

    plan, big, council = data["plan"], data["big_plan"], data["council"]
    checked, organisation = data["checked"], data["organisation"]
    listed = [
        Page("start page (plans)", None, reverse("plans:home")),
        Page("start page (plans)", "superuser", reverse("plans:home")),
        Page("start page (plans)", "strategist", reverse("plans:home")),
        Page("plan page, 100 measures", None, reverse("plans:plan_detail", args=[plan.pk])),
        Page("plan page, 100 measures", "region", reverse("plans:plan_detail", args=[plan.pk])),
        Page("plan page, 2,000 measures", None, reverse("plans:plan_detail", args=[big.pk])),
        Page("plan page, 2,000 measures", "superuser", reverse("plans:plan_detail", args=[big.pk])),
        Page("plan editor, 100 measures", "region", reverse("plans:plan_editor", args=[plan.pk])),
        Page("plan history, 200 changes", "region", reverse("plans:plan_history", args=[plan.pk])),
        Page("measure form", "region", reverse("plans:measure_edit", args=[data["measure"].pk])),
        Page("follow-up home", "superuser", reverse("reports:followup_home")),
        Page("follow-up home", "region", reverse("reports:followup_home")),
        Page("follow-up home", "strategist", reverse("reports:followup_home")),
        Page("round", "superuser", reverse("reports:round_detail", args=[data["round"].pk])),
        Page("round", "strategist", reverse("reports:round_detail", args=[data["round"].pk])),
        Page("Mina insatser, 300 reports", "rapportor", reverse("reports:my_reports")),
        Page("report form", "rapportor", reverse("reports:report_edit", args=[data["report"].pk])),
        Page("dashboard", "region", reverse("reports:plan_dashboard", args=[plan.pk])),
        Page("dashboard", None, reverse("reports:plan_dashboard", args=[plan.pk])),
        Page("indicator list", "superuser", reverse("reports:indicator_list")),
        Page("indicator list", "strategist", reverse("reports:indicator_list")),
        Page("indicator list", None, reverse("reports:indicator_list")),
        Page(
            "indicator page",
            "superuser",
            reverse("reports:indicator_detail", args=[data["indicator"].pk]),
        ),
        Page(
            "indicator page",
            "strategist",
            reverse("reports:indicator_detail", args=[data["indicator"].pk]),
        ),
        Page("body list", "superuser", reverse("councils:body_list")),
        Page("body list", "secretary", reverse("councils:body_list")),
        Page("body page", "superuser", reverse("councils:body_detail", args=[council.pk])),
        Page("body page", "secretary", reverse("councils:body_detail", args=[council.pk])),
        Page("meeting page", "superuser", reverse("councils:meeting_detail", args=[checked.pk])),
        Page("meeting page", "secretary", reverse("councils:meeting_detail", args=[checked.pk])),
        Page("minutes page", "secretary", reverse("councils:minutes", args=[checked.pk])),
        Page("notice board", None, reverse("councils:notice_board")),
        Page("public minutes", None, reverse("councils:public_minutes", args=[checked.pk])),
        Page("public start page", None, reverse("start")),
        Page(
            "organisation page, municipality",
            None,
            reverse("organisation", args=[organisation.pk]),
        ),
        Page("organisation page, region", None, reverse("organisation", args=[plan.owner_id])),
        Page("Mitt arbete", "superuser", reverse("my_work")),
        Page("Mitt arbete", "region", reverse("my_work")),
        Page("Mitt arbete, rapportör", "rapportor", reverse("my_work")),
        Page("Mitt arbete, secretary (15 bodies)", "secretary", reverse("my_work")),
        Page("årshjul", "superuser", reverse("year_wheel:mine")),
        Page("årshjul", "strategist", reverse("year_wheel:mine")),
        # The REST API's measures (issue 20: under 0.3 s p95 at national size), first page and
        # filtered: a country's measures by an actor (with its units) and the assessment.
        Page("API measures, first page", None, reverse("api:measure-list")),
        Page("API measures, first page", "superuser", reverse("api:measure-list")),
        Page(
            "API measures, by actor and assessment",
            "superuser",
            reverse("api:measure-list") + f"?organisation={organisation.pk}&assessment=enligt_plan",
        ),
        Page(
            "API measures, by plan, actor and assessment",
            "region",
            reverse("api:measure-list")
            + f"?plan={plan.pk}&organisation={plan.owner_id}&assessment=enligt_plan",
        ),
        Page("admin plan change", "superuser", reverse("admin:plans_plan_change", args=[plan.pk])),
        Page(
            "admin indicator change",
            "superuser",
            reverse("admin:reports_indicator_change", args=[data["indicator"].pk]),
        ),
    ]
    return listed + admin_changelists()


def admin_changelists() -> list[Page]:
    """Return every registered ModelAdmin's changelist, for the superuser."""
    from django.contrib import admin
    from django.urls import reverse

    found = []
    for model in sorted(
        admin.site._registry, key=lambda m: (m._meta.app_label, m._meta.model_name)
    ):
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        found.append(Page(f"admin {meta.app_label}.{meta.model_name} list", "superuser", url))
    return found


def documents(data: dict) -> list[Document]:
    """Return the PDFs measured: the plan, two follow-ups, a notice and minutes."""
    from councils.selectors import minutes_document, notice_document
    from councils.services.documents import MINUTES_VARIANT, NOTICE_VARIANT
    from reports.documents import follow_up_document, plan_document

    plan, big = data["plan"], data["big_plan"]
    return [
        Document(
            "plan PDF, 100 measures", lambda: plan_document(plan=plan), PLAN_TEMPLATE, "pdf/ua-1"
        ),
        Document(
            "follow-up PDF, Norrbotten",
            lambda: follow_up_document(plan=plan, year=NORRBOTTEN_YEAR),
            FOLLOW_UP_TEMPLATE,
            "pdf/ua-1",
        ),
        Document(
            "follow-up PDF, 2,000 measures",
            lambda: follow_up_document(plan=big, year=data["last_year"]),
            FOLLOW_UP_TEMPLATE,
            "pdf/ua-1",
        ),
        Document(
            "notice PDF",
            lambda: notice_document(meeting=data["coming"]),
            "councils/pdf/notice.html",
            NOTICE_VARIANT,
            wrap=True,
        ),
        Document(
            "minutes PDF",
            lambda: minutes_document(meeting=data["checked"]),
            "councils/pdf/minutes.html",
            MINUTES_VARIANT,
            wrap=True,
        ),
    ]
