"""Attendance per seat, prefilled from the holders on the meeting's day, with substitutes and
co-opted guests."""

import datetime

import pytest
from django.urls import reverse

from councils.models import Attendance, Seat, SeatHolding
from plans.models import Person
from tests.conftest import client_for
from tests.html_forms import main_form

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
    assert dict(form.fields)[f"plats-{seats[1].pk}-status"] == Attendance.Status.PRESENT


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
    assert 'Ersatt av ersättare: <span lang="sv">Stina Ersättare</span>' in page
    assert "Region Västmanland" in page


def test_replaced_without_a_substitute_is_refused(meeting, seats, diana):
    chair = seats[0]
    client = client_for(diana)
    _text, form = _form(client, meeting)
    data = form.data(**{f"plats-{chair.pk}-status": Attendance.Status.REPLACED})
    response = client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "Ange vem som ersatte." in response.content.decode()
    assert meeting.attendances.get().status == Attendance.Status.PRESENT


def test_a_guest_is_removed(meeting, seats, diana):
    guest = Attendance.objects.create(meeting=meeting, guest_name="Gun Gäst")
    client = client_for(diana)
    _text, form = _form(client, meeting)
    assert dict(form.fields)["gaster-0-guest_id"] == str(guest.pk)
    data = form.data(**{"gaster-0-remove": "on"})
    assert (
        client.post(reverse("councils:meeting_attendance", args=[meeting.pk]), data).status_code
        == 302
    )
    assert not Attendance.objects.filter(pk=guest.pk).exists()
