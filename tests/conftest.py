"""Shared fixtures: a municipality with a unit, another municipality, and the standing users.

alice is a strategist of Norbergs kommun (the editor), bob a rapportör at its library (fewer
rights), charlie a strategist of Alingsås kommun (the outsider), and diana the administrator of
Norbergs kommun (who manages its accounts). Each account belongs to its municipality.

The demo data is loaded once per session into the test database. A test that asks for `demo`
sees it; every other database test starts from the database as the migrations leave it (the demo
is deleted inside the test's transaction). Either way the transaction is rolled back after the
test, so the demo is loaded once and never changes between tests.
"""

import datetime
import shutil
from collections.abc import Iterator
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils.timezone import now
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from page import ValidationProfile, validate_pdf_bytes
from pytest_django.plugin import blocking_manager_key
from weasyprint.document import Document

from councils.models import (
    AgendaItem,
    Amendment,
    Attachment,
    Attendance,
    Body,
    Dispatch,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from folkhalsa.demo import load_demo
from plans.models import (
    Account,
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    Candidate,
    Criterion,
    FocusArea,
    GlobalGoal,
    Measure,
    Organisation,
    Person,
    Plan,
    Prioritisation,
    Rater,
    Rating,
    Responsibility,
    Result,
    Role,
    Round,
    Score,
    Tag,
    TargetArea,
    Theme,
)
from reports.documents import follow_up_document
from reports.models import (
    FollowUpRound,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    MeasureReport,
    PublishedFollowUp,
    Sex,
    Source,
)
from tests.database_copies import DatabaseCopy
from tests.kolada_fake import FakeKolada

PASSWORD = "ett-långt-testlösenord"

# Reference data the migrations create: kept when a test asks for an empty database.
MIGRATION_DATA = {ContentType, Permission, TargetArea, GlobalGoal}


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The test database as it stands with the demo loaded, put back after every test that commits.
DEMO_COPY = DatabaseCopy("demo")
# The files the demo stores (its agenda items' attachments), under the session's temporary
# folder; each test gets a copy in its own media folder (_media_in_tmp).
DEMO_MEDIA = "demo-media"


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup, django_db_blocker, tmp_path_factory, _tasks_run_inline
) -> Iterator[None]:
    """Load the demo (plans and councils) once, after the test database is created."""
    media = tmp_path_factory.getbasetemp() / DEMO_MEDIA
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media),
    ):
        load_demo()
        DEMO_COPY.take()
    yield
    with django_db_blocker.unblock():
        DEMO_COPY.drop()


def commits(item: pytest.Item) -> bool:
    """Return whether the test ran without a wrapping transaction, so its writes were committed."""
    marker = item.get_closest_marker("django_db")
    transaction_marked = marker is not None and marker.kwargs.get("transaction", False)
    names = getattr(item, "fixturenames", ())
    return transaction_marked or "transactional_db" in names or "live_server" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a test that committed (and Django's flush), put the demo database back whole."""
    yield
    # After the last test the session's teardown has removed the database and its copy.
    if commits(item) and nextitem is not None:
        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            DEMO_COPY.restore()


@pytest.fixture
def demo(db) -> None:
    """Give the test the demo data (loaded once per session, rolled back after each test)."""


@pytest.fixture(autouse=True)
def _empty_unless_demo(request: pytest.FixtureRequest) -> None:
    """Start each database test without the demo, unless it asks for `demo`."""
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if uses_db and "demo" not in request.fixturenames:
        request.getfixturevalue("db")
        _delete_all_but_migration_data()


def _delete_all_but_migration_data() -> None:
    """Delete every record the migrations did not create, in one transaction."""
    with transaction.atomic():
        for model in apps.get_models(include_auto_created=True):
            if model not in MIGRATION_DATA and not model._meta.proxy:
                model._base_manager.all()._raw_delete(connection.alias)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AXES_ENABLED = False


# --- Every PDF the suite makes passes the profiles it claims (page-validation) ---------------

# The profiles a variant claims, as page-validation checks them (it has PDF/A-2a itself). The
# tagged archival variant claims PDF/UA-1 as well (folkhalsa.pdf.ACCESSIBLE_ARCHIVAL_VARIANTS).
CLAIMED_PROFILES = {
    "pdf/ua-1": (ValidationProfile.PDF_UA_1,),
    "pdf/a-2a": (ValidationProfile.PDF_A_2A, ValidationProfile.PDF_UA_1),
}


def conformance_failures(pdf: bytes, variant: str | None) -> list[str]:
    """Return each rule the PDF breaks of the profiles its variant claims, with its message."""
    if variant not in CLAIMED_PROFILES:
        return [f"{variant}: a variant no test validates (add its profiles to CLAIMED_PROFILES)"]
    return [
        f"{profile.name} {failure.rule_id}: {failure.message}"
        for profile in CLAIMED_PROFILES[variant]
        for failure in validate_pdf_bytes(pdf, profile=profile).failures
    ]


@pytest.fixture(autouse=True)
def _every_pdf_passes_its_profiles(monkeypatch) -> None:
    """Validate every PDF WeasyPrint writes during a test against the profiles it claims.

    pytest.fail, not an assertion: no `except Exception` on the way to the test can swallow it.
    """
    write_pdf = Document.write_pdf

    def validated(document: Document, *args, **options) -> bytes | None:
        pdf = write_pdf(document, *args, **options)
        if pdf is not None:  # None: written to a file the test names, which it may validate
            variant = options.get("pdf_variant")
            if failures := conformance_failures(pdf, variant):
                title = document.metadata.title
                pytest.fail(f"{title} ({variant}) breaks:\n" + "\n".join(failures))
        return pdf

    monkeypatch.setattr(Document, "write_pdf", validated)


@pytest.fixture
def typesettings(monkeypatch) -> list[str]:
    """Count what WeasyPrint typesets: the title of each PDF (its entry point, wrapped: the PDF
    is still validated)."""
    typeset, write_pdf = [], Document.write_pdf

    def counting(document: Document, *args, **options) -> bytes | None:
        typeset.append(document.metadata.title)
        return write_pdf(document, *args, **options)

    monkeypatch.setattr(Document, "write_pdf", counting)
    return typeset


# --- Council attachments (wt-meetings) ---


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, tmp_path_factory) -> None:
    """Store uploaded files in the test's own folder, never in the project's media/; the demo's
    files are copied there, so its attachments read as stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_media = tmp_path_factory.getbasetemp() / DEMO_MEDIA
    if demo_media.is_dir():
        shutil.copytree(demo_media, settings.MEDIA_ROOT)


# Background tasks (documents typeset off the request path) run inside the request that asks for
# them, so a first GET answers with the file; a test of the worker itself sets DATABASE_TASKS
# (tests/test_documents_in_background.py).
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def task_worker(*, worker_id: str, batch: bool, interval: float) -> db_worker.Worker:
    """Return a worker of the database's task queue as `manage.py db_worker` makes it: with
    `batch`, it runs what is ready and stops; else it polls every `interval` seconds."""
    return db_worker.Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_inline() -> Iterator[None]:
    """Run every task where it is enqueued, whatever TASKS_BACKEND says, the demo's too."""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


# A PDF as small as one can be: enough for its type to be read from the content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach_pdf(item: AgendaItem, name: str = "Lägesbild.pdf") -> Attachment:
    """Return a PDF attachment on the agenda item, its file in storage."""
    attachment = Attachment(
        item=item, name=name, content_type="application/pdf", size=len(PDF_BYTES)
    )
    attachment.file.save(name, ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def norberg(db) -> Organisation:
    return _organisation("Norbergs kommun", kind=Organisation.Kind.KOMMUN, municipality_code="1962")


@pytest.fixture
def library(norberg) -> Organisation:
    return _organisation("Biblioteket", parent=norberg, kind=Organisation.Kind.ENHET)


@pytest.fixture
def alingsas(db) -> Organisation:
    return _organisation("Alingsås kommun", kind=Organisation.Kind.KOMMUN, municipality_code="1489")


def _organisation(name: str, parent: Organisation | None = None, **fields) -> Organisation:
    """Return the organisation, the demo's one when the test has the demo."""
    organisation, _ = Organisation.objects.get_or_create(name=name, parent=parent, defaults=fields)
    return organisation


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


@pytest.fixture
def council(norberg) -> Body:
    return Body.objects.create(
        organisation=norberg,
        name="Folkhälsorådet",
        kind=Body.Kind.COUNCIL,
        min_meetings_per_year=4,
        minutes_kept_at="Kommunkansliet",
    )


@pytest.fixture
def eva(norberg) -> Person:
    """A member of Norberg's council without an account."""
    return Person.objects.create(
        name="Eva Ordförande", title="Kommunstyrelsens ordförande", organisation=norberg
    )


@pytest.fixture
def meeting(council, eva, measure) -> Meeting:
    """A held meeting of Norberg's council, with one item and minutes not yet checked."""
    import datetime

    from django.utils import timezone

    starts = timezone.make_aware(datetime.datetime(2025, 3, 12, 13, 0))
    meeting = Meeting.objects.create(
        body=council, starts_at=starts, place="Kommunhuset", status=Meeting.Status.HELD
    )
    seat = Seat.objects.create(
        body=council,
        function="Kommunstyrelsens ordförande",
        organisation=council.organisation,
        role=Seat.Role.CHAIR,
    )
    SeatHolding.objects.create(seat=seat, person=eva, starts_on=datetime.date(2023, 1, 1))
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=1,
        kind="beslut",
        title="Uppföljning av handlingsplanen",
        paragraph=1,
    )
    item.measures.add(measure)
    Attendance.objects.create(
        meeting=meeting, seat=seat, person=eva, status=Attendance.Status.PRESENT
    )
    MinutesCheck.objects.create(meeting=meeting, person=eva, role=MinutesCheck.Role.CHAIR)
    return meeting


# One record of every model, for the pages that show one: Norberg's, or shared ones.
@pytest.fixture
def objects(norberg, alice, bob, charlie, diana, superuser, measure, budget, meeting):
    tag = Tag.objects.create(name="Färdplan 2035")
    measure.tags.add(tag)
    item = meeting.items.get()
    council_records = {
        "body": meeting.body,
        "seat": meeting.body.seats.get(),
        "seatholding": SeatHolding.objects.get(),
        "standingitem": StandingItem.objects.create(body=meeting.body, title="Lägesbild"),
        "meeting": meeting,
        "agendaitem": item,
        "attendance": meeting.attendances.get(),
        "minutescheck": meeting.checks.get(),
        "amendment": Amendment.objects.create(
            meeting=meeting, item=item, what="Rättat datum", why="Skrivfel", made_by=alice
        ),
        "dispatch": Dispatch.objects.create(
            meeting=meeting, kind=Dispatch.Kind.NOTICE, sent_at=meeting.starts_at, sent_by=alice
        ),
        "attachment": attach_pdf(item),
    }
    follow_up = FollowUpRound.objects.create(
        plan=measure.plan, year=2025, due_on=datetime.date(2026, 1, 31), opened_by=alice
    )
    adopted = Plan.objects.create(
        owner=norberg,
        kind=Plan.Kind.STRATEGY,
        title="Antagen strategi",
        start_year=2022,
        end_year=2026,
        status=Plan.Status.ADOPTED,
    )
    report_records = {
        # Published follow-ups are of adopted plans, so public.
        "publishedfollowup": PublishedFollowUp.objects.create(
            plan=adopted,
            year=2024,
            content=follow_up_document(plan=adopted, year=2024),  # as published: the whole
            pdf=b"%PDF-1.7 publicerad",
            published_by=alice,
            published_at=follow_up.opened_at,
        ),
        "followupround": follow_up,
        "measurereport": MeasureReport.objects.create(
            round=follow_up,
            measure=measure,
            state=MeasureReport.State.DRAFT,
            status=MeasureReport.Status.ON_TRACK,
            progress="Läsombud utbildade på två förskolor.",
        ),
    }
    records = {
        **council_records,
        **report_records,
        "indicator": _indicator(measure.focus_area),
        "plan": measure.plan,
        "focusarea": measure.focus_area,
        "result": measure.result,
        "measure": measure,
        "budget": budget,
        "person": Person.objects.create(name="Per Ek", organisation=norberg),
        "organisation": norberg,
        "role": Role.objects.get(user=alice),
        "tag": tag,
        "targetarea": TargetArea.objects.get(number=1),
        "globalgoal": GlobalGoal.objects.get(number=3),
        "user": alice,
        "accessattempt": AccessAttempt.objects.create(username="x", failures_since_start=1),
        "accesslog": AccessLog.objects.create(username="x"),
        "accessfailurelog": AccessFailureLog.objects.create(username="x"),
    }
    records.update(_prioritisation_records(norberg, bob))
    records["indicatorvalue"] = records["indicator"].values.get()
    # django-tasks-db's admin of task results, on our site for superusers only.
    records["dbtaskresult"] = DBTaskResult.objects.create(
        task_path="folkhalsa.tasks.x", args_kwargs={}, backend_name="default", run_after=now()
    )
    users = {"alice": alice, "bob": bob, "charlie": charlie, "diana": diana, "root": superuser}
    return {"users": users, "records": records}


def _prioritisation_records(owner: Organisation, rater: User) -> dict:
    """Norberg's prioritisation with a theme, a shortlisted candidate, a criterion and an open
    round that bob (rapportör at the library, no reader of Norberg's work) rates."""
    prioritisation = Prioritisation.objects.create(owner=owner, title="Prioritering 2026")
    criterion = Criterion.objects.create(prioritisation=prioritisation, name="Angelägenhetsgrad")
    theme = Theme.objects.create(prioritisation=prioritisation, number=1, title="En bra start")
    candidate = Candidate.objects.create(
        prioritisation=prioritisation,
        theme=theme,
        number="1",
        title="Familjecentrerade arbetssätt",
        shortlisted=True,
        resources_level=2,
        effect_level=4,
    )
    round_ = Round.objects.create(
        prioritisation=prioritisation, number=1, title="Uppdragsgruppen", opened_at=now()
    )
    round_.candidates.add(candidate)
    rating = Rating.objects.create(
        rater=Rater.objects.create(round=round_, user=rater), candidate=candidate, comment="Ja"
    )
    Score.objects.create(rating=rating, criterion=criterion, value=4)
    return {
        "prioritisation": prioritisation,
        "theme": theme,
        "candidate": candidate,
        "round": round_,
    }


# --- Follow-up (reports) ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_kolada_network(settings) -> None:
    """Point the Kolada client at a closed local port: no test ever reaches the real API."""
    settings.KOLADA_API_URL = "http://127.0.0.1:9/v3"


@pytest.fixture
def kolada(settings):
    """Serve recorded Kolada answers on 127.0.0.1 and point the client at them."""
    with FakeKolada() as fake:
        settings.KOLADA_API_URL = fake.url
        yield fake


def _indicator(focus_area: FocusArea) -> Indicator:
    """Return Norberg's ohälsotal, linked to the focus area, with a value and a target."""
    indicator = Indicator.objects.create(
        owner=focus_area.plan.owner,
        name="Ohälsotal, dagar",
        unit="dagar",
        direction=Indicator.Direction.LOWER,
        source=Source.KOLADA,
        kolada_kpi="N00957",
    )
    indicator.focus_areas.add(focus_area)
    IndicatorValue.objects.create(
        indicator=indicator,
        organisation=focus_area.plan.owner,
        area_code="1962",
        area_name="Norberg",
        year=2023,
        sex=Sex.WOMEN,
        value=Decimal("31.9"),
        source=Source.KOLADA,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2024, sex=Sex.TOTAL, value=25)
    return indicator


def publishable(plan: Plan, *years: int) -> Plan:
    """Make the plan's follow-up publishable for the years: the plan adopted, and each year's
    follow-up round held and closed (reports.services.publish_refusals)."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    plan.refresh_from_db()
    for year in years:
        FollowUpRound.objects.create(
            plan=plan,
            year=year,
            due_on=datetime.date(year, 12, 31),
            status=FollowUpRound.Status.CLOSED,
        )
    return plan
