"""The adjuster reads the minutes and asks for a change of a paragraph; the secretary sees the
request, edits the minutes and answers; the adjuster sees the answer and checks the minutes.

Its own meeting (the demo is rewritten apart): a group of Norsjö's whose minutes the demo
adjuster (`norsjo-justerare`) checks and the kansli's secretary (`norsjo-sekreterare`) writes.
"""

import datetime
import re

from playwright.sync_api import expect

from councils.models import (
    AgendaItem,
    Attendance,
    Body,
    ChangeRequest,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
)
from councils.services import meeting_mark_held, minutes_appoint_adjusters
from plans.models import Organisation, Person
from tests.browser.conftest import check_page
from tests.minutes_helpers import at, freeze

BODY = "Trygghetsgruppen i Bastuträsk"


def _meeting_waiting_for_her() -> Meeting:
    """Return the group's meeting of 1 February 2027, held, its minutes written, with the demo
    adjuster appointed to check them and a chair to sign."""
    norsjo = Organisation.objects.get(name="Norsjö kommun", parent=None)
    adjuster = Person.objects.get(user__username="norsjo-justerare")
    secretary = Person.objects.get(user__username="norsjo-sekreterare")
    chair = Person.objects.create(name="Demo: Ordförande i trygghetsgruppen", organisation=norsjo)
    body = Body.objects.create(organisation=norsjo, name=BODY, kind=Body.Kind.COUNCIL)
    meeting = Meeting.objects.create(
        body=body,
        starts_at=at("2027-02-01 13:00"),
        place="Bastuträsk skola",
        status=Meeting.Status.NOTICE_SENT,
    )
    for person, role in ((chair, Seat.Role.CHAIR), (adjuster, Seat.Role.MEMBER)):
        seat = Seat.objects.create(
            body=body, function=person.title or "Ordförande", organisation=norsjo, role=role
        )
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2026, 1, 1))
        Attendance.objects.create(
            meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
        )
    items = [
        ("beslut", "", "Val av justerare", "att utse oppositionens representant att justera."),
        ("forslag", "kommunstyrelsen", "Belysning vid skolan", "att belysningen förbättras."),
        ("information", "", "Polisens lägesbild", ""),
    ]
    for order, (kind, to, title, decision) in enumerate(items, start=1):
        AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            kind=kind,
            proposal_to=to,
            title=title,
            decision=decision,
            note=f"{title} behandlades.",
        )
    meeting_mark_held(meeting=meeting, user=secretary.user)
    minutes_appoint_adjusters(meeting=meeting, adjusters=[adjuster], user=secretary.user)
    return meeting


def test_adjuster_asks_for_a_change_the_secretary_answers_and_she_checks(
    page, new_tab, log_in, monkeypatch
):
    freeze(monkeypatch, "2027-02-03 09:00")
    meeting = _meeting_waiting_for_her()
    proposal = meeting.items.get(kind="forslag")

    # She finds the minutes waiting for her check on Mitt arbete, and reads them first.
    log_in(page, "norsjo-justerare")
    item = page.locator(".work-item").filter(has_text=BODY)
    expect(item).to_contain_text("1 februari 2027")
    item.get_by_role("link", name="Justera protokollet").click()
    check_page(page, "adjuster-reads-the-minutes")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Justera protokollet")
    expect(page.get_by_role("heading", name="Rådet föreslår kommunstyrelsen")).to_be_visible()
    expect(page.get_by_role("heading", name="Informationen noteras")).to_be_visible()

    # She asks for a change of one paragraph.
    page.get_by_label("Gäller").select_option(label=f"§ {proposal.paragraph} {proposal.title}")
    page.get_by_label("Vad vill du ha ändrat?").fill("Skriv att det gäller gångvägen till skolan.")
    page.get_by_role("button", name="Skicka begäran till sekreteraren").click()
    check_page(page, "adjuster-asked-for-a-change")
    expect(page.get_by_role("status")).to_contain_text("skickad till sekreteraren")
    expect(page.get_by_text("Väntar på sekreterarens svar.")).to_be_visible()
    expect(page.get_by_role("button", name="Jag justerar protokollet")).to_have_count(0)

    # The secretary sees the request on Mitt arbete and on the minutes, edits and answers.
    secretary = new_tab()
    log_in(secretary, "norsjo-sekreterare")
    work = secretary.locator(".work-item").filter(has_text="Besvara 1 ändringsbegäran")
    expect(work).to_contain_text(BODY)
    work.get_by_role("link", name="Besvara 1 ändringsbegäran").click()
    check_page(secretary, "secretary-reads-the-change-request")
    expect(secretary.get_by_text("Skriv att det gäller gångvägen till skolan.")).to_be_visible()
    secretary.get_by_role("link", name="Till protokollet").click()
    check_page(secretary, "secretary-minutes-with-the-request")
    secretary.get_by_role("textbox", name="Rådet föreslår kommunstyrelsen").fill(
        "att belysningen på gångvägen till skolan förbättras."
    )
    secretary.get_by_role("button", name="Spara protokollet").click()
    check_page(secretary, "secretary-changed-the-minutes")
    secretary.get_by_role("textbox", name="Ditt svar").fill("Ändrat.")
    secretary.get_by_role("button", name="Svara").click()
    check_page(secretary, "secretary-answered")
    expect(secretary.get_by_role("status")).to_contain_text("Svaret till")

    # She sees the answer on her page, and checks the minutes.
    page.reload()
    check_page(page, "adjuster-sees-the-answer")
    expect(page.get_by_text("Ändrat.", exact=True)).to_be_visible()
    expect(page.get_by_text("gångvägen till skolan förbättras")).to_be_visible()
    page.get_by_role("button", name="Jag justerar protokollet").click()
    check_page(page, "adjuster-checked")
    expect(page.get_by_role("status")).to_contain_text("Du har justerat protokollet.")
    expect(
        page.get_by_text(re.compile(r"Justerat den 3 februari 2027 \(digitalt\)"))
    ).to_be_visible()

    request = ChangeRequest.objects.get(meeting=meeting)
    assert request.item == proposal and request.answer == "Ändrat."
    check = MinutesCheck.objects.get(meeting=meeting, role=MinutesCheck.Role.ADJUSTER)
    assert check.checked_at is not None and not check.on_paper
    assert check.recorded_by.username == "norsjo-justerare"
