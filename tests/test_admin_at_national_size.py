"""The admin at national size: every list and page takes the same number of queries and offers
the same choices for a town and a country, and a search for a choice finds only what the form
would accept from the user, 20 at a time."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.national import NationalSize, generate_national
from councils.models import Body, Seat
from plans.models import PATH_SEPARATOR, FocusArea, Measure, Organisation, Person, Plan, Role
from reports.admin import VALUES_ON_INDICATOR_PAGE
from reports.models import Indicator, IndicatorValue, Sex, Source
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db

# The generated country's "today": its meetings and rounds fall the same whatever the date.
TODAY = datetime.date(2025, 6, 2)
SMALL = {
    "plans_per_municipality": 2,
    "follow_up_years": (2025,),
    "big_plan_measures": 0,
    "council_seats": 2,
    "group_seats": 2,
}
TOWN = NationalSize(
    municipalities=1,
    regions=1,
    measures_per_plan=3,
    meetings_per_year=1,
    items_per_meeting=2,
    indicators_per_owner=1,
    indicator_years=2,
    **SMALL,
)
COUNTRY = NationalSize(
    municipalities=4,
    regions=2,
    measures_per_plan=6,
    meetings_per_year=2,
    items_per_meeting=3,
    indicators_per_owner=2,
    indicator_years=3,
    **SMALL,
)
AUTOCOMPLETE = reverse("admin:autocomplete")


def _generate(size: NationalSize, prefix: str) -> None:
    """Create a country of the size, with records in its units as well: people, accounts with
    roles, groups with seats, plans and indicators (lists name a unit by its path)."""
    generate_national(size=size, prefix=prefix, today=TODAY)
    units = list(Organisation.objects.filter(parent__parent__name__startswith=f"{prefix} kommun"))
    Person.objects.bulk_create(Person(name=f"Person {u.pk}", organisation=u) for u in units)
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{u.pk}", is_staff=True) for u in units
    )
    Role.objects.bulk_create(
        Role(user=user, organisation=unit, kind=Role.Kind.STRATEGIST)
        for user, unit in zip(users, units, strict=True)
    )
    bodies = Body.objects.bulk_create(
        Body(name=f"Grupp {u.pk}", kind=Body.Kind.WORKING_GROUP, organisation=u) for u in units
    )
    Seat.objects.bulk_create(
        Seat(body=b, function="Ledamot", organisation=b.organisation) for b in bodies
    )
    Plan.objects.bulk_create(
        Plan(
            owner=u,
            kind=Plan.Kind.ACTION_PLAN,
            title=f"Plan {u.pk}",
            start_year=2025,
            end_year=2026,
        )
        for u in units
    )
    Indicator.objects.bulk_create(
        Indicator(owner=u, name=f"Indikator {u.pk}", source=Source.MANUAL) for u in units
    )


def _count(client, url: str) -> tuple[int, int]:
    """Return the page's query count and how many choices (options) it offers."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 403, 404), url
    return len(captured), response.content.decode().count("<option")


def _counts(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    return {url: _count(client, url) for url in urls}


def _admin_urls(objects: dict, view: str) -> list[str]:
    """Return every admin's list, add page or the change page of the standing record."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
        if view == "change":
            urls.append(reverse(name, args=[objects["records"][model._meta.model_name].pk]))
        elif view == "add" and not model_admin.has_add_permission(_request(objects)):
            continue
        else:
            urls.append(reverse(name))
    return urls


def _request(objects):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = objects["users"]["root"]
    return request


@pytest.mark.parametrize("view", ["changelist", "change", "add"])
@pytest.mark.parametrize("who", ["root", "alice", "diana"])
def test_every_admin_page_takes_the_same_queries_and_choices_in_a_town_and_a_country(
    objects, who, view
):
    client = client_for(objects["users"][who])
    urls = _admin_urls(objects, view)
    _generate(TOWN, "Stad")
    _counts(client, urls)  # caches that fill once per process (content types) are not the data
    town = _counts(client, urls)
    _generate(COUNTRY, "Land")
    assert _counts(client, urls) == town
    assert Measure.objects.count() > 50 and Organisation.objects.count() > 50


def test_plan_change_page_query_count_does_not_grow_with_its_focus_areas(superuser, draft_plan):
    client = client_for(superuser)
    url = reverse("admin:plans_plan_change", args=[draft_plan.pk])
    parent = FocusArea.objects.create(plan=draft_plan, number="1", title="Ett")
    client.get(url)
    few, _ = _count(client, url)
    for number in range(2, 12):
        area = FocusArea.objects.create(plan=draft_plan, number=str(number), title="Område")
        FocusArea.objects.create(plan=draft_plan, parent=area, number="1", title="Arena")
    FocusArea.objects.create(plan=draft_plan, parent=parent, number="1", title="Under ett")
    assert _count(client, url)[0] == few


def test_measure_list_has_no_filter_listing_every_plan(superuser, measure):
    generate_national(size=COUNTRY, today=TODAY)
    text = client_for(superuser).get(reverse("admin:plans_measure_changelist")).content.decode()
    assert "plan__id__exact" not in text
    found = client_for(superuser).get(
        reverse("admin:plans_measure_changelist"), {"q": '"Handlingsplan 1 för Gen kommun 002"'}
    )
    assert found.context["cl"].result_count == COUNTRY.measures_per_plan


# --- The indicator page ------------------------------------------------------------------


def _values(indicator: Indicator, count: int, start: int = 1900) -> None:
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            organisation=indicator.owner,
            area_code="1962",
            area_name="Norberg",
            year=year,
            sex=Sex.TOTAL,
            value=Decimal(year % 50),
            source=Source.MANUAL,
        )
        for year in range(start, start + count)
    )


def test_indicator_page_is_the_same_for_a_town_and_a_country(objects):
    indicator = objects["records"]["indicator"]
    client = client_for(objects["users"]["root"])
    url = reverse("admin:reports_indicator_change", args=[indicator.pk])
    _generate(TOWN, "Stad")
    client.get(url)
    town = client.get(url).content
    town_queries = _count(client, url)
    _generate(COUNTRY, "Land")
    country = client.get(url).content
    assert _count(client, url) == town_queries
    assert abs(len(country) - len(town)) < 500  # ids of more digits, not more choices
    measures = Measure.objects.exclude(pk__in=indicator.measures.all())
    assert not any(m.title in country.decode() for m in measures.filter(title__contains="Gen"))


def test_indicator_page_reads_its_values_in_the_same_queries_however_many(objects):
    indicator = objects["records"]["indicator"]
    client = client_for(objects["users"]["alice"])
    url = reverse("admin:reports_indicator_change", args=[indicator.pk])
    client.get(url)
    one, _ = _count(client, url)
    _values(indicator, VALUES_ON_INDICATOR_PAGE - 1)
    assert _count(client, url)[0] == one
    assert client.get(url).content.decode().count('name="values-') > VALUES_ON_INDICATOR_PAGE


def test_an_indicator_with_many_values_links_to_them_instead_of_listing_them(objects):
    indicator = objects["records"]["indicator"]
    _values(indicator, VALUES_ON_INDICATOR_PAGE)
    client = client_for(objects["users"]["alice"])
    page = client.get(reverse("admin:reports_indicator_change", args=[indicator.pk]))
    text = page.content.decode()
    assert 'name="values-TOTAL_FORMS"' not in text and len(page.content) < 60_000
    link = f"{reverse('admin:reports_indicatorvalue_changelist')}?indicator__id__exact="
    assert f"{link}{indicator.pk}" in text and f"{VALUES_ON_INDICATOR_PAGE + 1} värden" in text
    listed = client.get(f"{link}{indicator.pk}")
    assert listed.context["cl"].result_count == VALUES_ON_INDICATOR_PAGE + 1
    assert len(listed.context["cl"].result_list) == min(100, VALUES_ON_INDICATOR_PAGE + 1)
    # The targets stay on the indicator's page, and it still saves.
    assert 'name="targets-TOTAL_FORMS"' in text


# --- The list of indicator values --------------------------------------------------------


def test_values_list_shows_what_she_may_read_with_bounded_filters(objects):
    _generate(TOWN, "Stad")
    norbergs = objects["records"]["indicatorvalue"]
    url = reverse("admin:reports_indicatorvalue_changelist")
    alice = client_for(objects["users"]["alice"]).get(url)
    assert [v.pk for v in alice.context["cl"].result_list] == [norbergs.pk]
    text = alice.content.decode()
    assert "indicator__id__exact" not in text and "organisation__id__exact" not in text
    charlie = client_for(objects["users"]["charlie"])
    assert norbergs not in charlie.get(url).context["cl"].result_list
    change = reverse("admin:reports_indicatorvalue_change", args=[norbergs.pk])
    assert charlie.get(change).status_code == 404
    root = client_for(objects["users"]["root"])
    found = root.get(url, {"q": "1962"}).context["cl"].result_list
    assert [v.pk for v in found] == [norbergs.pk]
    assert IndicatorValue.objects.count() > 1


def test_values_list_offers_every_year_from_the_first_to_the_last_and_filters_on_one(objects):
    indicator = objects["records"]["indicator"]
    _values(indicator, 3, start=2019)
    url = reverse("admin:reports_indicatorvalue_changelist")
    root = client_for(objects["users"]["root"])
    years = {v.year for v in IndicatorValue.objects.all()}
    text = root.get(url).content.decode()
    offered = {int(y) for y in re.findall(r"year__exact=(\d+)", text)}
    assert offered == set(range(min(years), max(years) + 1))
    listed = root.get(url, {"year__exact": "2020"}).context["cl"].result_list
    assert {v.year for v in listed} == {2020} and len(listed) == 1
    assert root.get(url, {"year__exact": "tjugo"}).url.endswith("?e=1")


def test_a_strategist_cannot_add_a_value_to_another_organisations_indicator(objects, alingsas):
    theirs = Indicator.objects.create(owner=alingsas, name="Alingsås ohälsotal", source="manuell")
    form = {
        "indicator": theirs.pk,
        "area_code": "1489",
        "area_name": "Alingsås",
        "year": 2024,
        "sex": Sex.TOTAL,
        "value": "3",
        "source": Source.MANUAL,
    }
    response = client_for(objects["users"]["alice"]).post(
        reverse("admin:reports_indicatorvalue_add"), form
    )
    assert response.status_code == 200 and not theirs.values.exists()


# --- Autocompletes: only what the form would accept, 20 at a time -------------------------


def _search(user, model: str, field: str, term: str = "", page: int = 1) -> dict:
    app_label, model_name = model.split(".")
    params = {
        "app_label": app_label,
        "model_name": model_name,
        "field_name": field,
        "term": term,
        "page": page,
    }
    response = client_for(user).get(AUTOCOMPLETE, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _ids(answer: dict) -> set[int]:
    return {int(result["id"]) for result in answer["results"]}


def test_a_strategist_searching_measures_finds_her_own_organisations_only(objects):
    _generate(TOWN, "Stad")
    alice, charlie = objects["users"]["alice"], objects["users"]["charlie"]
    norbergs = set(
        Measure.objects.filter(plan__owner__name="Norbergs kommun").values_list("pk", flat=True)
    )
    found = _ids(_search(alice, "reports.indicator", "measures"))
    assert found == norbergs
    assert not _ids(_search(alice, "reports.indicator", "measures", term="Stad"))
    assert not _ids(_search(charlie, "reports.indicator", "measures")) & norbergs
    # Adopted plans of other municipalities she reads, but links no indicator of hers to them.
    assert Measure.objects.filter(plan__status=Plan.Status.ADOPTED).exclude(pk__in=norbergs)


def test_a_strategist_searching_people_finds_her_own_organisations_only(objects, library):
    _generate(TOWN, "Stad")
    alice = objects["users"]["alice"]
    ours = Person.objects.create(name="Lena Lund", organisation=library)
    found = _ids(_search(alice, "plans.focusarea", "contacts"))
    assert ours.pk in found
    assert set(
        Person.objects.filter(pk__in=found).values_list("organisation__name", flat=True)
    ) <= {
        "Norbergs kommun",
        "Biblioteket",
        library.name,
    }
    assert Person.objects.exclude(pk__in=found).exists()


def test_a_superuser_searches_every_measure_a_page_at_a_time(objects):
    _generate(COUNTRY, "Land")
    root = objects["users"]["root"]
    first = _search(root, "reports.indicator", "measures")
    second = _search(root, "reports.indicator", "measures", page=2)
    assert len(first["results"]) == 20 and first["pagination"]["more"]
    assert not _ids(first) & _ids(second)
    assert first["results"][0]["text"].startswith(
        Measure.objects.order_by("plan_id", "order", "code", "pk").first().plan.title
    )


def test_a_field_that_is_no_autocomplete_of_ours_is_refused(objects):
    params = {"app_label": "plans", "model_name": "budgetline", "field_name": "measure"}
    response = client_for(objects["users"]["root"]).get(AUTOCOMPLETE, params)
    assert response.status_code == 403


def test_a_measure_posted_from_outside_her_choices_is_refused(objects):
    _generate(TOWN, "Stad")
    indicator = objects["records"]["indicator"]
    alice = client_for(objects["users"]["alice"])
    url = reverse("admin:reports_indicator_change", args=[indicator.pk])
    form = _form(alice.get(url).content.decode())
    other = Measure.objects.exclude(plan__owner__name="Norbergs kommun").first()
    form["measures"] = [str(other.pk)]
    response = alice.post(url, form)
    assert response.status_code == 200 and not indicator.measures.filter(pk=other.pk).exists()
    assert "Välj ett giltigt alternativ" in response.content.decode()


def _form(page: str) -> dict:
    return main_form(page).data()


# --- django-tasks-db's admin -------------------------------------------------------------


def test_task_results_are_for_superusers_only(objects):
    task = objects["records"]["dbtaskresult"]
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    change = reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk])
    for who in ("alice", "diana"):
        client = client_for(objects["users"][who])
        assert client.get(changelist).status_code == 403
        assert client.get(change).status_code == 403
    root = client_for(objects["users"]["root"])
    listed = root.get(changelist)
    assert listed.status_code == 200 and root.get(change).status_code == 200
    assert "delete_selected" not in listed.content.decode()
    assert not re.search(r'href="[^"]*dbtaskresult/add/', listed.content.decode())


# --- Lists in a tree's order, a page at a time -------------------------------------------


def test_focus_area_list_pages_through_every_plan_in_the_documents_order(superuser):
    generate_national(size=COUNTRY, today=TODAY)
    whole = FocusArea.objects.in_document_order().order_by("plan_id", "tree_ordering", "-pk")
    expected = [(a.pk, a.tree_numbers) for a in whole]
    cl = client_for(superuser).get(reverse("admin:plans_focusarea_changelist")).context["cl"]
    assert [(a.pk, a.tree_numbers) for a in cl.result_list] == expected[:100]
    paginator = type(cl.paginator)(cl.queryset, 7)  # pages that start and end inside plans
    listed = [
        (a.pk, a.tree_numbers)
        for number in paginator.page_range
        for a in paginator.page(number).object_list
    ]
    assert listed == expected and len({a.plan_id for a in whole}) > 5


def test_focus_area_list_reads_the_tree_of_the_pages_plans_only(superuser):
    generate_national(size=COUNTRY, today=TODAY)
    url = reverse("admin:plans_focusarea_changelist")
    client = client_for(superuser)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    tree = next(q["sql"] for q in captured if "RECURSIVE" in q["sql"])
    ranked = tree.split("__tree", 1)[0]  # the rank table the recursion starts from
    assert '"plan_id" IN' in ranked


def test_lists_name_units_by_their_paths_walking_up_from_the_pages_organisations(
    superuser, library, alingsas
):
    Person.objects.create(name="Lena Bok", organisation=library)
    Person.objects.create(name="Per Alm", organisation=alingsas)
    client = client_for(superuser)
    url = reverse("admin:plans_person_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        text = client.get(url).content.decode()
    assert PATH_SEPARATOR.join(["Norbergs kommun", "Biblioteket"]) in text
    assert "Alingsås kommun" in text
    paths = [q["sql"] for q in captured if "RECURSIVE" in q["sql"]]
    assert len(paths) == 1 and "__up" in paths[0]  # seeded with the page's organisations
