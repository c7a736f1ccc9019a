"""One rule for text: no line breaks in single-line fields, long texts bounded, dates 1900–2100."""

import html

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from councils.models import Body, Meeting
from folkhalsa.validators import validate_date_in_range, validate_long_text, validate_single_line
from plans.models import Measure, Plan
from tests.conftest import client_for
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db

OUR_APPS = ("plans", "councils", "reports")
SINGLE_LINE = "Får inte innehålla radbrytningar eller styrtecken."
HOSTILE_TITLE = "Plan\r\nBcc: alla@example.se"


def _our_fields(kind: type[models.Field]) -> list[tuple[str, models.Field]]:
    return [
        (f"{model._meta.label}.{field.name}", field)
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")  # simple_history's copies
        for field in model._meta.concrete_fields
        if isinstance(field, kind)
    ]


def test_every_single_line_field_of_ours_refuses_line_breaks():
    fields = _our_fields(models.CharField)
    assert len(fields) > 40
    assert [name for name, f in fields if validate_single_line not in f.validators] == []


def test_every_long_text_of_ours_has_a_maximum():
    fields = _our_fields(models.TextField)
    assert [name for name, f in fields if validate_long_text not in f.validators] == []


def test_every_date_people_type_is_within_1900_and_2100():
    fields = _our_fields(models.DateField)  # DateTimeField is a DateField
    typed = [(name, f) for name, f in fields if f.editable]
    assert [name for name, f in typed if validate_date_in_range not in f.validators] == []


def _post_form(client, url: str, **changes: str):
    form = page_form(client.get(url))
    return client.post(url, form.data(**changes))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_line_break_in_a_plan_title_is_refused_on_the_site(alice, draft_plan):
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    response = _post_form(client_for(alice), url, title=HOSTILE_TITLE)
    assert SINGLE_LINE in _text(response)
    assert Plan.objects.get(pk=draft_plan.pk).title == draft_plan.title


def test_a_control_character_in_a_measure_code_is_refused_on_the_site(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    response = _post_form(client_for(alice), url, code="1\tA")
    assert SINGLE_LINE in _text(response)
    assert Measure.objects.get(pk=measure.pk).code == "1A"


def test_a_line_break_in_a_body_name_is_refused_on_the_site(diana, council):
    url = reverse("councils:body_edit", args=[council.pk])
    response = _post_form(client_for(diana), url, name="Rådet\nBcc: alla@example.se")
    assert SINGLE_LINE in _text(response)
    assert Body.objects.get(pk=council.pk).name == "Folkhälsorådet"


def test_a_line_break_in_a_plan_title_is_refused_in_the_admin(alice, draft_plan):
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    response = _post_form(client_for(alice), url, title=HOSTILE_TITLE)
    assert response.status_code == 200 and SINGLE_LINE in _text(response)
    assert Plan.objects.get(pk=draft_plan.pk).title == draft_plan.title


def test_an_over_long_vision_is_refused_with_the_limit_named(alice, draft_plan):
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    response = _post_form(client_for(alice), url, vision="x" * 20_001)
    assert "högst 20 000 tecken" in _text(response)
    assert Plan.objects.get(pk=draft_plan.pk).vision == ""


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_meeting_date_out_of_range_is_refused_on_the_site(diana, meeting, day):
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    response = _post_form(client_for(diana), url, starts_at_0=day)
    assert "Ange ett datum mellan år 1900 och 2100." in _text(response)
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def test_a_meeting_date_out_of_range_is_refused_in_the_admin(diana, meeting):
    url = reverse("admin:councils_meeting_change", args=[meeting.pk])
    response = _post_form(client_for(diana), url, starts_at_0="0001-01-01")
    assert response.status_code == 200
    assert "Ange ett datum mellan år 1900 och 2100." in _text(response)
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
