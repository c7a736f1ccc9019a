"""The councils admin keeps each body to those who manage or read it, and checked minutes locked."""

import datetime

import pytest
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import timezone

from councils.admin import MeetingForm
from councils.models import AgendaItem, Amendment, Body, Dispatch, Meeting, MinutesCheck
from plans.models import Person, Plan
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def _form_data(client, url: str, **changes) -> dict:
    """Return the page's own form as the user's browser would post it, with the changes."""
    page = client.get(url)
    assert page.status_code == 200, url
    return main_form(page.content.decode()).data(**changes)


def _admin(model: str, view: str, *args) -> str:
    return reverse(f"admin:councils_{model}_{view}", args=args)


def test_outsider_and_anonymous_see_nothing_of_norbergs_bodies(objects):
    charlie = client_for(objects["users"]["charlie"])
    anonymous = client_for(None)
    for model in ("body", "meeting", "agendaitem", "seat"):
        listing = charlie.get(_admin(model, "changelist"))
        assert listing.status_code == 200 and "Folkhälsorådet" not in listing.content.decode()
        assert anonymous.get(_admin(model, "changelist")).status_code == 302
        record = objects["records"][model]
        for view in ("change", "history", "delete"):
            assert charlie.get(_admin(model, view, record.pk)).status_code == 404, (model, view)


def test_administrator_manages_the_council_and_strategist_only_reads_it(objects, council):
    alice, diana = (client_for(objects["users"][name]) for name in ("alice", "diana"))
    url = _admin("body", "change", council.pk)
    assert 'name="_save"' not in alice.get(url).content.decode()
    assert alice.post(url, _form_data(diana, url, name="Alices råd")).status_code == 403
    response = diana.post(url, _form_data(diana, url, name="Folkhälso- och trygghetsrådet"))
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.name == "Folkhälso- och trygghetsrådet" and council.version == 2
    assert alice.get(_admin("body", "add")).status_code == 403


def _lock(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CHECKED, checked_on=datetime.date(2025, 3, 20)
    )


def test_checked_minutes_are_read_only_and_a_forged_post_is_refused(objects, meeting):
    diana = client_for(objects["users"]["diana"])
    pages = {
        "meeting": meeting,
        "agendaitem": meeting.items.get(),
        "attendance": meeting.attendances.get(),
        "minutescheck": meeting.checks.get(),
    }
    # The forms as she loaded them before the minutes were checked.
    posts = {
        model: _form_data(diana, _admin(model, "change", record.pk))
        for model, record in pages.items()
    }
    posts["meeting"]["place"] = ["Annan plats"]
    posts["agendaitem"]["title"] = ["Ändrat i efterhand"]
    _lock(meeting)
    for model, record in pages.items():
        page = diana.get(_admin(model, "change", record.pk)).content.decode()
        assert 'name="_save"' not in page, model
        assert diana.post(_admin(model, "change", record.pk), posts[model]).status_code == 403
        assert diana.get(_admin(model, "delete", record.pk)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.place == "Kommunhuset" and meeting.version == 1
    assert meeting.items.get().title == "Uppföljning av handlingsplanen"


def test_an_item_cannot_be_put_on_checked_minutes(objects, meeting):
    diana = client_for(objects["users"]["diana"])
    _lock(meeting)
    form = {"meeting": meeting.pk, "title": "Smugglad punkt", "kind": "information", "order": 9}
    response = diana.post(_admin("agendaitem", "add"), form)
    assert response.status_code == 200
    assert "Protokollet är justerat och kan inte ändras" in response.content.decode()
    assert not AgendaItem.objects.filter(title="Smugglad punkt").exists()


def test_a_save_started_before_the_checking_is_refused_by_the_lock(meeting):
    form_class = modelform_factory(Meeting, form=MeetingForm, fields=["body", "place", "starts_at"])
    data = {"body": meeting.body_id, "place": "Ny plats", "starts_at": "2025-03-12 13:00"}
    _lock(meeting)
    form = form_class(
        {**data, "loaded_version": 1}, instance=meeting
    )  # the page was opened before the checking
    assert not form.is_valid()
    assert "Protokollet är justerat" in " ".join(form.non_field_errors())


def test_dispatches_and_checkings_done_are_not_changed_by_hand(objects, meeting, superuser):
    root = client_for(superuser)
    dispatch = objects["records"]["dispatch"]
    url = _admin("dispatch", "change", dispatch.pk)
    assert 'name="_save"' not in root.get(url).content.decode()
    assert root.post(url, {"kind": "protokoll", "late": "on"}).status_code == 403
    assert Dispatch.objects.get().kind == Dispatch.Kind.NOTICE
    check = meeting.checks.get()
    MinutesCheck.objects.filter(pk=check.pk).update(checked_at=timezone.now())
    assert root.post(_admin("minutescheck", "delete", check.pk), {"post": "yes"}).status_code == 403
    assert MinutesCheck.objects.filter(pk=check.pk).exists()


def test_an_amendment_is_made_on_checked_minutes_in_the_users_name(objects, meeting):
    diana_user = objects["users"]["diana"]
    diana = client_for(diana_user)
    form = {"meeting": meeting.pk, "what": "§ 1: rätt datum är 12 mars", "why": "Skrivfel"}
    response = diana.post(_admin("amendment", "add"), form)
    assert "Rättelser görs i justerade protokoll" in response.content.decode()
    _lock(meeting)
    assert diana.post(_admin("amendment", "add"), form).status_code == 302
    made = Amendment.objects.get(what=form["what"])
    assert made.made_by == diana_user
    url = _admin("amendment", "change", made.pk)
    assert diana.post(url, {**form, "why": "Annat"}).status_code == 403


def test_choices_hold_only_what_the_user_may_use(objects, meeting, alingsas, charlie):
    diana = client_for(objects["users"]["diana"])
    response = diana.post(
        _admin("body", "add"), {"name": "Intrång", "kind": "rad", "organisation": alingsas.pk}
    )
    assert response.status_code == 200 and not Body.objects.filter(name="Intrång").exists()
    theirs = Body.objects.create(organisation=alingsas, name="Alingsås styrgrupp", kind="rad")
    form = {"body": theirs.pk, "place": "Här", "starts_at_0": "2025-05-05", "starts_at_1": "10:00"}
    assert diana.post(_admin("meeting", "add"), form).status_code == 200
    assert not theirs.meetings.exists()
    draft = Plan.objects.create(
        owner=alingsas, kind="program", title="Alingsås utkast", start_year=2025, end_year=2025
    )
    item = meeting.items.get()
    url = _admin("agendaitem", "change", item.pk)
    response = diana.post(url, _form_data(diana, url, plans=[str(draft.pk)]))
    assert response.status_code == 200 and not item.plans.exists()
    assert "Alingsås utkast" not in diana.get(url).content.decode()


def test_a_persons_account_is_linked_only_by_those_who_manage_the_account(objects, norberg):
    alice, charlie = objects["users"]["alice"], objects["users"]["charlie"]
    person = Person.objects.create(name="Eva Ek", organisation=norberg)
    url = reverse("admin:plans_person_change", args=[person.pk])
    diana = client_for(objects["users"]["diana"])
    as_alice = client_for(alice)
    assert 'name="user"' not in as_alice.get(url).content.decode()
    as_alice.post(url, _form_data(as_alice, url, user=str(alice.pk)))
    person.refresh_from_db()
    assert person.user is None
    page = diana.get(url).content.decode()
    assert 'name="user"' in page
    response = diana.post(url, _form_data(diana, url, user=str(charlie.pk)))
    assert "Kontot hör till en organisation som du inte administrerar" in response.content.decode()
    person.refresh_from_db()
    assert person.user is None
    assert diana.post(url, _form_data(diana, url, user=str(alice.pk))).status_code == 302
    person.refresh_from_db()
    assert person.user == alice
