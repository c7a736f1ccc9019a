"""A secretary names only people of her own organisation's register in her bodies: the holder,
substitute and seat choices never offer another organisation's people or units, a posted id
outside them is a form error, and a new person is created in her own register, even for a seat
held on behalf of another organisation (the police, the region, another municipality)."""

import datetime
import re

import pytest
from django.db.models import Q
from django.urls import reverse

from councils.models import Attendance, Seat, SeatHolding
from councils.permissions import seat_organisation_choices
from councils.selectors import seat_organisations
from plans import permissions
from plans.models import Organisation, Person
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(alingsas) -> list[Person]:
    """Two people of Alingsås' register, one at a unit: names and addresses to keep apart."""
    unit = Organisation.objects.create(name="Alingsås socialtjänst", parent=alingsas)
    return [
        Person.objects.create(name="Ute Alingsås", email="ute@alingsas.example", organisation=o)
        for o in (alingsas, unit)
    ]


@pytest.fixture
def outside_seat(council, alingsas) -> Seat:
    """A seat of Norberg's council held on behalf of Alingsås kommun."""
    return Seat.objects.create(body=council, function="Grannkommunen", organisation=alingsas)


def _options(html: str, name: str) -> str:
    """Return the text of the select's options (labels and values)."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return select.group(0)


def test_holder_choices_of_an_outside_seat_offer_only_her_own_register(
    diana, eva, outside_seat, outsiders
):
    url = reverse("councils:seat_holder_add", args=[outside_seat.pk])
    page = client_for(diana).get(url).content.decode()
    options = _options(page, "person")
    assert "Eva Ordförande" in options
    assert "Ute Alingsås" not in page and "ute@alingsas.example" not in page
    for outsider in outsiders:
        assert f'value="{outsider.pk}"' not in options
    assert "vars personregister du inte når" in page  # says where a new holder goes


def test_a_new_holder_of_an_outside_seat_is_created_in_her_own_register(
    diana, norberg, alingsas, outside_seat
):
    url = reverse("councils:seat_holder_add", args=[outside_seat.pk])
    data = {"name": "Polly Polis", "email": "polly@example.se", "starts_on": "2025-01-01"}
    assert client_for(diana).post(url, data).status_code == 302
    holding = outside_seat.holdings.select_related("person").get()
    assert holding.person.organisation == norberg  # not Alingsås' register
    assert holding.seat.organisation == alingsas  # the seat still represents Alingsås
    assert not Person.objects.filter(organisation=alingsas, name="Polly Polis").exists()


def test_a_posted_person_of_another_register_is_refused_and_nothing_saved(
    diana, outside_seat, outsiders
):
    url = reverse("councils:seat_holder_add", args=[outside_seat.pk])
    for outsider in outsiders:
        response = client_for(diana).post(url, {"person": outsider.pk, "starts_on": "2025-01-01"})
        assert response.status_code == 400
        assert "bara personer i din organisations register" in response.content.decode()
    assert not SeatHolding.objects.filter(person__in=outsiders).exists()


def test_seat_form_offers_other_municipalities_but_none_of_their_units(
    diana, council, alingsas, outsiders
):
    unit = outsiders[1].organisation
    url = reverse("councils:body_seats", args=[council.pk])
    options = _options(client_for(diana).get(url).content.decode(), "organisation")
    assert f'value="{alingsas.pk}"' in options  # "on behalf of" another organisation
    assert f'value="{unit.pk}"' not in options
    data = {"function": "Socialtjänsten", "organisation": unit.pk, "role": "ledamot", "order": "1"}
    assert client_for(diana).post(url, data).status_code == 400
    assert not council.seats.exists()


def test_attendance_offers_no_substitute_of_another_register(diana, meeting, alingsas, outsiders):
    seat = Seat.objects.create(body=meeting.body, function="Grannkommunen", organisation=alingsas)
    holder = Person.objects.create(name="Nora Norberg", organisation=meeting.body.organisation)
    SeatHolding.objects.create(seat=seat, person=holder, starts_on=datetime.date(2024, 1, 1))
    url = reverse("councils:meeting_attendance", args=[meeting.pk])
    page = client_for(diana).get(url).content.decode()
    assert "Ute Alingsås" not in page and "Eva Ordförande" in page
    data = main_form(page).data(
        **{f"plats-{seat.pk}-status": "ersatt", f"plats-{seat.pk}-substitute": str(outsiders[0].pk)}
    )
    assert client_for(diana).post(url, data).status_code == 400
    assert not Attendance.objects.filter(substitute__in=outsiders).exists()


def _admin_form(client, url: str, **changes) -> dict:
    page = client.get(url)
    assert page.status_code == 200, url
    return main_form(page.content.decode()).data(**changes)


def test_admin_seat_refuses_another_organisations_unit_and_person(diana, meeting, outsiders):
    seat = meeting.body.seats.get()
    url = reverse("admin:councils_seat_change", args=[seat.pk])
    client = client_for(diana)
    unit = outsiders[1].organisation
    response = client.post(url, _admin_form(client, url, organisation=str(unit.pk)))
    assert response.status_code == 200  # the form again, with the error
    seat.refresh_from_db()
    assert seat.organisation == meeting.body.organisation
    row = {
        "holdings-TOTAL_FORMS": "2",
        "holdings-1-person": str(outsiders[0].pk),
        "holdings-1-starts_on": "2030-01-01",
    }
    assert client.post(url, _admin_form(client, url, **row)).status_code == 200
    assert not SeatHolding.objects.filter(person__in=outsiders).exists()


def test_norbergs_secretary_never_reaches_norsjos_register_in_the_demo(demo):
    from django.contrib.auth.models import User

    secretary = User.objects.get(username="norberg-sekreterare")
    norberg, norsjo = (
        Organisation.objects.get(name=n) for n in ("Norbergs kommun", "Norsjö kommun")
    )
    client = client_for(secretary)
    body = {"name": "Trygghetsgruppen", "organisation": norberg.pk, "kind": "arbetsgrupp"}
    defaults = {"min_meetings_per_year": "4", "notice_days": "7", "adjusters_count": "1"}
    assert (
        client.post(
            reverse("councils:body_create"), {**body, **defaults, "record": "protokoll"}
        ).status_code
        == 302
    )
    council = norberg.bodies.get(name="Trygghetsgruppen")
    seats = reverse("councils:body_seats", args=[council.pk])
    seat = {"function": "Grannkommunen", "organisation": norsjo.pk, "role": "ledamot", "order": "1"}
    assert client.post(seats, seat).status_code == 302
    holder = reverse("councils:seat_holder_add", args=[council.seats.get().pk])
    page = client.get(holder).content.decode()
    for person in Person.objects.filter(organisation__in=Organisation.objects.below([norsjo.pk])):
        assert person.name not in page and (not person.email or person.email not in page)
    new = {"name": "Nils Nyberg", "email": "nils@example.se", "starts_on": "2025-01-01"}
    assert client.post(holder, new).status_code == 302
    assert Person.objects.get(name="Nils Nyberg").organisation == norberg


def test_seat_organisation_choices_walk_only_the_choosable_and_their_ancestors(
    diana, council, library, alingsas, outsiders
):
    for n in range(3):  # Alingsås' units: not choosable, nor visited
        outsiders[1].organisation.children.create(name=f"Alingsås enhet {n}")
    managed = permissions.organisations_for(diana, permissions.MANAGE_COUNCILS)
    whole_walk = Organisation.objects.with_paths().filter(
        Q(parent__isnull=True) | Q(pk__in=managed)
    )
    choices = seat_organisation_choices(diana)
    rows = [(o.pk, o.tree_path, o.tree_names) for o in choices]
    assert rows == [(o.pk, o.tree_path, o.tree_names) for o in whole_walk]
    assert [o.name for o in choices] == ["Alingsås kommun", "Norbergs kommun", "Biblioteket"]
    assert Organisation.objects.count() == 7
    assert choices.query.rank_table_query.count() == 3  # the tree walk starts from them
    site = seat_organisations(body=council)  # the site's seat form: the same choices
    assert [(o.pk, o.tree_names) for o in site] == sorted(
        [(o.pk, o.tree_names) for o in whole_walk], key=lambda row: row[1][-1]
    )
    assert site.query.rank_table_query.count() == 3
