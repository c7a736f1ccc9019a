"""Every admin page answers for a superuser, on the real demo data, in Swedish."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_every_admin_changelist_add_and_change_page_answers_200(superuser, demo):
    client = client_for(superuser)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"{name}_changelist"), {"q": "folkhälsa"}).status_code == 200
        if model_admin.has_add_permission(_request(superuser)):
            assert client.get(reverse(f"{name}_add")).status_code == 200, name
        obj = model.objects.order_by("pk").last()
        if obj is not None:
            for view in ("change", "history"):
                response = client.get(reverse(f"{name}_{view}", args=[obj.pk]))
                assert response.status_code == 200, (name, view)


def test_admin_speaks_swedish(superuser):
    response = client_for(superuser).get(reverse("admin:index"))
    text = response.content.decode()
    assert "Planer och aktörer" in text and "Insatser" in text and "Logga ut" in text


def test_budget_change_page_shows_the_funder_columns_and_totals(superuser, demo):
    from plans.models import Budget

    budget = Budget.objects.get(plan__owner__name="Alingsås kommun")
    text = client_for(superuser).get(reverse("admin:plans_budget_change", args=[budget.pk]))
    body = text.content.decode()
    assert "Alingsås kommun" in body and "1 050 000 kr" in body


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_pages_stay_swedish_for_a_browser_that_asks_for_english(adopted_plan):
    adopted_plan.revised_on = "2019-04-11"
    adopted_plan.save()
    page = client_for(None).get(
        reverse("plans:plan_detail", args=[adopted_plan.pk]), HTTP_ACCEPT_LANGUAGE="en-US,en"
    )
    assert "11 april 2019" in page.content.decode()


def test_a_user_who_chooses_english_gets_english(adopted_plan, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("plans:plan_detail", args=[adopted_plan.pk])).content.decode()
    assert '<html lang="en">' in page and "Focus areas and measures" in page
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    page = client.get(reverse("plans:plan_detail", args=[adopted_plan.pk])).content.decode()
    assert '<html lang="sv">' in page and "Fokusområden och insatser" in page


def test_the_english_catalogue_translates_every_string_and_is_compiled():
    from pathlib import Path

    import polib

    locale = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
    catalogue = polib.pofile(str(locale / "django.po"))
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []
    compiled = polib.mofile(str(locale / "django.mo"))
    source = {e.msgid: e.msgstr for e in catalogue if not e.msgid_plural}
    built = {e.msgid: e.msgstr for e in compiled if e.msgid and not e.msgid_plural}
    assert built == source, "run: manage.py compilemessages -l en"


def test_a_row_count_typed_by_hand_is_refused_without_building_thousands_of_forms(
    superuser, meeting, monkeypatch
):
    """An inline builds one form per row the browser says it sends (a seat's holders here):
    a count of a million is refused with Django's Swedish message, after at most 300 forms."""
    from django.forms import BaseFormSet

    from tests.html_forms import page_form, snapshot

    url = reverse("admin:councils_seat_change", args=[meeting.body.seats.get().pk])
    client = client_for(superuser)
    form = page_form(client.get(url))
    counts = [name for name, _ in form.fields if name.endswith("-TOTAL_FORMS")]
    assert counts, "the seat's page has an inline"
    built = []
    construct = BaseFormSet._construct_form
    monkeypatch.setattr(
        BaseFormSet,
        "_construct_form",
        lambda self, i, **kwargs: built.append(i) or construct(self, i, **kwargs),
    )
    before = snapshot()

    response = client.post(url, form.data(**dict.fromkeys(counts, "1000000")))

    assert response.status_code == 200
    assert "Skicka som mest 300 formulär." in response.content.decode()
    assert len(built) <= 300 * len(counts)
    assert snapshot() == before
