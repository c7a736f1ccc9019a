"""A stale save of a body is refused with what the other person changed, never an error page
(the body's history once left out a field its model had: what changed reads the history's own
fields, `plans.services.history_fields`)."""

import pytest
from django.urls import reverse

from councils.models import Body
from plans import forms
from plans.services import changes_since, versioned_save
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


def _rename(body: Body, name: str) -> None:
    body.name = name
    versioned_save(instance=body, expected_version=body.version, user=None)


def test_what_changed_in_a_body_names_the_field_and_both_values(council):
    _rename(Body.objects.get(pk=council.pk), "Folkhälsorådet i Norberg")
    changes = changes_since(council, 1)
    assert [(c.old, c.new) for c in changes] == [("Folkhälsorådet", "Folkhälsorådet i Norberg")]


def test_a_stale_save_of_a_body_on_the_site_answers_with_the_conflict(council, diana, monkeypatch):
    url = reverse("councils:body_edit", args=[council.pk])
    client = client_for(diana)
    data = main_form(client.get(url).content.decode()).data(mandate="Samordna folkhälsoarbetet.")
    _rename(Body.objects.get(pk=council.pk), "Folkhälsorådet i Norberg")
    # Let the form's check pass as if the other save came after it: the save itself refuses.
    monkeypatch.setattr(forms.VersionedModelForm, "clean", forms.forms.ModelForm.clean)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Folkhälsorådet i Norberg" in response.content.decode()
    council.refresh_from_db()
    assert (council.name, council.mandate) == ("Folkhälsorådet i Norberg", "")


def test_a_stale_save_of_a_body_with_a_new_seat_in_the_admin_is_refused(council, diana):
    url = reverse("admin:councils_body_change", args=[council.pk])
    client = client_for(diana)
    form = main_form(client.get(url).content.decode())
    _rename(Body.objects.get(pk=council.pk), "Folkhälsorådet i Norberg")
    seat = {
        "seats-TOTAL_FORMS": "1",
        "seats-0-function": "Ledamot",
        "seats-0-organisation": str(council.organisation_id),
        "seats-0-role": "ledamot",
        "seats-0-order": "1",
    }
    response = client.post(url, form.data(**seat), follow=True)
    assert response.status_code == 200
    assert "Folkhälsorådet i Norberg" in response.content.decode()
    council.refresh_from_db()
    assert council.name == "Folkhälsorådet i Norberg" and not council.seats.exists()
