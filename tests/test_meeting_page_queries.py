"""The meeting page reads a fixed number of queries, whatever the number of items,
attachments, linked measures, members, dispatches, their recipients and links."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import (
    AgendaItem,
    Attendance,
    Dispatch,
    DispatchRecipient,
    DownloadLink,
    DownloadUse,
    Seat,
    SeatHolding,
)
from plans.models import Measure, Person
from tests.conftest import attach_pdf, client_for

pytestmark = pytest.mark.django_db


def _queries(user, meeting) -> tuple[int, str]:
    client = client_for(user)
    url = reverse("councils:meeting_detail", args=[meeting.pk])
    client.get(url)  # the session and the user's roles are read once either way
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _grow(meeting, measure) -> None:
    """Give the meeting twelve items with plans, measures and two files each, and ten members."""
    for number in range(2, 14):
        item = AgendaItem.objects.create(meeting=meeting, order=number, title=f"Ärende {number}")
        item.plans.add(measure.plan)
        item.measures.add(
            measure,
            Measure.objects.create(
                plan=measure.plan,
                focus_area=measure.focus_area,
                code=f"9{number}",
                title=f"Insats {number}",
            ),
        )
        attach_pdf(item, name=f"Bilaga {number}a.pdf")
        attach_pdf(item, name=f"Bilaga {number}b.pdf")
    for number in range(10):
        seat = Seat.objects.create(
            body=meeting.body, function=f"Ledamot {number}", organisation=meeting.body.organisation
        )
        person = Person.objects.create(name=f"Ledamot {number}", organisation=seat.organisation)
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))
        Attendance.objects.create(
            meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
        )
        Attendance.objects.create(
            meeting=meeting, guest_name=f"Gäst {number}", status=Attendance.Status.PRESENT
        )


def _dispatch(meeting, *, people: int) -> None:
    """Record a notice sent with its files as links to that many people, each link used twice."""
    item = meeting.items.first()
    files = [attach_pdf(item, name=f"Underlag {people}{n}.pdf") for n in "ab"]
    sent_at = meeting.starts_at - datetime.timedelta(days=10)
    dispatch = Dispatch.objects.create(
        meeting=meeting, kind=Dispatch.Kind.NOTICE, sent_at=sent_at, attachments_as_links=True
    )
    for number in range(people):
        recipient = DispatchRecipient.objects.create(
            dispatch=dispatch, name=f"Mottagare {number}", email=f"m{number}@example.se"
        )
        for attachment in files:
            link = DownloadLink.objects.create(
                recipient=recipient, attachment=attachment, expires_at=meeting.starts_at
            )
            for _ in range(2):
                DownloadUse.objects.create(link=link, used_at=sent_at)


@pytest.mark.parametrize("who", ["alice", "diana"])
def test_meeting_page_query_count_does_not_grow_with_the_meeting(meeting, measure, who, request):
    user = request.getfixturevalue(who)
    _dispatch(meeting, people=1)
    small, _ = _queries(user, meeting)
    _grow(meeting, measure)
    _dispatch(meeting, people=10)
    large, text = _queries(user, meeting)
    assert "Ärende 13" in text and "Bilaga 13b.pdf" in text and "Gäst 9" in text
    assert "Mottagare 9" in text
    # Who downloaded what, and when, is for the body's managers (diana) only.
    assert ("hämtad 2 gånger" in text) is (who == "diana")
    assert "Insats 13" in text
    assert small == large
    print(f"meeting page, {who}: {large} queries")
