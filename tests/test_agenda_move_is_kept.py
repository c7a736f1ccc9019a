"""Moving an agenda item is a change of the item: a form opened before the move keeps it."""

import pytest
from django.urls import reverse

from councils.models import AgendaItem
from councils.services import agenda_item_move
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def test_an_admin_save_opened_before_a_move_keeps_the_move(meeting, diana):
    first = meeting.items.get()
    second = AgendaItem.objects.create(meeting=meeting, order=2, kind="information", title="Läge")
    url = reverse("admin:councils_agendaitem_change", args=[second.pk])
    client = client_for(diana)
    form = main_form(client.get(url).content.decode())
    agenda_item_move(item=second, up=True, user=diana)
    response = client.post(url, form.data(title="Lägesbild"))
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.title, second.order, first.order) == ("Lägesbild", 1, 2)
