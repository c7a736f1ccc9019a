"""The REST API's councils: bodies, seats, meetings with their agendas, agenda items and
minutes, read as the council pages show them to the same user (councils/api.py)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import AgendaItem, Body, Meeting, Seat, SeatHolding
from plans.models import Organisation, Person, Role
from tests.test_api_plans import api, key_of

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int = 13, minute: int = 0) -> datetime.datetime:
    """A moment on the clock in Stockholm."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def url(name: str, pk: int | None = None, **query) -> str:
    address = reverse(f"api:{name}-detail", args=[pk]) if pk else reverse(f"api:{name}-list")
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(client, name: str, **query) -> list[dict]:
    response = client.get(url(name, page_size=500, **query))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def meeting_of(body: Body, starts_at: datetime.datetime, **fields) -> Meeting:
    return Meeting.objects.create(body=body, starts_at=starts_at, **fields)


def item_on(meeting: Meeting, title: str, **fields) -> AgendaItem:
    return AgendaItem.objects.create(meeting=meeting, title=title, **fields)


@pytest.fixture
def board(norberg) -> Body:
    """Norberg's socialnämnd, which publishes its meetings and minutes."""
    return Body.objects.create(
        organisation=norberg,
        name="Socialnämnden",
        kind=Body.Kind.BOARD,
        is_public=True,
        mandate="Socialtjänst",
    )


@pytest.fixture
def board_meetings(board) -> dict[str, Meeting]:
    """A meeting planned without notice, one noticed, and one with checked minutes."""
    planned = meeting_of(board, at(2027, 3, 10))
    item_on(planned, "Hemligt ärende", presenter="Anna")
    noticed = meeting_of(
        board,
        at(2027, 2, 10),
        status=Meeting.Status.NOTICE_SENT,
        notice_sent_at=at(2027, 2, 1),
        remote_link="https://mote.example.se/hemlig",
    )
    item_on(noticed, "Budget 2028", kind="beslut", presenter="Ekonomichefen", case_number="SN 1")
    checked = meeting_of(
        board,
        at(2026, 11, 4),
        status=Meeting.Status.CHECKED,
        checked_on=datetime.date(2026, 11, 10),
    )
    item_on(checked, "Lägesbild", kind="information", paragraph=12)
    return {"planned": planned, "noticed": noticed, "checked": checked}


@pytest.fixture
def member(meeting, eva) -> User:
    """Eva's account: no role anywhere, but she holds the council's chair."""
    user = User.objects.create_user("eva")
    Person.objects.filter(pk=eva.pk).update(user=user, email="eva@norberg.se")
    return user


# --- Who sees what -------------------------------------------------------------------------


def test_anonymous_sees_only_public_bodies(meeting, board):
    client = api()
    assert [b["name"] for b in rows(client, "body")] == ["Socialnämnden"]
    assert client.get(url("body", meeting.body_id)).status_code == 404
    public = client.get(url("body", board.pk)).json()
    assert public["is_public"] is True and public["readable"] is False
    assert public["mandate"] is None and public["url"] is None
    assert public["public_url"].endswith(f"/organ/{board.pk}/moten/")


def test_anonymous_reads_a_public_agenda_only_once_the_notice_is_sent(meeting, board_meetings):
    client = api()
    listed = {m["id"]: m for m in rows(client, "meeting")}
    assert meeting.pk not in listed
    assert client.get(url("meeting", meeting.pk)).status_code == 404
    planned = listed[board_meetings["planned"].pk]
    assert planned["agenda_published"] is False and planned["agenda"] is None
    noticed = listed[board_meetings["noticed"].pk]
    (item,) = noticed["agenda"]
    assert (item["title"], item["kind"], item["presenter"]) == (
        "Budget 2028",
        "beslut",
        "Ekonomichefen",
    )
    assert item["case_number"] is None and item["measures"] == []
    assert noticed["remote_link"] is None and noticed["url"] is None
    titles = [i["title"] for i in rows(client, "agendaitem")]
    assert "Hemligt ärende" not in titles and "Uppföljning av handlingsplanen" not in titles
    assert "Budget 2028" in titles


def test_anonymous_reads_public_checked_minutes_with_their_pdf(meeting, board_meetings):
    client = api()
    checked = board_meetings["checked"]
    (minutes,) = rows(client, "minutes")
    assert minutes["id"] == checked.pk and minutes["is_checked"] is True
    assert minutes["pdf"] == f"http://testserver/moten/{checked.pk}/protokoll.pdf"
    assert minutes["url"] == f"http://testserver/protokoll/{checked.pk}/"
    detail = client.get(url("minutes", checked.pk)).json()
    assert [p["title"] for p in detail["paragraphs"]] == ["Lägesbild"]
    assert client.get(url("minutes", meeting.pk)).status_code == 404


def test_the_organisations_strategist_reads_its_council_with_agenda_and_measures(
    alice, meeting, measure
):
    client = api(token=key_of(alice))
    (body,) = rows(client, "body")
    assert body["name"] == "Folkhälsorådet" and body["readable"] is True
    assert body["url"].endswith(f"/organ/{meeting.body_id}/")
    detail = client.get(url("meeting", meeting.pk)).json()
    (item,) = detail["agenda"]
    assert item["paragraph"] == 1 and item["measures"] == [measure.pk]
    assert detail["url"].endswith(f"/moten/{meeting.pk}/")
    (minutes,) = rows(client, "minutes")
    assert minutes["id"] == meeting.pk and minutes["is_checked"] is False
    assert minutes["url"].endswith(f"/moten/{meeting.pk}/protokoll/")


def test_a_member_without_a_role_sees_her_body_and_meeting(member, meeting):
    client = api(token=key_of(member))
    assert [b["name"] for b in rows(client, "body")] == ["Folkhälsorådet"]
    assert [m["id"] for m in rows(client, "meeting")] == [meeting.pk]
    assert client.get(url("meeting", meeting.pk)).json()["agenda"][0]["paragraph"] == 1


def test_a_secretary_sees_her_body(norberg, meeting):
    secretary = User.objects.create_user("sara")
    Role.objects.create(user=secretary, organisation=norberg, kind=Role.Kind.SECRETARY)
    client = api(token=key_of(secretary))
    assert client.get(url("body", meeting.body_id)).status_code == 200
    assert [s["function"] for s in rows(client, "seat", body=meeting.body_id)] == [
        "Kommunstyrelsens ordförande"
    ]


def test_an_outsider_does_not_see_anothers_private_body(charlie, meeting, board):
    client = api(token=key_of(charlie))
    assert [b["name"] for b in rows(client, "body")] == ["Socialnämnden"]
    for name, pk in (("body", meeting.body_id), ("meeting", meeting.pk), ("minutes", meeting.pk)):
        assert client.get(url(name, pk)).status_code == 404
    item = meeting.items.get()
    assert client.get(url("agendaitem", item.pk)).status_code == 404
    seat = meeting.body.seats.get()
    assert client.get(url("seat", seat.pk)).status_code == 404
    assert rows(client, "seat") == []


def test_a_reporter_at_a_unit_does_not_read_the_municipalitys_council(bob, meeting):
    client = api(token=key_of(bob))
    assert rows(client, "body") == [] and rows(client, "meeting") == []


def test_a_private_parent_is_not_named_to_those_who_cannot_see_it(alice, council, board):
    Body.objects.filter(pk=board.pk).update(parent=council)
    assert api().get(url("body", board.pk)).json()["parent"] is None
    assert api(token=key_of(alice)).get(url("body", board.pk)).json()["parent"] == council.pk


# --- Contact data --------------------------------------------------------------------------


def test_email_only_to_those_who_read_the_register_or_manage_the_body(
    alice, diana, member, meeting
):
    police = Organisation.objects.create(name="Polisen", kind=Organisation.Kind.POLIS)
    pia_user = User.objects.create_user("pia")
    pia = Person.objects.create(name="Pia Polis", organisation=police, email="pia@polisen.se")
    Person.objects.filter(pk=pia.pk).update(user=pia_user)
    seat = Seat.objects.create(
        body=meeting.body, function="Lokalpolisområdet", organisation=police, order=2
    )
    SeatHolding.objects.create(seat=seat, person=pia, starts_on=datetime.date(2024, 1, 1))

    def emails(user) -> dict[str, str | None]:
        found = rows(api(token=key_of(user)), "seat", body=meeting.body_id)
        return {s["holder"]["name"]: s["holder"]["email"] for s in found}

    assert emails(alice) == {"Eva Ordförande": "eva@norberg.se", "Pia Polis": None}
    assert emails(diana) == {"Eva Ordförande": "eva@norberg.se", "Pia Polis": "pia@polisen.se"}
    assert emails(pia_user) == {"Eva Ordförande": None, "Pia Polis": None}
    assert emails(member) == {"Eva Ordförande": None, "Pia Polis": None}


def test_anonymous_sees_no_seats_even_of_a_public_body(board, eva):
    seat = Seat.objects.create(body=board, function="Ordförande", organisation=board.organisation)
    SeatHolding.objects.create(seat=seat, person=eva, starts_on=datetime.date(2023, 1, 1))
    assert rows(api(), "seat") == []
    assert api().get(url("seat", seat.pk)).status_code == 404


def test_holders_on_a_chosen_day(alice, meeting, eva):
    seat = meeting.body.seats.get()
    SeatHolding.objects.filter(seat=seat).update(ends_on=datetime.date(2024, 12, 31))
    later = Person.objects.create(name="Lars Ny", organisation=meeting.body.organisation)
    SeatHolding.objects.create(seat=seat, person=later, starts_on=datetime.date(2025, 1, 1))
    client = api(token=key_of(alice))
    (in_2024,) = rows(client, "seat", on="2024-06-01")
    assert in_2024["holder"]["name"] == "Eva Ordförande"
    assert in_2024["holder"]["ends_on"] == "2024-12-31"
    (in_2025,) = rows(client, "seat", on="2025-06-01")
    assert in_2025["holder"]["name"] == "Lars Ny"
    assert client.get(url("seat", on="inte-ett-datum")).status_code == 400


# --- Filters and ordering ------------------------------------------------------------------


def test_meetings_by_stockholm_days(alice, council):
    after_midnight = meeting_of(council, at(2027, 2, 3, 0, 30))  # 2 February 23.30 UTC
    before_midnight = meeting_of(council, at(2027, 2, 2, 23, 30))
    client = api(token=key_of(alice))

    def ids(**query) -> list[int]:
        return [m["id"] for m in rows(client, "meeting", **query)]

    assert ids(**{"from": "2027-02-03", "to": "2027-02-03"}) == [after_midnight.pk]
    assert ids(**{"from": "2027-02-02", "to": "2027-02-02"}) == [before_midnight.pk]
    assert ids(**{"from": "2027-02-02"}) == [before_midnight.pk, after_midnight.pk]
    assert ids(**{"from": "2027-02-02", "ordering": "-starts_at"}) == [
        after_midnight.pk,
        before_midnight.pk,
    ]
    assert ids(to="2027-02-01") == []
    assert client.get(url("meeting", to="3 februari")).status_code == 400


def test_bodies_by_organisation_with_its_units(alice, norberg, library, council, alingsas):
    group = Body.objects.create(organisation=library, name="Läsgruppen", kind="arbetsgrupp")
    Body.objects.create(organisation=alingsas, name="Rådet i Alingsås", kind="rad", is_public=True)
    client = api(token=key_of(alice))
    # By organisation, then name: the library ("Biblioteket") before Norberg's own.
    assert [b["name"] for b in rows(client, "body", organisation=norberg.pk)] == [
        "Läsgruppen",
        "Folkhälsorådet",
    ]
    assert [b["id"] for b in rows(client, "body", organisation=library.pk)] == [group.pk]
    # By organisation, then name: Alingsås' public council first.
    assert [b["name"] for b in rows(client, "body", kind="rad")] == [
        "Rådet i Alingsås",
        "Folkhälsorådet",
    ]


def test_agenda_items_by_meeting(alice, meeting):
    other = meeting_of(meeting.body, at(2025, 5, 14))
    item_on(other, "Annat möte")
    client = api(token=key_of(alice))
    found = rows(client, "agendaitem", meeting=meeting.pk)
    assert [i["title"] for i in found] == ["Uppföljning av handlingsplanen"]


# --- Query counts ----------------------------------------------------------------------------


def _grow(body: Body, person: Person, measure, n: int) -> None:
    """Add n meetings with checked minutes, items linked to the measure, and n seats."""
    for number in range(n):
        meeting = meeting_of(
            body,
            at(2026, 1, 10 + number),
            status=Meeting.Status.CHECKED,
            checked_on=datetime.date(2026, 2, 1),
        )
        for order in range(2):
            item_on(meeting, f"Ärende {order}", order=order).measures.add(measure)
        seat = Seat.objects.create(
            body=body, function=f"Ledamot {number}", organisation=body.organisation
        )
        SeatHolding.objects.create(seat=seat, person=person, starts_on=datetime.date(2024, 1, 1))


def _queries(client, name: str) -> int:
    client.get(url(name))  # a key's first use of the minute writes its last use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(name, page_size=500))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["body", "seat", "meeting", "agendaitem", "minutes"])
def test_lists_cost_the_same_queries_at_two_sizes(name, alice, eva, measure, norberg):
    board = Body.objects.create(
        organisation=norberg, name="Socialnämnden", kind=Body.Kind.BOARD, is_public=True
    )
    client = api(token=key_of(alice))
    _grow(board, eva, measure, 1)
    Body.objects.create(organisation=norberg, name="Grupp 0", kind="arbetsgrupp", parent=board)
    small = _queries(client, name)
    _grow(board, eva, measure, 5)
    for number in range(1, 6):
        Body.objects.create(
            organisation=norberg, name=f"Grupp {number}", kind="arbetsgrupp", parent=board
        )
    assert _queries(client, name) == small
    assert len(rows(client, name)) > 5


@pytest.mark.parametrize("name", ["body", "meeting", "agendaitem", "minutes"])
def test_anonymous_lists_cost_the_same_queries_at_two_sizes(name, eva, measure, norberg):
    board = Body.objects.create(
        organisation=norberg, name="Socialnämnden", kind=Body.Kind.BOARD, is_public=True
    )
    _grow(board, eva, measure, 1)
    small = _queries(api(), name)
    _grow(board, eva, measure, 5)
    for number in range(5):
        Body.objects.create(
            organisation=norberg, name=f"Nämnd {number}", kind="namnd", is_public=True
        )
    assert _queries(api(), name) == small


# --- Read only -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["body", "seat", "meeting", "agendaitem", "minutes"])
def test_writes_are_refused_and_write_nothing(name, alice, diana, meeting):
    records = {
        "body": meeting.body,
        "seat": meeting.body.seats.get(),
        "meeting": meeting,
        "agendaitem": meeting.items.get(),
        "minutes": meeting,
    }
    pk = records[name].pk
    before = {
        "body": Body.objects.values_list("name", "version").get(),
        "meeting": Meeting.objects.values_list("place", "version").get(),
        "item": AgendaItem.objects.values_list("title", "version").get(),
        "seats": list(Seat.objects.values_list("function", flat=True)),
    }
    payload = {"name": "Intrång", "title": "Intrång", "place": "Intrång", "version": 1}
    for client, expected in ((api(token=key_of(diana)), 405), (api(), 401), (api(alice), 403)):
        for method, address in (
            ("post", url(name)),
            ("put", url(name, pk)),
            ("patch", url(name, pk)),
            ("delete", url(name, pk)),
        ):
            response = getattr(client, method)(address, payload, content_type="application/json")
            assert response.status_code == expected, (method, address, response.content)
            assert response.json()["detail"]
    assert before == {
        "body": Body.objects.values_list("name", "version").get(),
        "meeting": Meeting.objects.values_list("place", "version").get(),
        "item": AgendaItem.objects.values_list("title", "version").get(),
        "seats": list(Seat.objects.values_list("function", flat=True)),
    }
    assert Meeting.objects.count() == 1 and AgendaItem.objects.count() == 1


@pytest.mark.parametrize(
    "name, query",
    [
        ("body", "organisation=99999999999999999999"),
        ("body", "organisation=-1"),
        ("body", "kind=ingen"),
        ("seat", "body=abc"),
        ("seat", "on=9999-12-31"),
        ("meeting", "to=9999-12-31"),
        ("meeting", "from=0001-01-01"),
        ("meeting", "body=99999999999999999999"),
        ("meeting", "status=okänd"),
        ("agendaitem", "meeting=1.5"),
        ("minutes", "body=0"),
        ("minutes", "ordering=remote_link"),
        ("meeting", "page=x"),
    ],
)
def test_hostile_filters_answer_400_or_nothing_never_an_error(name, query, alice, meeting):
    response = api(token=key_of(alice)).get(f"{url(name)}?{query}")
    assert response.status_code in (200, 400, 404), response.content
    assert response.json()


def test_an_id_out_of_reach_filters_like_a_missing_one(charlie, meeting):
    client = api(token=key_of(charlie))
    missing = client.get(url("meeting", body=meeting.body_id + 1000))
    private = client.get(url("meeting", body=meeting.body_id))
    assert missing.status_code == private.status_code == 200
    assert missing.json()["results"] == private.json()["results"] == []
