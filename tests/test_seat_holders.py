"""The secretary gives seats holders for dated periods, ends a holding and leaves a seat
vacant; overlapping periods are refused."""

import datetime

import pytest
from django.urls import reverse

from councils.models import Seat, SeatHolding
from plans.models import Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_seat_is_added_on_behalf_of_an_organisation(council, diana, norberg):
    url = reverse("councils:body_seats", args=[council.pk])
    data = {"function": "Chef för räddningstjänst", "organisation": norberg.pk, "role": "ledamot"}
    assert client_for(diana).post(url, {**data, "order": "3"}).status_code == 302
    seat = council.seats.get()
    assert (seat.function, seat.organisation, seat.order) == (data["function"], norberg, 3)


def test_a_new_person_is_created_as_the_holder(council, diana, norberg):
    seat = Seat.objects.create(body=council, function="Rektor", organisation=norberg)
    url = reverse("councils:seat_holder_add", args=[seat.pk])
    data = {"name": "Rut Rektor", "title": "Rektor", "email": "rut@example.se"}
    response = client_for(diana).post(url, {**data, "starts_on": "2025-01-01"})
    assert response.status_code == 302
    holding = seat.holdings.select_related("person").get()
    assert holding.person.email == "rut@example.se" and holding.person.organisation == norberg


def test_an_overlapping_holder_is_refused_and_no_person_created(meeting, diana):
    seat = meeting.body.seats.get()  # eva holds it from 2023 with no end
    url = reverse("councils:seat_holder_add", args=[seat.pk])
    response = client_for(diana).post(url, {"name": "Ny Ordförande", "starts_on": "2025-06-01"})
    assert response.status_code == 400
    assert "Platsen har redan en innehavare under den perioden." in response.content.decode()
    assert not Person.objects.filter(name="Ny Ordförande").exists()


def test_ending_a_holding_leaves_the_seat_vacant_then_a_new_holder_follows(meeting, diana, eva):
    holding = SeatHolding.objects.get(person=eva)
    end = reverse("councils:seat_holding_end", args=[holding.pk])
    assert client_for(diana).post(end, {"ends_on": "2025-06-30"}).status_code == 302
    holding.refresh_from_db()
    assert holding.ends_on == datetime.date(2025, 6, 30)
    seat = holding.seat
    add = reverse("councils:seat_holder_add", args=[seat.pk])
    response = client_for(diana).post(add, {"person": eva.pk, "starts_on": "2025-08-01"})
    assert response.status_code == 302
    page = client_for(diana).get(
        reverse("councils:body_detail", args=[seat.body_id]), {"datum": "2025-07-15"}
    )
    assert "Vakant" in page.content.decode()


def test_an_end_before_the_start_is_refused(meeting, diana, eva):
    holding = SeatHolding.objects.get(person=eva)
    end = reverse("councils:seat_holding_end", args=[holding.pk])
    response = client_for(diana).post(end, {"ends_on": "2020-01-01"})
    assert response.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()


def test_a_person_of_another_organisation_cannot_be_chosen(meeting, diana, alingsas):
    outsider = Person.objects.create(name="Ute Utomstående", organisation=alingsas)
    seat = meeting.body.seats.get()
    url = reverse("councils:seat_holder_add", args=[seat.pk])
    response = client_for(diana).post(url, {"person": outsider.pk, "starts_on": "2030-01-01"})
    assert response.status_code == 400
    assert not outsider.seat_holdings.exists()
