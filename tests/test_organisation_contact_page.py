"""Each organisation's contact and privacy page (organisationer/<id>/kontakt/): the texts its
administrator writes in the admin, kept in the organisation's history, or a Swedish default
where a text is empty, so the page is never empty."""

import pytest
from django.urls import reverse

from plans.models import Organisation
from tests.conftest import client_for
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db


def _contact_page(organisation, user=None) -> str:
    response = client_for(user).get(reverse("organisation_contact", args=[organisation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_without_texts_the_page_says_whom_to_ask_in_general_terms(norberg, adopted_plan):
    page = _contact_page(norberg)
    assert "<h1>Kontakt och personuppgifter</h1>" in page
    assert "Norbergs kommun har inte skrivit några kontaktuppgifter här än." in page
    assert (
        "Norbergs kommun är personuppgiftsansvarig för det organisationen publicerar här." in page
    )
    assert "Inga kakor används för statistik eller marknadsföring." in page


def test_the_organisations_own_texts_are_shown_as_written(norberg, adopted_plan):
    Organisation.objects.filter(pk=norberg.pk).update(
        contact_text="Kommunhuset, Norberg\nfolkhalsa@norberg.se",
        privacy_text="Dataskyddsombud: dso@norberg.se <b>",
    )
    page = _contact_page(norberg)
    assert "Kommunhuset, Norberg<br>folkhalsa@norberg.se" in page
    assert "dso@norberg.se &lt;b&gt;" in page  # escaped, as all text is
    assert "har inte skrivit några kontaktuppgifter" not in page
    assert "är personuppgiftsansvarig för det organisationen" not in page


def test_the_organisation_page_links_to_it(norberg, adopted_plan):
    page = client_for(None).get(reverse("organisation", args=[norberg.pk])).content.decode()
    assert f'href="{reverse("organisation_contact", args=[norberg.pk])}"' in page


def test_its_administrator_writes_the_texts_in_the_admin_and_history_keeps_them(
    norberg, diana, adopted_plan
):
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    client = client_for(diana)
    form = page_form(client.get(url))
    assert {"contact_text", "privacy_text"} <= set(form.text_fields)
    response = client.post(
        url,
        form.data(contact_text="Ring växeln: 0223-290 00.", privacy_text="Vi sparar inget."),
    )
    assert response.status_code == 302
    page = _contact_page(norberg)
    assert "Ring växeln: 0223-290 00." in page and "Vi sparar inget." in page
    latest = norberg.history.order_by("-history_id").first()
    assert latest.contact_text == "Ring växeln: 0223-290 00."
    assert latest.privacy_text == "Vi sparar inget." and latest.history_user == diana


def test_a_text_over_the_limit_is_refused_in_the_admin(norberg, diana):
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    client = client_for(diana)
    form = page_form(client.get(url))
    response = client.post(url, form.data(contact_text="x" * 20_001))
    assert response.status_code == 200
    assert Organisation.objects.get(pk=norberg.pk).contact_text == ""
