"""The plan editor: the plan's tree on one page, where a strategist adds focus areas, results
and measures, and moves them among their siblings or under another focus area. Every action
posts a form and comes back to the item; a refusal says why in Swedish and writes nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import FocusArea, Measure, Result
from tests.conftest import client_for
from tests.html_forms import form_with, main_form, snapshot

pytestmark = pytest.mark.django_db


def _url(plan) -> str:
    return reverse("plans:plan_editor", args=[plan.pk])


def _post(client, plan, **data):
    return client.post(_url(plan), data)


def _step_data(client, plan, reference: str, steg: str, **changes) -> dict:
    """Return what her ↑ (steg="upp") or ↓ ("ned") beside the item posts, as her page shows
    it now: the item and the neighbour it passes, with their versions."""
    page = client.get(_url(plan)).content.decode()
    form = form_with(page, atgard="steg", post=reference)
    assert form is not None, f"no ↑/↓ beside {reference}"
    return form.data(steg=steg, **changes)


def _step(client, plan, reference: str, steg: str, **changes):
    return client.post(_url(plan), _step_data(client, plan, reference, steg, **changes))


def _refused(client, plan, text: str, data: dict | None = None, **fields) -> None:
    """Post and check the page shows the message and nothing was written."""
    before = snapshot()
    response = client.post(_url(plan), data) if data is not None else _post(client, plan, **fields)
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
    assert reverse("plans:measure_edit", args=[measure.pk]) in page  # its full form


def _queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(plan)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_plan(alice, draft_plan, adopted_plan):
    """The same queries for 10 measures as for 2,000, the size of a national plan."""
    _fill(draft_plan, 10)
    _fill(adopted_plan, 2000)
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
    client = client_for(bob)
    before = snapshot()
    response = _post(client, draft_plan, atgard="fokusomrade", **{"fokusomrade-title": "Nytt"})
    assert response.status_code == 403
    assert snapshot() == before


# --- Adding ---------------------------------------------------------------------------------


def test_a_focus_area_under_another_takes_the_next_number(alice, draft_plan, focus_area):
    FocusArea.objects.create(plan=draft_plan, parent=focus_area, number="1", title="Förskolan")
    response = _post(
        client_for(alice),
        draft_plan,
        atgard="fokusomrade",
        **{"fokusomrade-title": "Skolan", "fokusomrade-parent": focus_area.pk},
    )
    area = FocusArea.objects.get(title="Skolan")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#fokusomrade-{area.pk}")
    assert (area.parent, area.number, area.version) == (focus_area, "2", 1)
    assert _history_user(area) == alice


def test_a_focus_area_number_taken_at_its_level_is_refused(alice, draft_plan, focus_area):
    _refused(
        client_for(alice),
        draft_plan,
        "Det finns redan ett fokusområde med numret 1 på den nivån.",
        atgard="fokusomrade",
        **{"fokusomrade-title": "Annat", "fokusomrade-number": "1"},
    )


def test_a_result_takes_the_next_number(alice, draft_plan, result):
    response = _post(
        client_for(alice),
        draft_plan,
        atgard="resultat",
        **{"resultat-title": "Fler rör sig", "resultat-focus_area": result.focus_area_id},
    )
    new = Result.objects.get(title="Fler rör sig")
    assert response["Location"].endswith(f"#resultat-{new.pk}")
    assert new.number == 2
    assert _history_user(new) == alice


def test_a_measure_takes_the_next_free_code(alice, draft_plan, measure):
    response = _post(
        client_for(alice),
        draft_plan,
        atgard="insats",
        **{"insats-title": "Läsombud", "insats-focus_area": measure.focus_area_id},
    )
    new = Measure.objects.get(title="Läsombud")
    assert response["Location"].endswith(f"#insats-{new.pk}")
    assert (new.code, new.plan, new.result) == ("1B", draft_plan, None)
    assert _history_user(new) == alice


def test_a_measure_code_taken_in_the_plan_is_refused(alice, draft_plan, measure):
    _refused(
        client_for(alice),
        draft_plan,
        "Det finns redan en insats med den koden i planen.",
        atgard="insats",
        **{
            "insats-title": "Dubblett",
            "insats-code": "1A",
            "insats-focus_area": measure.focus_area_id,
        },
    )


def test_a_measure_under_another_areas_result_is_refused(alice, draft_plan, result):
    other = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    _refused(
        client_for(alice),
        draft_plan,
        "Resultatet hör till ett annat fokusområde än insatsen.",
        atgard="insats",
        **{"insats-title": "Fel", "insats-focus_area": other.pk, "insats-result": result.pk},
    )


def test_another_plans_focus_area_is_no_choice(alice, draft_plan, adopted_plan, focus_area):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="9", title="Annan plan")
    _refused(
        client_for(alice),
        draft_plan,
        "Välj ett giltigt alternativ",
        atgard="insats",
        **{"insats-title": "Fel", "insats-focus_area": elsewhere.pk},
    )


# --- Moving ---------------------------------------------------------------------------------


def _measures(area, n: int) -> list[Measure]:
    return [
        Measure.objects.create(plan=area.plan, focus_area=area, code=f"1{c}", title=c)
        for c in "ABCD"[:n]
    ]


def _codes(area) -> list[str]:
    return list(area.measures.order_by("order", "code", "pk").values_list("code", flat=True))


def test_moving_a_measure_up_keeps_the_others_in_order(alice, draft_plan, focus_area):
    a, b, c, d = _measures(focus_area, 4)
    response = _step(client_for(alice), draft_plan, f"insats-{c.pk}", "upp")
    assert response["Location"].endswith(f"#insats-{c.pk}")
    assert _codes(focus_area) == ["1A", "1C", "1B", "1D"]
    c.refresh_from_db()
    assert _history_user(c) == alice
    assert c.code == "1C"


def test_moving_a_focus_area_down(alice, draft_plan, focus_area):
    second = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    _step(client_for(alice), draft_plan, f"fokusomrade-{focus_area.pk}", "ned")
    assert [a.pk for a in FocusArea.objects.of_plan(draft_plan.pk)] == [second.pk, focus_area.pk]


def test_a_stale_move_is_refused_naming_the_change(alice, diana, draft_plan, focus_area):
    a, b = _measures(focus_area, 2)
    b.title = "Ändrad av Diana"
    b.version = 2
    b._history_user = diana
    b.save()
    client = client_for(alice)
    data = _step_data(client, draft_plan, f"insats-{b.pk}", "upp", version="1")
    _refused(client, draft_plan, "Ändrad av Diana", data)


def test_a_step_past_a_neighbour_her_page_did_not_show_is_refused(
    alice, diana, draft_plan, focus_area
):
    """Her page shows 1A, 1B, 1C; meanwhile Diana moved 1C above 1B. Alice's ↓ beside 1A would
    now pass 1C, not 1B, and undo Diana's step: refused, naming Diana's change."""
    a, b, c = _measures(focus_area, 3)
    client = client_for(alice)
    stale = _step_data(client, draft_plan, f"insats-{b.pk}", "upp")
    assert _step(client_for(diana), draft_plan, f"insats-{c.pk}", "upp").status_code == 302
    assert _codes(focus_area) == ["1A", "1C", "1B"]
    stale_down = _step_data(client, draft_plan, f"insats-{a.pk}", "ned")
    stale_down.update(nedan=[f"insats-{b.pk}"], nedan_version=["1"])  # as her old page had it
    _refused(client, draft_plan, "diana ändrade ordning", stale_down)
    _refused(client, draft_plan, "diana ändrade ordning", stale)  # 1B itself moved down
    # Once she reloads, her page shows the order Diana left, and her step passes 1A.
    assert _step(client, draft_plan, f"insats-{b.pk}", "upp").status_code == 302
    assert _codes(focus_area) == ["1A", "1B", "1C"]


def test_a_step_from_the_top_her_page_showed_is_refused_once_another_is_above(
    alice, diana, draft_plan, focus_area
):
    a, b = _measures(focus_area, 2)
    client = client_for(alice)
    stale = _step_data(client, draft_plan, f"insats-{a.pk}", "upp")  # at the top: no neighbour
    assert "ovan" not in stale
    _step(client_for(diana), draft_plan, f"insats-{b.pk}", "upp")
    _refused(client, draft_plan, "diana ändrade ordning", stale)
    assert _codes(focus_area) == ["1B", "1A"]


def test_moving_a_measure_to_another_focus_area(alice, draft_plan, measure):
    other = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    response = _post(
        client_for(alice),
        draft_plan,
        atgard="flytta",
        post=f"insats-{measure.pk}",
        version=1,
        till=other.pk,
        resultat="",
    )
    assert response["Location"].endswith(f"#insats-{measure.pk}")
    measure.refresh_from_db()
    assert (measure.focus_area, measure.result, measure.code) == (other, None, "1A")
    assert _history_user(measure) == alice


def test_a_focus_area_cannot_move_under_its_own_arena(alice, draft_plan, focus_area):
    arena = FocusArea.objects.create(plan=draft_plan, parent=focus_area, number="1", title="Skola")
    page = client_for(alice).get(_url(draft_plan) + f"?flytta=fokusomrade-{focus_area.pk}")
    move_form = page.content.decode().split('id="flytta"')[1].split("</section>")[0]
    assert "<option" in move_form
    assert f'<option value="{arena.pk}"' not in move_form
    _refused(
        client_for(alice),
        draft_plan,
        "Ett fokusområde kan inte ingå i sig självt.",
        atgard="flytta",
        post=f"fokusomrade-{focus_area.pk}",
        version=1,
        till=arena.pk,
    )


def test_a_result_with_measures_stays(alice, draft_plan, measure):
    other = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    _refused(
        client_for(alice),
        draft_plan,
        "Resultatet har insatser och kan inte flyttas",
        atgard="flytta",
        post=f"resultat-{measure.result_id}",
        version=1,
        till=other.pk,
    )


def test_an_item_of_another_plan_is_refused(alice, draft_plan, adopted_plan, focus_area):
    elsewhere = FocusArea.objects.create(plan=adopted_plan, number="9", title="Annan plan")
    _refused(
        client_for(alice),
        draft_plan,
        "Posten finns inte i planen.",
        atgard="steg",
        post=f"fokusomrade-{elsewhere.pk}",
        version=1,
        steg="upp",
    )
    (own,) = _measures(focus_area, 1)
    _refused(
        client_for(alice),
        draft_plan,
        "Posten bredvid finns inte längre i planen.",
        atgard="steg",
        post=f"insats-{own.pk}",
        version=1,
        steg="ned",
        nedan=f"fokusomrade-{elsewhere.pk}",
        nedan_version=1,
    )


# --- Deleting -------------------------------------------------------------------------------


def test_deleting_a_focus_area_confirms_what_goes_with_it(alice, diana, draft_plan, measure):
    area = measure.focus_area
    client = client_for(alice)
    page = client.get(_url(draft_plan) + f"?ta-bort=fokusomrade-{area.pk}").content.decode()
    assert "1 insats" in page and "1 långsiktigt förväntat resultat" in page
    assert FocusArea.objects.filter(pk=area.pk).exists()  # asking deletes nothing
    response = _post(client, draft_plan, atgard="ta-bort", post=f"fokusomrade-{area.pk}", version=1)
    assert response.status_code == 302
    assert not FocusArea.objects.filter(pk=area.pk).exists()
    assert not Measure.objects.filter(pk=measure.pk).exists()
    gone = Measure.history.filter(id=measure.pk, history_type="-").get()
    assert gone.history_user == alice


def test_deleting_a_measure_goes_back_to_its_focus_area(alice, draft_plan, measure):
    response = _post(
        client_for(alice), draft_plan, atgard="ta-bort", post=f"insats-{measure.pk}", version=1
    )
    assert response["Location"].endswith(f"#fokusomrade-{measure.focus_area_id}")
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_a_stale_delete_is_refused(alice, diana, draft_plan, measure):
    measure.title = "Ändrad av Diana"
    measure.version = 2
    measure._history_user = diana
    measure.save()
    _refused(
        client_for(alice),
        draft_plan,
        "Ändrad av Diana",
        atgard="ta-bort",
        post=f"insats-{measure.pk}",
        version=1,
    )


# --- In place (htmx) --------------------------------------------------------------------------


def _in_place(response) -> tuple[str, str]:
    """Return the main part an answer in place swaps in, and where it puts the keyboard."""
    trigger = json.loads(response.get("HX-Trigger-After-Settle", "{}"))
    main = response.content.decode().split('id="main"')[1]
    return main, trigger.get("fokusera", {}).get("id", "")


HTMX = {"HX-Request": "true"}


def test_a_step_in_place_swaps_the_page_and_keeps_the_focus_on_the_button(
    alice, draft_plan, focus_area
):
    a, b = _measures(focus_area, 2)
    client = client_for(alice)
    page = client.get(_url(draft_plan)).content.decode()
    assert 'hx-target="#main"' in page and f'id="upp-insats-{b.pk}"' in page
    data = _step_data(client, draft_plan, f"insats-{b.pk}", "upp")
    response = client.post(_url(draft_plan), data, headers=HTMX)
    assert response.status_code == 200
    main, focus = _in_place(response)
    assert focus == f"upp-insats-{b.pk}"
    assert main.index(f'id="insats-{b.pk}"') < main.index(f'id="insats-{a.pk}"')
    assert "Insats 1B flyttades." in main  # the message comes along


def test_a_refused_step_in_place_shows_why_and_focuses_it(alice, draft_plan, focus_area):
    (a,) = _measures(focus_area, 1)
    response = client_for(alice).post(
        _url(draft_plan),
        {"atgard": "steg", "post": f"insats-{a.pk}", "version": 7, "steg": "upp"},
        headers=HTMX,
    )
    assert response.status_code == 400  # static/js/plan.js swaps a 400 in as well
    main, focus = _in_place(response)
    assert "Någon annan har sparat" in main and focus == "fel"


def test_adding_in_place_lands_on_the_new_measure(alice, draft_plan, focus_area):
    client = client_for(alice)
    response = client.post(
        _url(draft_plan),
        {
            "atgard": "insats",
            "insats-title": "Läsfrämjande",
            "insats-code": "",
            "insats-focus_area": focus_area.pk,
            "insats-result": "",
        },
        headers=HTMX,
    )
    added = Measure.objects.get(title="Läsfrämjande")
    main, focus = _in_place(response)
    assert (response.status_code, focus) == (200, f"insats-{added.pk}")
    assert response["HX-Push-Url"] == _url(draft_plan)
    refused = client.post(
        _url(draft_plan),
        {"atgard": "insats", "insats-title": "", "insats-focus_area": focus_area.pk},
        headers=HTMX,
    )
    assert (refused.status_code, _in_place(refused)[1]) == (400, "insats-fel")


def test_opening_a_move_or_delete_in_place_lands_on_its_heading(alice, draft_plan, measure):
    client = client_for(alice)
    for query, heading in [
        (f"?flytta=insats-{measure.pk}", "flytta-rubrik"),
        (f"?ta-bort=insats-{measure.pk}", "ta-bort-rubrik"),
        (f"?under={measure.focus_area_id}", "ny-rubrik"),
    ]:
        main, focus = _in_place(client.get(_url(draft_plan) + query, headers=HTMX))
        assert focus == heading and f'id="{heading}"' in main


def test_deleting_in_place_lands_on_the_focus_area_it_was_in(alice, draft_plan, measure):
    response = client_for(alice).post(
        _url(draft_plan),
        {"atgard": "ta-bort", "post": f"insats-{measure.pk}", "version": 1},
        headers=HTMX,
    )
    main, focus = _in_place(response)
    assert focus == f"fokusomrade-{measure.focus_area_id}-rubrik"
    assert f'id="insats-{measure.pk}"' not in main


def test_adding_under_a_chosen_area_suggests_its_next_codes(alice, draft_plan, measure):
    second = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    client = client_for(alice)
    page = client.get(_url(draft_plan)).content.decode()
    assert 'name="insats-code" value="1B"' in page  # the first area's next code
    assert 'name="fokusomrade-number" value="3"' in page
    page = client.get(_url(draft_plan) + f"?under={second.pk}").content.decode()
    assert 'name="insats-code" value="2A"' in page
    assert 'name="resultat-number" value="1"' in page
    assert 'name="fokusomrade-number" value="1"' in page  # the first arena under it


@pytest.mark.parametrize(
    "data",
    [
        {"atgard": "steg", "post": "insats-99999999999999999999", "version": 1, "steg": "upp"},
        {"atgard": "steg", "post": "insats-١٢", "version": 1, "steg": "upp"},
        {"atgard": "flytta", "post": "fokusomrade-x", "version": "ett", "till": "-1"},
        {"atgard": "ta-bort", "post": "", "version": ""},
        {"atgard": "okänd"},
    ],
)
def test_hostile_posts_are_refused_and_write_nothing(alice, draft_plan, measure, data):
    client = client_for(alice)
    before = snapshot()
    assert _post(client, draft_plan, **data).status_code == 400
    assert snapshot() == before


def test_a_result_without_measures_moves_with_its_number(alice, draft_plan, result):
    other = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    response = _post(
        client_for(alice),
        draft_plan,
        atgard="flytta",
        post=f"resultat-{result.pk}",
        version=1,
        till=other.pk,
    )
    assert response["Location"].endswith(f"#resultat-{result.pk}")
    result.refresh_from_db()
    assert (result.focus_area, result.number, result.version) == (other, 1, 2)


def test_a_stale_move_to_another_area_is_refused(alice, diana, draft_plan, measure):
    other = FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    measure.code = "1X"
    measure.version = 2
    measure._history_user = diana
    measure.save()
    _refused(
        client_for(alice),
        draft_plan,
        "”1A” → ”1X”",
        atgard="flytta",
        post=f"insats-{measure.pk}",
        version=1,
        till=other.pk,
    )


def test_an_arena_moved_to_the_top_takes_the_next_free_number(alice, draft_plan, focus_area):
    arena = FocusArea.objects.create(plan=draft_plan, parent=focus_area, number="1", title="Skola")
    client = client_for(alice)
    response = _post(
        client, draft_plan, atgard="flytta", post=f"fokusomrade-{arena.pk}", version=1, till=""
    )
    arena.refresh_from_db()
    assert (arena.parent, arena.number) == (None, "2")  # "1" is taken at the top
    assert "Fokusområde 2 Skola flyttades." in client.get(response["Location"]).content.decode()


# --- Editing a focus area or result ---------------------------------------------------------


def _edit_form(client, url: str, **changes) -> dict:
    return main_form(client.get(url).content.decode()).data(**changes)


def test_a_focus_areas_texts_and_coordinator_are_edited_from_the_editor(
    alice, draft_plan, focus_area, library, alingsas
):
    client = client_for(alice)
    editor = client.get(_url(draft_plan)).content.decode()
    url = reverse("plans:focus_area_edit", args=[focus_area.pk])
    assert f'href="{url}"' in editor
    page = client.get(url).content.decode()
    assert f'value="{library.pk}"' in page  # the owner's own organisations
    assert f'value="{alingsas.pk}"' not in page  # never another municipality's
    response = client.post(
        url, _edit_form(client, url, title="Tidiga insatser", coordinator=str(library.pk))
    )
    assert response["Location"].endswith(f"#fokusomrade-{focus_area.pk}")
    focus_area.refresh_from_db()
    assert (focus_area.title, focus_area.coordinator, focus_area.version) == (
        "Tidiga insatser",
        library,
        2,
    )
    assert _history_user(focus_area) == alice
    before = snapshot()
    refused = client.post(url, _edit_form(client, url, coordinator=str(alingsas.pk)))
    assert refused.status_code == 400 and snapshot() == before


def test_a_number_taken_at_the_level_is_refused_when_edited(alice, draft_plan, focus_area, result):
    FocusArea.objects.create(plan=draft_plan, number="2", title="Äldre")
    Result.objects.create(focus_area=focus_area, number=2, title="Fler rör sig")
    client = client_for(alice)
    for url, number, text in [
        (
            reverse("plans:focus_area_edit", args=[focus_area.pk]),
            "2",
            "Det finns redan ett fokusområde med numret 2 på den nivån.",
        ),
        (
            reverse("plans:result_edit", args=[result.pk]),
            "2",
            "Det finns redan ett resultat med numret 2 i fokusområdet.",
        ),
    ]:
        before = snapshot()
        response = client.post(url, _edit_form(client, url, number=number))
        assert response.status_code == 400
        assert text in response.content.decode()
        assert snapshot() == before


def test_a_results_text_is_edited_and_back_at_its_anchor(alice, draft_plan, result):
    client = client_for(alice)
    url = reverse("plans:result_edit", args=[result.pk])
    response = client.post(url, _edit_form(client, url, title="Fler barn läser varje dag"))
    assert response["Location"].endswith(f"#resultat-{result.pk}")
    result.refresh_from_db()
    assert (result.title, result.version) == ("Fler barn läser varje dag", 2)
