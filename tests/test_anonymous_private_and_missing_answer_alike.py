"""An anonymous visitor cannot tell a private council record from a missing one: every council
address with an id answers both alike. Documents a visitor may read once public (minutes, the
extract, the notice, the calendar file) answer 404, whose page offers the login; the pages only
members use send her to log in, whatever the id."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MISSING = 987654

# Each address with the record it names (the fixture's council is private, its minutes open).
ADDRESSES = {
    "body_detail": "body",
    "body_edit": "body",
    "body_seats": "body",
    "body_standing_items": "body",
    "meeting_series": "body",
    "seat_edit": "seat",
    "seat_holder_add": "seat",
    "seat_holding_end": "seatholding",
    "standing_item_edit": "standingitem",
    "standing_item_delete": "standingitem",
    "meeting_detail": "meeting",
    "meeting_edit": "meeting",
    "agenda_item_create": "meeting",
    "meeting_attendance": "meeting",
    "minutes": "meeting",
    "minutes_check": "meeting",
    "minutes_paper_check": "meeting",
    "minutes_amend": "meeting",
    "minutes_register": "meeting",
    "notice_board_post": "meeting",
    "notice_send": "meeting",
    "minutes_send": "meeting",
    "agenda_item_edit": "agendaitem",
    "agenda_item_delete": "agendaitem",
    "attachment_upload": "agendaitem",
    "attachment_download": "attachment",
    "attachment_delete": "attachment",
    "public_minutes": "meeting",
    "public_body_meetings": "body",
    "notice_pdf": "meeting",
    "minutes_pdf": "meeting",
    "extract_pdf": "agendaitem",
    "meeting_ics": "meeting",
}
# What an anonymous visitor may read once the minutes are checked and the body public, or
# never: "not found" for a private record as for a missing one.
NOT_FOUND = {
    "public_minutes",
    "public_body_meetings",
    "notice_pdf",
    "minutes_pdf",
    "extract_pdf",
    "meeting_ics",
}


def _answer(url: str) -> tuple[int, str]:
    """Return the status and where it leads, with the address itself left out."""
    response = client_for(None).get(url)
    location = response.get("Location", "").split("?")[0]
    return response.status_code, location


@pytest.mark.parametrize("name", sorted(ADDRESSES))
def test_a_private_record_answers_an_anonymous_visitor_as_a_missing_one(objects, name):
    record = objects["records"][ADDRESSES[name]]
    private = _answer(reverse(f"councils:{name}", args=[record.pk]))
    missing = _answer(reverse(f"councils:{name}", args=[MISSING]))
    assert private == missing
    if name in NOT_FOUND:
        assert private == (404, "")
    else:
        assert private == (302, reverse("login"))


def test_the_not_found_page_offers_the_login(objects):
    url = reverse("councils:extract_pdf", args=[objects["records"]["agendaitem"].pk])
    page = client_for(None).get(url).content.decode()
    assert f"{reverse('login')}?next=" in page
