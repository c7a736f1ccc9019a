"""The REST API counts requests per key (or session user) and per address; beyond the limit it
answers 429 in Swedish with Retry-After, and another key or address is not held back."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from folkhalsa.api import token_create
from tests.test_api_plans import api

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _low_limits(settings):
    from rest_framework.settings import api_settings

    rates = {"anon": "3/min", "user": "4/min"}
    original = api_settings.DEFAULT_THROTTLE_RATES
    api_settings.DEFAULT_THROTTLE_RATES = rates
    from rest_framework import throttling

    saved = throttling.SimpleRateThrottle.THROTTLE_RATES
    throttling.SimpleRateThrottle.THROTTLE_RATES = rates
    cache.clear()
    yield
    throttling.SimpleRateThrottle.THROTTLE_RATES = saved
    api_settings.DEFAULT_THROTTLE_RATES = original
    cache.clear()


def test_each_key_has_its_own_count(alice):
    first, second = token_create(user=alice, name="Ett")[1], token_create(user=alice, name="Två")[1]
    url = reverse("api:plan-list")
    answers = [api(token=first).get(url).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    refused = api(token=first).get(url)
    assert refused.json()["detail"].startswith("Förfrågan stoppades")
    assert int(refused["Retry-After"]) > 0
    assert api(token=second).get(url).status_code == 200


def test_anonymous_callers_are_counted_per_address(adopted_plan):
    url = reverse("api:plan-list")
    here = [api().get(url, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert here == [200, 200, 200, 429]
    assert api().get(url, REMOTE_ADDR="10.0.0.2").status_code == 200
