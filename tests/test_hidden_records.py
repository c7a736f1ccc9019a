"""Nothing of a record a user may not read reaches her: not through a parent link, a filter,
a tag list, an autocomplete or a history page."""

import pytest
from django.urls import reverse

from plans.models import Organisation, Plan, Tag
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def alingsas_draft(alingsas) -> Plan:
    return Plan.objects.create(
        owner=alingsas,
        kind=Plan.Kind.STRATEGY,
        title="Hemlig strategi (utkast)",
        start_year=2025,
        end_year=2030,
    )


def test_published_plan_does_not_show_its_draft_parent(adopted_plan, alingsas_draft, alice):
    adopted_plan.parent = alingsas_draft
    adopted_plan.save()
    url = reverse("plans:plan_detail", args=[adopted_plan.pk])
    for user in (None, alice):
        text = client_for(user).get(url).content.decode()
        assert adopted_plan.title in text and alingsas_draft.title not in text
    page = client_for(alice).get(reverse("admin:plans_plan_change", args=[adopted_plan.pk]))
    assert alingsas_draft.title not in page.content.decode()


def test_published_parent_is_shown_and_linked(adopted_plan, draft_plan):
    draft_plan.parent = adopted_plan
    draft_plan.status = Plan.Status.ADOPTED
    draft_plan.save()
    text = client_for(None).get(reverse("plans:plan_detail", args=[draft_plan.pk])).content.decode()
    assert reverse("plans:plan_detail", args=[adopted_plan.pk]) in text


def test_filters_through_relations_the_page_does_not_offer_are_refused(charlie, alingsas_draft):
    unit = Organisation.objects.create(name="Hemlig enhet", parent=alingsas_draft.owner)
    Plan.objects.filter(pk=alingsas_draft.pk).update(owner=unit)
    outsider = client_for(charlie)
    for url in (
        reverse("admin:plans_organisation_changelist") + "?plans__isnull=False",
        reverse("admin:plans_organisation_changelist") + f"?plans={alingsas_draft.pk}",
        reverse("admin:plans_targetarea_changelist") + f"?plan={alingsas_draft.pk}",
    ):
        assert outsider.get(url).status_code == 400, url


def test_tag_used_only_on_another_organisations_draft_is_hidden(charlie, alice, measure):
    secret = Tag.objects.create(name="Hemlig satsning")
    Tag.objects.create(name="Oanvänd etikett")
    measure.tags.add(secret)
    listing = client_for(charlie).get(reverse("admin:plans_tag_changelist")).content.decode()
    assert "Hemlig satsning" not in listing and "Oanvänd etikett" in listing
    assert (
        "Hemlig satsning"
        in client_for(alice).get(reverse("admin:plans_tag_changelist")).content.decode()
    )
    complete = client_for(charlie).get(
        reverse("admin:autocomplete"),
        {"app_label": "plans", "model_name": "measure", "field_name": "tags", "term": "Hemlig"},
    )
    assert "Hemlig satsning" not in complete.content.decode()


def test_organisation_history_is_for_its_members(charlie, alice, norberg):
    url = reverse("admin:plans_organisation_history", args=[norberg.pk])
    assert client_for(charlie).get(url).status_code == 403
    assert client_for(alice).get(url).status_code == 200


def test_tag_history_names_nobody_to_organisations(alice, superuser, measure):
    tag = Tag.objects.create(name="Färdplan 2035")
    measure.tags.add(tag)
    url = reverse("admin:plans_tag_history", args=[tag.pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(superuser).get(url).status_code == 200


def test_tag_filter_and_tag_choices_hide_another_organisations_draft_tags(charlie, measure):
    secret = Tag.objects.create(name="Hemlig satsning")
    measure.tags.add(secret)
    client = client_for(charlie)
    listing = client.get(reverse("admin:plans_measure_changelist")).content.decode()
    assert "Hemlig satsning" not in listing
    add = client.get(reverse("admin:plans_measure_add") + f"?tags={secret.pk}").content.decode()
    assert "Hemlig satsning" not in add
