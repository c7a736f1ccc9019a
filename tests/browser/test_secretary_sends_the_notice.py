"""Norsjö's secretary sends the notice of the council's coming meeting from its page: every
member with an address gets it with the agenda as a PDF and a calendar file."""

import datetime

from django.core import mail

from councils.models import Dispatch, DispatchRecipient, Meeting
from tests.browser.conftest import check_page


def test_secretary_sends_the_notice_of_the_coming_meeting(page, log_in):
    meeting = Meeting.objects.get(
        body__name__startswith="Folkhälso- och trygghetsråd",
        starts_at__date=datetime.date(2027, 2, 11),
    )
    assert meeting.notice_sent_at is None
    log_in(page, "norsjo-sekreterare")
    page.get_by_role("navigation").get_by_role("link", name="Råd och möten").click()
    check_page(page, "notice-bodies")
    page.goto(f"/moten/{meeting.pk}/")
    check_page(page, "notice-meeting")
    page.get_by_role("link", name="Skicka kallelse", exact=True).click()
    check_page(page, "notice-send")
    page.get_by_role("button", name="Skicka kallelsen").click()
    check_page(page, "notice-sent")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_SENT and meeting.notice_sent_at is not None
    dispatch = Dispatch.objects.get(meeting=meeting, kind=Dispatch.Kind.NOTICE)
    reached = dispatch.recipients.filter(outcome=DispatchRecipient.Outcome.SENT).count()
    assert len(mail.outbox) == reached > 0
    attachments = [name for name, _content, _type in mail.outbox[0].attachments]
    assert any(name.endswith(".pdf") for name in attachments)
    assert any(name.endswith(".ics") for name in attachments)
