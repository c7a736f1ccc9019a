"""Mitt konto: her roles and her personal API keys, made, shown once, used and revoked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from folkhalsa.account import TOKENS_PER_USER
from folkhalsa.models import ApiToken
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _make_key(client: Client, name: str) -> str:
    response = client.post(reverse("account"), {"name": name})
    assert response.status_code == 302
    page = client.get(reverse("account")).content.decode()
    return re.search(r'id="new-key" type="text" readonly value="([^"]+)"', page).group(1)


def test_a_key_is_shown_once_works_and_is_revoked(alice, draft_plan):
    client = client_for(alice)
    key = _make_key(client, "Power BI")
    assert key.startswith("fh_")
    again = client.get(reverse("account")).content.decode()
    assert key not in again and "Power BI" in again and "Aldrig" in again
    token = ApiToken.objects.get(user=alice)
    assert token.key_hash != key and key not in token.prefix + token.key_hash
    api = Client(headers={"Authorization": f"Bearer {key}"})
    plans = api.get(reverse("api:plan-list")).json()["results"]
    assert [p["title"] for p in plans] == [draft_plan.title]  # her draft: she reads as herself
    assert "Aldrig" not in client.get(reverse("account")).content.decode()
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert api.get(reverse("api:plan-list")).status_code == 401


def test_another_users_key_cannot_be_revoked_or_seen(alice, charlie):
    _make_key(client_for(alice), "Intranät")
    token = ApiToken.objects.get()
    other = client_for(charlie)
    assert other.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert other.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405
    assert "Intranät" not in other.get(reverse("account")).content.decode()
    assert client_for(None).post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_name_is_required_and_the_number_of_keys_is_bounded(alice):
    client = client_for(alice)
    response = client.post(reverse("account"), {"name": ""})
    assert response.status_code == 400
    assert "Det här fältet är obligatoriskt." in response.content.decode()
    response = client.post(reverse("account"), {"name": "Rad ett\nRad två"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    for number in range(TOKENS_PER_USER):
        client.post(reverse("account"), {"name": f"Nyckel {number}"})
    response = client.post(reverse("account"), {"name": "En till"})
    assert response.status_code == 400
    assert "Återkalla någon du inte använder" in response.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == TOKENS_PER_USER


def test_the_page_lists_her_roles(alice, norberg):
    page = client_for(alice).get(reverse("account")).content.decode()
    assert "Strateg, Norbergs kommun" in page
