"""A session cookie holding a NUL character is no session: never a server error (PostgreSQL)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

NUL_KEY = "abcdefgh\x00ijklmnop"


@pytest.fixture
def nul_client(client):
    client.raise_request_exception = False
    client.cookies[settings.SESSION_COOKIE_NAME] = NUL_KEY
    return client


def test_session_cookie_holding_nul_reads_as_anonymous_visitor(nul_client):
    response = nul_client.get(reverse("plans:home"))
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the cookie is removed


def test_session_cookie_holding_nul_sends_a_protected_page_to_the_login(nul_client):
    response = nul_client.get(reverse("councils:my_meetings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_login_with_a_nul_session_cookie_starts_a_fresh_session(nul_client, alice):
    alice.set_password("ett långt lösenord 123")
    alice.save()
    response = nul_client.post(
        reverse(settings.LOGIN_URL),
        {"username": alice.username, "password": "ett långt lösenord 123"},
    )
    assert response.status_code == 302
    assert "\x00" not in nul_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert nul_client.get(reverse("councils:my_meetings")).status_code == 200
