"""Tree reads start from the nodes they are given: the same rows, paths and order as a walk of
the whole tree, while the recursion visits only the given subtrees and their ancestors."""

import json

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from councils.models import Body
from plans import permissions
from plans.models import FocusArea, Organisation, Role
from plans.selectors import organisation_paths

pytestmark = pytest.mark.django_db


def _deep_tree() -> dict[str, Organisation]:
    """A region five levels deep whose siblings are created out of name order, beside others."""
    made: dict[str, Organisation] = {}

    def org(name: str, parent: str | None = None) -> Organisation:
        made[name] = Organisation.objects.create(name=name, parent=made.get(parent))
        return made[name]

    org("Region Mitt")
    for name in ("Vård", "Kultur", "Arbete"):  # created Ö–A: the order is the names'
        org(f"{name}förvaltningen", "Region Mitt")
    for name in ("Östra enheten", "Norra enheten", "Centrala enheten"):
        org(name, "Kulturförvaltningen")
    org("Bibliotek", "Norra enheten")
    org("Barnavdelningen", "Bibliotek")
    org("Sagostunden", "Barnavdelningen")
    org("Bokbussen", "Bibliotek")
    org("Vårdhygien", "Vårdförvaltningen")
    for n in range(12):  # the rest of the country: other trees the walk has no business in
        org(f"Kommun {n:02}")
        org(f"Förvaltning {n:02}", f"Kommun {n:02}")
    return made


def _rows(queryset) -> list[tuple]:
    """Return what callers read of each row, in the tree's order."""
    return [(o.pk, o.tree_path, o.tree_depth, o.tree_names) for o in queryset]


def _whole_tree_below(ids: list[int]):
    """The old reading: walk the whole tree, then keep the rows with a given node above."""
    within = Q()
    for pk in ids:
        within |= Q(tree_path__contains=pk)
    return Organisation.objects.with_paths().filter(within)


def _visited(queryset) -> int:
    """Return how many rows the tree recursion walks: those its rank table holds."""
    return queryset.query.rank_table_query.count()


def test_below_gives_the_rows_paths_and_order_of_a_walk_of_the_whole_tree():
    tree = _deep_tree()
    for names in (["Kulturförvaltningen"], ["Bibliotek", "Vårdförvaltningen"], ["Region Mitt"]):
        ids = [tree[name].pk for name in names]
        assert _rows(Organisation.objects.with_paths().below(ids)) == _rows(_whole_tree_below(ids))
    shown = [o.name for o in Organisation.objects.below([tree["Kulturförvaltningen"].pk])]
    assert shown[:3] == ["Kulturförvaltningen", "Centrala enheten", "Norra enheten"]
    assert shown[-1] == "Östra enheten"  # depth first, siblings by name


def test_below_counts_a_node_under_two_given_ones_once():
    tree = _deep_tree()
    ids = [tree["Region Mitt"].pk, tree["Bibliotek"].pk]
    rows = _rows(Organisation.objects.with_paths().below(ids))
    assert rows == _rows(_whole_tree_below(ids))
    assert len(rows) == len({row[0] for row in rows}) == 12


def test_at_gives_the_given_nodes_with_their_paths_from_the_top():
    tree = _deep_tree()
    ids = [tree["Sagostunden"].pk, tree["Förvaltning 03"].pk, tree["Region Mitt"].pk]
    whole = Organisation.objects.with_paths().filter(pk__in=ids)
    assert _rows(Organisation.objects.with_paths().at(ids)) == _rows(whole)
    assert str(Organisation.objects.get(pk=tree["Sagostunden"].pk)) == (
        "Region Mitt › Kulturförvaltningen › Norra enheten › Bibliotek › Barnavdelningen › "
        "Sagostunden"
    )
    assert organisation_paths(ids=[tree["Förvaltning 03"].pk]) == {
        tree["Förvaltning 03"].pk: "Kommun 03 › Förvaltning 03"
    }


def test_no_given_nodes_give_no_rows():
    _deep_tree()
    assert list(Organisation.objects.below([])) == []
    assert list(Organisation.objects.with_paths().at([])) == []


def test_the_recursion_visits_only_the_given_subtrees_and_their_ancestors():
    tree = _deep_tree()
    below_library = Organisation.objects.below([tree["Bibliotek"].pk])
    # Bibliotek, its three below, and the three above it: not the 36 organisations.
    assert Organisation.objects.count() == 36
    assert _visited(below_library) == 7
    assert len(below_library) == 4
    assert _visited(Organisation.objects.with_paths().at([tree["Sagostunden"].pk])) == 6


def test_the_recursion_is_seeded_with_the_given_ids_in_the_sql():
    tree = _deep_tree()
    seed = tree["Norra enheten"].pk
    with CaptureQueriesContext(connection) as captured:
        list(Organisation.objects.below([seed]))
    (query,) = captured.captured_queries
    assert f'WHERE "id" IN ({seed})' in query["sql"]  # where the walk down and up begins
    assert "__down" in query["sql"] and "__up" in query["sql"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_walks_only_the_given_subtree_and_its_ancestors():
    tree = _deep_tree()
    queryset = Organisation.objects.below([tree["Bibliotek"].pk]).values_list("pk", "tree_path")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert _cte_rows(plan[0]["Plan"], "CTE __tree") == 7


def _cte_rows(node: dict, name: str) -> int | None:
    """Return the actual rows of the plan node of the named CTE."""
    if node.get("Subplan Name") == name:
        return node["Actual Rows"]
    for child in node.get("Plans", []):
        if (found := _cte_rows(child, name)) is not None:
            return found
    return None


def test_focus_areas_below_one_stay_in_its_plan_and_its_subtree(draft_plan, adopted_plan):
    tops = [FocusArea.objects.create(plan=draft_plan, number=str(n), title="T") for n in (2, 1)]
    child = FocusArea.objects.create(plan=draft_plan, parent=tops[0], number="1", title="C")
    FocusArea.objects.create(plan=draft_plan, parent=child, number="1", title="G")
    FocusArea.objects.create(plan=adopted_plan, number="1", title="Elsewhere")
    below = FocusArea.objects.of_plan(draft_plan.pk).below([tops[0].pk])
    assert [a.full_number for a in below] == ["2", "2.1", "2.1.1"]
    assert _visited(below) == 3
    numbers = [a.full_number for a in FocusArea.objects.of_plan(draft_plan.pk)]
    assert numbers == ["1", "2", "2.1", "2.1.1"]


def test_bodies_below_a_council_are_its_groups(norberg, alingsas):
    council = Body.objects.create(organisation=norberg, name="Rådet", kind="rad")
    group = Body.objects.create(
        organisation=norberg, name="Grupp", kind="arbetsgrupp", parent=council
    )
    Body.objects.create(organisation=alingsas, name="Annat", kind="rad")
    assert [b.pk for b in Body.objects.below([council.pk])] == [council.pk, group.pk]
    assert _visited(Body.objects.below([group.pk])) == 2


def test_role_scopes_are_those_of_the_whole_walk_in_the_same_queries(alice, norberg, library):
    tree = _deep_tree()
    Role.objects.create(user=alice, organisation=tree["Bibliotek"], kind=Role.Kind.REPORTER)
    Role.objects.create(user=alice, organisation=tree["Region Mitt"], kind=Role.Kind.READER)
    with CaptureQueriesContext(connection) as captured:
        reporter = permissions.organisations_for(alice, {Role.Kind.REPORTER})
        reader = permissions.organisations_for(alice, permissions.READ)
    assert len(captured) == 2  # her roles, then one recursive query for all of them
    library_tree = {o.pk for o in _whole_tree_below([tree["Bibliotek"].pk])}
    assert reporter == library_tree
    everything = _whole_tree_below([tree["Region Mitt"].pk, norberg.pk])
    assert reader == {o.pk for o in everything} and library.pk in reader
