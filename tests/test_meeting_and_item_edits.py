"""A meeting's time is edited in Swedish time; two secretaries editing one agenda item at once
lose nothing: the second sees what the first saved and who did it."""

import datetime

import pytest
from django.urls import reverse

from councils.models import AgendaItem
from councils.services import agenda_item_save
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def test_the_meeting_moves_to_a_new_swedish_time(meeting, diana):
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    form = main_form(client_for(diana).get(url).content.decode())
    assert dict(form.fields)["starts_at_0"] == "2025-03-12"
    assert dict(form.fields)["starts_at_1"] == "13:00"
    data = form.data(starts_at_0="2025-06-18", starts_at_1="09:30", place="Folkets hus")
    assert client_for(diana).post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2025, 6, 18, 7, 30, tzinfo=datetime.UTC)
    assert meeting.place == "Folkets hus" and meeting.version == 2


def test_an_end_before_the_start_is_refused(meeting, diana):
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    form = main_form(client_for(diana).get(url).content.decode())
    data = form.data(ends_at_0="2025-03-12", ends_at_1="11:00")
    response = client_for(diana).post(url, data)
    assert response.status_code == 400
    assert "Mötet kan inte sluta innan det börjar." in response.content.decode()


def test_a_stale_item_form_shows_the_other_secretarys_change(meeting, diana, superuser):
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    form = main_form(client_for(diana).get(url).content.decode())
    item.title = "Uppföljning av handlingsplanen 2025"
    agenda_item_save(item=item, expected_version=1, user=superuser)
    response = client_for(diana).post(url, form.data(title="Handlingsplanens uppföljning"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Root sparade ändringar" in text
    assert "Sparat nu: ”Uppföljning av handlingsplanen 2025”" in text
    assert AgendaItem.objects.get(pk=item.pk).title == "Uppföljning av handlingsplanen 2025"


def test_a_stale_item_form_merges_a_change_to_another_field(meeting, diana, superuser):
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    form = main_form(client_for(diana).get(url).content.decode())
    item.presenter = "Folkhälsostrategen"
    agenda_item_save(item=item, expected_version=1, user=superuser)
    assert client_for(diana).post(url, form.data(case_number="KS 2025/7")).status_code == 302
    item.refresh_from_db()
    assert (item.presenter, item.case_number, item.version) == (
        "Folkhälsostrategen",
        "KS 2025/7",
        3,
    )
