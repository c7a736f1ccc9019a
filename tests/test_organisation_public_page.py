"""An organisation's public page (organisationer/<id>/): its adopted plans, current published
follow-ups (PDF), public bodies with their coming meetings in Swedish time and a feed each, the
public bodies' checked minutes and the indicators anyone may read; nothing unpublished, to
anyone. An organisation that publishes nothing answers 404 but to its own members. The query
count does not grow with what it publishes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Body, Meeting
from councils.selectors import STOCKHOLM
from plans.models import Plan
from reports.models import Indicator, PublishedFollowUp
from tests.conftest import client_for
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db


def _page(user, organisation) -> tuple[int, str]:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("organisation", args=[organisation.pk]))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _status(user, organisation, name: str = "organisation") -> int:
    return client_for(user).get(reverse(name, args=[organisation.pk])).status_code


def _published(plan: Plan, year: int, **fields) -> PublishedFollowUp:
    return PublishedFollowUp.objects.create(
        plan=plan,
        year=year,
        content={},
        pdf=b"%PDF-1.7",
        published_at=datetime.datetime(year + 1, 3, 1, 9, tzinfo=STOCKHOLM),
        **fields,
    )


def _body(organisation, name: str, *, public: bool, kind: str = Body.Kind.COUNCIL) -> Body:
    return Body.objects.create(organisation=organisation, name=name, kind=kind, is_public=public)


def _meeting(body: Body, when: str, status: str = Meeting.Status.PLANNED, **fields) -> Meeting:
    starts = datetime.datetime.fromisoformat(when).replace(tzinfo=STOCKHOLM)
    return Meeting.objects.create(body=body, starts_at=starts, status=status, **fields)


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch, "2026-12-05 10:00")


@pytest.fixture
def publishing_norberg(clock, norberg, adopted_plan, draft_plan):
    """Norberg with an adopted and a draft plan, a public council and a private group."""
    council = _body(norberg, "Folkhälsorådet", public=True)
    _meeting(council, "2027-02-03T13:00", place="Kommunhuset")
    _meeting(
        council, "2026-10-01T13:00", Meeting.Status.CHECKED, checked_on=datetime.date(2026, 10, 8)
    )
    _meeting(council, "2026-11-12T13:00", Meeting.Status.HELD)  # minutes not checked
    group = _body(norberg, "Styrgruppen", public=False, kind=Body.Kind.WORKING_GROUP)
    _meeting(group, "2027-01-20T09:00", place="Hemligt rum")
    _meeting(
        group, "2026-09-01T09:00", Meeting.Status.CHECKED, checked_on=datetime.date(2026, 9, 3)
    )
    return norberg


def test_the_page_shows_what_is_public_and_nothing_else(publishing_norberg, alice, adopted_plan):
    draft = Plan.objects.get(status=Plan.Status.DRAFT)
    for reader in (None, alice):  # the same public face for her colleagues
        _, page = _page(reader, publishing_norberg)
        assert adopted_plan.title in page and draft.title not in page
        assert "Folkhälsorådet" in page and "Styrgruppen" not in page
        assert "onsdag 3 februari 2027 kl. 13.00" in page and "Kommunhuset" in page
        assert "Hemligt rum" not in page
        assert "1 oktober 2026" in page  # the council's checked minutes
        assert "12 november 2026" not in page  # held, not checked
        assert "1 september 2026" not in page  # the group's minutes are not public
        assert f'href="{reverse("organisation_contact", args=[publishing_norberg.pk])}"' in page


def test_meetings_are_shown_in_swedish_time(clock, norberg, adopted_plan):
    council = _body(norberg, "Rådet", public=True)
    Meeting.objects.create(
        body=council, starts_at=datetime.datetime(2027, 6, 10, 22, 30, tzinfo=datetime.UTC)
    )
    _, page = _page(None, norberg)
    assert "fredag 11 juni 2027 kl. 00.30" in page
    assert 'datetime="2027-06-11T00:30:00+02:00"' in page


def test_past_meetings_are_not_coming_and_each_body_lists_at_most_five(clock, norberg):
    council = _body(norberg, "Rådet", public=True)
    _meeting(council, "2026-12-04T13:00", place="I går")
    for month in range(1, 8):
        _meeting(council, f"2027-{month:02}-15T13:00", place=f"Sal {month}")
    _, page = _page(None, norberg)
    assert "I går" not in page
    assert "Sal 5" in page and "Sal 6" not in page
    assert f'href="{reverse("body_calendar", args=[council.pk])}"' in page


def test_published_follow_ups_link_their_pdf_and_archived_versions_are_left_out(
    clock, norberg, adopted_plan
):
    current = _published(adopted_plan, 2025)
    newer = _published(adopted_plan, 2024, reason="Rättelse.")
    archived = _published(adopted_plan, 2024, replaced_by=newer)
    _, page = _page(None, norberg)
    for shown in (current, newer):
        assert f'href="{reverse("reports:published_pdf", args=[shown.pk])}"' in page
    assert reverse("reports:published_pdf", args=[archived.pk]) not in page
    assert "Uppföljning 2025 (PDF)" in page


def test_only_the_indicators_anyone_may_read_are_listed(clock, norberg, adopted_plan, focus_area):
    public = Indicator.objects.create(owner=norberg, name="Ohälsotal", unit="dagar")
    public.focus_areas.add(adopted_plan.focus_areas.create(number="1", title="Arbete"))
    private = Indicator.objects.create(owner=norberg, name="Intern mätning")
    private.focus_areas.add(focus_area)  # of the draft plan
    _, page = _page(None, norberg)
    assert "Ohälsotal" in page and "Intern mätning" not in page


def test_an_organisation_that_publishes_nothing_answers_404_but_to_its_members(
    norberg, draft_plan, alice, bob, charlie, superuser
):
    _body(norberg, "Styrgruppen", public=False)
    for outsider in (None, charlie):
        assert _status(outsider, norberg) == 404
        assert _status(outsider, norberg, "organisation_contact") == 404
    for member in (alice, bob, superuser):
        if member is bob:  # at the library, a unit: Norberg itself is not his
            assert _status(member, norberg) == 404
            continue
        _, page = _page(member, norberg)
        assert "Organisationen har inte publicerat något än." in page
        assert draft_plan.title not in page and "Styrgruppen" not in page


def test_a_missing_organisation_answers_404_as_a_private_one_does(norberg, draft_plan):
    assert client_for(None).get(reverse("organisation", args=[norberg.pk + 999])).status_code == 404


def test_the_query_count_does_not_grow_with_what_it_publishes(publishing_norberg, alice):
    before = {who: _page(who, publishing_norberg)[0] for who in (None, alice)}
    for number in range(6):
        plan = Plan.objects.create(
            owner=publishing_norberg,
            kind=Plan.Kind.ACTION_PLAN,
            title=f"Plan {number}",
            start_year=2020 + number,
            end_year=2021 + number,
            status=Plan.Status.ADOPTED,
        )
        _published(plan, 2021 + number)
        body = _body(publishing_norberg, f"Organ {number}", public=True)
        for day in range(1, 4):
            _meeting(body, f"2027-03-{day:02}T13:00")
            _meeting(body, f"2026-06-{day:02}T13:00", Meeting.Status.REGISTERED)
        indicator = Indicator.objects.create(owner=publishing_norberg, name=f"Indikator {number}")
        indicator.focus_areas.add(plan.focus_areas.create(number="1", title="Område"))
    after = {who: _page(who, publishing_norberg) for who in (None, alice)}
    assert {who: count for who, (count, _) in after.items()} == before
    assert "Organ 5" in after[None][1] and "Indikator 5" in after[None][1]
    assert after[None][1].count("(PDF)") == 6


def test_an_adopted_plan_names_its_owner_with_a_link_to_the_owners_page(
    norberg, adopted_plan, alice, draft_plan
):
    link = f'<a href="{reverse("organisation", args=[norberg.pk])}">Norbergs kommun</a>'
    adopted = client_for(None).get(reverse("plans:plan_detail", args=[adopted_plan.pk]))
    assert link in adopted.content.decode()
    # A draft's owner may publish nothing: no link to a page that may not exist.
    draft = client_for(alice).get(reverse("plans:plan_detail", args=[draft_plan.pk]))
    assert reverse("organisation", args=[norberg.pk]) not in draft.content.decode()


def test_the_organisation_and_its_path_are_read_from_it_upwards_only(publishing_norberg, alice):
    unit = publishing_norberg.children.create(name="Folkhälsoenheten")
    for user, organisation in (
        (None, publishing_norberg),
        (alice, publishing_norberg),
        (alice, unit),
    ):
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("organisation", args=[organisation.pk]))
        assert response.status_code == 200
        trees = [q["sql"] for q in captured.captured_queries if _organisation_tree(q["sql"])]
        # Every tree read starts from given organisations (her roles', the page's): none walks
        # every organisation of the country.
        assert all("__up" in sql for sql in trees)
        assert any(f'WHERE "id" IN ({organisation.pk})' in sql for sql in trees)
    assert "Norbergs kommun › Folkhälsoenheten" in response.content.decode()


def _organisation_tree(sql: str) -> bool:
    """Return whether the query is a tree read of organisations."""
    return "__tree" in sql and 'FROM "plans_organisation"' in sql
