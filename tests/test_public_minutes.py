"""Anonymous visitors read the checked minutes of public bodies, with their amendments; nothing
unchecked and nothing of other bodies."""

import pytest
from django.urls import reverse

from councils.models import Amendment
from tests.conftest import client_for
from tests.minutes_helpers import check_on_paper, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_council(council):
    council.is_public = True
    council.save()
    return council


def _note(meeting, text: str) -> None:
    item = meeting.items.get()
    item.decision = text
    item.save()


def test_anonymous_reads_checked_minutes_of_a_public_body_with_amendments(
    public_council, meeting, diana, monkeypatch
):
    freeze(monkeypatch, "2025-03-20 10:00")
    _note(meeting, "Rådet rekommenderar fortsatt läsfrämjande.")
    check_on_paper(meeting, diana)
    Amendment.objects.create(meeting=meeting, what="Rättat namn", why="Stavfel", made_by=diana)
    anonymous = client_for(None)
    listing = anonymous.get(reverse("councils:public_minutes_list")).content.decode()
    assert "Folkhälsorådet" in listing and "12 mars 2025" in listing
    page = anonymous.get(reverse("councils:public_minutes", args=[meeting.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rådet rekommenderar fortsatt läsfrämjande." in text
    assert "§ 1" in text and "Rättat namn" in text and "Stavfel" in text


def test_unchecked_minutes_are_not_public(public_council, meeting, alice):
    _note(meeting, "Hemligt utkast till rekommendation.")
    for user in (None, alice):
        client = client_for(user)
        assert client.get(reverse("councils:public_minutes", args=[meeting.pk])).status_code == 404
        listing = client.get(reverse("councils:public_minutes_list")).content.decode()
        assert "Folkhälsorådet" not in listing


def test_checked_minutes_of_a_body_not_marked_public_are_not_shown(
    meeting, diana, alice, monkeypatch
):
    freeze(monkeypatch, "2025-03-20 10:00")
    _note(meeting, "Internt.")
    check_on_paper(meeting, diana)
    for user in (None, alice):
        client = client_for(user)
        assert client.get(reverse("councils:public_minutes", args=[meeting.pk])).status_code == 404
        listing = client.get(reverse("councils:public_minutes_list")).content.decode()
        assert "Folkhälsorådet" not in listing


def test_an_id_that_is_not_a_meeting_answers_404():
    assert client_for(None).get("/protokoll/999999/").status_code == 404
