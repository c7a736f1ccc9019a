"""The councils of the source documents are in the demo: Norsjö's council, its groups, its
year of meetings and its demo accounts, and Alingsås' bodies; loading again changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from councils import permissions as council_permissions
from councils.demo.loader import load_demo
from councils.models import (
    AgendaItem,
    Attendance,
    Body,
    Dispatch,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from plans.models import Account, Organisation, Person, Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
COUNCIL = "Folkhälso- och trygghetsrådet"
MODELS = [
    Organisation,
    Person,
    User,
    Role,
    Body,
    Seat,
    SeatHolding,
    StandingItem,
    Meeting,
    AgendaItem,
    Attendance,
    MinutesCheck,
    Dispatch,
]


def _council() -> Body:
    return Body.objects.get(name=COUNCIL, organisation__name="Norsjö kommun")


def _meetings(year: int) -> list[Meeting]:
    return [m for m in _council().meetings.all() if m.starts_at.astimezone(STOCKHOLM).year == year]


def test_norsjo_council_has_every_seat_of_the_document_under_its_organisation(demo):
    council = _council()
    assert council.organisation.municipality_code == "2417"
    seats = {seat.function: seat for seat in council.seats.select_related("organisation")}
    assert len(seats) == 19
    paths = {function: seat.organisation.path for function, seat in seats.items()}
    assert paths["Gruppchef för områdespolis"] == "Polismyndigheten"
    assert paths["Avdelningschef folktandvården"] == "Region Västerbotten › Folktandvården"
    assert paths["Hälsoutvecklare"] == "Region Västerbotten"
    assert paths["Kommunchef"] == "Norsjö kommun"
    assert paths["Chef för räddningstjänst"] == "Norsjö kommun › Räddningstjänsten"
    assert seats["Kommunstyrelsens ordförande"].role == Seat.Role.CHAIR
    assert seats["Kansliets sekreterare"].role == Seat.Role.SECRETARY
    assert {
        s.role
        for f, s in seats.items()
        if f not in {"Kommunstyrelsens ordförande", "Kansliets sekreterare"}
    } == {Seat.Role.MEMBER}


def test_every_seat_is_held_by_a_demo_person_at_a_reserved_address(demo):
    holdings = SeatHolding.objects.filter(seat__body__organisation__name="Norsjö kommun")
    assert holdings.count() == Seat.objects.filter(body__organisation__name="Norsjö kommun").count()
    for holding in holdings.select_related("person"):
        assert holding.person.name.startswith("Demo: ")
        assert holding.person.email.endswith("@example.se")


def test_the_council_keeps_the_rules_of_the_document(demo):
    council = _council()
    assert council.kind == Body.Kind.COUNCIL and not council.is_statutory
    assert (council.min_meetings_per_year, council.notice_days) == (4, 7)
    assert council.keeps_minutes and council.adjusters_count == 1
    assert council.distribution_addresses == ["kommunstyrelsen.registrator@example.se"]
    assert council.distribution_addresses[0].endswith("@example.se")
    assert "Norsjöbygdens folkhälso- och trygghetsarbete" in council.mandate
    assert "21,08 kr per innevånare" in council.mandate
    assert "remissinstans" in council.tasks
    assert council.reports_to.startswith("Kommunstyrelsen")


def test_the_groups_below_the_council_have_their_rhythm_and_rules(demo):
    groups = {body.name: body for body in _council().children.all()}
    assert set(groups) == {
        "Styrgrupp",
        "Förebyggargrupp",
        "Kommunteam – våldsprevention. Norsjöbygden fri från våld",
        "Processledare – Norsjöbygden fri från våld",
    }
    assert groups["Styrgrupp"].min_meetings_per_year == 6
    assert groups["Förebyggargrupp"].min_meetings_per_year == 6
    assert (
        groups["Kommunteam – våldsprevention. Norsjöbygden fri från våld"].min_meetings_per_year
        == 2
    )
    leaders = groups["Processledare – Norsjöbygden fri från våld"]
    assert leaders.record == Body.Record.NOTES
    assert set(leaders.seats.values_list("role", flat=True)) == {Seat.Role.PROCESS_LEADER}
    steering = groups["Styrgrupp"]
    assert steering.seats.get(function="Folkhälsostrateg").role == Seat.Role.SECRETARY
    assert steering.seats.get(function="Polis").organisation.name == "Polismyndigheten"
    assert len(list(Body.objects.below([_council().pk]))) == 5


def test_the_years_meetings_carry_the_standing_items_on_the_right_meetings(demo):
    meetings = _meetings(2025)
    assert len(meetings) == 4
    titles = [[item.title for item in m.items.all()] for m in meetings]
    situation = "Gemensam lägesbild för brottsutveckling, Norsjö kommun och polis"
    assert [situation in t for t in titles] == [False, True, False, False]
    dates = "Sammanträdestider för nästkommande år"
    assert [dates in t for t in titles] == [False, False, False, True]
    assert all("Genomförda folkhälsoaktiviteter" in t for t in titles)
    decision = meetings[-1].items.get(title=dates).decision
    assert (
        decision == "Sammanträdestider 2026: 12 februari, 23 april, 24 september och 12 november."
    )
    paragraphs = [item.paragraph for m in meetings for item in m.items.all()]
    assert paragraphs == list(range(1, len(paragraphs) + 1))
    # No Norsjö plan in the demo (the document gives none): the items link to no measures.
    assert not AgendaItem.objects.filter(meeting__body=_council(), measures__isnull=False).exists()


def test_meetings_are_at_swedish_local_time(demo):
    first = _meetings(2025)[0]
    assert first.starts_at.astimezone(STOCKHOLM).time() == datetime.time(13, 0)
    summer = _meetings(2025)[2]
    assert summer.starts_at.astimezone(STOCKHOLM).time() == datetime.time(13, 0)
    assert summer.starts_at.utcoffset() == datetime.timedelta(0)  # stored in UTC: 11:00


def test_one_meeting_is_checked_and_registered_with_its_checks(demo):
    meeting = _meetings(2025)[0]
    assert meeting.status == Meeting.Status.REGISTERED and meeting.is_locked
    assert meeting.case_number and meeting.registered_on and meeting.checked_on
    roles = dict(meeting.checks.values_list("role", "person__name"))
    assert roles == {
        "justerare": "Demo: Ordförande, utbildning och omsorgsutskottet",
        "ordforande": "Demo: Kommunstyrelsens ordförande",
    }
    assert not meeting.checks.filter(checked_at__isnull=True).exists()
    assert meeting.attendances.filter(status=Attendance.Status.EXCUSED).count() == 1
    kinds = set(meeting.dispatches.values_list("kind", flat=True))
    assert kinds == {Dispatch.Kind.NOTICE, Dispatch.Kind.MINUTES}
    minutes = meeting.dispatches.get(kind=Dispatch.Kind.MINUTES)
    listed = {r["email"] for r in minutes.recipients if r["reached"]}
    assert "kommunstyrelsen.registrator@example.se" in listed
    assert all(set(r) == {"name", "function", "email", "reached"} for r in minutes.recipients)


def test_every_demo_meeting_page_opens_with_its_dispatch_history(demo):
    secretary = client_for(User.objects.get(username="norsjo-sekreterare"))
    for meeting in Meeting.objects.filter(body__organisation__name="Norsjö kommun"):
        response = secretary.get(reverse("councils:meeting_detail", args=[meeting.pk]))
        assert response.status_code == 200, meeting
        if meeting.dispatches.exists():
            assert ", , " not in response.content.decode()


def test_held_minutes_wait_for_the_demo_adjuster(demo):
    adjuster = User.objects.get(username="norsjo-justerare")
    waiting = Meeting.objects.get(body=_council(), status=Meeting.Status.HELD)
    check = council_permissions.can_check_minutes(adjuster, waiting)
    assert check is not None and check.role == MinutesCheck.Role.ADJUSTER
    assert adjuster.person.name == "Demo: Politisk representant, oppositionen"
    assert council_permissions.can_read_meeting(adjuster, waiting)
    assert not Account.objects.get(user=adjuster).user.roles.exists()


def test_the_coming_meeting_has_no_notice_yet(demo):
    coming = _meetings(2027)[0]
    assert coming.status == Meeting.Status.PLANNED
    assert coming.notice_sent_at is None and not coming.dispatches.exists()
    assert coming.items.count() == 3 and not coming.items.filter(paragraph__isnull=False).exists()


def test_the_steering_group_met_before_each_council_meeting(demo):
    steering = _council().children.get(name="Styrgrupp")
    dates = [m.starts_at.date() for m in steering.meetings.all()]
    assert len(dates) == 6
    for council_meeting in _meetings(2025):
        day = council_meeting.starts_at.date()
        assert any(d < day and (day - d).days <= 30 for d in dates), day


def test_alingsas_has_its_steering_group_management_group_and_forum(demo):
    bodies = {b.name: b for b in Body.objects.filter(organisation__name="Alingsås kommun")}
    assert set(bodies) == {
        "Styrgrupp – politisk förankring",
        "Ledningsgrupp – strategisk förankring",
        "Forum för genomförande av verksamhetsplan",
    }
    assert bodies["Ledningsgrupp – strategisk förankring"].min_meetings_per_year == 2
    assert bodies["Forum för genomförande av verksamhetsplan"].min_meetings_per_year == 2
    presidium = bodies["Styrgrupp – politisk förankring"]
    regions = presidium.seats.values_list("organisation__parent__name", flat=True)
    assert "Västra Götalandsregionen" in set(regions)
    assert not SeatHolding.objects.filter(seat__body__organisation__name="Alingsås kommun").exists()


def test_the_secretary_account_manages_the_council(demo):
    secretary = User.objects.get(username="norsjo-sekreterare")
    kinds = set(secretary.roles.values_list("kind", flat=True))
    assert kinds == {Role.Kind.SECRETARY, Role.Kind.STRATEGIST}
    assert secretary.person.title == "Folkhälsostrateg" and secretary.is_staff
    assert council_permissions.can_manage_body(secretary, _council())
    assert secretary.check_password("folkhalsa-demo")


def test_loading_the_councils_again_changes_nothing(demo, settings, capsys):
    before = {model.__name__: model.objects.count() for model in MODELS}
    report = load_demo()
    assert report.created == [] and COUNCIL + " (Norsjö kommun)" in report.existing
    settings.DEBUG = True
    call_command("load_demo")
    assert {model.__name__: model.objects.count() for model in MODELS} == before
    out = capsys.readouterr().out
    assert "norsjo-sekreterare" in out and "norsjo-justerare" in out and "norberg-admin" in out


def test_a_broken_council_file_loads_nothing_not_even_the_plans(tmp_path, monkeypatch, settings):
    from django.core.management.base import CommandError

    from folkhalsa import demo
    from plans.models import Plan

    (tmp_path / "a.yaml").write_text(
        "organisations: [{name: X, kind: kommun}]\n"
        "bodies: [{name: Råd, organisation: X, kind: rad, seats:\n"
        "  [{function: Ordförande, organisation: X, role: ordforande, holder: okänd}]}]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        demo, "load_councils", lambda password: load_demo(directory=tmp_path, password=password)
    )
    settings.DEBUG = True
    with pytest.raises(CommandError, match="okänd"):
        call_command("load_demo")
    assert not Plan.objects.exists() and not Body.objects.exists()
    assert not User.objects.filter(username="admin").exists()


def test_the_secretary_works_on_the_council_in_the_admin(demo):
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(User.objects.get(username="norsjo-sekreterare"))
    council = _council()
    waiting = Meeting.objects.get(body=council, status=Meeting.Status.HELD)
    checked = _meetings(2025)[0]
    for url in (
        reverse("admin:councils_body_change", args=[council.pk]),
        reverse("admin:councils_meeting_change", args=[waiting.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'name="_save"' in page.content.decode()
        assert "Gruppchef för områdespolis" in page.content.decode()
    # The police officer holding a seat of her council is hers to name, though not her colleague.
    assert "Demo: Gruppchef för områdespolis (Polismyndigheten)" in page.content.decode()
    page = client.get(reverse("admin:councils_meeting_change", args=[checked.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
