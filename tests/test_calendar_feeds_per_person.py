"""Each person has her own private calendar address: the meetings of the bodies where she holds
a seat, and of those she manages; it closes when her seats end, her role goes or her account is
deactivated."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from councils.models import Body, CalendarFeed, Seat, SeatHolding
from plans.models import Role
from tests.conftest import client_for
from tests.council_documents import add_member, new_meeting, stockholm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june_2025(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2025, 6, 15, 10, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)


@pytest.fixture
def group(norberg) -> Body:
    return Body.objects.create(organisation=norberg, name="Trygghetsgruppen", kind="arbetsgrupp")


@pytest.fixture
def member(bob, council, group, alingsas):
    """Bob holds a seat in the council since 2024 and in the group since May 2025."""
    person = add_member(council, "Bob Berg", starts_on=datetime.date(2024, 1, 1))
    person.user = bob
    person.save()
    seat = Seat.objects.create(body=group, function="Ledamot", organisation=group.organisation)
    SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2025, 5, 1))
    for month in (3, 9):
        new_meeting(council, stockholm(2025, month, 12, 13, 0))
        new_meeting(group, stockholm(2025, month, 20, 9, 0))
    other = Body.objects.create(organisation=alingsas, name="Styrgruppen", kind="arbetsgrupp")
    new_meeting(other, stockholm(2025, 9, 5, 9, 0))
    return bob


def _address(user) -> str:
    response = client_for(user).post(reverse("councils:calendar_feed_renew"))
    assert response.status_code == 302 and response["Location"].endswith("#kalender")
    return reverse("councils:calendar_feed", args=[CalendarFeed.objects.get(user=user).token])


def _meetings(url: str) -> list[tuple[str, str]]:
    response = client_for(None).get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return sorted((e.decoded("dtstart").strftime("%Y-%m-%d"), str(e["summary"])) for e in events)


def _days(url: str) -> list[str]:
    return [day for day, _summary in _meetings(url)]


def test_member_feed_lists_the_meetings_of_her_time_in_her_seats(member):
    # The group's March meeting was before her seat; Alingsås' body is not hers.
    assert _days(_address(member)) == ["2025-03-12", "2025-09-12", "2025-09-20"]


def test_feed_drops_a_body_when_her_seat_ends_and_closes_when_she_holds_none(member, council):
    url = _address(member)
    SeatHolding.objects.filter(seat__body=council).update(ends_on=datetime.date(2025, 6, 1))
    assert _days(url) == ["2025-09-20"]
    SeatHolding.objects.update(ends_on=datetime.date(2025, 6, 1))
    assert client_for(None).get(url).status_code == 404


def test_deactivated_account_has_no_feed(member):
    url = _address(member)
    member.is_active = False
    member.save()
    assert client_for(None).get(url).status_code == 404


def test_renewed_address_stops_the_old_one(member):
    old = _address(member)
    new = _address(member)
    assert new != old
    assert client_for(None).get(old).status_code == 404
    assert len(_days(new)) == 3


def test_secretary_feed_holds_the_bodies_she_manages_until_her_role_goes(diana, council, group):
    new_meeting(council, stockholm(2025, 9, 12, 13, 0))
    url = _address(diana)
    assert _days(url) == ["2025-09-12"]
    Role.objects.filter(user=diana).delete()
    assert client_for(None).get(url).status_code == 404


def test_user_with_no_seat_and_no_body_gets_no_address(charlie, alice):
    for user in (charlie, alice):
        assert client_for(user).post(reverse("councils:calendar_feed_renew")).status_code == 404
        page = client_for(user).get(reverse("councils:my_meetings")).content.decode()
        assert "Skapa kalenderadress" not in page
    assert not CalendarFeed.objects.exists()


def test_my_meetings_shows_her_own_address(member):
    page = client_for(member).get(reverse("councils:my_meetings")).content.decode()
    assert "Skapa kalenderadress" in page and "/kalender/" not in page
    url = _address(member)
    page = client_for(member).get(reverse("councils:my_meetings")).content.decode()
    assert url in page and "Skapa ny kalenderadress" in page
    assert url not in client_for(None).get(reverse("councils:my_meetings")).content.decode()
