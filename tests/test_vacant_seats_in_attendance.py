"""A seat nobody held on the meeting's day is recorded as vacant: the attendance page and the
minutes show it as "Vakant", never as absent, and it is not counted among those present."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from councils.models import Attendance, Seat, SeatHolding
from councils.selectors import present_people
from plans.models import Person
from tests.conftest import client_for
from tests.council_documents import one_line, pdf_text
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

VACANT_SEAT = "Politisk representant, oppositionen"


@pytest.fixture
def vacant(meeting, norberg) -> Seat:
    """A seat whose holder left six weeks before the meeting (2025-03-12)."""
    seat = Seat.objects.create(
        body=meeting.body, function=VACANT_SEAT, organisation=norberg, order=5
    )
    SeatHolding.objects.create(
        seat=seat,
        person=Person.objects.create(name="Olle Opposition", organisation=norberg),
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2025, 1, 31),
    )
    return seat


def _record_attendance(client, meeting) -> None:
    url = reverse("councils:meeting_attendance", args=[meeting.pk])
    form = main_form(client.get(url).content.decode())
    assert client.post(url, form.data()).status_code == 302


def test_the_attendance_page_shows_the_seat_as_vacant_without_a_choice(meeting, vacant, diana):
    url = reverse("councils:meeting_attendance", args=[meeting.pk])
    text = client_for(diana).get(url).content.decode()
    line = text.split(f'id="vakant-{vacant.pk}"')[1].split("</p>")[0]
    assert VACANT_SEAT in line and "Vakant" in line
    assert '<legend><span lang="sv">Olle Opposition</span>' not in text
    assert f"plats-{vacant.pk}-status" not in dict(main_form(text).fields)


def test_saving_attendance_records_the_vacant_seat_with_nobody_in_it(meeting, vacant, diana):
    _record_attendance(client_for(diana), meeting)
    row = meeting.attendances.get(seat=vacant)
    assert (row.status, row.person, row.substitute) == (Attendance.Status.VACANT, None, None)
    assert [p.name for p in present_people(meeting=meeting)] == ["Eva Ordförande"]


def test_the_meeting_page_lists_the_seat_as_vacant(meeting, vacant, diana):
    _record_attendance(client_for(diana), meeting)
    page = client_for(diana).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    row = page.content.decode().split(VACANT_SEAT)[1].split("</tr>")[0]
    assert "<td>Vakant</td>" in row


def test_the_minutes_show_the_seat_as_vacant_not_absent_nor_present(meeting, vacant, diana):
    client = client_for(diana)
    _record_attendance(client, meeting)
    response = client.get(reverse("councils:minutes_pdf", args=[meeting.pk]))
    text = one_line(pdf_text(response.content))
    present, rest = text.split("Vakanta platser", 1)
    vacant_part = rest.split("Paragrafer", 1)[0]
    assert VACANT_SEAT in vacant_part and "Vakant" in vacant_part
    assert VACANT_SEAT not in present and "Frånvarande" not in text
    assert "Eva Ordförande" in present


def test_a_holder_added_later_for_the_day_gets_her_row_back(meeting, vacant, diana):
    client = client_for(diana)
    _record_attendance(client, meeting)
    stina = Person.objects.create(name="Stina Ny", organisation=vacant.organisation)
    SeatHolding.objects.create(seat=vacant, person=stina, starts_on=datetime.date(2025, 3, 1))
    url = reverse("councils:meeting_attendance", args=[meeting.pk])
    form = main_form(client.get(url).content.decode())
    # Her attendance starts unmarked: the secretary marks it.
    assert dict(form.fields)[f"plats-{vacant.pk}-status"] == ""
    assert client.post(url, form.data()).status_code == 400
    data = form.data(**{f"plats-{vacant.pk}-status": Attendance.Status.PRESENT})
    assert client.post(url, data).status_code == 302
    row = meeting.attendances.get(seat=vacant)
    assert (row.status, row.person) == (Attendance.Status.PRESENT, stina)


def test_a_vacant_seat_with_a_person_in_it_is_refused(meeting, vacant, eva):
    row = Attendance(meeting=meeting, seat=vacant, person=eva, status=Attendance.Status.VACANT)
    with pytest.raises(ValidationError, match="En vakant plats har varken innehavare"):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
