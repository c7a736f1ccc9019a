"""The council's secretary builds a meeting's agenda with two items and an attachment, and
takes attendance."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import Attendance, Body, Meeting, Seat, SeatHolding
from plans.demo.loader import DEMO_PASSWORD
from plans.models import Account, Organisation, Person, Plan, Role
from tests.browser.conftest import check_page
from tests.conftest import PDF_BYTES


@pytest.fixture
def council_meeting(site) -> Meeting:
    """Norberg's council with two members and a meeting next month; a secretary to run it."""
    norberg = Organisation.objects.get(name="Norbergs kommun", parent=None)
    secretary = User.objects.create_user("rad-sekreterare", password=DEMO_PASSWORD)
    Role.objects.create(user=secretary, organisation=norberg, kind=Role.Kind.SECRETARY)
    Account.objects.create(user=secretary, organisation=norberg)
    council = Body.objects.create(
        organisation=norberg, name="Folkhälso- och trygghetsrådet", kind=Body.Kind.COUNCIL
    )
    for order, (function, name) in enumerate(
        [
            ("Kommunstyrelsens ordförande", "Eva Ordförande (demo)"),
            ("Chef för räddningstjänst", "Rolf Räddningschef (demo)"),
        ]
    ):
        seat = Seat.objects.create(
            body=council, function=function, organisation=norberg, order=order
        )
        person = Person.objects.create(name=name, organisation=norberg)
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))
    # A month ahead, whatever the year: the body page lists the coming meetings first, so in
    # December one in January is there too.
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    return Meeting.objects.create(body=council, starts_at=starts, place="Kommunhuset")


def test_secretary_builds_an_agenda_with_an_attachment_and_takes_attendance(
    page, log_in, council_meeting
):
    log_in(page, "rad-sekreterare")
    page.get_by_role("link", name="Råd och möten").click()
    check_page(page, "council-bodies")
    page.get_by_role("link", name="Folkhälso- och trygghetsrådet").click()
    check_page(page, "council-body")
    coming = page.get_by_role("region", name="Kommande möten")
    coming.locator(f'a[href="/moten/{council_meeting.pk}/"]').click()
    check_page(page, "council-meeting-empty")

    _add_item(page, "Gemensam lägesbild brott och trygghet", "Information", "Polisen")
    check_page(page, "council-meeting-one-item")
    plan = Plan.objects.filter(owner__name="Norbergs kommun").first()
    _add_item(page, "Uppföljning av handlingsplanen", "Beslut", "Folkhälsostrategen", plan=plan)
    check_page(page, "council-meeting-two-items")
    agenda = page.locator("#dagordning")
    assert re.search(r"1\.\s+Gemensam lägesbild.*2\.\s+Uppföljning", agenda.inner_text(), re.S)

    # Moving an item swaps the agenda in place (htmx, the same document); the order is saved.
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")
    first_title = page.locator("#dagordning .agenda-item h3").first
    page.get_by_role("button", name="Flytta ärende 2 upp").click()
    expect(first_title).to_contain_text("Uppföljning av handlingsplanen")
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"
    titles = list(council_meeting.items.order_by("order").values_list("title", flat=True))
    assert titles == ["Uppföljning av handlingsplanen", "Gemensam lägesbild brott och trygghet"]
    page.get_by_role("button", name="Flytta ärende 2 upp").click()
    expect(first_title).to_contain_text("Gemensam lägesbild")

    page.get_by_role("link", name="Ny bilaga till ärende 1").click()
    check_page(page, "council-attachment-form")
    page.get_by_label("Fil").set_input_files(
        {"name": "Lägesbild 2025.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Ladda upp").click()
    check_page(page, "council-attachment-added")
    with page.expect_download() as download:
        page.get_by_role("link", name="Lägesbild 2025.pdf", exact=True).click()
    assert download.value.suggested_filename == "Lägesbild 2025.pdf"

    page.get_by_role("link", name="Närvaro", exact=True).click()
    check_page(page, "council-attendance-form")
    # Nothing is assumed: an untouched form names the seats still to mark.
    page.get_by_role("button", name="Spara närvaron").click()
    check_page(page, "council-attendance-unmarked")
    expect(page.get_by_role("alert")).to_contain_text("Markera närvaro för:")
    expect(page.get_by_role("alert")).to_contain_text("Eva Ordförande (demo)")
    chair = page.get_by_role("group", name=re.compile("Eva Ordförande"))
    chair.get_by_label("Närvaro").select_option(label="Närvarande")
    rescue = page.get_by_role("group", name=re.compile("Rolf Räddningschef"))
    rescue.get_by_label("Närvaro").select_option(label="Anmält förhinder")
    page.get_by_label("Namn").first.fill("Gun Gäst (demo)")
    page.get_by_role("button", name="Spara närvaron").click()
    check_page(page, "council-attendance-saved")
    assert "Närvaron sparad." in page.get_by_role("status").first.inner_text()
    statuses = dict(council_meeting.attendances.values_list("person__name", "status"))
    assert statuses["Rolf Räddningschef (demo)"] == Attendance.Status.EXCUSED
    assert statuses["Eva Ordförande (demo)"] == Attendance.Status.PRESENT
    assert council_meeting.attendances.filter(guest_name="Gun Gäst (demo)").exists()


def _add_item(page, title: str, kind: str, presenter: str, plan: Plan | None = None) -> None:
    page.get_by_role("link", name="Nytt ärende").click()
    check_page(page, f"council-item-form-{kind.lower()}")
    page.get_by_role("textbox", name="Ärende").fill(title)
    page.get_by_role("combobox", name="Typ").select_option(label=kind)
    page.get_by_role("textbox", name="Föredragande").fill(presenter)
    if plan is not None:
        page.get_by_role("listbox", name="Planer").select_option(str(plan.pk))
    page.get_by_role("button", name="Lägg till ärendet").click()
