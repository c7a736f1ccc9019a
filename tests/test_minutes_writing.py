"""The secretary writes the minutes on the site: the opening, a note and the decision per
paragraph, the adjusters appointed among those present; members read them unchecked."""

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Body, Meeting, MinutesCheck
from tests.conftest import client_for
from tests.html_forms import changed_tables, main_form, snapshot
from tests.minutes_helpers import freeze, meeting_of, present, seat_member

pytestmark = pytest.mark.django_db


def _url(meeting: Meeting) -> str:
    return reverse("councils:minutes", args=[meeting.pk])


def _editor(client, meeting: Meeting):
    return main_form(client.get(_url(meeting)).content.decode())


def test_secretary_writes_the_minutes_and_appoints_an_adjuster(meeting, diana):
    adam = seat_member(meeting.body, "Adam Ledamot")
    present(meeting, adam)
    item = meeting.items.get()
    client = client_for(diana)
    data = _editor(client, meeting).data(
        **{
            "protokoll-minutes_opening": "Ordföranden öppnade mötet.",
            f"arende-{item.pk}-note": "Strategen redovisade uppföljningen.",
            f"arende-{item.pk}-decision": "att insatsen fortsätter.",
            "justering-adjusters": str(adam.pk),
        }
    )
    response = client.post(_url(meeting), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.minutes_opening == "Ordföranden öppnade mötet."
    assert item.note == "Strategen redovisade uppföljningen."
    assert item.decision == "att insatsen fortsätter."
    assert item.history.first().history_user == diana
    assert meeting.checks.get(role=MinutesCheck.Role.ADJUSTER).person == adam


def test_a_council_and_a_board_each_decide_in_their_own_words(meeting, diana, norberg, monkeypatch):
    client = client_for(diana)
    page = client.get(_url(meeting)).content.decode()
    assert "Rådet beslutar" in page and "Rekommendation" not in page
    freeze(monkeypatch, "2025-03-20 10:00")
    board = Body.objects.create(organisation=norberg, name="Socialnämnden", kind=Body.Kind.BOARD)
    held = meeting_of(board, "2025-03-12 13:00", status=Meeting.Status.HELD)
    AgendaItem.objects.create(meeting=held, title="Budget", kind="beslut", paragraph=1)
    page = client.get(_url(held)).content.decode()
    assert "Nämnden beslutar" in page and "Rådet" not in page


@pytest.mark.parametrize(
    "reason",
    ["absent", "too many", "chair"],
)
def test_adjusters_are_present_members_as_many_as_the_body_appoints(meeting, diana, eva, reason):
    client = client_for(diana)
    form = _editor(client, meeting)
    adam, bea = seat_member(meeting.body, "Adam"), seat_member(meeting.body, "Bea")
    present(meeting, adam)
    if reason == "too many":
        present(meeting, bea)
    chosen = {"absent": [str(bea.pk)], "too many": [str(adam.pk), str(bea.pk)]}
    chosen["chair"] = [str(eva.pk)]
    before = snapshot()
    response = client.post(_url(meeting), form.data(**{"justering-adjusters": chosen[reason]}))
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_a_member_reads_the_unchecked_minutes_marked_as_such(meeting, alice):
    client = client_for(alice)
    response = client.get(_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ojusterat protokoll" in page and "Spara protokollet" not in page
    before = snapshot()
    assert client.post(_url(meeting), {"step": "held"}).status_code == 403
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_others_do_not_find_the_minutes(meeting, who, request):
    assert client_for(request.getfixturevalue(who)).get(_url(meeting)).status_code == 404


def test_the_secretary_marks_the_meeting_held_on_the_minutes_page(council, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    planned = meeting_of(council, "2025-03-19 13:00", status=Meeting.Status.NOTICE_SENT)
    AgendaItem.objects.create(meeting=planned, title="Lägesbild")
    client = client_for(diana)
    assert "Markera mötet som genomfört" in client.get(_url(planned)).content.decode()
    assert client.post(_url(planned), {"step": "held"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == Meeting.Status.HELD
    assert "Spara protokollet" in client.get(_url(planned)).content.decode()


def test_notes_have_no_checking_and_are_finished_with_one_action(norberg, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    leaders = Body.objects.create(
        organisation=norberg, name="Processledare", kind="arbetsgrupp", record="anteckningar"
    )
    held = meeting_of(leaders, "2025-03-19 13:00", status=Meeting.Status.HELD)
    client = client_for(diana)
    page = client.get(_url(held)).content.decode()
    assert "de justeras inte" in page and "Justerare" not in page
    assert client.post(_url(held), {"step": "finish"}).status_code == 302
    held.refresh_from_db()
    assert held.is_locked and held.posted_on is None
    assert "Minnesanteckningar, klara" in client.get(_url(held)).content.decode()


def test_two_secretaries_editing_one_paragraph_see_each_other_s_change(meeting, diana, superuser):
    item = meeting.items.get()
    first, second = client_for(diana), client_for(superuser)
    form_first, form_second = _editor(first, meeting), _editor(second, meeting)
    note = f"arende-{item.pk}-note"
    assert first.post(_url(meeting), form_first.data(**{note: "Dianas text"})).status_code == 302
    response = second.post(_url(meeting), form_second.data(**{note: "Annan text"}))
    assert response.status_code == 400
    assert "Dianas text" in response.content.decode()
    item.refresh_from_db()
    assert item.note == "Dianas text"


def test_every_refused_part_of_the_editor_says_why_at_once(meeting, diana):
    client = client_for(diana)
    form = _editor(client, meeting)
    adam, bea = seat_member(meeting.body, "Adam"), seat_member(meeting.body, "Bea")
    present(meeting, adam)
    present(meeting, bea)
    data = form.data(
        **{"protokoll-loaded_version": "", "justering-adjusters": [str(adam.pk), str(bea.pk)]}
    )
    before = snapshot()
    response = client.post(_url(meeting), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Formuläret saknar versionsuppgift" in page and "Välj högst 1 justerare" in page
    assert changed_tables(before, snapshot()) == []
