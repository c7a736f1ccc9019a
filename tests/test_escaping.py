"""Text users type is shown as text, never run as markup."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def test_measure_titled_with_a_script_tag_shows_as_text(alice, measure):
    measure.title = SCRIPT
    measure.save()
    client = client_for(alice)
    for url in (
        reverse("plans:plan_detail", args=[measure.plan_id]),
        reverse("plans:plan_history", args=[measure.plan_id]),
        reverse("admin:plans_measure_changelist"),
        reverse("admin:plans_measure_change", args=[measure.pk]),
        reverse("admin:plans_measure_history", args=[measure.pk]),
    ):
        text = client.get(url).content.decode()
        assert SCRIPT not in text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url


def test_pages_carry_a_content_security_policy(alice, measure):
    response = client_for(alice).get(reverse("plans:plan_detail", args=[measure.plan_id]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
