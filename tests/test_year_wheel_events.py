"""The årshjul gathers each kind of date on its day: plan periods and adoptions, follow-up rounds
opened, due and closed, publications, the yearly report to KS, meetings and their notice
deadlines (Stockholm dates), each only for those who may see it."""

import pytest
from django.urls import reverse

from folkhalsa.year_wheel import year_events
from tests.conftest import client_for
from tests.minutes_helpers import freeze
from tests.year_wheel_data import YEAR, dated_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2025(monkeypatch):
    freeze(monkeypatch, "2025-12-01 10:00")


@pytest.fixture
def year(norberg, alice):
    return dated_year(norberg, editor=alice)


def _days(user, **scope) -> list[tuple[str, str, str]]:
    events = year_events(user, year=YEAR, **scope)
    return [(e.date.isoformat(), e.kind, e.title) for e in events]


def test_strategist_sees_every_date_of_her_organisations_year(year, alice, norberg):
    name = norberg.name
    assert _days(alice, organisation=norberg) == [
        ("2025-01-01", "plan_start", f"Strategi {name} (2025–2028)"),
        ("2025-01-01", "plan_start", f"Utkast {name} (2025–2026)"),
        ("2025-01-31", "round_due", f"Helår 2024 – Handlingsplan {name}"),
        ("2025-02-10", "round_closed", f"Helår 2024 – Handlingsplan {name}"),
        ("2025-02-17", "plan_adopted", f"Strategi {name} (2025–2028)"),
        ("2025-03-05", "notice", f"Folkhälsorådet {name}, mötet 12 mars 2025"),
        ("2025-03-10", "published", f"2024 – Handlingsplan {name}"),
        ("2025-03-12", "meeting", f"Folkhälsorådet {name}"),
        ("2025-04-01", "round_opened", f"Tertial 1 2025 – Strategi {name}"),
        (
            "2025-04-22",
            "yearly_report",
            f"Uppföljningen 2024 av Handlingsplan {name} i kommunstyrelsen",
        ),
        ("2025-05-15", "round_due", f"Tertial 1 2025 – Strategi {name}"),
        ("2025-09-07", "notice", f"Trygghetsforum {name}, mötet 17 september 2025"),
        ("2025-09-17", "meeting", f"Trygghetsforum {name}"),
        # The meeting of 5 January 2026 is noticed in 2025, seven days before.
        ("2025-12-29", "notice", f"Folkhälsorådet {name}, mötet 5 januari 2026"),
        ("2025-12-31", "plan_end", f"Handlingsplan {name} (2021–2025)"),
    ]


def test_meetings_keep_their_stockholm_time_and_link_to_their_page(year, alice):
    meeting = next(e for e in year_events(alice, year=YEAR) if e.kind == "meeting")
    assert meeting.starts_at.strftime("%Y-%m-%d %H:%M %Z") == "2025-03-12 13:00 CET"
    assert meeting.url == reverse("councils:meeting_detail", args=[year.march_meeting.pk])


def test_her_own_year_is_her_organisations_year(year, alice, norberg):
    assert len(_days(alice)) == 15
    assert _days(alice) == _days(alice, organisation=norberg)


def test_rapportor_sees_the_rounds_of_the_plan_she_reports_on(year, bob, library):
    from plans.models import FocusArea, Measure, Responsibility

    area = FocusArea.objects.create(plan=year.strategy, number="1", title="Barn")
    measure = Measure.objects.create(plan=year.strategy, focus_area=area, code="1A", title="Läs")
    Responsibility.objects.create(measure=measure, organisation=library, role="ansvarig")
    rounds = [e for e in year_events(bob, year=YEAR) if e.kind.startswith("round")]
    assert [(e.date.isoformat(), e.kind) for e in rounds] == [
        ("2025-04-01", "round_opened"),
        ("2025-05-15", "round_due"),
    ]
    # Her page of the round is "Mina insatser"; the round's own page is the editors'.
    assert {e.url for e in rounds} == {reverse("reports:my_reports")}


def test_editor_links_rounds_to_their_page(year, alice):
    due = next(e for e in year_events(alice, year=YEAR) if e.kind == "round_due")
    assert due.url == reverse("reports:round_detail", args=[year.closed_round.pk])


def test_the_public_year_shows_only_what_is_published(year, norberg):
    from django.contrib.auth.models import AnonymousUser

    kinds = {(day, kind) for day, kind, _title in _days(AnonymousUser(), organisation=norberg)}
    assert kinds == {
        ("2025-01-01", "plan_start"),  # the adopted strategy's, not the draft's
        ("2025-02-17", "plan_adopted"),
        ("2025-03-10", "published"),
        # From the published follow-up, not the strategist's working text.
        ("2025-04-22", "yearly_report"),
        ("2025-09-07", "notice"),  # the public forum's; the council's meetings are private
        ("2025-09-17", "meeting"),
        ("2025-12-31", "plan_end"),
    }


def test_the_yearly_report_is_the_editors_text_and_what_was_published_for_others(year, alice, bob):
    from reports.models import FollowUpText

    # The strategist moves the day in her text; others see the day that was published.
    FollowUpText.objects.filter(plan=year.action_plan).update(received_on="2025-05-20")
    plan = year.action_plan

    def report_days(user) -> list[str]:
        events = year_events(user, year=YEAR, plan=plan)
        return [e.date.isoformat() for e in events if e.kind == "yearly_report"]

    assert report_days(alice) == ["2025-05-20"]
    assert report_days(bob) == ["2025-04-22"]
    # Moved to next year in her text: not this year's for her, still as published for others.
    FollowUpText.objects.filter(plan=year.action_plan).update(received_on="2026-01-20")
    assert report_days(alice) == []
    assert report_days(bob) == ["2025-04-22"]


def test_plan_year_has_the_meetings_that_deal_with_the_plan(year, alice):
    from councils.models import AgendaItem

    item = AgendaItem.objects.create(meeting=year.march_meeting, order=1, title="Strategin")
    item.plans.add(year.strategy)
    kinds = [
        (e.date.isoformat(), e.kind) for e in year_events(alice, year=YEAR, plan=year.strategy)
    ]
    assert kinds == [
        ("2025-01-01", "plan_start"),
        ("2025-02-17", "plan_adopted"),
        ("2025-03-05", "notice"),
        ("2025-03-12", "meeting"),
        ("2025-04-01", "round_opened"),
        ("2025-05-15", "round_due"),
    ]


def test_body_year_has_its_meetings_and_notice_deadlines_only(year, alice):
    kinds = [(e.date.isoformat(), e.kind) for e in year_events(alice, year=YEAR, body=year.council)]
    assert kinds == [("2025-03-05", "notice"), ("2025-03-12", "meeting"), ("2025-12-29", "notice")]


def test_the_page_lists_the_year_month_by_month_with_swedish_dates(year, alice, norberg):
    url = reverse("year_wheel:organisation", args=[norberg.pk])
    page = client_for(alice).get(url, {"ar": YEAR}).content.decode()
    assert page.count('class="year-wheel-month"') == 12
    assert '<time datetime="2025-03-12">12 mars</time> kl. 13.00' in page
    assert "Inga datum den här månaden." in page  # June, July, August …
    # Each event is a mark of the wheel, a link with its date and what happens in its title.
    assert page.count('class="mark mark-') == 15
    assert "<title>31 januari: Sista dag att rapportera: Helår 2024" in page


def test_this_years_wheel_marks_today(year, alice, norberg):
    url = reverse("year_wheel:organisation", args=[norberg.pk])
    this_year = client_for(alice).get(url).content.decode()  # the clock's year: 2025
    assert "Årshjul 2025" in this_year and 'class="today"' in this_year
    assert "Det röda strecket visar dagens datum." in this_year
    assert 'class="today"' not in client_for(alice).get(url, {"ar": 2024}).content.decode()
