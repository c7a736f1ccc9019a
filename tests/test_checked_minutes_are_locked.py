"""Checked minutes are locked in the site and in the services alike; a correction is an
amendment shown with them, and the checked text never changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import AgendaItem, Amendment, Meeting
from councils.services import (
    meeting_mark_held,
    minutes_amend,
    minutes_appoint_adjusters,
    minutes_check_on_paper,
    minutes_save,
)
from tests.conftest import client_for
from tests.html_forms import changed_tables, main_form, snapshot
from tests.minutes_helpers import check_on_paper, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    item = meeting.items.get()
    item.note = "Rådet gick igenom uppföljningen."
    item.decision = "Rådet rekommenderar att insatsen fortsätter."
    item.save()
    return check_on_paper(meeting, diana)


def test_the_minutes_editor_refuses_to_change_checked_minutes(meeting, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    client = client_for(diana)
    url = reverse("councils:minutes", args=[meeting.pk])
    form = main_form(client.get(url).content.decode())  # opened before the checking
    check_on_paper(meeting, diana)
    item = meeting.items.get()
    data = form.data(**{f"arende-{item.pk}-note": "Ändrat efter justeringen"})
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Protokollet är justerat och kan inte ändras" in response.content.decode()
    assert changed_tables(before, snapshot()) == []


def test_every_minutes_service_refuses_checked_minutes(checked, diana):
    item = checked.items.get()
    item.note = "Ändrat"
    attempts = [
        lambda: minutes_save(
            meeting=checked, user=diana, texts=[(item, item.version)], adjusters=[]
        ),
        lambda: minutes_appoint_adjusters(meeting=checked, adjusters=[], user=diana),
        lambda: meeting_mark_held(meeting=checked, user=diana),
        lambda: minutes_check_on_paper(
            meeting=checked, check=checked.checks.first(), on=checked.checked_on, user=diana
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "locked"
    assert AgendaItem.objects.get(pk=item.pk).note == "Rådet gick igenom uppföljningen."


def test_the_model_rule_refuses_for_every_other_front(checked):
    with pytest.raises(ValidationError, match="Gör en rättelse i stället"):
        Meeting.objects.get(pk=checked.pk).ensure_unlocked()


def test_a_refused_save_numbers_nothing_in_checked_minutes(checked, diana):
    AgendaItem.objects.create(meeting=checked, order=5, title="Sent")
    with pytest.raises(ValidationError):
        minutes_save(meeting=checked, user=diana, texts=[], adjusters=[])
    assert checked.items.filter(paragraph__isnull=True).count() == 1


def test_an_amendment_is_shown_with_the_minutes_and_the_original_stays(checked, diana, alice):
    item = checked.items.get()
    response = client_for(diana).post(
        reverse("councils:minutes_amend", args=[checked.pk]),
        {"item": item.pk, "what": "Insats 1A, inte 1B.", "why": "Skrivfel i beslutet."},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(meeting=checked)
    assert (amendment.item, amendment.made_by) == (item, diana)
    item.refresh_from_db()
    assert item.decision == "Rådet rekommenderar att insatsen fortsätter."
    page = client_for(alice).get(reverse("councils:minutes", args=[checked.pk])).content.decode()
    assert "Insats 1A, inte 1B." in page and "Skrivfel i beslutet." in page
    assert "Rådet rekommenderar att insatsen fortsätter." in page


def test_an_amendment_of_the_whole_minutes(checked, diana):
    client_for(diana).post(
        reverse("councils:minutes_amend", args=[checked.pk]),
        {"item": "", "what": "Mötet hölls i Folkets hus.", "why": "Fel lokal angavs."},
    )
    page = client_for(diana).get(reverse("councils:minutes", args=[checked.pk])).content.decode()
    assert "Rättelser av hela protokollet" in page and "Mötet hölls i Folkets hus." in page


def test_unchecked_minutes_are_edited_not_amended(meeting, diana):
    client = client_for(diana)
    before = snapshot()
    response = client.post(
        reverse("councils:minutes_amend", args=[meeting.pk]),
        {"item": "", "what": "Något", "why": "Något"},
    )
    assert response.status_code == 400
    assert "ändra texten i protokollet i stället" in response.content.decode()
    assert changed_tables(before, snapshot()) == []
    with pytest.raises(ValidationError):
        minutes_amend(meeting=meeting, item=None, what="x", why="y", user=diana)


def test_an_amendment_needs_what_and_why(checked, diana):
    client = client_for(diana)
    before = snapshot()
    response = client.post(
        reverse("councils:minutes_amend", args=[checked.pk]), {"what": "  ", "why": ""}
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_readers_cannot_amend(checked, alice):
    client = client_for(alice)
    before = snapshot()
    response = client.post(
        reverse("councils:minutes_amend", args=[checked.pk]), {"what": "x", "why": "y"}
    )
    assert response.status_code == 403
    assert changed_tables(before, snapshot()) == []
