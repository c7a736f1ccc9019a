"""Finding one's way in a plan of 100 measures: contents, anchors by code, filters, landing back."""

import re

import pytest
from django.urls import reverse

from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility, Role
from plans.selectors import organisation_paths
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def norrbotten(demo) -> Plan:
    return Plan.objects.get(title__startswith="Region Norrbottens")


def _page(client, plan: Plan, **params) -> str:
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _measure_ids(page: str) -> list[str]:
    return re.findall(r'<li class="measure" id="([^"]+)"', page)


def test_anchors_are_codes_and_focus_area_numbers(norrbotten):
    page = _page(client_for(None), norrbotten)
    assert 'id="insats-5B"' in page
    area = FocusArea.objects.filter(plan=norrbotten, parent=None).exclude(number="").first()
    assert f'id="fokusomrade-{area.number}"' in page
    assert f'href="#fokusomrade-{area.number}"' in page  # the table of contents links to it


def test_table_of_contents_counts_measures_per_plan_state(measure, superuser):
    Measure.objects.create(
        plan=measure.plan, focus_area=measure.focus_area, code="1B", title="B", status="genomford"
    )
    contents = _page(client_for(superuser), measure.plan).split(
        'aria-labelledby="innehall-rubrik"'
    )[1]
    contents = contents.split("</nav>")[0]
    assert 'href="#fokusomrade-1"' in contents
    assert "2 insatser" in contents
    assert "Läge i planen" in contents and "Genomförd: 1" in contents
    assert "Ej angiven" not in contents  # a state not given is no state to count


def test_filter_by_status_without_javascript(norrbotten):
    done = Measure.objects.filter(plan=norrbotten, status="genomford")
    page = _page(client_for(None), norrbotten, status="genomford")
    assert sorted(_measure_ids(page)) == sorted(f"insats-{m.code}" for m in done)
    assert f"{done.count()} insatser passar filtret." in page
    assert '<form method="get"' in page and 'role="search"' in page


def test_filter_by_actor_includes_its_units_and_by_text(norrbotten):
    culture = Organisation.objects.filter(name="Kulturenheten").order_by("pk").first()
    department = culture.parent
    page = _page(client_for(None), norrbotten, actor=department.pk)
    shown = set(_measure_ids(page))
    within = Measure.objects.filter(plan=norrbotten, responsibilities__organisation=culture)
    assert {f"insats-{m.code}" for m in within} <= shown  # a unit's measures are included
    for code in shown:
        actors = Responsibility.objects.filter(measure__plan=norrbotten, measure__code=code[7:])
        paths = organisation_paths(ids=[r.organisation_id for r in actors])
        assert any(paths[r.organisation_id].startswith(department.path) for r in actors)
    five_b = Measure.objects.get(plan=norrbotten, code="5B")
    word = five_b.title.split()[1]
    assert "insats-5B" in _measure_ids(_page(client_for(None), norrbotten, q=word.upper()))


def test_an_invalid_filter_is_explained_and_shows_everything(norrbotten):
    page = _page(client_for(None), norrbotten, status="finns-inte")
    assert "Filtret kunde inte användas" in page
    assert len(_measure_ids(page)) == Measure.objects.filter(plan=norrbotten).count()


def test_htmx_filter_request_gets_only_the_list(norrbotten):
    response = client_for(None).get(
        reverse("plans:plan_detail", args=[norrbotten.pk]),
        {"status": "genomford"},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="insatslista">') and "<html" not in text
    assert "HX-Request" in response["Vary"]


def test_htmx_is_served_from_our_own_static_files(norrbotten):
    page = _page(client_for(None), norrbotten)
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in page
    assert 'hx-get="' in page and 'hx-target="#insatslista"' in page


def test_rapportor_filters_to_her_own_measures(norrbotten):
    user = Role.objects.get(user__username="norrbotten-rapportor").user
    client = client_for(user)
    page = _page(client, norrbotten)
    assert 'name="mine"' in page
    mine = _measure_ids(_page(client, norrbotten, mine="on"))
    theirs = Responsibility.objects.filter(
        measure__plan=norrbotten,
        organisation__in=Organisation.objects.filter(roles__user=user)
        | Organisation.objects.filter(parent__roles__user=user),
    ).values_list("measure__code", flat=True)
    assert mine and set(mine) == {f"insats-{code}" for code in theirs}


def test_saving_a_measure_returns_to_its_anchor(alice, measure):
    url = reverse("plans:measure_edit", args=[measure.pk])
    form = {
        "focus_area": measure.focus_area_id,
        "result": measure.result_id,
        "code": "1A",
        "title": "Läsfrämjande insatser för alla",
        "loaded_version": 1,
    }
    response = client_for(alice).post(url, form, follow=True)
    assert response.redirect_chain[-1][0] == f"/planer/{measure.plan_id}/#insats-1A"
    assert response.content.decode().count("Insats 1A sparad.") == 1


def test_the_old_report_address_without_an_open_round_returns_to_the_measure(bob, measure):
    url = reverse("plans:measure_report", args=[measure.pk])
    response = client_for(bob).get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/planer/{measure.plan_id}/#insats-1A"
    assert "Ingen uppföljning av insatsen är öppen" in response.content.decode()


def test_saving_the_plan_returns_to_its_heading(alice, draft_plan):
    url = reverse("plans:plan_edit", args=[draft_plan.pk])
    form = {
        "title": "Ny titel",
        "kind": draft_plan.kind,
        "start_year": 2025,
        "end_year": 2026,
        "status": "utkast",
        "loaded_version": 1,
    }
    response = client_for(alice).post(url, form)
    assert response["Location"] == f"/planer/{draft_plan.pk}/#planen"


def test_measure_form_is_titled_with_code_and_title_and_has_a_short_title_field(alice, measure):
    page = client_for(alice).get(reverse("plans:measure_edit", args=[measure.pk])).content.decode()
    assert re.search(r"<h1[^>]*>Ändra insats 1A: <span lang=\"sv\">Läsfrämjande insatser", page)
    assert re.search(r'<input type="text" name="title"', page)
    assert '<textarea name="title"' not in page


def test_htmx_history_restore_gets_the_whole_page(norrbotten):
    response = client_for(None).get(
        reverse("plans:plan_detail", args=[norrbotten.pk]),
        {"status": "genomford"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
