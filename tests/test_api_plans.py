"""The REST API's plans and measures: reads as the pages show them, writes through the
workbench's forms and services under the record's version (folkhalsa/api.py, plans/api.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from folkhalsa.api import token_create
from plans.models import FocusArea, Measure, Plan, Responsibility

pytestmark = pytest.mark.django_db


def api(user=None, token: str | None = None) -> Client:
    """A client that speaks JSON: logged in with a key, with the session, or anonymous."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client(headers=headers, enforce_csrf_checks=True)
    if user is not None and token is None:
        client.force_login(user)
    return client


def key_of(user) -> str:
    return token_create(user=user, name="Test")[1]


def measures_url(**query) -> str:
    url = reverse("api:measure-list")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_anonymous_reads_adopted_plans_only(adopted_plan, draft_plan):
    response = api().get(reverse("api:plan-list"))
    assert response.status_code == 200
    titles = [plan["title"] for plan in response.json()["results"]]
    assert titles == [adopted_plan.title]
    assert api().get(reverse("api:plan-detail", args=[draft_plan.pk])).status_code == 404


def test_a_key_reads_as_its_user_and_records_its_last_use(alice, measure):
    key = key_of(alice)
    response = api(token=key).get(measures_url(plan=measure.plan_id))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["code"] == "1A" and row["version"] == 1
    assert row["responsibilities"][0]["organisation_name"] == "Biblioteket"
    assert alice.api_tokens.get().last_used_at is not None


def test_a_wrong_key_is_refused_in_swedish(measure):
    response = api(token="fh_fel").get(measures_url())
    assert response.status_code == 401
    assert response.json() == {"detail": "Ogiltig eller återkallad API-nyckel."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_filters_by_responsible_organisation_with_its_units(alice, measure, norberg, library):
    other = Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="Annan insats"
    )
    Responsibility.objects.create(measure=other, organisation=norberg, role="samverkanspart")
    key = key_of(alice)
    by_library = api(token=key).get(measures_url(organisation=library.pk)).json()["results"]
    assert [m["code"] for m in by_library] == ["1A"]
    by_norberg = api(token=key).get(measures_url(organisation=norberg.pk)).json()["results"]
    assert [m["code"] for m in by_norberg] == ["1A", "1B"]
    by_role = (
        api(token=key)
        .get(measures_url(organisation=norberg.pk, role="samverkanspart"))
        .json()["results"]
    )
    assert [m["code"] for m in by_role] == ["1B"]
    assert api(token=key).get(measures_url(text="läsfrämjande")).json()["count"] == 1


def test_a_stale_write_gets_409_with_the_current_record_and_writes_nothing(alice, measure):
    key = key_of(alice)
    url = reverse("api:measure-detail", args=[measure.pk])
    fresh = api(token=key).patch(
        url, {"title": "Läsfrämjande i förskolan", "version": 1}, content_type="application/json"
    )
    assert fresh.status_code == 200, fresh.json()
    assert fresh.json()["version"] == 2 and fresh.json()["title"] == "Läsfrämjande i förskolan"
    stale = api(token=key).patch(
        url, {"target_year": 2027, "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["version"] == 2 and body["current"]["title"] == "Läsfrämjande i förskolan"
    assert body["detail"] == "Någon annan har sparat posten sedan du läste den."
    measure.refresh_from_db()
    assert measure.target_year is None and measure.version == 2
    assert measure.history.latest().history_user == alice


def test_form_errors_are_json_in_swedish_and_write_nothing(alice, measure):
    url = reverse("api:measure-detail", args=[measure.pk])
    response = api(token=key_of(alice)).patch(
        url, {"start_year": 2027, "end_year": 2025, "version": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Uppgifterna kunde inte sparas."
    assert "Slutåret kan inte vara före startåret." in str(body["fields"])
    measure.refresh_from_db()
    assert measure.version == 1 and measure.start_year is None


def test_hostile_json_gets_field_messages(alice, measure):
    url = reverse("api:measure-detail", args=[measure.pk])
    client = api(token=key_of(alice))
    for payload in (
        {"title": {"$ne": 1}, "version": 1},
        {"tags": "1,2", "version": 1},
        {"focus_area": "x", "version": 1},
        {"plan_id": 99, "version": 1},
        {"title": "Ny"},
        {"title": "Ny", "version": "1; DROP"},
        ["title"],
    ):
        response = client.patch(url, payload, content_type="application/json")
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["detail"]
    measure.refresh_from_db()
    assert measure.version == 1 and measure.title == "Läsfrämjande insatser"


def test_outsiders_cannot_write_and_cannot_see_drafts(charlie, bob, measure):
    url = reverse("api:measure-detail", args=[measure.pk])
    payload = {"title": "Intrång", "version": 1}
    assert api(token=key_of(charlie)).patch(url, payload, "application/json").status_code == 404
    assert api(token=key_of(bob)).patch(url, payload, "application/json").status_code == 403
    assert api().patch(url, payload, "application/json").status_code == 401
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser"


def test_create_and_delete_through_the_workbench_services(alice, measure):
    key = key_of(alice)
    response = api(token=key).post(
        reverse("api:measure-list"),
        {
            "plan": measure.plan_id,
            "focus_area": measure.focus_area_id,
            "title": "Föräldraträffar",
            "target_year": 2026,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["code"] == "1B" and made["target_year"] == 2026 and made["version"] == 2
    url = reverse("api:measure-detail", args=[made["id"]])
    assert api(token=key).delete(url + "?version=1").status_code == 409
    assert api(token=key).delete(url + "?version=2").status_code == 204
    assert not Measure.objects.filter(pk=made["id"]).exists()


def test_session_writes_need_the_csrf_token(alice, measure):
    url = reverse("api:measure-detail", args=[measure.pk])
    response = api(alice).patch(url, {"title": "X", "version": 1}, "application/json")
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Läsfrämjande insatser"


def test_detail_has_an_etag_that_answers_304(alice, draft_plan, focus_area):
    client = api(token=key_of(alice))
    url = reverse("api:plan-detail", args=[draft_plan.pk])
    first = client.get(url)
    assert first.json()["focus_areas"][0]["title"] == "Föräldraskapsstöd"
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    FocusArea.objects.filter(pk=focus_area.pk).update(title="Ändrad")
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_a_plan_is_started_and_edited_under_its_version(alice, norberg):
    key = key_of(alice)
    response = api(token=key).post(
        reverse("api:plan-list"),
        {
            "owner": norberg.pk,
            "kind": "handlingsplan",
            "title": "Handlingsplan 2027",
            "start_year": 2027,
            "end_year": 2027,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(title="Handlingsplan 2027")
    assert plan.status == Plan.Status.DRAFT and plan.owner == norberg
    url = reverse("api:plan-detail", args=[plan.pk])
    edit = api(token=key).patch(url, {"vision": "Alla mår bra", "version": 1}, "application/json")
    assert edit.status_code == 200, edit.json()
    plan.refresh_from_db()
    assert plan.vision == "Alla mår bra" and plan.version == 2


def test_actors_are_written_with_the_measure_as_one_version(alice, measure, norberg, alingsas):
    key = key_of(alice)
    url = reverse("api:measure-detail", args=[measure.pk])
    library = measure.responsibilities.get()
    actors = [
        {"organisation": library.organisation_id, "role": "huvudaktor"},
        {"organisation": alingsas.pk, "role": "samverkanspart", "cooperation": "onskvard"},
    ]
    response = api(token=key).patch(
        url, {"responsibilities": actors, "version": 1}, "application/json"
    )
    assert response.status_code == 200, response.json()
    shown = response.json()
    assert shown["version"] == 2
    assert [(a["organisation"], a["role"]) for a in shown["responsibilities"]] == [
        (library.organisation_id, "huvudaktor"),
        (alingsas.pk, "samverkanspart"),
    ]
    assert measure.responsibilities.get(organisation=library.organisation).pk == library.pk
    two_leads = [{**actor, "role": "huvudaktor"} for actor in actors]
    refused = api(token=key).patch(
        url, {"responsibilities": two_leads, "version": 2}, "application/json"
    )
    assert refused.status_code == 400
    assert "En insats har högst en huvudaktör." in str(refused.json()["fields"])
    only_alingsas = [actors[1]]
    response = api(token=key).patch(
        url, {"responsibilities": only_alingsas, "version": 2}, "application/json"
    )
    assert response.status_code == 200
    assert list(measure.responsibilities.values_list("organisation", flat=True)) == [alingsas.pk]
    stale = api(token=key).patch(
        url, {"responsibilities": actors, "version": 2}, "application/json"
    )
    assert stale.status_code == 409
    assert list(measure.responsibilities.values_list("organisation", flat=True)) == [alingsas.pk]


def test_budget_cells_are_written_through_the_grid_under_the_budgets_version(
    alice, bob, budget, measure
):
    from decimal import Decimal

    from plans.models import BudgetAmount

    key = key_of(alice)
    url = reverse("api:budget-detail", args=[budget.pk])
    shown = api(token=key).get(url).json()
    line, funder = shown["lines"][0]["id"], shown["funders"][0]["id"]
    cells = [{"line": line, "funder": funder, "amount": "360000.50", "outcome": "348000"}]
    response = api(token=key).patch(url, {"amounts": cells, "version": 1}, "application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    stored = BudgetAmount.objects.get(line_id=line, funder_id=funder)
    assert (stored.amount, stored.outcome) == (Decimal("360000.50"), Decimal("348000"))
    assert budget.history.latest().history_user == alice
    stale = api(token=key).patch(
        url, {"amounts": [{**cells[0], "outcome": "1"}], "version": 1}, "application/json"
    )
    assert stale.status_code == 409
    for bad in (
        [{"line": line, "funder": funder, "amount": "-5"}],
        [{"line": 999999, "funder": funder, "amount": "5"}],
        [{"line": line, "funder": funder, "amount": "abc"}],
    ):
        refused = api(token=key).patch(url, {"amounts": bad, "version": 2}, "application/json")
        assert refused.status_code == 400, (bad, refused.json())
        assert refused.json()["fields"]
    reader = api(token=key_of(bob)).patch(url, {"amounts": cells, "version": 2}, "application/json")
    assert reader.status_code == 403
    stored.refresh_from_db()
    assert stored.outcome == Decimal("348000") and stored.amount == Decimal("360000.50")
    budget.refresh_from_db()
    assert budget.version == 2
    assert api(token=key).put(url, {"version": 2}, "application/json").status_code == 405


def test_the_measure_filters_users_ask_for(alice, measure, focus_area):
    from plans.models import GlobalGoal, Tag, TargetArea

    sub_area = FocusArea.objects.create(
        plan=measure.plan, parent=focus_area, number="1.1", title="Under"
    )
    other = Measure.objects.create(
        plan=measure.plan,
        focus_area=sub_area,
        code="1.1A",
        title="Simskola",
        status="pagaende",
        target_year=2026,
    )
    other.target_areas.add(TargetArea.objects.get(number=2))
    other.global_goals.add(GlobalGoal.objects.get(number=3))
    other.tags.add(Tag.objects.create(name="Barn och unga"))
    client = api(token=key_of(alice))

    def codes(**query) -> list[str]:
        response = client.get(measures_url(**query))
        assert response.status_code == 200, response.json()
        return [m["code"] for m in response.json()["results"]]

    target_area = TargetArea.objects.get(number=2).pk
    goal = GlobalGoal.objects.get(number=3).pk
    assert codes(focus_area=focus_area.pk) == ["1.1A", "1A"]  # with its sub-areas
    assert codes(focus_area=sub_area.pk) == ["1.1A"]
    assert codes(status="pagaende") == ["1.1A"]
    assert codes(plan_status="utkast") == ["1.1A", "1A"]
    assert codes(plan_status="antagen") == []
    assert codes(target_area=target_area) == ["1.1A"]
    assert codes(global_goal=goal) == ["1.1A"]
    assert codes(tag="barn%20och%20unga") == ["1.1A"]
    assert codes(target_year=2026) == ["1.1A"]
    assert codes(ordering="-code") == ["1A", "1.1A"]
    refused = client.get(measures_url(status="okänd"))
    assert refused.status_code == 400 and "status" in refused.json()["fields"]


def test_a_hidden_record_is_named_nowhere_and_filters_as_a_missing_one(
    charlie, alice, draft_plan, adopted_plan, measure
):
    Plan.objects.filter(pk=adopted_plan.pk).update(parent=draft_plan)
    outsider = api(token=key_of(charlie))
    shown = outsider.get(reverse("api:plan-detail", args=[adopted_plan.pk])).json()
    assert shown["parent"] is None  # the draft it implements is not hers to see
    assert (
        api(token=key_of(alice))
        .get(reverse("api:plan-detail", args=[adopted_plan.pk]))
        .json()["parent"]
        == draft_plan.pk
    )
    for query in (f"?parent={draft_plan.pk}", "?parent=99999999"):
        answer = outsider.get(reverse("api:plan-list") + query)
        assert answer.status_code == 200 and answer.json()["count"] == 0
    for query in (f"?plan={draft_plan.pk}", "?plan=99999999"):
        answer = outsider.get(measures_url() + query)
        assert answer.status_code == 200 and answer.json()["count"] == 0
    refused = outsider.get(measures_url() + "?plan=1000000000000000000000000")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Sökvillkoren är felaktiga."


def test_a_measure_read_can_be_sent_back_whole(alice, measure):
    from plans.models import Tag

    measure.tags.add(Tag.objects.create(name="Läsning"))
    client = api(token=key_of(alice))
    url = reverse("api:measure-detail", args=[measure.pk])
    shown = client.get(url).json()
    shown["title"] = "Läsfrämjande insatser i förskolan"
    response = client.put(url, shown, "application/json")
    assert response.status_code == 200, response.json()
    assert [tag["name"] for tag in response.json()["tags"]] == ["Läsning"]
    assert response.json()["version"] == 2


def test_the_account_page_is_kept_by_no_cache(alice):
    from tests.conftest import client_for

    response = client_for(alice).get(reverse("account"))
    assert "no-store" in response["Cache-Control"]
