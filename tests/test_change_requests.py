"""The adjuster reads the minutes, then checks them or asks the secretary for a change (per
paragraph, or the minutes as a whole); the secretary answers on the minutes; the adjuster sees
the answer and checks. Her check waits while her request is unanswered; nothing is asked once
the minutes are locked, and only those appointed ask, only the body's managers answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from councils.models import ChangeRequest, Meeting, MinutesCheck
from councils.selectors import secretary_work
from councils.services import (
    change_request_answer,
    change_request_create,
    minutes_appoint_adjusters,
    minutes_check_on_paper,
    minutes_save,
)
from tests.conftest import client_for
from tests.html_forms import changed_tables, form_with, snapshot
from tests.minutes_helpers import adjuster_with_account, check_on_paper, freeze, meeting_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointed(meeting, diana, monkeypatch):
    """The held meeting with Adam (who has an account) appointed adjuster; 14 March 2025."""
    freeze(monkeypatch, "2025-03-14 09:30")
    person, user = adjuster_with_account(meeting)
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)
    return person, user


def _check_url(meeting: Meeting) -> str:
    return reverse("councils:minutes_check", args=[meeting.pk])


def _ask_url(meeting: Meeting) -> str:
    return reverse("councils:change_request_create", args=[meeting.pk])


def _answer_url(meeting: Meeting) -> str:
    return reverse("councils:change_requests", args=[meeting.pk])


def _ask(client, meeting: Meeting, **changes):
    """Post the change request form as her page has it, with the changes."""
    page = client.get(_check_url(meeting)).content.decode()
    form = form_with(page, text="")
    return client.post(_ask_url(meeting), form.data(**changes))


def test_her_page_shows_the_minutes_first_then_her_actions(meeting, appointed):
    page = client_for(appointed[1]).get(_check_url(meeting)).content.decode()
    item = meeting.items.get()
    paragraph = page.index(f'id="paragraf-{item.pk}"')
    assert paragraph < page.index("Jag justerar protokollet") < page.index("Begär ändring</h3>")
    assert f'<option value="{item.pk}">§ 1 {item.title}</option>' in page
    assert '<option value="" selected>Protokollet i sin helhet</option>' in page


def test_the_adjuster_asks_for_a_change_of_a_paragraph(meeting, appointed, diana):
    person, user = appointed
    item = meeting.items.get()
    client = client_for(user)
    response = _ask(client, meeting, item=str(item.pk), text="Skriv ut vem som redovisade.")
    assert response.status_code == 302
    assert response["Location"] == _check_url(meeting) + "#mina-begaranden"
    request = ChangeRequest.objects.get()
    assert (request.meeting, request.item, request.requested_by) == (meeting, item, person)
    assert request.text == "Skriv ut vem som redovisade." and not request.is_answered
    page = client.get(_check_url(meeting)).content.decode()
    assert "Skriv ut vem som redovisade." in page and "Väntar på sekreterarens svar." in page

    # The secretary sees it on the minutes, with a form to answer, and on Mitt arbete.
    minutes = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content
    minutes = minutes.decode()
    assert "Ändringsbegäranden från justerarna" in minutes
    assert "Skriv ut vem som redovisade." in minutes and "Adam Justerare" in minutes
    assert f'action="{_answer_url(meeting)}"' in minutes
    [work] = [
        w
        for w in secretary_work(user=diana, today=meeting.starts_at.date())
        if "ändrings" in w.title
    ]
    assert work.title == "Besvara 1 ändringsbegäran"
    assert work.url == _answer_url(meeting)
    assert "Adam Justerare (§ 1)" in work.detail


def test_a_request_for_the_minutes_as_a_whole(meeting, appointed):
    response = _ask(client_for(appointed[1]), meeting, text="Närvarolistan saknar gästen.")
    assert response.status_code == 302
    assert ChangeRequest.objects.get().item is None


@pytest.mark.parametrize("text", ["", "   ", "x" * 20_001])
def test_a_request_without_a_usable_text_is_refused(meeting, appointed, text):
    client = client_for(appointed[1])
    before = snapshot()
    response = _ask(client, meeting, text=text)
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []
    page = response.content.decode()
    assert "Skriv vad du vill ha ändrat." in page or "20" in page
    assert "Jag justerar protokollet" in page  # her page, with the minutes, as it was


def test_a_paragraph_of_another_meeting_is_refused(meeting, appointed):
    other = meeting_of(meeting.body, "2025-04-14 13:00")
    foreign = other.items.create(title="Annat möte", kind="information", order=1)
    client = client_for(appointed[1])
    before = snapshot()
    response = _ask(client, meeting, item=str(foreign.pk), text="Ändra")
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_her_check_waits_for_the_answer_and_then_goes_through(meeting, appointed, diana):
    person, user = appointed
    client = client_for(user)
    _ask(client, meeting, text="Rätta stavningen av mitt namn.")

    before = snapshot()
    response = client.post(_check_url(meeting))
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []
    page = response.content.decode()
    assert "Du har begärt en ändring som sekreteraren inte har besvarat än." in page
    assert "Jag justerar protokollet</button>" not in page

    # The secretary answers, on the minutes' page of requests.
    secretary = client_for(diana)
    form = form_with(secretary.get(_answer_url(meeting)).content.decode(), svar="")
    response = secretary.post(_answer_url(meeting), form.data(svar="Ändrat."))
    assert response.status_code == 302
    assert response["Location"].endswith("#andringsbegaranden")
    request = ChangeRequest.objects.get()
    assert (request.answer, request.answered_by) == ("Ändrat.", diana)
    assert not [
        w
        for w in secretary_work(user=diana, today=meeting.starts_at.date())
        if "ändrings" in w.title
    ]

    page = client.get(_check_url(meeting)).content.decode()
    assert "Ändrat." in page and "Väntar på sekreterarens svar." not in page
    assert client.post(_check_url(meeting)).status_code == 302
    assert MinutesCheck.objects.get(person=person).checked_at is not None


def test_an_answer_is_required_and_given_once(meeting, appointed, diana):
    _ask(client_for(appointed[1]), meeting, text="Rätta datumet.")
    secretary = client_for(diana)
    form = form_with(secretary.get(_answer_url(meeting)).content.decode(), svar="")
    before = snapshot()
    response = secretary.post(_answer_url(meeting), form.data(svar="  "))
    assert response.status_code == 400
    assert "Skriv ditt svar" in response.content.decode()
    assert changed_tables(before, snapshot()) == []
    assert secretary.post(_answer_url(meeting), form.data(svar="Ändrat.")).status_code == 302
    before = snapshot()
    response = secretary.post(_answer_url(meeting), form.data(svar="Ändrat igen."))
    assert response.status_code == 400
    assert "redan besvarad" in response.content.decode()
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("charlie", 404), ("bob", 404)])
def test_others_cannot_ask_for_a_change(meeting, appointed, who, status, request):
    client = client_for(request.getfixturevalue(who))
    before = snapshot()
    assert client.post(_ask_url(meeting), {"text": "Intrång"}).status_code == status
    assert changed_tables(before, snapshot()) == []


def test_anonymous_is_sent_to_log_in(meeting, appointed):
    response = client_for(None).post(_ask_url(meeting), {"text": "Intrång"})
    assert response.status_code == 302 and not ChangeRequest.objects.exists()


def test_only_the_bodys_managers_answer(meeting, appointed, alice, charlie):
    _ask(client_for(appointed[1]), meeting, text="Rätta datumet.")
    request = ChangeRequest.objects.get()
    data = {"begaran": str(request.pk), "svar": "Nej."}
    clients = [client_for(user) for user in (appointed[1], alice, charlie)]
    before = snapshot()
    statuses = [client.post(_answer_url(meeting), data).status_code for client in clients]
    assert statuses == [403, 403, 404]
    assert changed_tables(before, snapshot()) == []
    with pytest.raises(PermissionDenied):
        change_request_answer(change_request=request, user=alice, answer="Nej.")


def test_nothing_is_asked_or_answered_once_the_minutes_are_locked(meeting, appointed, diana):
    person, user = appointed
    open_request = change_request_create(meeting=meeting, user=user, item=None, text="Rätta.")
    change_request_answer(change_request=open_request, user=diana, answer="Ändrat.")
    check_on_paper(meeting, by=diana, on="2025-03-14")
    assert meeting.is_locked
    # A request left open from before the rule that a check waits for its answer.
    late = ChangeRequest.objects.create(
        meeting=meeting, requested_by=person, text="En sak till.", made_at=meeting.starts_at
    )

    with pytest.raises(ValidationError, match="justerat"):
        change_request_create(meeting=meeting, user=user, item=None, text="För sent.")
    with pytest.raises(ValidationError, match="justerat"):
        change_request_answer(change_request=late, user=diana, answer="Ändrat.")
    adjuster, secretary = client_for(user), client_for(diana)
    before = snapshot()
    assert adjuster.post(_ask_url(meeting), {"text": "För sent."}).status_code == 403
    data = {"begaran": str(late.pk), "svar": "Ändrat."}
    response = secretary.post(_answer_url(meeting), data)
    assert response.status_code == 400
    assert "Protokollet är justerat och kan inte ändras" in response.content.decode()
    assert changed_tables(before, snapshot()) == []


def test_the_secretarys_page_lists_every_request_with_its_answer(meeting, appointed, diana):
    user = appointed[1]
    first = change_request_create(meeting=meeting, user=user, item=None, text="Första.")
    change_request_answer(change_request=first, user=diana, answer="Ändrat, tack.")
    change_request_create(meeting=meeting, user=user, item=meeting.items.get(), text="Andra.")
    page = client_for(diana).get(_answer_url(meeting)).content.decode()
    assert "Första." in page and "Ändrat, tack." in page and "Andra." in page
    assert page.count('name="svar"') == 1  # only the open one is answered
    assert "Protokollet i sin helhet" in page and "§ 1 " in page


HOSTILE = [
    "",
    "x" * 100_000,
    "a\x00b",
    "-1",
    "99999999999999999999999999",
    "١٢",
    "<script>x</script>",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_never_breaks_the_request_or_the_answer(meeting, appointed, diana, value):
    adjuster, secretary = client_for(appointed[1]), client_for(diana)
    adjuster.raise_request_exception = secretary.raise_request_exception = False
    request = change_request_create(meeting=meeting, user=appointed[1], item=None, text="Rätta.")
    before = snapshot()
    for data in ({"item": value, "text": value}, {"item": "", "text": value}):
        response = adjuster.post(_ask_url(meeting), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert changed_tables(before, snapshot()) == []
        assert "<script>x</script>" not in response.content.decode()
    ChangeRequest.objects.exclude(pk=request.pk).delete()
    before = snapshot()
    for data in ({"begaran": value, "svar": value}, {"begaran": str(request.pk), "svar": value}):
        response = secretary.post(_answer_url(meeting), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert changed_tables(before, snapshot()) == []
        assert "<script>x</script>" not in response.content.decode()


def test_a_check_on_paper_waits_for_the_answer_too(meeting, appointed, diana):
    person, user = appointed
    _ask(client_for(user), meeting, text="Lägg till gästen i närvarolistan.")
    check = MinutesCheck.objects.get(person=person)
    before = snapshot()
    with pytest.raises(ValidationError, match="har begärt en ändring som inte är besvarad"):
        minutes_check_on_paper(
            meeting=meeting, check=check, on=meeting.starts_at.date(), user=diana
        )
    assert changed_tables(before, snapshot()) == []


def test_changing_the_text_after_a_check_undoes_it(meeting, appointed, diana):
    # Another adjuster checked before the secretary changed a paragraph on a request: her check
    # was of a text that is no more, so she checks the new one again.
    person, user = appointed
    assert client_for(user).post(_check_url(meeting)).status_code == 302
    meeting.refresh_from_db()
    assert not meeting.is_locked  # the chair has still to sign
    item = meeting.items.get()
    item.decision = "Rådet beslutar att anta den ändrade texten."
    notes = []
    minutes_save(
        meeting=meeting,
        user=diana,
        texts=[(item, item.version)],
        adjusters=[person],
        notes=notes,
    )
    check = MinutesCheck.objects.get(person=person)
    assert check.checked_at is None and not check.on_paper
    assert [note.text for note in notes if person.name in note.text] == [
        f"{person.name} hade redan justerat protokollet. Eftersom texten ändrades behöver "
        f"{person.name} göra det igen."
    ]
    # Saving again without a change undoes nothing more and says nothing.
    notes = []
    item.refresh_from_db()
    minutes_save(
        meeting=meeting, user=diana, texts=[(item, item.version)], adjusters=[person], notes=notes
    )
    assert notes == []
