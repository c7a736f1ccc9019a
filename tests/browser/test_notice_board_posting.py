"""Norsjö's secretary posts the checking of a nämnd's checked minutes on the notice board: the
meeting page said by which day ("Anslås senast …", tomorrow). Then anyone, without logging in,
finds the announcement on the notice board with the appeal period's last day, and the body's
public page with its coming meetings: the agenda of the noticed one, not yet of the other."""

import datetime

import pytest

from councils.models import AgendaItem, AgendaKind, Body, Meeting
from councils.services import minutes_record_create
from plans.models import Organisation
from tests.browser.conftest import check_page
from tests.minutes_helpers import at, freeze

BODY = "Individ- och familjeomsorgsutskottet"
KEPT_AT = "Kommunkansliet, kommunhuset i Norsjö"


@pytest.fixture
def checked_minutes(site, monkeypatch) -> Meeting:
    """A public committee of Norsjö: minutes checked yesterday and not yet announced, a meeting
    in March whose notice is sent and one in April whose notice is not."""
    freeze(monkeypatch, "2027-02-02 10:00")
    norsjo = Organisation.objects.get(name="Norsjö kommun", parent=None)
    body = Body.objects.create(
        organisation=norsjo,
        name=BODY,
        kind=Body.Kind.COMMITTEE,
        is_public=True,
        minutes_kept_at=KEPT_AT,
    )
    checked = Meeting.objects.create(
        body=body,
        starts_at=at("2027-01-28 13:00"),
        place="Kommunhuset, sal Bjuren",
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2027, 2, 1),
    )
    AgendaItem.objects.create(
        meeting=checked,
        order=1,
        paragraph=1,
        kind=AgendaKind.DECISION,
        title="Val av justerare",
        decision="Utskottet beslutar att utse en justerare.",
    )
    minutes_record_create(meeting=checked)
    march = Meeting.objects.create(
        body=body,
        starts_at=at("2027-03-04 13:00"),
        place="Kommunhuset, sal Bjuren",
        status=Meeting.Status.NOTICE_SENT,
        notice_sent_at=at("2027-02-01 09:00"),
    )
    AgendaItem.objects.create(
        meeting=march,
        order=1,
        kind=AgendaKind.INFORMATION,
        title="Lägesbild barn och unga",
        presenter="Socialchefen",
    )
    april = Meeting.objects.create(body=body, starts_at=at("2027-04-08 13:00"))
    AgendaItem.objects.create(meeting=april, order=1, title="Ännu inte kallat ärende")
    return checked


def test_secretary_posts_the_checking_and_the_public_reads_the_appeal_period(
    page, new_tab, log_in, checked_minutes
):
    meeting = checked_minutes
    log_in(page, "norsjo-sekreterare")
    page.goto(f"/moten/{meeting.pk}/")
    check_page(page, "posting-meeting-before")
    due = page.locator(".announcement-due")
    assert "Anslås senast 3 februari 2027" in due.inner_text()
    assert "sista dagen är i morgon" in due.inner_text()

    due.get_by_role("link", name="Anslå justeringen").click()
    check_page(page, "posting-form")
    page.get_by_label("Anslaget den").fill("2027-02-02")
    page.get_by_role("button", name="Spara anslagsdatumet").click()
    check_page(page, "posting-saved")
    meeting.refresh_from_db()
    assert meeting.posted_on == datetime.date(2027, 2, 2)
    assert meeting.takes_down_on == datetime.date(2027, 2, 23)
    page.goto(f"/moten/{meeting.pk}/")
    check_page(page, "posting-meeting-after")
    assert page.locator(".announcement-due").count() == 0
    assert "Sista dag att överklaga: 23 februari 2027" in page.get_by_role("main").inner_text()

    public = new_tab()  # a visitor without an account
    public.goto("/anslagstavla/")
    check_page(public, "posting-notice-board")
    row = public.get_by_role("row", name=BODY)
    assert row.count() == 1
    assert row.get_by_role("cell").all_inner_texts()[-3:] == [
        KEPT_AT,
        "2 februari 2027",
        "23 februari 2027",
    ]
    header = public.get_by_role("columnheader").all_inner_texts()
    assert header[-1] == "Sista dag att överklaga"

    row.get_by_role("link", name=BODY).click()
    check_page(public, "posting-public-body")
    main = public.get_by_role("main").inner_text()
    assert "torsdag 4 mars 2027 kl. 13.00" in main
    assert "Lägesbild barn och unga" in main and "Socialchefen" in main
    assert "torsdag 8 april 2027 kl. 13.00" in main
    assert "Ännu inte kallat ärende" not in main
    assert "Föredragningslistan publiceras när kallelsen skickas." in main

    public.get_by_role("link", name="Protokoll från mötet 28 januari 2027").click()
    check_page(public, "posting-public-minutes")
    minutes = public.get_by_role("main").inner_text()
    assert "23 februari 2027" in minutes and KEPT_AT in minutes
