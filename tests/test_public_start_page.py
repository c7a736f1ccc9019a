"""The public start page at "/" says what the site is and whose it is, and lists the organisations
that publish (an adopted plan, a published follow-up or a public body), a page at a time, in a
fixed number of queries; the plan list lives at planer/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.national import NationalSize, generate_national
from councils.models import Body
from folkhalsa.public_pages import ORGANISATIONS_PER_PAGE
from plans.models import Organisation
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SMALL_COUNTRY = NationalSize(municipalities=15, regions=2, measures_per_plan=2)


def _start(user=None, **params) -> tuple[int, str]:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("start"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _organisation_link(organisation: Organisation) -> str:
    return f'href="{reverse("organisation", args=[organisation.pk])}"'


def test_the_start_page_is_the_site_root_and_the_plans_moved_to_planer():
    assert reverse("start") == "/"
    assert reverse("plans:home") == "/planer/"


def test_the_start_page_says_what_the_site_is_and_whose_it_is(settings):
    settings.SITE_OPERATOR = "Region Västmanland"
    _, page = _start()
    assert "Här publicerar kommuner och regioner sitt folkhälsoarbete" in page
    assert "Webbplatsen drivs av Region Västmanland." in page
    for name in ("plans:home", "councils:notice_board", "councils:public_minutes_list"):
        assert f'href="{reverse(name)}"' in page, name
    assert f'href="{reverse("reports:indicator_list")}"' in page


def test_only_organisations_that_publish_are_listed(
    norberg, alingsas, library, adopted_plan, draft_plan
):
    norsjo = Organisation.objects.create(name="Norsjö kommun", kind=Organisation.Kind.KOMMUN)
    Body.objects.create(organisation=norsjo, name="Rådet", kind=Body.Kind.COUNCIL, is_public=True)
    Body.objects.create(organisation=alingsas, name="Styrgrupp", kind=Body.Kind.WORKING_GROUP)
    _, page = _start()
    assert _organisation_link(norberg) in page  # an adopted plan
    assert _organisation_link(norsjo) in page  # a public body
    assert _organisation_link(alingsas) not in page  # a private body only
    assert _organisation_link(library) not in page  # nothing of its own
    assert "2 organisationer" in page


def test_an_organisation_with_only_a_draft_is_not_listed(norberg, draft_plan):
    _, page = _start()
    assert _organisation_link(norberg) not in page
    assert "Ingen organisation har publicerat något än." in page


def test_the_list_is_paged_and_its_query_count_does_not_grow_with_the_country(adopted_plan, alice):
    before = {who: _start(who)[0] for who in (None, alice)}
    generate_national(size=SMALL_COUNTRY)
    Body.objects.bulk_create(
        Body(organisation=o, name="Folkhälsorådet", kind=Body.Kind.COUNCIL, is_public=True)
        for o in Organisation.objects.filter(name__startswith="Gen region")
    )
    after = {who: _start(who)[0] for who in (None, alice)}
    assert after == before
    # 15 municipalities with adopted plans, 2 regions with public bodies, Norberg.
    with CaptureQueriesContext(connection) as captured:
        _, first = _start()
    trees = [q["sql"] for q in captured.captured_queries if "__tree" in q["sql"]]
    # One tree read, up from the page's organisations: no count walks every organisation.
    assert len(trees) == 1 and "__up" in trees[0]
    assert first.count('class="plan-facts"') == min(18, ORGANISATIONS_PER_PAGE)
    assert "Gen region 001" in first and "18 organisationer" in first


def test_a_second_page_follows_when_there_are_more(adopted_plan, monkeypatch):
    monkeypatch.setattr("folkhalsa.public_pages.ORGANISATIONS_PER_PAGE", 1)
    Body.objects.create(
        organisation=Organisation.objects.create(name="Ödeshög kommun"),
        name="Rådet",
        kind=Body.Kind.COUNCIL,
        is_public=True,
    )
    _, first = _start()
    assert "Norbergs kommun" in first and "Ödeshög kommun" not in first and 'rel="next"' in first
    _, second = _start(sida=2)
    assert "Ödeshög kommun" in second and 'rel="prev"' in second


def test_the_brand_and_the_error_pages_lead_to_the_start_page():
    page = client_for(None).get("/finns-inte/").content.decode()
    assert '<a class="brand" href="/">' in page
    assert '<a href="/">Till startsidan</a>' in page
