"""A measure's actors on its page in the site: the lead actor, the responsible and partners,
from the plan owner's own organisations or, found by a search, from anywhere in the country."""

import pytest
from django.urls import reverse

from plans.models import Organisation, Responsibility
from tests.conftest import client_for
from tests.html_forms import page_form, snapshot

pytestmark = pytest.mark.django_db

LEAD, RESPONSIBLE, PARTNER = Responsibility.Role.values[:3]


@pytest.fixture
def county(db) -> Organisation:
    return Organisation.objects.create(name="Region Västmanland", kind=Organisation.Kind.REGION)


def _url(measure, search: str = "") -> str:
    url = reverse("plans:measure_edit", args=[measure.pk])
    return f"{url}?sok={search}" if search else url


def _post(client, url, **changes):
    form = page_form(client.get(url))
    return client.post(url, form.data(**changes))


def test_she_names_a_lead_actor_and_a_partner_from_her_own_organisations(
    measure, alice, norberg, library
):
    response = _post(
        client_for(alice),
        _url(measure),
        **{
            "aktorer-0-role": LEAD,
            "aktorer-1-organisation": str(norberg.pk),
            "aktorer-1-role": PARTNER,
            "aktorer-1-cooperation": Responsibility.Cooperation.DESIRABLE,
        },
    )

    assert response.status_code == 302
    actors = [(r.organisation, r.role, r.cooperation) for r in measure.responsibilities.all()]
    assert actors == [(library, LEAD, ""), (norberg, PARTNER, "onskvard")]
    measure.refresh_from_db()
    assert measure.version == 2, "the actors are a change of the measure"
    assert measure.history.latest().history_user == alice


def test_an_organisation_elsewhere_is_offered_only_when_searched_for(measure, alice, county):
    client = client_for(alice)
    assert "Region Västmanland" not in client.get(_url(measure)).content.decode()
    before = snapshot()
    refused = _post(
        client,
        _url(measure),
        **{"aktorer-1-organisation": str(county.pk), "aktorer-1-role": PARTNER},
    )
    assert refused.status_code == 400
    assert "Välj ett giltigt alternativ" in refused.content.decode()
    assert snapshot() == before

    page = client.get(_url(measure, "Västmanland")).content.decode()
    assert "Region Västmanland" in page and "gav 1 organisation någon annanstans" in page
    saved = _post(
        client,
        _url(measure, "Västmanland"),
        **{"aktorer-1-organisation": str(county.pk), "aktorer-1-role": PARTNER},
    )
    assert saved.status_code == 302
    assert measure.responsibilities.filter(organisation=county, role=PARTNER).exists()
    assert "Region Västmanland" in client.get(_url(measure)).content.decode(), "kept on the page"


def test_two_lead_actors_are_refused_and_nothing_is_written(measure, alice, norberg):
    client = client_for(alice)
    before = snapshot()
    response = _post(
        client,
        _url(measure),
        **{
            "aktorer-0-role": LEAD,
            "aktorer-1-organisation": str(norberg.pk),
            "aktorer-1-role": LEAD,
        },
    )
    assert response.status_code == 400
    assert "En insats har högst en huvudaktör." in response.content.decode()
    assert snapshot() == before


def test_an_actor_is_removed(measure, alice):
    response = _post(client_for(alice), _url(measure), **{"aktorer-0-DELETE": "on"})
    assert response.status_code == 302
    assert not measure.responsibilities.exists()


def test_the_owners_tree_is_one_group_indented_by_level_and_the_rest_another(
    measure, alice, norberg, library, county
):
    page = client_for(alice).get(_url(measure, "Västmanland")).content.decode()
    select = page.split('name="aktorer-1-organisation"')[1].split("</select>")[0]
    own = select.split('<optgroup label="Norbergs kommun">')[1].split("</optgroup>")[0]
    assert f'<option value="{norberg.pk}">Norbergs kommun</option>' in own
    assert f'<option value="{library.pk}">\u00a0\u00a0\u00a0{library.name}</option>' in own
    others = select.split('<optgroup label="Andra organisationer">')[1].split("</optgroup>")[0]
    assert f'<option value="{county.pk}">Region Västmanland</option>' in others
    assert select.index("Norbergs kommun") < select.index("Region Västmanland")
