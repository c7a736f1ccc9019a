"""The plan's PDF is typeset once per content: repeated requests are served from the stored
document (folkhalsa/documents.py), and any change to what it shows typesets it again."""

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure, Plan
from plans.services import versioned_save
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _get_pdf(plan: Plan) -> bytes:
    response = client_for(None).get(reverse("reports:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_anonymous_requests_for_the_same_plan_typeset_it_once(adopted_plan, typesettings):
    first = _get_pdf(adopted_plan)
    assert _get_pdf(adopted_plan) == first and _get_pdf(adopted_plan) == first
    assert len(typesettings) == 1


def test_editing_the_plan_typesets_it_again(adopted_plan, alice, typesettings):
    _get_pdf(adopted_plan)
    adopted_plan.title = "Strategi för folkhälsa 2022–2026, reviderad"
    versioned_save(instance=adopted_plan, expected_version=adopted_plan.version, user=alice)
    _get_pdf(adopted_plan)
    assert len(typesettings) == 2 and "reviderad" in typesettings[1]
    _get_pdf(adopted_plan)
    assert len(typesettings) == 2


def test_editing_a_measure_of_the_plan_typesets_it_again(adopted_plan, alice, typesettings):
    area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Trygghet")
    measure = Measure.objects.create(
        plan=adopted_plan, focus_area=area, code="1A", title="Nattvandring"
    )
    _get_pdf(adopted_plan)
    measure.title = "Nattvandring med föräldrar"
    versioned_save(instance=measure, expected_version=measure.version, user=alice)
    _get_pdf(adopted_plan)
    assert len(typesettings) == 2
