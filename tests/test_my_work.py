"""Mitt arbete: the start page after login lists what her roles ask of her, soonest first."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Body, Meeting, MinutesCheck
from councils.services import minutes_appoint_adjusters
from folkhalsa.my_work import my_work, work_items
from plans.models import FocusArea, Measure, Plan, Responsibility, Role
from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp
from reports.services import report_review, round_open
from tests.conftest import PASSWORD, client_for
from tests.minutes_helpers import adjuster_with_account, freeze, meeting_of

pytestmark = pytest.mark.django_db

URL = reverse("my_work")
DAY = datetime.date(2026, 12, 4)


def _titles(user, today=DAY) -> list[tuple]:
    return [(i.due, i.title, i.subject) for i in work_items(user=user, today=today)]


def _open_round(
    plan, alice, due=datetime.date(2027, 1, 29), year=2026, period=FollowUpRound.Period.YEAR
) -> FollowUpRound:
    return round_open(plan=plan, year=year, period=period, due_on=due, user=alice)


def test_login_lands_on_mitt_arbete_and_planer_stays_one_click_away(bob):
    client = client_for(None)
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response.url == URL
    page = client.get(URL).content.decode()
    assert f'href="{reverse("plans:home")}"' in page


def test_anonymous_is_sent_to_log_in():
    response = client_for(None).get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_rapportor_sees_her_due_reports_per_round_drafts_and_returned_with_the_comment(
    measure, alice, bob
):
    plan = measure.plan
    second = Measure.objects.create(
        plan=plan, focus_area=measure.focus_area, code="1B", title="Bokcirklar"
    )
    Responsibility.objects.create(
        measure=second,
        organisation=measure.responsibilities.get().organisation,
        role=Responsibility.Role.LEAD,
    )
    earlier = _open_round(plan, alice, due=datetime.date(2026, 12, 15), year=2025)
    later = _open_round(plan, alice, due=datetime.date(2027, 1, 29))
    earlier.reports.filter(measure=second).update(state=MeasureReport.State.DRAFT)
    returned = later.reports.get(measure=measure)
    returned.state, returned.status = MeasureReport.State.SUBMITTED, "risk"
    returned.progress, returned.submitted_by = "Halvvägs.", bob
    returned.save()
    report_review(report=returned, user=alice, accept=False, comment="Ange antal deltagare.")

    items = work_items(user=bob, today=DAY)

    assert [(i.due, i.title) for i in items] == [
        (datetime.date(2026, 12, 15), "Rapportera 1 insats"),
        (datetime.date(2026, 12, 15), "Skicka in 1 utkast"),
        (datetime.date(2027, 1, 29), "Rapportera 1 insats"),
        (datetime.date(2027, 1, 29), "Komplettera rapporten om insats 1A"),
    ]
    assert items[0].url == reverse("reports:my_reports") + f"#omgang-{earlier.pk}"
    assert items[3].url == reverse("reports:report_edit", args=[returned.pk])
    assert "Ange antal deltagare." in items[3].detail
    page = client_for(bob).get(URL).content.decode()
    assert "Ange antal deltagare." in page and "15 december 2026" in page


def test_closed_rounds_and_other_organisations_reports_are_not_hers(measure, alice, bob, charlie):
    round_ = _open_round(measure.plan, alice)
    assert _titles(bob)
    assert _titles(charlie) == []  # Alingsås' strategist: nothing of Norberg's
    round_.status = FollowUpRound.Status.CLOSED
    round_.save()
    assert [t for t in _titles(bob) if t[1].startswith("Rapportera")] == []


def test_strategist_reviews_closes_opens_and_publishes(measure, alice, bob):
    plan = measure.plan
    plan.status, plan.start_year, plan.end_year = Plan.Status.ADOPTED, 2024, 2028
    plan.save()
    open_round = _open_round(
        plan, alice, due=datetime.date(2026, 11, 30), period=FollowUpRound.Period.T3
    )
    open_round.reports.update(state=MeasureReport.State.SUBMITTED)
    closed = _open_round(plan, alice, due=datetime.date(2026, 12, 1))
    closed.status = FollowUpRound.Status.CLOSED  # this year's, not published yet
    closed.save()

    titles = [(due, title) for due, title, _subject in _titles(alice)]

    assert (datetime.date(2026, 11, 30), "Granska 1 inskickad rapport") in titles
    assert (datetime.date(2026, 11, 30), "Stäng uppföljningen") in titles
    assert (None, "Öppna helårsuppföljningen 2025") in titles
    assert (None, "Skriv och publicera årsuppföljningen 2026") in titles


def test_a_published_year_is_not_asked_again(measure, alice):
    plan = measure.plan
    round_ = _open_round(plan, alice, year=2025)
    round_.status = FollowUpRound.Status.CLOSED
    round_.save()
    assert "Skriv och publicera årsuppföljningen 2025" in [t[1] for t in _titles(alice)]
    PublishedFollowUp.objects.create(
        plan=plan, year=2025, content={}, pdf=b"%PDF", published_at="2026-02-01T10:00Z"
    )
    assert "Skriv och publicera årsuppföljningen 2025" not in [t[1] for t in _titles(alice)]


def test_measures_without_an_owner_and_a_plan_ending_within_a_year(measure, alice):
    plan = measure.plan
    plan.status, plan.end_year = Plan.Status.ADOPTED, 2027
    plan.save()
    Measure.objects.create(plan=plan, focus_area=measure.focus_area, code="1B", title="Utan ägare")

    items = {item.title: item for item in work_items(user=alice, today=datetime.date(2027, 1, 5))}

    orphans = items["1 insats har ingen ansvarig som rapporterar"]
    assert orphans.url == reverse("plans:plan_editor", args=[plan.pk])
    ending = items["Planperioden slutar: börja nästa plan"]
    assert ending.due == datetime.date(2027, 12, 31) and f"kopia={plan.pk}" in ending.url
    # Thirteen months ahead is not yet.
    assert "Planperioden slutar: börja nästa plan" not in [t[1] for t in _titles(alice, DAY)]


def test_secretary_is_told_the_notice_deadline_by_the_seven_day_rule(council, diana, monkeypatch):
    freeze(monkeypatch, "2027-02-01 09:00")
    coming = meeting_of(council, "2027-02-11 13:00")
    meeting_of(council, "2027-06-11 13:00")  # months away: not yet

    items = work_items(user=diana, today=datetime.date(2027, 2, 1))

    assert [(i.title, i.due) for i in items] == [("Skicka kallelsen", datetime.date(2027, 2, 4))]
    assert items[0].url == reverse("councils:meeting_detail", args=[coming.pk])
    page = client_for(diana).get(URL).content.decode()
    assert "4 februari 2027" in page and "Folkhälsorådet 11 februari 2027" in page


def test_secretary_sees_minutes_to_write_to_check_since_when_and_to_register(
    meeting, council, diana, monkeypatch
):
    freeze(monkeypatch, "2025-03-20 10:00")
    meeting_of(council, "2025-03-18 13:00")  # held but not marked held
    today = datetime.date(2025, 3, 20)

    items = {i.title: i for i in work_items(user=diana, today=today)}

    assert items["Markera mötet som genomfört och skriv protokollet"].due == datetime.date(
        2025, 4, 1
    )
    waiting = items["Protokollet väntar på justering"]
    assert waiting.due == datetime.date(2025, 3, 26)
    assert "8 dagar" in waiting.detail and "Eva Ordförande" in waiting.detail
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CHECKED, checked_on=today)
    titles = [t[1] for t in _titles(diana, today)]
    assert "Diarieför protokollet" in titles and "Protokollet väntar på justering" not in titles


def test_secretary_of_a_board_is_told_the_announcement_is_due_the_second_day_after_checking(
    meeting, council, diana
):
    Body.objects.filter(pk=council.pk).update(kind=Body.Kind.BOARD)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.REGISTERED, checked_on=datetime.date(2025, 3, 20)
    )

    items = {i.title: i for i in work_items(user=diana, today=datetime.date(2025, 3, 21))}

    assert items["Anslå justeringen på anslagstavlan"].due == datetime.date(2025, 3, 22)
    Meeting.objects.filter(pk=meeting.pk).update(posted_on=datetime.date(2025, 3, 21))
    assert "Anslå justeringen på anslagstavlan" not in [
        t[1] for t in _titles(diana, datetime.date(2025, 3, 21))
    ]


def test_adjuster_finds_the_minutes_to_check_and_her_coming_meetings(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    person, user = adjuster_with_account(meeting)
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)
    coming = meeting_of(meeting.body, "2025-04-14 13:00")

    items = work_items(user=user, today=datetime.date(2025, 3, 20))

    assert [(i.title, i.due, i.url) for i in items] == [
        (
            "Justera protokollet",
            datetime.date(2025, 3, 26),
            reverse("councils:minutes_check", args=[meeting.pk]),
        ),
        ("Möte", datetime.date(2025, 4, 14), reverse("councils:meeting_detail", args=[coming.pk])),
    ]
    page = client_for(user).get(URL).content.decode()
    assert reverse("councils:minutes_check", args=[meeting.pk]) in page


def test_everyone_sees_her_plans_and_bodies(measure, adopted_plan, council, bob, diana, charlie):
    assert [p.pk for p in my_work(user=bob, today=DAY).plans] == [measure.plan.pk]
    diana_work = my_work(user=diana, today=DAY)
    assert {p.pk for p in diana_work.plans} == {measure.plan.pk, adopted_plan.pk}
    assert [b.pk for b in diana_work.bodies] == [council.pk]
    charlie_work = my_work(user=charlie, today=DAY)
    assert charlie_work.plans == [] and charlie_work.bodies == []
    page = client_for(charlie).get(URL).content.decode()
    assert "Du har inget att göra just nu." in page


def test_the_menu_counts_the_items_on_every_page(measure, alice, bob):
    _open_round(measure.plan, alice)
    count = len(work_items(user=bob, today=DAY))
    assert count == 1
    page = client_for(bob).get(reverse("plans:home")).content.decode()
    assert f'<span class="count">{count}<span class="visually-hidden"> sak att göra' in page
    assert "Mitt arbete" not in client_for(None).get(reverse("plans:home")).content.decode()


def _reporter_with_reports(norberg, alice, bob, plans: int, measures: int) -> None:
    """Give bob `measures` reports in each of `plans` open rounds, some returned."""
    library = bob.roles.get().organisation
    for p in range(plans):
        plan = Plan.objects.create(
            owner=norberg,
            kind=Plan.Kind.ACTION_PLAN,
            title=f"Plan {p}",
            start_year=2025,
            end_year=2030,
            status=Plan.Status.ADOPTED,
        )
        area = FocusArea.objects.create(plan=plan, number="1", title="Område")
        for m in range(measures):
            measure = Measure.objects.create(
                plan=plan, focus_area=area, code=f"{m}", title=f"Insats {m}"
            )
            Responsibility.objects.create(
                measure=measure, organisation=library, role=Responsibility.Role.RESPONSIBLE
            )
        round_ = _open_round(plan, alice)
        round_.reports.filter(measure__code="0").update(
            state=MeasureReport.State.RETURNED, comment="Mer"
        )
        round_.reports.filter(measure__code="1").update(state=MeasureReport.State.SUBMITTED)


def _secretary_with_bodies(norberg, bodies: int, start: int = 0) -> None:
    for b in range(start, start + bodies):
        body = Body.objects.create(organisation=norberg, name=f"Råd {b}", kind=Body.Kind.BOARD)
        meeting_of(body, "2026-12-10 13:00")
        held = meeting_of(body, "2026-11-20 13:00", status=Meeting.Status.HELD)
        MinutesCheck.objects.create(
            meeting=held,
            person=held.body.organisation.people.create(name=f"Person {b}"),
            role=MinutesCheck.Role.ADJUSTER,
        )
        meeting_of(body, "2026-10-20 13:00", status=Meeting.Status.CHECKED)


def _page_queries(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries.captured_queries)


def test_the_page_asks_a_fixed_number_of_queries_whatever_the_work(
    norberg, alice, bob, diana, monkeypatch
):
    freeze(monkeypatch, "2026-12-04 09:00")
    Role.objects.create(user=alice, organisation=norberg, kind=Role.Kind.SECRETARY)
    _reporter_with_reports(norberg, alice, bob, plans=1, measures=3)
    _secretary_with_bodies(norberg, bodies=1)
    small = (_page_queries(bob), _page_queries(alice))
    small_items = len(work_items(user=alice, today=DAY))

    _reporter_with_reports(norberg, alice, bob, plans=4, measures=12)
    _secretary_with_bodies(norberg, bodies=5, start=1)

    assert (_page_queries(bob), _page_queries(alice)) == small
    assert len(work_items(user=alice, today=DAY)) > small_items
