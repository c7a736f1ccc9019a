"""Norsjö's secretary attaches a file to an item of a coming council meeting and sends the notice;
the e-mail would be too big, so each member gets personal links. The police's seat holder, who
has no account, downloads the file through hers in a browser that never logged in; the secretary
sees the download on the meeting page, revokes the links, and the link answers 404."""

import contextlib
import re
from pathlib import Path

from django.core import mail
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from councils.models import AgendaItem, Body, DownloadLink, DownloadUse, Meeting
from councils.selectors import members_on_day
from plans.models import Person
from tests.browser.conftest import check_page
from tests.council_documents import stockholm
from tests.minutes_helpers import freeze

# A PDF as small as one can be, with room to tell it from another.
CONTENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n% Trygghetsplan 2030\n%%EOF\n"


def _coming_meeting() -> Meeting:
    """Return a new meeting of Norsjö's council three weeks on, with one item."""
    council = Body.objects.get(
        organisation__name="Norsjö kommun", name__startswith="Folkhälso- och trygghetsråd"
    )
    meeting = Meeting.objects.create(
        body=council, starts_at=stockholm(2030, 3, 20, 13, 0), place="Kommunhuset, Norsjö"
    )
    AgendaItem.objects.create(
        meeting=meeting, order=1, kind="information", title="Trygghetsplanen 2030"
    )
    return meeting


def _police_without_account(meeting: Meeting) -> Person:
    """Return a seat holder of the police on the meeting's day, with an address, no account."""
    holders = [m.person_id for m in members_on_day(meeting=meeting) if m.email]
    police = Person.objects.filter(
        pk__in=holders, user__isnull=True, organisation__name="Polismyndigheten"
    )
    return police.order_by("pk").first()


def _link_path(address: str) -> str:
    """Return the path of the first personal link in the notice sent to the address."""
    message = next(m for m in mail.outbox if m.to == [address])
    return re.search(r"https?://[^/\s]+(/hamta/\S+/)", message.body).group(1)


def _download(tab: Page, path: str):
    """Open the link in the tab and return the download it starts."""
    # A download ends the navigation without a page: goto reports it as an error.
    with tab.expect_download() as started, contextlib.suppress(PlaywrightError):
        tab.goto(path)
    return started.value


def test_a_seat_holder_without_an_account_downloads_the_notice_attachment_by_her_link(
    page, new_tab, log_in, monkeypatch, settings
):
    freeze(monkeypatch, "2030-03-01 09:00")
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = 2000  # less than the notice alone: files as links
    meeting = _coming_meeting()
    police = _police_without_account(meeting)

    log_in(page, "norsjo-sekreterare")
    page.goto(f"/arenden/{meeting.items.get().pk}/bilagor/")
    check_page(page, "notice-attachments-upload")
    page.get_by_label("Fil").set_input_files(
        {"name": "Trygghetsplan 2030.pdf", "mimeType": "application/pdf", "buffer": CONTENT}
    )
    page.get_by_role("button", name="Ladda upp").click()
    check_page(page, "notice-attachments-uploaded")
    page.get_by_role("link", name="Skicka kallelse", exact=True).click()
    check_page(page, "notice-attachments-send")
    page.get_by_role("button", name="Skicka kallelsen").click()
    check_page(page, "notice-attachments-sent")
    path = _link_path(police.email)

    stranger = new_tab()  # a browser of its own that never logged in
    download = _download(stranger, path)
    assert download.suggested_filename == "Trygghetsplan 2030.pdf"
    assert Path(download.path()).read_bytes() == CONTENT
    use = DownloadUse.objects.get()
    assert use.link.recipient.person == police

    page.reload()  # the send page, its dispatch history checked above; now with the download
    row = page.get_by_role("row", name=re.compile("^" + re.escape(police.name)))
    assert "hämtad 1 gång" in row.inner_text()
    row.get_by_role("link", name=f"Återkalla länkarna till {police.name}").click()
    check_page(page, "notice-attachments-revoke")
    page.get_by_role("button", name="Återkalla").click()
    check_page(page, "notice-attachments-revoked")
    row = page.get_by_role("row", name=re.compile("^" + re.escape(police.name)))
    assert "återkallad 1 mars 2030" in row.inner_text()
    assert DownloadLink.objects.get(recipient__person=police).revoked_at is not None

    answer = stranger.goto(path)
    assert answer.status == 404
    check_page(stranger, "notice-attachments-link-revoked")
    assert DownloadUse.objects.count() == 1
