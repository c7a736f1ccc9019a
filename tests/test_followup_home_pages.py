"""The follow-up's home lists the plans she manages a page at a time, with their rounds, those
with something to do first, filtered by organisation, year and title, in a fixed number of
queries whatever the number of plans and rounds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea, Measure, Organisation, Plan
from reports.forms import OWNER_CHOICES_AT_ONCE
from reports.models import FollowUpRound, MeasureReport
from reports.views import FOLLOW_UP_PLANS_PER_PAGE
from tests.conftest import client_for
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return freeze(monkeypatch, "2026-03-10 10:00")


def _plans_with_rounds(count: int, *, owner: Organisation | None = None, prefix="Gen") -> list:
    """Create plans (of a new municipality, unless an owner is given), each with two measures,
    a closed yearly round for 2024 and an open one for 2025 whose reports are all submitted.
    Plan i runs 2022+i to 2026+i."""
    owner = owner or Organisation.objects.create(name=f"{prefix} kommun", kind="kommun")
    plans = Plan.objects.bulk_create(
        Plan(
            owner=owner,
            kind=Plan.Kind.ACTION_PLAN,
            title=f"{prefix} handlingsplan {i + 1} för {owner.name}",
            start_year=2022 + i,
            end_year=2026 + i,
            status=Plan.Status.ADOPTED,
        )
        for i in range(count)
    )
    areas = FocusArea.objects.bulk_create(FocusArea(plan=p, title="Fokus") for p in plans)
    measures = Measure.objects.bulk_create(
        Measure(plan_id=a.plan_id, focus_area=a, title=f"Insats {n}") for a in areas for n in (1, 2)
    )
    rounds = FollowUpRound.objects.bulk_create(
        FollowUpRound(plan=p, year=year, due_on=datetime.date(year + 1, 1, 31), status=status)
        for p in plans
        for year, status in ((2024, "stangd"), (2025, "oppen"))
    )
    MeasureReport.objects.bulk_create(
        MeasureReport(round=r, measure=m, state=MeasureReport.State.SUBMITTED)
        for r in rounds
        if r.is_open
        for m in measures
        if m.plan_id == r.plan_id
    )
    return plans


def _home(user, **params) -> tuple[int, str]:
    client = client_for(user)
    client.get(reverse("reports:followup_home"), params)  # the session and roles warmed
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:followup_home"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_superusers_home_asks_the_same_queries_for_3_and_30_plans(superuser):
    _plans_with_rounds(3)
    few, _ = _home(superuser)
    _plans_with_rounds(27, prefix="Mer")
    many, text = _home(superuser)
    assert Plan.objects.count() == 30
    assert many == few
    assert text.count('class="followup-plan"') == FOLLOW_UP_PLANS_PER_PAGE
    assert "30 planer" in text and "Sida 1 av 2" in text


def test_a_strategists_home_asks_the_same_queries_for_3_and_30_plans(alice, norberg):
    _plans_with_rounds(3, owner=norberg)
    few, _ = _home(alice)
    _plans_with_rounds(27, owner=norberg, prefix="Mer")
    many, _ = _home(alice)
    assert many == few


def test_page_two_shows_the_rest_and_keeps_the_filters(superuser):
    _plans_with_rounds(30)
    _, first = _home(superuser, q="handlingsplan", sida=1)
    assert 'href="?q=handlingsplan&amp;sida=2" rel="next"' in first
    _, second = _home(superuser, q="handlingsplan", sida=2)
    assert second.count('class="followup-plan"') == 30 - FOLLOW_UP_PLANS_PER_PAGE
    assert "Sida 2 av 2" in second and 'href="?q=handlingsplan&amp;sida=1" rel="prev"' in second
    assert 'aria-label="Sidor med planer"' in second


def test_each_plan_shows_its_rounds_newest_first_with_reports_to_review(alice, norberg):
    (plan,) = _plans_with_rounds(1, owner=norberg)
    _, text = _home(alice)
    section = text[text.index(f'id="plan-{plan.pk}"') :]
    assert section.index("Helår 2025") < section.index("Helår 2024")
    row_2025 = section[
        section.index("Helår 2025") : section.index("</tr>", section.index("Helår 2025"))
    ]
    assert "<td>2</td>" in row_2025  # both measures' reports wait for review
    assert reverse("reports:round_create", args=[plan.pk]) in section


def test_plans_with_something_to_do_come_first(superuser, norberg):
    idle, open_round, to_open = Plan.objects.bulk_create(
        Plan(
            owner=norberg,
            kind=Plan.Kind.ACTION_PLAN,
            title=title,
            start_year=start,
            end_year=start + 4,
            status=status,
        )
        for title, start, status in (
            ("A: inget att göra", 2026, Plan.Status.ADOPTED),
            ("B: öppen omgång", 2026, Plan.Status.DRAFT),
            ("C: förra året saknas", 2022, Plan.Status.ADOPTED),
        )
    )
    FollowUpRound.objects.create(plan=open_round, year=2026, due_on=datetime.date(2027, 1, 31))
    _, text = _home(superuser)
    assert text.index("B: öppen omgång") < text.index("C: förra året saknas")
    assert text.index("C: förra året saknas") < text.index("A: inget att göra")
    assert "Förra årets helårsuppföljning är inte öppnad" in text


def test_the_filters_choose_organisation_year_and_title(superuser, norberg, alingsas):
    ours = _plans_with_rounds(2, owner=norberg)
    theirs = _plans_with_rounds(1, owner=alingsas, prefix="Annan")
    _, by_owner = _home(superuser, organisation=alingsas.pk)
    assert theirs[0].title in by_owner and ours[0].title not in by_owner
    _, by_title = _home(superuser, q="HANDLINGSPLAN 2")
    assert ours[1].title in by_title and theirs[0].title not in by_title
    # Handlingsplan 1 runs 2022–2026, Handlingsplan 2 2023–2027: 2022 has only the first,
    # shown with none of its rounds (2024 and 2025).
    _, by_year = _home(superuser, year=2022)
    assert ours[0].title in by_year and ours[1].title not in by_year
    assert "Ingen uppföljning är öppnad 2022." in by_year


@pytest.mark.parametrize("year", ["tjugo", "١٢", "1800", "99999999999999999999"])
def test_a_bad_filter_is_named_and_the_plans_shown_unfiltered(superuser, norberg, year):
    (plan,) = _plans_with_rounds(1, owner=norberg)
    _, text = _home(superuser, year=year, organisation="x")
    assert 'role="alert"' in text and "Filtret kunde inte användas" in text
    assert plan.title in text


def test_the_organisation_filter_offers_only_owners_of_her_plans(alice, norberg, alingsas):
    _plans_with_rounds(1, owner=norberg)
    _plans_with_rounds(1, owner=alingsas, prefix="Annan")
    _, text = _home(alice)
    assert "Alingsås" not in text and "Annan" not in text


def test_past_40_organisations_she_types_a_part_of_the_name_and_its_units_count(superuser, norberg):
    """A region's or the country's superuser manages hundreds of organisations' plans: instead
    of a list she cannot read, a search box; a name's part finds the organisation, its units'
    plans with it, and no one else's; the page asks the same queries as with a list."""
    municipalities = Organisation.objects.bulk_create(
        Organisation(name=f"Ort {n:02} kommun", kind="kommun") for n in range(OWNER_CHOICES_AT_ONCE)
    )
    unit = Organisation.objects.create(name="Skolförvaltningen", kind="enhet", parent=norberg)
    # More plans than a page holds, so the filters show.
    for owner in [*municipalities[:30], norberg, unit]:
        _plans_with_rounds(1, owner=owner, prefix=owner.name)
    queries_with_list, listed = _home(superuser)
    assert '<select name="organisation"' in listed and "Ort 00 kommun</option>" in listed

    for owner in municipalities[30:]:
        _plans_with_rounds(1, owner=owner, prefix=owner.name)
    queries_with_box, boxed = _home(superuser)
    assert '<select name="organisation"' not in boxed
    assert 'type="search" name="organisation"' in boxed and "enheter räknas med" in boxed
    assert queries_with_box == queries_with_list

    _, found = _home(superuser, organisation="  NORBERG ")
    assert "handlingsplan 1 för Norbergs kommun" in found
    assert "handlingsplan 1 för Skolförvaltningen" in found
    assert "Ort 00 kommun" not in found
    _, none = _home(superuser, organisation="Ingen sådan")
    assert "handlingsplan 1 för" not in none


def test_someone_managing_no_plan_is_sent_to_her_measures(bob):
    response = client_for(bob).get(reverse("reports:followup_home"))
    assert response.status_code == 302 and response.url == reverse("reports:my_reports")
