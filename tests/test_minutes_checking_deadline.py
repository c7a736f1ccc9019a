"""Minutes not checked within 14 days of the meeting are flagged, on the pages and in a
selector the secretary's overview can use."""

import pytest
from django.urls import reverse

from councils.models import Meeting
from councils.selectors import meetings_overdue_for_checking, minutes_state
from tests.conftest import client_for
from tests.minutes_helpers import check_on_paper, freeze

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("today", "flagged"), [("2025-03-26", False), ("2025-03-27", True)])
def test_minutes_unchecked_fourteen_days_after_the_meeting_are_flagged(
    meeting, diana, monkeypatch, today, flagged
):
    freeze(monkeypatch, f"{today} 23:30")
    assert minutes_state(meeting=meeting).checking_overdue is flagged
    assert list(meetings_overdue_for_checking(meetings=Meeting.objects.all())) == (
        [meeting] if flagged else []
    )
    page = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert ("skulle ha varit justerat senast 26 mars 2025" in page) is flagged


def test_checked_minutes_are_not_flagged_however_late(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-04-30 10:00")
    check_on_paper(meeting, diana, on="2025-04-29")
    assert not minutes_state(meeting=meeting).checking_overdue
    assert list(meetings_overdue_for_checking(meetings=Meeting.objects.all())) == []
