"""The accessibility statement the law on accessible digital public service (DOS-lagen) asks of
every public-sector site, in DIGG's model, linked from every page; and the site's icon."""

import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from folkhalsa.env import env_date
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_statement_says_what_digg_asks_for(settings):
    settings.SITE_OPERATOR = "Norbergs kommun"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@norberg.se"
    settings.ACCESSIBILITY_CONTACT_PHONE = "0223-290 00"
    settings.ACCESSIBILITY_ASSESSED_ON = datetime.date(2026, 11, 30)
    settings.ACCESSIBILITY_UPDATED_ON = datetime.date(2026, 12, 5)
    response = client_for(None).get(reverse("accessibility_statement"))
    assert response.status_code == 200
    page = response.content.decode()
    for part in (
        "<h1>Tillgänglighetsredogörelse</h1>",
        "Norbergs kommun står bakom den här webbplatsen",
        "delvis förenlig med lagen (2018:1937)",  # the compliance level
        "Innehåll som inte är tillgängligt",  # the known shortcomings
        'href="mailto:tillganglighet@norberg.se"',  # how to report a barrier
        "0223-290 00",
        'href="https://www.digg.se/tdosanmalan"',  # supervision: DIGG's form
        "Hur vi testat webbplatsen",  # the method
        "Senaste bedömningen gjordes den 30 november 2026",
        "uppdaterades senast den 5 december 2026",
    ):
        assert part in page, part


def test_the_phone_tables_are_no_longer_a_known_shortcoming():
    # Mina insatser and a round's page turn their tables into cards at phone width
    # (static/css/reports.css; tests/browser/test_report_tables_fit_a_phone.py).
    page = client_for(None).get(reverse("accessibility_statement")).content.decode()
    known = page.split("<h3>Innehåll som inte är tillgängligt</h3>", 1)[1].split("</ul>", 1)[0]
    assert known.count("<li>") == 2
    assert "Mina insatser" not in known and "1.4.10" not in known
    assert "Administrationen (/admin/)" in known and "Bilagor som laddas upp" in known


@pytest.mark.parametrize("user", [None, "alice"])
def test_every_page_links_to_the_statement_and_names_the_icon(user, request, measure):
    client = client_for(request.getfixturevalue(user) if user else None)
    for url in (
        reverse("start"),
        reverse("plans:home"),
        reverse("plans:plan_detail", args=[measure.plan.pk]) if user else reverse("login"),
        reverse("councils:notice_board"),
        "/finns-inte/",  # the site's own 404 page
    ):
        page = client.get(url).content.decode()
        assert f'href="{reverse("accessibility_statement")}"' in page, url
        assert 'rel="icon"' in page and "favicon.svg" in page, url


def test_browsers_asking_for_favicon_ico_get_the_icon():
    response = client_for(None).get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert client_for(None).post("/favicon.ico").status_code == 405


def test_a_date_that_is_no_date_is_refused_when_the_site_starts(monkeypatch):
    monkeypatch.setenv("ACCESSIBILITY_ASSESSED_ON", "30/11/2026")
    with pytest.raises(ImproperlyConfigured, match="YYYY-MM-DD"):
        env_date("ACCESSIBILITY_ASSESSED_ON", datetime.date(2026, 1, 1))
    monkeypatch.setenv("ACCESSIBILITY_ASSESSED_ON", "2026-11-30")
    assert env_date("ACCESSIBILITY_ASSESSED_ON", datetime.date(2026, 1, 1)) == datetime.date(
        2026, 11, 30
    )


def test_a_shared_link_reads_as_the_page(adopted_plan):
    page = client_for(None).get(reverse("plans:plan_detail", args=[adopted_plan.pk]))
    html = page.content.decode()
    title = re.search(r'<meta property="og:title" content="([^"]*)">', html)[1]
    assert title == adopted_plan.title
    assert '<meta property="og:site_name" content="Folkhälsa">' in html
    assert '<meta property="og:locale" content="sv_SE">' in html
    statement = client_for(None).get(reverse("accessibility_statement")).content.decode()
    assert '<meta property="og:title" content="Tillgänglighetsredogörelse">' in statement
