"""The indicator list comes a page at a time, in the same number of queries for 3 and 30
indicators, whoever reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea
from reports.models import Indicator, Source
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _indicators(count: int, owner, focus_area) -> None:
    for n in range(Indicator.objects.count(), count):
        indicator = Indicator.objects.create(
            owner=owner, name=f"Indikator {n:02}", source=Source.MANUAL
        )
        indicator.focus_areas.add(focus_area)


def _list(user, **params) -> tuple[int, str]:
    client = client_for(user)
    client.get(reverse("reports:indicator_list"), params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:indicator_list"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("who", [None, "alice", "charlie", "superuser"])
def test_the_indicator_list_asks_the_same_queries_for_3_and_30(
    who, norberg, adopted_plan, request, monkeypatch
):
    monkeypatch.setattr("reports.views.INDICATORS_PER_PAGE", 10)
    user = request.getfixturevalue(who) if who else None
    area = FocusArea.objects.create(plan=adopted_plan, title="Fokus")
    _indicators(3, norberg, area)
    few, _ = _list(user)
    _indicators(30, norberg, area)
    many, text = _list(user)
    assert many == few
    assert "Sida 1 av 3" in text and 'aria-label="Sidor med indikatorer"' in text
    _, second = _list(user, sida=2)
    assert "Indikator 10" in second and "Indikator 09" not in second
