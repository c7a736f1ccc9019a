"""The secretary writes the minutes and appoints an adjuster; the adjuster logs in on her own
computer and checks them; the minutes are then locked."""

import datetime
import re

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import AgendaItem, Attendance, Body, Meeting, MinutesCheck, Seat, SeatHolding
from plans.demo.loader import DEMO_PASSWORD
from plans.models import Organisation, Person
from tests.browser.conftest import check_page


def _council_meeting() -> Meeting:
    """Return yesterday's meeting of a council in Norberg, with its chair and one member."""
    norberg = Organisation.objects.get(name="Norbergs kommun", parent=None)
    body = Body.objects.create(organisation=norberg, name="Trygghetsrådet", kind=Body.Kind.COUNCIL)
    meeting = Meeting.objects.create(
        body=body,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        place="Kommunhuset",
        status=Meeting.Status.NOTICE_SENT,
    )
    AgendaItem.objects.create(meeting=meeting, title="Lägesbild trygghet", kind="beslut")
    for name, role in (("Eva Ordförande", Seat.Role.CHAIR), ("Adam Justerare", Seat.Role.MEMBER)):
        person = Person.objects.create(name=name, organisation=norberg)
        seat = Seat.objects.create(body=body, function=name, organisation=norberg, role=role)
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))
        Attendance.objects.create(
            meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
        )
    adam = Person.objects.get(name="Adam Justerare")
    adam.user = User.objects.create_user("adam-justerare", password=DEMO_PASSWORD)
    adam.save()
    return meeting


def test_secretary_writes_minutes_and_the_adjuster_checks_them(page, new_tab, log_in, site):
    meeting = _council_meeting()
    log_in(page, "norberg-sekreterare")
    page.goto(f"/moten/{meeting.pk}/protokoll/")
    check_page(page, "minutes-planned")
    page.get_by_role("button", name="Markera mötet som genomfört").click()
    check_page(page, "minutes-editor")

    page.get_by_role("textbox", name="Protokollets inledning").fill("Ordföranden öppnade mötet.")
    page.get_by_role("textbox", name="Anteckning").fill("Polisen redovisade lägesbilden.")
    page.get_by_role("textbox", name="Rådet beslutar").fill("att söka fler nattvandrare.")
    page.get_by_role("checkbox", name="Adam Justerare").check()
    page.get_by_role("button", name="Spara protokollet").click()
    check_page(page, "minutes-saved")
    expect(page.get_by_role("status")).to_contain_text("Protokollet sparat")
    expect(page.get_by_text("§ 1")).to_be_visible()

    # The chair signed on paper today (she signs; the adjuster checks).
    page.get_by_role("link", name="Registrera justering eller underskrift på papper").click()
    check_page(page, "minutes-paper-check")
    page.get_by_label("Vems justering eller underskrift").select_option(
        label="Eva Ordförande (ordförande, undertecknar)"
    )
    page.get_by_label("Justerat eller undertecknat på papper den").fill(
        timezone.localdate().isoformat()
    )
    page.get_by_role("button", name="Registrera justeringen").click()
    check_page(page, "minutes-chair-signed")
    expect(page.get_by_text("Ojusterat protokoll")).to_be_visible()

    adjuster = new_tab()  # her own computer: a browser context of its own
    log_in(adjuster, "adam-justerare")
    adjuster.goto("/mina-moten/")
    check_page(adjuster, "my-meetings")
    adjuster.get_by_role("link", name=re.compile("^Justera protokollet: Trygghetsrådet")).click()
    check_page(adjuster, "minutes-check")
    expect(adjuster.get_by_text("att söka fler nattvandrare.")).to_be_visible()
    adjuster.get_by_role("button", name="Jag justerar protokollet").click()
    check_page(adjuster, "minutes-checked")
    expect(adjuster.get_by_text("Justerat protokoll", exact=True)).to_be_visible()

    page.reload()
    check_page(page, "minutes-locked")
    expect(page.get_by_text("Justerat protokoll", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Spara protokollet")).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CHECKED and meeting.is_locked
    check = MinutesCheck.objects.get(meeting=meeting, role=MinutesCheck.Role.ADJUSTER)
    assert check.recorded_by.username == "adam-justerare" and not check.on_paper
