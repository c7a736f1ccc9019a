"""A standing item's rule is given whole: the n-th meeting needs its number, other rules none."""

import pytest
from django.urls import reverse

from councils.models import StandingItem
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _add(council, user, **fields):
    url = reverse("councils:body_standing_items", args=[council.pk])
    data = {"title": "Lägesbild", "kind": "information", "order": "1", **fields}
    return client_for(user).post(url, data)


def test_the_nth_rule_without_a_number_is_refused(council, diana):
    response = _add(council, diana, rule="nummer")
    assert response.status_code == 400
    assert "Ange vilket av årets möten punkten hör till." in response.content.decode()
    assert not StandingItem.objects.exists()


def test_a_number_with_another_rule_is_refused(council, diana):
    assert _add(council, diana, rule="sista", nth="2").status_code == 400
    assert not StandingItem.objects.exists()


def test_the_second_meeting_rule_is_saved_and_listed(council, diana):
    assert _add(council, diana, rule="nummer", nth="2").status_code == 302
    page = client_for(diana).get(reverse("councils:body_standing_items", args=[council.pk]))
    assert "Årets möte nummer 2" in page.content.decode()
