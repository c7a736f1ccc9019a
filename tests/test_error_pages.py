"""Refusals and failures answer with our own pages, in the interface language, with a way back."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tests.conftest import PASSWORD, client_for

START_PAGE_LINK = 'href="/"'


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(response) -> str:
    text = response.content.decode()
    assert 'class="site"' in text and START_PAGE_LINK in text, "not in the site's layout"
    return text


@pytest.mark.django_db
def test_a_draft_plan_answers_our_404_page_with_a_way_to_log_in(draft_plan):
    url = reverse("plans:plan_detail", args=[draft_plan.pk])
    response = client_for(None).get(url)
    assert response.status_code == 404
    text = _page(response)
    assert "<h1>Sidan finns inte</h1>" in text and f"?next={url}" in text
    assert "Handlingsplan" not in text


@pytest.mark.django_db
def test_the_404_page_speaks_english_when_english_is_chosen():
    response = _english(Client()).get("/finns-inte/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in _page(response)


@pytest.mark.django_db
def test_a_forbidden_edit_answers_our_403_page(bob, adopted_plan):
    response = client_for(bob).get(reverse("plans:plan_edit", args=[adopted_plan.pk]))
    assert response.status_code == 403
    text = _page(response)
    assert "<h1>Du saknar behörighet</h1>" in text and "Forbidden" not in text


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_in_swedish_and_logs_nobody_in(alice):
    client = Client(enforce_csrf_checks=True)
    url = reverse("login")
    response = client.post(url, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    text = _page(response)
    assert "<h1>Formuläret kunde inte skickas</h1>" in text and f'href="{url}"' in text
    assert "CSRF" not in text and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_locked_out_login_gets_a_swedish_page_saying_when_to_try_again(settings, alice):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME = True, 2, 1
    client, url = Client(), reverse("login")
    for _ in range(2):
        client.post(url, {"username": "alice", "password": "fel"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    text = _page(locked)
    assert "<h1>Inloggningen är spärrad</h1>" in text and "om en timme" in text


def test_the_500_page_renders_without_a_database_or_request_context():
    with translation.override("sv"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = _page(response)
    assert "<h1>Något gick fel</h1>" in text and "Logga in" not in text


def test_the_400_page_is_ours_in_english_too():
    with translation.override("en"):
        response = bad_request(RequestFactory().get("/"), exception=None)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in _page(response)
