"""The notice board by the law (kommunallagen 8 kap. 12 §): the checking of a nämnd's minutes is
announced no later than the second day after it. Until it is posted, the meeting page and the
minutes page say by which day ("Anslås senast …") and warn when that day is tomorrow, today or
past; the secretary's Mitt arbete gives the same day, and her e-mail tells her the day before
(and on the day, if a run was missed). Once posted, the public reads the appeal period's last day
and where the minutes are kept, on the notice board and with the minutes."""

import datetime
import email
import re
from email import policy

import holidays
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from councils.models import Body, Meeting, _days_off, appeal_last_day
from councils.selectors import notice_board, secretary_work
from councils.services import minutes_post_announcement, minutes_record_create
from folkhalsa.notifications import send_notifications
from tests.conftest import client_for
from tests.council_documents import new_meeting, stockholm
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db

KEPT_AT = "Kommunkansliet, kommunhuset i Norberg"


@pytest.fixture
def board(norberg) -> Body:
    return Body.objects.create(
        organisation=norberg,
        name="Socialnämnden",
        kind=Body.Kind.BOARD,
        is_public=True,
        minutes_kept_at=KEPT_AT,
    )


@pytest.fixture
def checked(board) -> Meeting:
    """Minutes of the board checked on 17 March 2025 and not yet announced."""
    meeting = new_meeting(
        board,
        stockholm(2025, 3, 12, 13, 0),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2025, 3, 17),
    )
    minutes_record_create(meeting=meeting)
    return meeting


def _text(user, name: str, meeting: Meeting) -> str:
    """Return the page's text as read, without markup and with spaces collapsed."""
    response = client_for(user).get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_last_day_to_post_is_the_second_day_after_checking(checked):
    assert checked.announce_by == datetime.date(2025, 3, 19)


WARNINGS = ("sista dagen är i morgon.", "sista dagen är i dag.", "sista dagen har passerat.")


@pytest.mark.parametrize(
    ("today", "warning"),
    [
        ("2025-03-17", None),
        ("2025-03-18", "sista dagen är i morgon."),
        ("2025-03-19", "sista dagen är i dag."),
        ("2025-03-20", "sista dagen har passerat."),
    ],
)
@pytest.mark.parametrize("page", ["councils:meeting_detail", "councils:minutes"])
def test_the_meeting_and_minutes_pages_say_by_when_and_warn_as_the_day_nears(
    checked, diana, monkeypatch, page, today, warning
):
    freeze(monkeypatch, f"{today} 09:00")
    text = _text(diana, page, checked)
    assert "Anslås senast 19 mars 2025" in text
    assert "kommunallagen 8 kap. 12 §" in text
    for said in WARNINGS:
        assert (said in text) == (said == warning), said
    assert (
        reverse("councils:notice_board_post", args=[checked.pk])
        in client_for(diana).get(reverse(page, args=[checked.pk])).content.decode()
    )


def test_once_posted_the_pages_give_the_appeal_period_instead(checked, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-18 09:00")
    minutes_post_announcement(meeting=checked, posted_on=datetime.date(2025, 3, 18), user=diana)
    for page in ("councils:meeting_detail", "councils:minutes"):
        text = _text(diana, page, checked)
        assert "Anslås senast" not in text
        assert "Justeringen anslogs 18 mars 2025. Sista dag att överklaga: 8 april 2025." in text


def test_an_advisory_body_is_not_asked_to_post(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 09:00")
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CHECKED, checked_on=datetime.date(2025, 3, 18)
    )
    for page in ("councils:meeting_detail", "councils:minutes"):
        assert "Anslås senast" not in _text(diana, page, meeting)


def test_mitt_arbete_gives_the_same_day(checked, diana):
    items = secretary_work(user=diana, today=datetime.date(2025, 3, 18))
    (posting,) = [i for i in items if i.title == "Anslå justeringen på anslagstavlan"]
    assert posting.due == checked.announce_by == datetime.date(2025, 3, 19)
    assert "andra dagen efter justeringen" in posting.detail
    assert posting.url == reverse("councils:minutes", args=[checked.pk])


def _run(monkeypatch, day: str) -> list[str]:
    """Send the day's notifications at seven; return the text of each e-mail sent."""
    sent = len(mail.outbox)
    now = freeze(monkeypatch, f"{day} 07:00")
    send_notifications(today=timezone.localdate(now), now=now)
    return [
        email.message_from_bytes(m.message().as_bytes(), policy=policy.default).get_content()
        for m in mail.outbox[sent:]
    ]


@pytest.fixture
def secretary_address(diana):
    diana.email = "diana@example.se"
    diana.save()
    return diana


def test_the_secretary_is_told_the_day_before_the_last_day_and_only_once(
    checked, secretary_address, monkeypatch
):
    assert _run(monkeypatch, "2025-03-17") == [], "on the checking day: two days left"
    (told,) = _run(monkeypatch, "2025-03-18")
    assert "Anslå justeringen av protokollet från Socialnämnden 12 mars 2025" in told
    assert "senast 19 mars 2025" in told
    assert reverse("councils:minutes", args=[checked.pk]) in told
    assert _run(monkeypatch, "2025-03-19") == [], "told once"


def test_a_missed_run_tells_her_on_the_last_day_but_not_after(
    board, checked, secretary_address, monkeypatch
):
    (told,) = _run(monkeypatch, "2025-03-19")
    assert "senast 19 mars 2025" in told
    late = new_meeting(
        board,
        stockholm(2025, 3, 5, 13, 0),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2025, 3, 10),
    )
    assert late.announce_by < datetime.date(2025, 3, 20)
    assert _run(monkeypatch, "2025-03-20") == []


def test_a_posted_announcement_is_not_told(checked, secretary_address, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-17 15:00")
    minutes_post_announcement(meeting=checked, posted_on=datetime.date(2025, 3, 17), user=diana)
    assert _run(monkeypatch, "2025-03-18") == []


def test_the_public_reads_the_appeal_periods_last_day_and_where_the_minutes_are_kept(
    checked, diana, monkeypatch
):
    freeze(monkeypatch, "2025-02-03 10:00")
    checked.checked_on = datetime.date(2025, 2, 3)
    checked.starts_at = stockholm(2025, 1, 30, 13, 0)
    checked.save()
    minutes_post_announcement(meeting=checked, posted_on=datetime.date(2025, 2, 3), user=diana)
    anonymous = client_for(None)

    board = " ".join(
        re.sub(
            r"<[^>]+>", " ", anonymous.get(reverse("councils:notice_board")).content.decode()
        ).split()
    )
    assert "Sista dag att överklaga" in board and "24 februari 2025" in board
    assert KEPT_AT in board and "30 januari 2025" in board
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", board), "dates in words, not ISO"

    minutes = _text(None, "councils:public_minutes", checked)
    assert "Sista dag att överklaga 24 februari 2025" in minutes
    assert f"Protokollet förvaras {KEPT_AT}" in minutes
    assert "Anslaget på anslagstavlan 3 februari 2025" in minutes


@pytest.mark.parametrize(
    ("posted", "last"),
    [
        ("2025-03-17", "2025-04-07"),  # three weeks on: a Monday
        ("2026-12-03", "2026-12-28"),  # Christmas Eve, Day, Boxing Day, a Sunday
        ("2027-03-05", "2027-03-30"),  # Good Friday to Easter Monday
        ("2026-05-29", "2026-06-22"),  # Midsummer Eve and Day, a Sunday
        ("2026-12-11", "2027-01-04"),  # New Year's Eve and Day and a weekend
    ],
)
def test_the_last_day_to_appeal_moves_past_weekends_and_holidays(posted, last, monkeypatch):
    # Three weeks from the posting (KL 13:5); a last day on a Saturday, Sunday, public holiday,
    # or Midsummer, Christmas or New Year's Eve moves to the next working day (lag 1930:173).
    # The announcement stays on the notice board to that day, and comes down after it.
    assert appeal_last_day(datetime.date.fromisoformat(posted)) == datetime.date.fromisoformat(last)


def test_the_announcement_stays_up_to_a_moved_last_day(norberg):
    body = Body.objects.create(
        organisation=norberg,
        name="Utbildningsnämnden",
        kind=Body.Kind.BOARD,
    )
    meeting = new_meeting(body, stockholm(2026, 11, 25, 13, 0), status="justerat")
    Meeting.objects.filter(pk=meeting.pk).update(
        checked_on=datetime.date(2026, 12, 1), posted_on=datetime.date(2026, 12, 3)
    )
    for day, up in [("2026-12-24", True), ("2026-12-28", True), ("2026-12-29", False)]:
        assert (meeting in notice_board(today=datetime.date.fromisoformat(day))) is up, day


def test_the_notice_board_reads_the_holiday_calendar_once_a_year_not_per_announcement(
    norberg, monkeypatch
):
    body = Body.objects.create(organisation=norberg, name="Socialnämnden", kind=Body.Kind.BOARD)
    for day in range(1, 13):  # twelve announcements up on 20 December 2026
        meeting = new_meeting(body, stockholm(2026, 11, day, 13, 0), status="justerat")
        Meeting.objects.filter(pk=meeting.pk).update(
            checked_on=datetime.date(2026, 12, 1), posted_on=datetime.date(2026, 12, day)
        )
    built = []
    real = holidays.country_holidays
    monkeypatch.setattr(
        holidays, "country_holidays", lambda *a, **kw: built.append(kw["years"]) or real(*a, **kw)
    )
    _days_off.cache_clear()
    board = list(notice_board(today=datetime.date(2026, 12, 20)))
    assert datetime.date(2027, 1, 4) in {m.takes_down_on for m in board}  # posted 11 December
    assert len(board) == 12 and sorted(built) == [2026, 2027]  # not once per announcement
