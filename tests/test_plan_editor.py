"""The plan editor: the plan's tree on one page, where a strategist adds focus areas, results
and measures, and moves them among their siblings or under another focus area. Every action
posts a form and comes back to the item; a refusal says why in Swedish and writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea, Measure, Result
from tests.conftest import client_for
from tests.html_forms import snapshot

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("plans:plan_editor", args=[plan.pk])


def _post(client, plan, **data):
    return client.post(_url(plan), data)


def _refused(client, plan, text: str, **data) -> None:
    """Post and check the page shows the message and nothing was written."""
    before = snapshot()
    response = _post(client, plan, **data)
    assert response.status_code == 400
    assert text in response.content.decode()
    assert snapshot() == before


def _history_user(record) -> object:
    return record.history.order_by("history_date", "history_id").last().history_user


# --- The tree shown -----------------------------------------------------------------------


def _fill(plan, measures: int) -> None:
    """Give the plan two areas with an arena below the first, a result and measures."""
    first = FocusArea.objects.create(plan=plan, number="1", title="Barn och unga")
    arena = FocusArea.objects.create(plan=plan, parent=first, number="1", title="Skolan")
    FocusArea.objects.create(plan=plan, number="2", title="Äldre")
    result = Result.objects.create(focus_area=arena, number=1, title="Fler läser")
    Measure.objects.bulk_create(
        Measure(
            plan=plan,
            focus_area=arena,
            result=result if n % 2 else None,
            code=f"1.1{n}",
            title=f"Insats {n}",
        )
        for n in range(measures)
    )


def test_the_tree_in_document_order_with_anchors(alice, draft_plan):
    _fill(draft_plan, 3)
    page = client_for(alice).get(_url(draft_plan)).content.decode()
    arena = FocusArea.objects.get(title="Skolan")
    measure = Measure.objects.get(code="1.11")
    result = Result.objects.get()
    for anchor in (f"fokusomrade-{arena.pk}", f"insats-{measure.pk}", f"resultat-{result.pk}"):
        assert f'id="{anchor}"' in page
    assert page.index("Barn och unga") < page.index("Skolan") < page.index("Äldre")
    assert page.index("Fler läser") < page.index("Insats 1")


def _queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(plan)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_plan(alice, draft_plan, adopted_plan):
    _fill(draft_plan, 10)
    _fill(adopted_plan, 100)
    client = client_for(alice)
    assert _queries(client, draft_plan) == _queries(client, adopted_plan)


# --- Access ---------------------------------------------------------------------------------


def test_who_may_open_the_editor(alice, bob, charlie, diana, draft_plan, measure):
    url = _url(draft_plan)
    assert client_for(alice).get(url).status_code == 200
    assert client_for(diana).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 403  # reads the plan, may not edit it
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_plan_page_links_to_the_editor_for_editors_only(alice, bob, draft_plan, measure):
    page = reverse("plans:plan_detail", args=[draft_plan.pk])
    assert _url(draft_plan) in client_for(alice).get(page).content.decode()
    assert _url(draft_plan) not in client_for(bob).get(page).content.decode()


def test_a_reader_cannot_post(bob, draft_plan, measure):
    before = snapshot()
    response = _post(
        client_for(bob), draft_plan, atgard="fokusomrade", **{"fokusomrade-title": "Nytt"}
    )
    assert response.status_code == 403
    assert snapshot() == before
