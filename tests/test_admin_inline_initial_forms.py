"""An admin inline never copies its rows: shown rows posted as new ones are refused."""

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Seat
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

REFUSAL = "En ny rad kan inte vara en rad som redan finns. Ladda om sidan."


def _post_rows_as_new(client, url: str, prefix: str):
    page = client.get(url)
    assert page.status_code == 200
    data = main_form(page.content.decode()).data(**{f"{prefix}-INITIAL_FORMS": "0"})
    assert data[f"{prefix}-TOTAL_FORMS"] != ["0"]  # the shown rows are posted, with their ids
    return client.post(url, data)


def test_seats_posted_as_new_rows_are_refused_and_not_copied(objects, diana, council):
    before = Seat.objects.filter(body=council).count()
    url = reverse("admin:councils_body_change", args=[council.pk])
    response = _post_rows_as_new(client_for(diana), url, "seats")
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert Seat.objects.filter(body=council).count() == before == 1


def test_agenda_items_posted_as_new_rows_are_refused_and_not_copied(objects, diana, meeting):
    url = reverse("admin:councils_meeting_change", args=[meeting.pk])
    response = _post_rows_as_new(client_for(diana), url, "items")
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_the_same_page_posted_as_shown_still_saves(objects, diana, council):
    url = reverse("admin:councils_body_change", args=[council.pk])
    client = client_for(diana)
    data = main_form(client.get(url).content.decode()).data(name="Folkhälsorådet i Norberg")
    assert client.post(url, data).status_code == 302
    council.refresh_from_db()
    assert council.name == "Folkhälsorådet i Norberg"
    assert Seat.objects.filter(body=council).count() == 1
