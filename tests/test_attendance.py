"""Attendance per seat, listing the holders on the meeting's day, each marked by the secretary
(nothing is assumed: an untouched form records nothing and names the seats still unmarked), with
substitutes and co-opted guests."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import Attendance, Seat, SeatHolding
from plans.models import Person
from tests.conftest import client_for
from tests.html_forms import changed_tables, main_form, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(meeting, norberg):
    """A seat held on the meeting's day, one whose holder left before it, one vacant."""
    chair = meeting.body.seats.get()
    rescue = Seat.objects.create(
        body=meeting.body, function="Chef för räddningstjänst", organisation=norberg, order=2
    )
    SeatHolding.objects.create(
        seat=rescue,
        person=Person.objects.create(name="Rolf Räddning", organisation=norberg),
        starts_on=datetime.date(2024, 1, 1),
    )
    gone = Seat.objects.create(
        body=meeting.body, function="Politisk representant, oppositionen", organisation=norberg
    )
    SeatHolding.objects.create(
        seat=gone,
        person=Person.objects.create(name="Olle Opposition", organisation=norberg),
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2025, 1, 31),
    )
    Person.objects.create(name="Stina Ersättare", organisation=norberg)
    return chair, rescue, gone


def _form(client, meeting):
    page = client.get(reverse("councils:meeting_attendance", args=[meeting.pk]))
    return page.content.decode(), main_form(page.content.decode())


def test_the_form_lists_the_holders_on_the_meeting_day(meeting, seats, diana):
    text, form = _form(client_for(diana), meeting)
    assert '<legend><span lang="sv">Eva Ordförande</span>' in text
    assert '<legend><span lang="sv">Rolf Räddning</span>' in text
    assert '<legend><span lang="sv">Olle Opposition</span>' not in text
    assert '<span lang="sv">Politisk representant, oppositionen</span>' in text
    assert f"plats-{seats[2].pk}-status" not in dict(form.fields)
    # What was marked is shown as marked (the fixture recorded the chair present); nothing is
    # assumed for the others.
    assert dict(form.fields)[f"plats-{seats[0].pk}-status"] == Attendance.Status.PRESENT
    assert dict(form.fields)[f"plats-{seats[1].pk}-status"] == ""


def test_an_untouched_form_records_nothing_and_names_the_unmarked_seats(meeting, seats, diana):
    client = client_for(diana)
    meeting.attendances.all().delete()
    _text, form = _form(client, meeting)
    before = snapshot()
    response = client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), form.data())
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []
    page = response.content.decode()
    assert (
        "Markera närvaro för: Kommunstyrelsens ordförande (Eva Ordförande), "
        "Chef för räddningstjänst (Rolf Räddning)."
    ) in page
    assert page.count("Inte markerad") == 2


def test_one_unmarked_seat_is_named_and_the_marked_one_kept_on_the_form(meeting, seats, diana):
    chair, rescue, _gone = seats
    client = client_for(diana)
    _text, form = _form(client, meeting)
    data = form.data(**{f"plats-{chair.pk}-status": Attendance.Status.EXCUSED})
    response = client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Markera närvaro för: Chef för räddningstjänst (Rolf Räddning)." in page
    assert "Kommunstyrelsens ordförande (Eva" not in page
    assert dict(main_form(page).fields)[f"plats-{chair.pk}-status"] == Attendance.Status.EXCUSED


def test_reopening_shows_what_was_marked(meeting, seats, diana):
    chair, rescue, _gone = seats
    client = client_for(diana)
    _text, form = _form(client, meeting)
    data = form.data(
        **{
            f"plats-{chair.pk}-status": Attendance.Status.EXCUSED,
            f"plats-{rescue.pk}-status": Attendance.Status.ABSENT,
        }
    )
    assert (
        client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data).status_code
        == 302
    )
    _text, form = _form(client, meeting)
    fields = dict(form.fields)
    assert fields[f"plats-{chair.pk}-status"] == Attendance.Status.EXCUSED
    assert fields[f"plats-{rescue.pk}-status"] == Attendance.Status.ABSENT


def test_the_marks_are_the_five_of_a_seat(meeting, seats, diana):
    text, _form_ = _form(client_for(diana), meeting)
    chair = seats[0]
    select = text[text.index(f'name="plats-{chair.pk}-status"') :].split("</select>")[0]
    labels = re.findall(r"<option [^>]*>([^<]*)</option>", select)
    assert labels == [
        "– markera –",
        "Närvarande",
        "Närvarande på distans",
        "Frånvarande",
        "Anmält förhinder",
        "Ersättare tjänstgör",
    ]


def test_the_service_refuses_an_unmarked_seat(meeting, seats, diana):
    from councils.services import SeatAttendance, attendance_record

    chair = seats[0]
    with pytest.raises(ValidationError, match="Markera närvaro för: Kommunstyrelsens ordförande"):
        attendance_record(
            meeting=meeting,
            seats=[SeatAttendance(seat=chair, person=chair.holdings.get().person, status="")],
            guests=[],
            user=diana,
        )


def test_present_replaced_and_guests_are_recorded(meeting, seats, diana):
    chair, rescue, _gone = seats
    stina = Person.objects.get(name="Stina Ersättare")
    client = client_for(diana)
    _text, form = _form(client, meeting)
    data = form.data(
        **{
            f"plats-{chair.pk}-status": Attendance.Status.REMOTE,
            f"plats-{rescue.pk}-status": Attendance.Status.REPLACED,
            f"plats-{rescue.pk}-substitute": str(stina.pk),
            "gaster-0-name": "Gun Gäst",
            "gaster-0-organisation": "Region Västmanland",
        }
    )
    response = client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    rows = {
        (a.person.name if a.person else a.guest_name or a.seat.function): (a.status, a.substitute)
        for a in meeting.attendances.select_related("seat", "person", "substitute")
    }
    assert rows == {
        "Eva Ordförande": (Attendance.Status.REMOTE, None),
        "Rolf Räddning": (Attendance.Status.REPLACED, stina),
        "Politisk representant, oppositionen": (Attendance.Status.VACANT, None),
        "Gun Gäst": (Attendance.Status.PRESENT, None),
    }
    page = client.get(reverse("councils:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'Ersättare tjänstgör: <span lang="sv">Stina Ersättare</span>' in page
    assert "Region Västmanland" in page


def test_replaced_without_a_substitute_is_refused(meeting, seats, diana):
    chair = seats[0]
    client = client_for(diana)
    _text, form = _form(client, meeting)
    data = form.data(**{f"plats-{chair.pk}-status": Attendance.Status.REPLACED})
    response = client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "Ange vilken ersättare som tjänstgör." in response.content.decode()
    assert meeting.attendances.get().status == Attendance.Status.PRESENT


def test_a_guest_is_removed(meeting, seats, diana):
    guest = Attendance.objects.create(
        meeting=meeting, guest_name="Gun Gäst", status=Attendance.Status.PRESENT
    )
    client = client_for(diana)
    _text, form = _form(client, meeting)
    assert dict(form.fields)["gaster-0-guest_id"] == str(guest.pk)
    rescue = seats[1]
    data = form.data(
        **{"gaster-0-remove": "on", f"plats-{rescue.pk}-status": Attendance.Status.ABSENT}
    )
    assert (
        client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data).status_code
        == 302
    )
    assert not Attendance.objects.filter(pk=guest.pk).exists()
