"""The admin's pages of old versions only read: a POST to them changes nothing."""

import pytest
from django.urls import reverse

from plans.models import Organisation, Plan, Role
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db) -> Organisation:
    return Organisation.objects.create(name="Region Norrbotten", kind=Organisation.Kind.REGION)


def test_history_page_post_changes_nothing(diana, norberg, region):
    """The take-over of a region by a municipality's administrator, step one, is refused."""
    version = region.history.latest("history_id")
    url = reverse("admin:plans_organisation_simple_history", args=[region.pk, version.pk])
    client = client_for(diana)
    data = {"name": region.name, "kind": region.kind, "parent": norberg.pk}
    response = client.post(url, data)
    assert response.status_code in {403, 405}
    region.refresh_from_db()
    assert region.parent_id is None
    assert region.history.count() == 1


def test_history_page_of_a_plan_cannot_move_it(alice, charlie, adopted_plan, alingsas):
    """A reader in Norberg who is a strategist in Alingsås cannot move Norberg's strategy."""
    Role.objects.create(user=charlie, organisation=adopted_plan.owner, kind=Role.Kind.READER)
    version = adopted_plan.history.latest("history_id")
    url = reverse("admin:plans_plan_simple_history", args=[adopted_plan.pk, version.pk])
    page = client_for(charlie).get(url)
    assert page.status_code == 200
    form = main_form(page.content.decode())
    response = client_for(charlie).post(url, form.data(owner=str(alingsas.pk)))
    assert response.status_code == 405
    assert Plan.objects.get(pk=adopted_plan.pk).owner_id == adopted_plan.owner_id


def test_member_posting_to_her_own_organisations_history_page_changes_nothing(diana, norberg):
    version = norberg.history.latest("history_id")
    url = reverse("admin:plans_organisation_simple_history", args=[norberg.pk, version.pk])
    response = client_for(diana).post(url, {"name": "Ändrat namn", "kind": norberg.kind})
    assert response.status_code == 405
    assert Organisation.objects.get(pk=norberg.pk).name == "Norbergs kommun"


def test_history_page_of_an_old_version_offers_no_save(alice, draft_plan):
    version = draft_plan.history.latest("history_id")
    url = reverse("admin:plans_plan_simple_history", args=[draft_plan.pk, version.pk])
    page = client_for(alice).get(url).content.decode()
    assert 'name="_save"' not in page
