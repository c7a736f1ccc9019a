"""Input that used to answer 500 answers with a Swedish message and writes nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from plans.models import Measure, Organisation, Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_nul_character_in_a_search_or_filter_answers_400_in_swedish(alice):
    client = client_for(alice)
    for url in (
        reverse("admin:plans_plan_changelist") + "?q=a%00b",
        reverse("admin:plans_plan_changelist") + "?status=%00",
        reverse("plans:home") + "?q=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Felaktig begäran" in response.content.decode()


def test_nul_character_in_a_form_answers_400_and_writes_nothing(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    response = client_for(alice).post(url, {"title": "a\x00b", "loaded_version": measure.version})
    assert response.status_code == 400
    assert Measure.objects.get(pk=measure.pk).title == measure.title


@pytest.mark.parametrize("value", ["abc", "9" * 25, "-1", "١"])
def test_an_id_that_cannot_be_an_id_is_a_form_error(alice, measure, value):
    url = reverse("admin:plans_measure_add")
    form = {"plan": value, "focus_area": value, "title": "Ny insats", "order": 0}
    response = client_for(alice).post(url, form)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Measure.objects.filter(title="Ny insats").exists()


def test_arabic_indic_digits_are_refused_as_a_year_and_a_municipality_code(
    alice, diana, draft_plan, norberg
):
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    form = {
        "title": draft_plan.title,
        "kind": draft_plan.kind,
        "start_year": "٢٠٢٥",
        "end_year": "2026",
        "status": draft_plan.status,
        "loaded_version": draft_plan.version,
    }
    response = client_for(alice).post(url, form)
    assert response.status_code == 400
    assert "siffrorna 0–9" in response.content.decode()
    assert Plan.objects.get(pk=draft_plan.pk).version == draft_plan.version
    organisation_url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    response = client_for(diana).post(
        organisation_url,
        {"name": norberg.name, "kind": norberg.kind, "municipality_code": "١٩٦٢"},
    )
    assert response.status_code == 200
    assert "Kommunkoden är fyra siffror" in response.content.decode()
    assert Organisation.objects.get(pk=norberg.pk).municipality_code == "1962"


def test_view_on_site_shortcut_reveals_nothing_of_another_organisations_draft(charlie, draft_plan):
    content_type = ContentType.objects.get_for_model(Plan)
    url = reverse("admin:view_on_site", args=[content_type.pk, draft_plan.pk])
    response = client_for(charlie).get(url)
    assert response.status_code == 404
    assert draft_plan.title not in response.content.decode()


def test_list_filter_with_a_number_no_id_can_have_answers_400(alice):
    for query in ("?owner=99999999999999999999999", "?id__in=1,-99999999999999999999999"):
        response = client_for(alice).get(reverse("admin:plans_plan_changelist") + query)
        assert response.status_code == 400, query


def test_old_version_that_is_not_an_id_answers_404(alice, draft_plan):
    url = reverse("admin:plans_plan_changelist") + f"{draft_plan.pk}/history/abc/"
    assert client_for(alice).get(url).status_code == 404
