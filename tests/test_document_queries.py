"""The documents' selectors read a fixed number of queries whatever the number of items, members
and attachments, and the renderer reads none (it gets plain values)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Amendment, Attachment, Attendance, MinutesCheck
from councils.selectors import extract_document, minutes_document, notice_document
from councils.services import calendar_feed_renew
from folkhalsa.pdf import render_pdf
from tests.conftest import client_for
from tests.council_documents import add_items, add_member, attend, new_meeting, stockholm

pytestmark = pytest.mark.django_db


def _meeting(council, alice, *, items: int, members: int):
    meeting = new_meeting(council, stockholm(2025, 3 + items % 9, 12, 13, 0), status="genomfort")
    people = [add_member(council, f"Ledamot {n} för {items}") for n in range(members)]
    for n, person in enumerate(people):
        attend(meeting, person, Attendance.Status.PRESENT if n % 3 else Attendance.Status.EXCUSED)
        role = MinutesCheck.Role.CHAIR if n == 0 else MinutesCheck.Role.ADJUSTER
        if n < 3:
            MinutesCheck.objects.create(meeting=meeting, person=person, role=role)
    Attendance.objects.create(
        meeting=meeting,
        guest_name="Gäst",
        guest_organisation="Polisen",
        status=Attendance.Status.PRESENT,
    )
    for item in add_items(meeting, items):
        Attachment.objects.create(
            item=item, file="x", name="Bilaga.pdf", content_type="application/pdf", size=1
        )
        Amendment.objects.create(
            meeting=meeting, item=item, what="Rättat", why="Fel", made_by=alice
        )
    return meeting


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_documents_read_a_fixed_number_of_queries_at_two_sizes(council, alice):
    small = _meeting(council, alice, items=2, members=3)
    large = _meeting(council, alice, items=25, members=20)
    for selector in (minutes_document, notice_document):
        counts = [_queries(lambda m=m, s=selector: s(meeting=m)) for m in (small, large)]
        assert counts[0] == counts[1], (selector.__name__, counts)
    minutes = [_queries(lambda m=m: minutes_document(meeting=m)) for m in (small, large)]
    assert minutes[1] <= 8
    extracts = [_queries(lambda m=m: extract_document(item=m.items.last())) for m in (small, large)]
    assert extracts[0] == extracts[1]


def test_rendering_reads_nothing_from_the_database(council, alice, django_assert_num_queries):
    meeting = _meeting(council, alice, items=5, members=5)
    document = minutes_document(meeting=meeting)
    with django_assert_num_queries(0):
        render_pdf(template_name="councils/pdf/minutes.html", context={"document": document})


def test_calendar_feed_reads_a_fixed_number_of_queries(council, alice, diana):
    _meeting(council, alice, items=2, members=1)
    url = reverse("councils:calendar_feed", args=[calendar_feed_renew(user=diana).token])
    client = client_for(None)
    few = _queries(lambda: client.get(url))
    for _ in range(5):
        _meeting(council, alice, items=4, members=1)
    assert _queries(lambda: client.get(url)) == few
