"""A member of Norsjö's council finds her coming meetings and the minutes she is to check, takes
a meeting into her calendar and creates her own private calendar address; the secretary renews
hers by keyboard, and the old address stops answering."""

import re

from django.utils import formats, timezone

from councils.models import Meeting
from councils.selectors import meeting_day
from tests.browser.conftest import check_page
from tests.browser.keyboard import press_and_land, tab_to

COUNCIL = "Folkhälso- och trygghetsrådet"


def _next_meeting() -> Meeting:
    """Return the council's first meeting from today on."""
    return (
        Meeting.objects.filter(body__name=COUNCIL, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )


def _meeting_link_name(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"{COUNCIL} {formats.date_format(local, 'j F Y')} kl. {local:%H.%M}"


def _open_next_meeting(page) -> Meeting:
    """From the menu go to "Mina möten" and open the council's next meeting."""
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina möten").click()
    check_page(page, f"my-meetings-{page.url.rsplit('/', 2)[-2]}")
    meeting = _next_meeting()
    page.get_by_role("link", name=_meeting_link_name(meeting)).click()
    check_page(page, f"my-meeting-{meeting.pk}")
    return meeting


def test_member_sees_her_meetings_and_downloads_one_as_a_calendar_file(page, log_in):
    log_in(page, "norsjo-justerare")
    meeting = _open_next_meeting(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith(COUNCIL)

    with page.expect_download() as download:
        page.get_by_role("link", name="Mötet i din kalender (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    content = download.value.path().read_text(encoding="utf-8")
    assert content.startswith("BEGIN:VCALENDAR") and content.count("BEGIN:VEVENT") == 1
    assert f"DTSTART;TZID=Europe/Stockholm:{timezone.localtime(meeting.starts_at):%Y%m%d}" in (
        content
    )
    answer = page.request.get(f"/moten/{meeting.pk}/mote.ics")
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"

    page.go_back()
    held = Meeting.objects.get(body__name=COUNCIL, status=Meeting.Status.HELD)
    to_check = f"Justera protokollet: {COUNCIL} {formats.date_format(meeting_day(held), 'j F Y')}"
    assert page.get_by_role("link", name=to_check).is_visible()
    page.get_by_role("button", name="Skapa kalenderadress").click()
    check_page(page, "my-calendar-address")
    feed = page.request.get(_address(page))
    assert feed.ok and f"{timezone.localtime(meeting.starts_at):%Y%m%d}T" in feed.text()


ADDRESS = re.compile(r"kalender.[^ ]+\.ics$")


def _address(page) -> str:
    return page.get_by_role("link", name=ADDRESS).get_attribute("href")


def test_secretary_renews_her_calendar_address_and_the_old_one_stops_working(page, log_in):
    log_in(page, "norsjo-sekreterare")
    meeting = _open_next_meeting(page)
    page.go_back()
    tab_to(page, "Skapa kalenderadress")
    press_and_land(page)
    check_page(page, "calendar-address")
    old = _address(page)
    feed = page.request.get(old)
    assert feed.ok and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text().startswith("BEGIN:VCALENDAR")
    assert f"{timezone.localtime(meeting.starts_at):%Y%m%d}T" in feed.text()

    tab_to(page, "Skapa ny kalenderadress")
    press_and_land(page)
    check_page(page, "calendar-address-renewed")
    assert "En tidigare adress fungerar inte längre." in page.get_by_role("status").inner_text()
    new = _address(page)
    assert new != old
    assert page.request.get(old).status == 404
    renewed = page.request.get(new)
    assert renewed.ok and renewed.text().startswith("BEGIN:VCALENDAR")
