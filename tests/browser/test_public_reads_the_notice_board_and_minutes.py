"""Anyone, without logging in, reads the notice board (the checked minutes announced, with the
day each announcement comes down) and the public bodies' checked minutes, down to the PDF."""

import datetime

from django.utils import formats, timezone

from councils.models import AgendaKind, Body, Meeting, appeal_last_day
from plans.models import Organisation
from tests.browser.conftest import check_page

COMMITTEE = "Utbildnings- och omsorgsutskottet"
KEPT_AT = "Kommunkansliet, kommunhuset i Norsjö"


def _meeting(body: Body, *, days_ago: int, checked_after: int, posted_after: int) -> Meeting:
    """Create a checked meeting of the body held `days_ago`, checked and posted days after."""
    held = timezone.localdate() - datetime.timedelta(days=days_ago)
    starts_at = timezone.make_aware(datetime.datetime.combine(held, datetime.time(13)))
    return Meeting.objects.create(
        body=body,
        starts_at=starts_at,
        status=Meeting.Status.CHECKED,
        checked_on=held + datetime.timedelta(days=checked_after),
        posted_on=held + datetime.timedelta(days=checked_after + posted_after),
    )


def _committee_with_two_checked_meetings() -> tuple[Meeting, Meeting]:
    """Give Norsjö a public committee: minutes checked last week, and some of two months ago."""
    norsjo = Organisation.objects.get(name="Norsjö kommun", parent=None)
    body = Body.objects.create(
        organisation=norsjo,
        name=COMMITTEE,
        kind=Body.Kind.COMMITTEE,
        is_public=True,
        minutes_kept_at=KEPT_AT,
    )
    recent = _meeting(body, days_ago=8, checked_after=3, posted_after=1)
    old = _meeting(body, days_ago=60, checked_after=5, posted_after=1)
    recent.items.create(
        title="Val av justerare", kind=AgendaKind.DECISION, paragraph=1, decision="Att utse en."
    )
    return recent, old


def _day(value: datetime.date | datetime.datetime) -> str:
    """Return the day as the pages write it: 12 november 2026."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "j F Y")


def test_anyone_reads_the_notice_board_and_opens_checked_minutes_as_pdf(page):
    recent, old = _committee_with_two_checked_meetings()
    council_minutes = Meeting.objects.filter(
        body__name="Folkhälso- och trygghetsrådet", status=Meeting.Status.REGISTERED
    ).first()
    assert council_minutes is not None and not council_minutes.body.is_public

    page.goto("/")
    check_page(page, "public-start")
    page.get_by_role("link", name="Anslagstavla").click()
    check_page(page, "public-notice-board")
    assert page.get_by_role("heading", name="Norsjö kommun").is_visible()
    row = page.get_by_role("row", name=COMMITTEE)
    assert row.count() == 1, "the minutes posted two months ago are down, the recent ones up"
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells == [
        _day(recent.starts_at),
        _day(recent.checked_on),
        KEPT_AT,
        _day(recent.posted_on),
        _day(recent.takes_down_on),
    ]
    # Three weeks from posting, moved past a weekend or holiday (the test runs on any day).
    assert recent.takes_down_on == appeal_last_day(recent.posted_on)
    assert recent.takes_down_on >= recent.posted_on + datetime.timedelta(weeks=3)

    page.get_by_role("link", name="Justerade protokoll").click()
    check_page(page, "public-minutes-list")
    links = page.get_by_role("main").get_by_role("link", name=COMMITTEE)
    assert links.all_inner_texts() == [
        f"{COMMITTEE} {_day(recent.starts_at)}",
        f"{COMMITTEE} {_day(old.starts_at)}",
    ], "newest first, both checked minutes, and no council's minutes that are not public"
    assert page.get_by_text("Folkhälso- och trygghetsrådet").count() == 0
    links.first.click()
    check_page(page, "public-minutes")
    assert "Att utse en." in page.get_by_role("main").inner_text()

    pdf_link = page.get_by_role("link", name="Protokoll (PDF)").get_attribute("href")
    pdf = page.request.get(pdf_link)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    hidden = page.request.get(f"/protokoll/{council_minutes.pk}/")
    assert hidden.status == 404, "minutes of a body that does not publish them stay hidden"
