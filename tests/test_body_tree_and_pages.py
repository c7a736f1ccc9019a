"""The bodies she reads as a tree, in a fixed number of queries; a secretary creates and
edits a body; the menu offers councils to those who read one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.forms import BodyForm
from councils.models import Body
from plans.models import Organisation, Role
from plans.permissions import MANAGE_COUNCILS, organisations_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

GROUPS = ["Styrgrupp", "Förebyggargrupp", "Kommunteam"]


def _tree_page(user) -> tuple[int, str]:
    client = client_for(user)
    client.get(reverse("councils:body_list"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("councils:body_list"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_groups_are_listed_below_their_council_in_fixed_queries(council, alice, norberg):
    few, _ = _tree_page(alice)
    for name in GROUPS:
        group = Body.objects.create(
            organisation=norberg, parent=council, name=name, kind="arbetsgrupp"
        )
    Body.objects.create(
        organisation=norberg, parent=group, name="Processledare", kind="arbetsgrupp"
    )
    many, text = _tree_page(alice)
    assert few == many
    council_at = text.index("Folkhälsorådet")
    nested = text.index('<ul class="body-tree">', council_at)
    assert council_at < nested < text.index("Förebyggargrupp") < text.index("Styrgrupp")
    assert text.index("Kommunteam") < text.index("Processledare")


def test_the_menu_offers_councils_to_their_readers_only(council, alice, bob, charlie):
    link = 'href="/organ/">Råd och möten</a>'
    assert link in client_for(alice).get("/").content.decode()
    for outsider in (bob, charlie, None):
        assert link not in client_for(outsider).get("/").content.decode()


def test_a_secretary_creates_a_body_in_her_organisation(norberg, alice):
    Role.objects.create(user=alice, organisation=norberg, kind=Role.Kind.SECRETARY)
    data = {
        "name": "Brottsförebyggande rådet",
        "organisation": norberg.pk,
        "kind": "rad",
        "min_meetings_per_year": "4",
        "notice_days": "7",
        "record": "protokoll",
        "adjusters_count": "1",
        "distribution_list": "registrator@example.se",
    }
    response = client_for(alice).post(reverse("councils:body_create"), data)
    body = Body.objects.get(name="Brottsförebyggande rådet")
    assert response.status_code == 302 and response["Location"] == f"/organ/{body.pk}/"
    assert body.distribution_addresses == ["registrator@example.se"]


def test_a_body_cannot_be_created_in_another_organisation(norberg, alingsas, diana):
    data = {"name": "Intrång", "organisation": alingsas.pk, "kind": "rad", "record": "protokoll"}
    response = client_for(diana).post(reverse("councils:body_create"), data)
    assert response.status_code == 400
    assert not Body.objects.filter(name="Intrång").exists()


def test_a_body_cannot_be_placed_below_its_own_group(council, diana, norberg):
    group = Body.objects.create(
        organisation=norberg, parent=council, name="Styrgrupp", kind="arbetsgrupp"
    )
    url = reverse("councils:body_edit", args=[council.pk])
    page = client_for(diana).get(url).content.decode()
    assert f'<option value="{group.pk}"' not in page
    data = {
        "loaded_version": council.version,
        "name": council.name,
        "organisation": norberg.pk,
        "kind": "rad",
        "parent": group.pk,
        "min_meetings_per_year": "4",
        "notice_days": "7",
        "record": "protokoll",
        "adjusters_count": "1",
    }
    assert client_for(diana).post(url, data).status_code == 400
    council.refresh_from_db()
    assert council.parent_id is None


def test_the_body_page_shows_rules_seats_meetings_and_groups(meeting, alice, norberg):
    Body.objects.create(
        organisation=norberg, parent=meeting.body, name="Styrgrupp", kind="arbetsgrupp"
    )
    url = reverse("councils:body_detail", args=[meeting.body_id])
    text = client_for(alice).get(url, {"datum": "2025-03-12", "ar": "2025"}).content.decode()
    assert "Minsta antal möten per år" in text and "Eva Ordförande" in text
    assert reverse("councils:meeting_detail", args=[meeting.pk]) in text
    assert "färre än organets minsta antal (4)" in text
    assert "Styrgrupp" in text
    assert reverse("councils:body_edit", args=[meeting.body_id]) not in text  # alice reads


def test_a_body_is_offered_the_organisations_she_manages_walking_only_those(
    norberg, library, alingsas, alice
):
    Role.objects.create(user=alice, organisation=library, kind=Role.Kind.SECRETARY)
    for n in range(3):  # not hers: neither offered nor visited
        alingsas.children.create(name=f"Alingsås enhet {n}")
    offered = BodyForm(user=alice).fields["organisation"].queryset
    assert [o.path for o in offered] == ["Norbergs kommun › Biblioteket"]
    managed = organisations_for(alice, MANAGE_COUNCILS)
    whole_walk = Organisation.objects.with_paths().filter(pk__in=managed).order_by("name")
    assert [(o.pk, o.tree_names) for o in offered] == [(o.pk, o.tree_names) for o in whole_walk]
    # The walk starts from the library: the library and Norberg above it, of six organisations.
    assert offered.query.rank_table_query.count() == 2
