"""The councils of the source documents are in the demo as seed 001 states them: Norsjö's
council with its standing items only where the document puts them, its styrgrupp preparing
every meeting, its groups with their conveners and a secretary chosen at each förebyggarträff,
every dispatch and registration by the kansli's secretary as records, two files on agenda items;
the demo's socialnämnd (not in the seeds) with announced minutes; Alingsås' bodies; its demo
accounts; loading again changes nothing."""

import datetime
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from councils import permissions as council_permissions
from councils import selectors
from councils.demo.loader import load_demo
from councils.models import (
    AgendaItem,
    AgendaKind,
    Attachment,
    Attendance,
    Body,
    Dispatch,
    DispatchRecipient,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from plans.models import Account, Organisation, Person, Role
from tests.conftest import client_for, conformance_failures

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
COUNCIL = "Folkhälso- och trygghetsrådet"
ADJUSTER = "Val av justerare"
REPORT = "Årlig rapport till KS/KF, uppföljning av insatser och aktiviteter utifrån handlingsplaner"
SITUATION = "Gemensam lägesbild för brottsutveckling, Norsjö kommun och polis"
DATES = "Sammanträdestider för nästkommande år"
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
    Attachment,
    Attendance,
    MinutesCheck,
    Dispatch,
    DispatchRecipient,
]


def _council() -> Body:
    return Body.objects.get(name=COUNCIL, organisation__name="Norsjö kommun")


def _group(name: str) -> Body:
    return _council().children.get(name=name)


def _board() -> Body:
    return Body.objects.get(name="Socialnämnden", organisation__name="Norsjö kommun")


def _day(meeting: Meeting) -> datetime.date:
    return meeting.starts_at.astimezone(STOCKHOLM).date()


def _meetings(year: int, body: Body | None = None) -> list[Meeting]:
    meetings = (body or _council()).meetings.order_by("starts_at")
    return [m for m in meetings if _day(m).year == year]


def _norsjo_meetings():
    return Meeting.objects.filter(body__organisation__name="Norsjö kommun")


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
    assert "Norsjöbygdens folkhälso- och trygghetsarbete" in council.mandate
    assert "21,08 kr per innevånare" in council.mandate
    # The rule 001 gives no meeting stays a rule of the body, not an agenda item.
    assert "Genomförda folkhälsoaktiviteter redovisas av respektive verksamhetschef" in (
        council.mandate
    )
    assert "remissinstans" in council.tasks
    assert council.reports_to.startswith("Kommunstyrelsen")
    # "Kallelse skickas ut av Folkhälsostrateg"; the minutes name it "Rådet".
    assert council.convener.title == "Folkhälsostrateg"
    assert council.decision_subject == "Rådet"


def test_the_groups_below_the_council_have_their_rhythm_rules_names_and_convener(demo):
    groups = {body.name: body for body in _council().children.all()}
    team = "Kommunteam – våldsprevention. Norsjöbygden fri från våld"
    leaders_name = "Processledare – Norsjöbygden fri från våld"
    assert set(groups) == {"Styrgrupp", "Förebyggargrupp", team, leaders_name}
    assert groups["Styrgrupp"].min_meetings_per_year == 6
    assert groups["Förebyggargrupp"].min_meetings_per_year == 6
    assert groups[team].min_meetings_per_year == 2
    leaders = groups[leaders_name]
    assert leaders.record == Body.Record.NOTES
    assert set(leaders.seats.values_list("role", flat=True)) == {Seat.Role.PROCESS_LEADER}
    steering = groups["Styrgrupp"]
    assert steering.seats.get(function="Folkhälsostrateg").role == Seat.Role.SECRETARY
    assert steering.seats.get(function="Polis").organisation.name == "Polismyndigheten"
    assert len(list(Body.objects.below([_council().pk]))) == 5
    assert {b.name: b.decision_subject for b in groups.values()} == {
        "Styrgrupp": "Styrgruppen",
        "Förebyggargrupp": "Förebyggargruppen",
        team: "Kommunteamet",
        leaders_name: "Processledarna",
    }
    # "Folkhälsostrateg kallar" / "skickar ut kallelse" in every group.
    strategist = Person.objects.get(name="Demo: Folkhälsostrateg")
    assert {b.convener for b in groups.values()} == {strategist}
    assert groups["Förebyggargrupp"].secretary_per_meeting
    assert not any(b.secretary_per_meeting for n, b in groups.items() if n != "Förebyggargrupp")


def _titles(meeting: Meeting) -> list[str]:
    return [item.title for item in meeting.items.all()]


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_the_councils_standing_items_are_only_where_the_document_puts_them(demo, year):
    meetings = _meetings(year)
    assert len(meetings) == 4
    # The adjuster at each meeting; the yearly report to KS/KF once (demo: the first meeting);
    # the lägesbild at the second; next year's dates at the last; nothing else.
    assert [_titles(m) for m in meetings] == [
        [ADJUSTER, REPORT],
        [ADJUSTER, SITUATION],
        [ADJUSTER],
        [ADJUSTER, DATES],
    ]
    kinds = {
        item.title: (item.kind, item.proposal_to)
        for m in meetings
        for item in m.items.select_related("standing_item")
    }
    assert kinds == {
        ADJUSTER: (AgendaKind.DECISION, ""),
        REPORT: (AgendaKind.PROPOSAL, "kommunstyrelsen och kommunfullmäktige"),
        SITUATION: (AgendaKind.INFORMATION, ""),
        DATES: (AgendaKind.DECISION, ""),
    }
    assert not AgendaItem.objects.filter(meeting__in=meetings, standing_item__isnull=True)


def test_no_invented_item_is_on_the_councils_agendas(demo):
    titles = set(
        AgendaItem.objects.filter(meeting__body=_council()).values_list("title", flat=True)
    )
    assert titles == {ADJUSTER, REPORT, SITUATION, DATES}
    standing = _council().standing_items.values_list("title", "kind", "rule", "nth")
    assert list(standing) == [
        (ADJUSTER, "beslut", "varje", None),
        (REPORT, "forslag", "nummer", 1),
        (SITUATION, "information", "nummer", 2),
        (DATES, "beslut", "sista", None),
    ]
    # The styrgrupp's follow-up of the activities is no standing item either.
    assert not _group("Styrgrupp").standing_items.exists()


def test_the_held_meetings_decisions_and_paragraphs_run_through_the_year(demo):
    meetings = _meetings(2025)
    decision = meetings[-1].items.get(title=DATES).decision
    assert decision == (
        "Sammanträdestider 2026: 12 februari, 23 april, 24 september och 12 november."
    )
    report = meetings[0].items.get(title=REPORT).decision
    assert "uppföljningen 2024" in report and "kommunstyrelsen och kommunfullmäktige" in report
    adjuster = meetings[0].items.get(title=ADJUSTER).decision
    assert (
        adjuster
        == "Demo: Ordförande, utbildning och omsorgsutskottet utses att justera protokollet."
    )
    assert meetings[1].items.get(title=SITUATION).decision == ""  # noted: information
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


def test_the_styrgrupp_meets_before_every_council_meeting_of_2025_to_2027(demo):
    steering = _group("Styrgrupp")
    assert steering.prepares == _council()
    days = steering.prepare_days_before
    assert days > _council().notice_days  # the agenda is proposed before the notice goes out
    for year in (2025, 2026, 2027):
        for council_meeting in _meetings(year):
            preparing = list(council_meeting.preparatory_meetings.all())
            assert [m.body for m in preparing] == [steering], council_meeting
            assert _day(preparing[0]) == _day(council_meeting) - datetime.timedelta(days=days)
            if council_meeting.notice_sent_at:  # the agenda went out after it was prepared
                assert council_meeting.notice_sent_at > preparing[0].starts_at
            item = preparing[0].items.get()
            assert item.kind == AgendaKind.PROPOSAL
            assert item.proposal_to == "folkhälso- och trygghetsrådet"
            when = formats.date_format(_day(council_meeting), "j F Y")
            assert item.title.endswith(f"rådets sammanträde {when}")
    # "6–8 gånger per år": six a year, the two that prepare nothing follow up the activities.
    for year in (2025, 2026, 2027):
        meetings = _meetings(year, steering)
        assert len(meetings) == 6
        others = [m for m in meetings if m.prepares_meeting is None]
        assert [_titles(m) for m in others] == [
            ["Uppföljning av de aktiviteter som genomförs i verksamheterna"]
        ] * 2


def test_the_forebyggargrupp_chooses_its_secretary_at_each_meeting(demo):
    group = _group("Förebyggargrupp")
    held = _meetings(2026, group)
    assert len(held) == 6 and all(m.is_locked for m in held)
    holders = set(SeatHolding.objects.filter(seat__body=group).values_list("person", flat=True))
    assert len({m.secretary_id for m in held}) > 1  # chosen anew, not a standing secretary
    for meeting in held:
        assert meeting.secretary_id in holders
        first = meeting.items.get(paragraph=min(meeting.items.values_list("paragraph", flat=True)))
        assert first.kind == AgendaKind.DECISION
        assert first.decision == f"{meeting.secretary.name} väljs till sekreterare för mötet."
        present = meeting.attendances.get(person=meeting.secretary)
        assert present.status == Attendance.Status.PRESENT
    assert not Meeting.objects.filter(secretary__isnull=False).exclude(body=group).exists()


def test_every_dispatch_and_registration_is_the_kansli_secretarys(demo):
    secretary = User.objects.get(username="norsjo-sekreterare")
    dispatches = Dispatch.objects.filter(meeting__body__organisation__name="Norsjö kommun")
    assert dispatches.count() > 30
    assert set(dispatches.values_list("sent_by", flat=True)) == {secretary.pk}
    registered = _norsjo_meetings().filter(registered_on__isnull=False)
    assert registered.count() > 20
    for meeting in registered:
        assert meeting.history.earliest("history_date").history_user == secretary


def test_dispatches_are_records_of_each_recipient(demo):
    meeting = _meetings(2025)[0]
    notice = meeting.dispatches.get(kind=Dispatch.Kind.NOTICE)
    holders = SeatHolding.objects.filter(seat__body=_council())
    people = set(holders.values_list("person", flat=True))
    assert set(notice.recipients.values_list("person", flat=True)) == people
    assert all(r.reached and r.email.endswith("@example.se") for r in notice.recipients.all())
    assert {r.function for r in notice.recipients.all()} >= {"Gruppchef för områdespolis"}
    # "skickar ut protokoll med bilagor till alla deltagare samt skickas till KS för kännedom"
    minutes = meeting.dispatches.get(kind=Dispatch.Kind.MINUTES)
    listed = minutes.recipients.get(person__isnull=True)
    assert listed.email == "kommunstyrelsen.registrator@example.se" and listed.reached
    excused = meeting.attendances.get(status=Attendance.Status.EXCUSED).person
    assert not minutes.recipients.filter(person=excused).exists()
    assert minutes.recipients.count() == len(people)  # the excused one out, the list in
    # The styrgrupp's minutes are registered and kept in the team, not sent out.
    steering = Dispatch.objects.filter(meeting__body=_group("Styrgrupp"))
    assert set(steering.values_list("kind", flat=True)) == {Dispatch.Kind.NOTICE}


def test_the_recent_dispatches_record_their_files_with_the_items_attachments(demo):
    held = Meeting.objects.get(body=_council(), status=Meeting.Status.HELD)
    notice = held.dispatches.get(kind=Dispatch.Kind.NOTICE)
    names = [(d["name"], d["attachment"]) for d in notice.documents]
    assert names == [
        ("kallelse-2026-11-12.pdf", False),
        ("mote-2026-11-12.ics", False),
        ("Förslag sammanträdestider 2027.xlsx", True),
    ]
    attachment = Attachment.objects.get(item__meeting=held)
    assert notice.documents[2]["size"] == attachment.size
    assert all(d["size"] > 1000 for d in notice.documents)
    # Before November 2026 the demo records no files, as dispatches from before files were.
    old = _meetings(2025)[0].dispatches.all()
    assert [d.documents for d in old] == [[], []]


def test_two_council_items_carry_real_files_in_the_storage(demo):
    attachments = Attachment.objects.filter(item__meeting__body=_council()).select_related(
        "item__meeting"
    )
    by_item = {(a.item.title, _day(a.item.meeting)): a for a in attachments}
    assert set(by_item) == {
        (DATES, datetime.date(2026, 11, 12)),
        (REPORT, datetime.date(2027, 2, 11)),
    }
    secretary = User.objects.get(username="norsjo-sekreterare")
    for attachment in attachments:
        with attachment.file.open("rb") as opened:
            content = opened.read()
        assert len(content) == attachment.size and attachment.uploaded_by == secretary
    sheet = by_item[(DATES, datetime.date(2026, 11, 12))]
    assert sheet.content_type.endswith("spreadsheetml.sheet")
    with sheet.file.open("rb") as opened:
        rows = list(load_workbook(io.BytesIO(opened.read())).active.iter_rows(values_only=True))
    dates = [row[1].date() for row in rows[1:]]
    assert dates == [_day(m) for m in _meetings(2027)]
    report = by_item[(REPORT, datetime.date(2027, 2, 11))]
    assert report.content_type == "application/pdf"
    with report.file.open("rb") as opened:
        pdf = opened.read()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Uppföljning av insatser och aktiviteter 2026" in text and "demodata" in text
    assert conformance_failures(pdf, "pdf/ua-1") == []


def test_the_socialnamnd_is_a_public_statutory_body_of_the_demo(demo):
    board = _board()
    assert board.kind == Body.Kind.BOARD and board.is_statutory and board.is_public
    assert board.mandate.startswith("Demo:")
    assert board.minutes_kept_at == "Kommunkansliet, kommunhuset i Norsjö"
    assert board.decision_subject == "Nämnden"
    roles = Counter(board.seats.values_list("role", flat=True))
    assert roles == {
        Seat.Role.CHAIR: 1,
        Seat.Role.VICE_CHAIR: 1,
        Seat.Role.MEMBER: 3,
        Seat.Role.SUBSTITUTE: 2,
        Seat.Role.SECRETARY: 1,
    }
    checked = [m for m in board.meetings.order_by("starts_at") if m.is_locked]
    assert len(checked) == 2
    for meeting in checked:
        assert meeting.posted_on and meeting.checked_on
        assert meeting.posted_on <= meeting.announce_by  # within KL 8:12's two days
        roles = set(meeting.checks.filter(checked_at__isnull=False).values_list("role", flat=True))
        assert roles == {MinutesCheck.Role.ADJUSTER, MinutesCheck.Role.CHAIR}
    coming = board.meetings.get(status=Meeting.Status.NOTICE_SENT)
    assert _day(coming) > max(_day(m) for m in checked)
    assert coming.dispatches.get().kind == Dispatch.Kind.NOTICE


def test_the_notice_board_and_public_minutes_show_the_socialnamnd(demo, monkeypatch):
    checked = [m for m in _board().meetings.order_by("starts_at") if m.is_locked]
    for meeting in checked:
        assert meeting in selectors.notice_board(today=meeting.posted_on)
        assert meeting not in selectors.notice_board(
            today=meeting.takes_down_on + datetime.timedelta(days=1)
        )
        assert meeting in selectors.public_minutes_list()
    # On the day the demo was loaded (its nämnd's dates move with it, in whole weeks) the second
    # announcement is up and the next meeting is coming: the notice board is never empty.
    loaded_on = timezone.localdate()
    assert checked[1] in selectors.notice_board(today=loaded_on)
    assert _day(_board().meetings.get(status=Meeting.Status.NOTICE_SENT)) > loaded_on
    anonymous = client_for(None)
    page = anonymous.get(reverse("councils:notice_board")).content.decode()
    assert "Socialnämnden" in page and "Kommunkansliet, kommunhuset i Norsjö" in page
    minutes = anonymous.get(reverse("councils:public_minutes_list")).content.decode()
    assert "Socialnämnden" in minutes
    assert (
        anonymous.get(reverse("councils:public_minutes", args=[checked[1].pk])).status_code == 200
    )


def test_every_demo_meeting_page_opens_with_its_dispatch_history(demo):
    secretary = client_for(User.objects.get(username="norsjo-sekreterare"))
    for meeting in _norsjo_meetings():
        response = secretary.get(reverse("councils:meeting_detail", args=[meeting.pk]))
        assert response.status_code == 200, meeting
        if meeting.dispatches.exists():
            assert ", , " not in response.content.decode()


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
    assert _titles(coming) == [ADJUSTER, REPORT]
    assert not coming.items.filter(paragraph__isnull=False).exists()


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


def test_the_kansli_secretary_and_the_strategist_have_accounts_of_their_own(demo):
    secretary = User.objects.get(username="norsjo-sekreterare")
    assert set(secretary.roles.values_list("kind", flat=True)) == {Role.Kind.SECRETARY}
    assert secretary.person.name == "Demo: Kansliets sekreterare" and secretary.is_staff
    assert secretary.get_full_name() == secretary.person.name  # "Skickad av" names her
    # She writes the council's minutes: its secretary's seat is hers.
    seat = _council().seats.get(role=Seat.Role.SECRETARY)
    assert seat.holdings.get().person == secretary.person
    strategist = User.objects.get(username="norsjo-strateg")
    kinds = set(strategist.roles.values_list("kind", flat=True))
    assert kinds == {Role.Kind.STRATEGIST, Role.Kind.SECRETARY}
    assert (
        strategist.person.title == "Folkhälsostrateg" and strategist.person == _council().convener
    )
    for user in (secretary, strategist):
        assert council_permissions.can_manage_body(user, _council())
        assert council_permissions.can_manage_body(user, _board())
        assert user.check_password("folkhalsa-demo")


def test_loading_the_councils_again_changes_nothing(demo, settings, capsys):
    before = {model.__name__: model.objects.count() for model in MODELS}
    report = load_demo()
    assert report.created == [] and COUNCIL + " (Norsjö kommun)" in report.existing
    assert "Socialnämnden (Norsjö kommun)" in report.existing
    settings.DEBUG = True
    call_command("load_demo")
    assert {model.__name__: model.objects.count() for model in MODELS} == before
    out = capsys.readouterr().out
    for username in ("norsjo-sekreterare", "norsjo-strateg", "norsjo-justerare", "norberg-admin"):
        assert username in out


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


def test_a_council_meeting_without_its_preparatory_meeting_loads_nothing(tmp_path):
    from plans.demo.loader import DemoDataError

    (tmp_path / "a.yaml").write_text(
        "organisations: [{name: X, kind: kommun}]\n"
        "bodies:\n"
        "  - name: Råd\n"
        "    organisation: X\n"
        "    kind: rad\n"
        "    meetings: [{date: 2027-02-11, time: '13:00', status: planerat},\n"
        "               {date: 2027-04-22, time: '13:00', status: planerat}]\n"
        "    children:\n"
        "      - {name: Styrgrupp, organisation: X, kind: arbetsgrupp, prepares: Råd,\n"
        "         prepare_days_before: 14,\n"
        "         meetings: [{date: 2027-01-28, time: '09:00', status: planerat}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="2027-04-22"):
        load_demo(directory=tmp_path)
    assert not Body.objects.exists()


def test_the_secretary_works_on_the_council_in_the_admin(demo):
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
