"""The measure form reads a fixed number of queries, whatever the size of its plan."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Measure, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _queries(user: User, measure: Measure) -> int:
    client = client_for(user)
    url = reverse("plans:measure_edit", args=[measure.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert f"{measure.code}" in response.content.decode()
    return len(captured)


def test_measure_form_query_count_does_not_grow_with_the_plan(demo, superuser, measure):
    norrbotten = Plan.objects.get(title__startswith="Region Norrbottens")
    large = Measure.objects.filter(plan=norrbotten).order_by("pk").last()
    assert norrbotten.measures.count() == 100 and measure.plan.measures.count() == 1
    assert _queries(superuser, measure) == _queries(superuser, large)
