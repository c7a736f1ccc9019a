"""The admin's measure form offers the focus areas and results of the measure's plan only, and
a search for a focus area names each with its plan ("1 Föräldraskapsstöd" is in many plans)."""

import json
import re

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure, Result
from tests.conftest import client_for
from tests.html_forms import page_form, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def twin(adopted_plan) -> FocusArea:
    """A focus area of another plan of Norberg's, numbered and named as the draft plan's."""
    area = FocusArea.objects.create(plan=adopted_plan, number="1", title="Föräldraskapsstöd")
    Result.objects.create(focus_area=area, number=1, title="Fler föräldrar i grupp")
    return area


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no plain choice named {name}"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def test_the_change_form_offers_the_measures_plan_only(measure, twin, alice):
    html = client_for(alice).get(reverse("admin:plans_measure_change", args=[measure.pk]))
    html = html.content.decode()
    assert _options(html, "focus_area") == ["---------", "1 Föräldraskapsstöd"]
    assert _options(html, "result") == ["---------", "1. Fler läser för barnen"]


def test_the_add_form_for_a_plan_offers_that_plans_focus_areas(measure, twin, alice):
    url = reverse("admin:plans_measure_add") + f"?plan={twin.plan_id}"
    html = client_for(alice).get(url).content.decode()
    assert _options(html, "focus_area") == ["---------", "1 Föräldraskapsstöd"]
    assert _options(html, "result") == ["---------", "1. Fler föräldrar i grupp"]
    assert f'value="{twin.pk}"' in html and f'value="{measure.focus_area_id}"' not in html


def test_a_focus_area_found_by_search_is_named_with_its_plan(measure, twin, alice):
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "plans",
        "model_name": "measure",
        "field_name": "focus_area",
        "term": "Föräldra",
    }
    answer = json.loads(client_for(alice).get(url, params).content)
    texts = sorted(result["text"] for result in answer["results"])
    assert texts == sorted(
        [f"{twin.plan.title}: 1 Föräldraskapsstöd", f"{measure.plan.title}: 1 Föräldraskapsstöd"]
    )


def test_a_focus_area_of_another_plan_is_refused_and_nothing_is_written(measure, twin, alice):
    url = reverse("admin:plans_measure_add") + f"?plan={measure.plan_id}"
    client = client_for(alice)
    form = page_form(client.get(url))
    data = form.data(
        plan=str(measure.plan_id),
        focus_area=str(twin.pk),
        title="Föräldraträffar",
        code="1B",
        **{"responsibilities-TOTAL_FORMS": "0"},
    )
    before = snapshot()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert snapshot() == before
    assert not Measure.objects.filter(title="Föräldraträffar").exists()


def test_an_organisation_search_lists_her_own_first(measure, library, alice):
    """Norberg's strategist searching "Bibliotek" for a partner gets Norberg's library before
    another municipality's, whatever the alphabet says."""
    from plans.models import Organisation

    elsewhere = Organisation.objects.create(name="Alingsås kommun", kind="kommun")
    Organisation.objects.create(name="Bibliotek A", parent=elsewhere, kind="enhet")
    params = {
        "app_label": "plans",
        "model_name": "responsibility",
        "field_name": "organisation",
        "term": "Bibliotek",
    }
    answer = json.loads(client_for(alice).get(reverse("admin:autocomplete"), params).content)
    ids = [int(result["id"]) for result in answer["results"]]
    assert len(ids) == 2
    assert ids[0] == library.pk
