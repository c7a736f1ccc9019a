"""Login throttling counts failures per user name and address and per address alone, and reads
the client's address correctly behind proxies."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _throttling(settings) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6


def _login(username: str, password: str, address: str, forwarded: str | None = None) -> bool:
    """Try to log in from an address; return whether it succeeded."""
    meta = {"REMOTE_ADDR": address}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client(**meta)
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_a_user_name_is_locked_out_from_the_address_that_guessed(alice):
    for _ in range(3):
        assert not _login("alice", "fel", "203.0.113.5")
    assert not _login("alice", PASSWORD, "203.0.113.5")


def test_one_address_cannot_lock_a_user_out_of_another(alice):
    for _ in range(5):
        _login("alice", "fel", "203.0.113.5")
    assert _login("alice", PASSWORD, "198.51.100.7")


def test_one_address_guessing_many_accounts_is_locked_out(alice):
    for number in range(6):
        assert not _login(f"gissning-{number}", "fel", "203.0.113.5")
    assert not _login("alice", PASSWORD, "203.0.113.5")
    assert _login("alice", PASSWORD, "198.51.100.7")


def test_a_success_does_not_clear_the_addresses_count(alice, bob):
    for number in range(5):
        _login(f"gissning-{number}", "fel", "203.0.113.5")
    assert _login("bob", PASSWORD, "203.0.113.5")
    _login("gissning-5", "fel", "203.0.113.5")
    assert not _login("alice", PASSWORD, "203.0.113.5")


def test_behind_a_proxy_the_client_is_read_from_forwarded_for(settings, alice):
    settings.PROXY_COUNT = 1
    for _ in range(3):
        _login("alice", "fel", PROXY, forwarded="6.6.6.6, 203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert not _login("alice", PASSWORD, PROXY, forwarded="203.0.113.5")
    assert _login("alice", PASSWORD, PROXY, forwarded="198.51.100.7")


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(alice):
    for number in range(3):
        _login("alice", "fel", "203.0.113.5", forwarded=f"192.0.2.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_garbage_in_forwarded_for_falls_back_to_the_proxy(settings, alice):
    settings.PROXY_COUNT = 1
    _login("alice", "fel", PROXY, forwarded="<script>")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
