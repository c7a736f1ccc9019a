"""A small API client, as a municipality's intranet would write one, against the live server
on the demo: it logs in, makes a personal key on Mitt konto, lists Norrbotten's measures by
actor and assessment, and updates one with an old version (409) and the current one (200)."""

import re

import httpx
import pytest

from plans.demo.loader import DEMO_PASSWORD
from plans.models import Measure, Organisation, Responsibility
from reports.models import MeasureReport

pytestmark = pytest.mark.django_db(transaction=True)

NORRBOTTEN_PLAN = "Region Norrbottens handlingsplan 2018–2022"


def _csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _personal_key(site: str, username: str) -> str:
    """Log in through the login form and make a key on Mitt konto, as she would."""
    with httpx.Client(base_url=site, follow_redirects=True, timeout=20) as browser:
        login = browser.get("/konto/logga-in/")
        browser.post(
            "/konto/logga-in/",
            data={
                "username": username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": _csrf(login),
            },
            headers={"Referer": f"{site}/konto/logga-in/"},
        )
        account = browser.get("/konto/")
        assert account.status_code == 200, "the login did not take"
        made = browser.post(
            "/konto/",
            data={"name": "Intranätet", "csrfmiddlewaretoken": _csrf(account)},
            headers={"Referer": f"{site}/konto/"},
        )
        return re.search(r'id="new-key" type="text" readonly value="([^"]+)"', made.text).group(1)


def _actor_and_assessment() -> tuple[Organisation, str, set[int]]:
    """An actor of Norrbotten's plan and an assessment it has, with the measures (by an
    independent query: the latest accepted report of each measure, by year)."""
    measures = Measure.objects.filter(plan__title=NORRBOTTEN_PLAN)
    latest = {}
    reports = MeasureReport.objects.filter(measure__in=measures, state="godkand").order_by(
        "round__year"
    )
    for measure_id, status in reports.values_list("measure_id", "status"):
        latest[measure_id] = status
    actors = Responsibility.objects.filter(measure__in=measures).values_list(
        "organisation_id", "measure_id"
    )
    pairs: dict[tuple[int, str], set[int]] = {}
    for organisation_id, measure_id in actors:
        if latest.get(measure_id):
            pairs.setdefault((organisation_id, latest[measure_id]), set()).add(measure_id)
    (organisation_id, status), _ids = max(pairs.items(), key=lambda pair: len(pair[1]))
    # The actor with its units: a measure of a unit counts as the actor's.
    units = set(Organisation.objects.below([organisation_id]).values_list("pk", flat=True))
    ids = set().union(*(ids for (o, s), ids in pairs.items() if s == status and o in units))
    return Organisation.objects.get(pk=organisation_id), status, ids


def test_an_intranet_reads_and_writes_norrbottens_measures_with_a_key(demo, live_server):
    site = live_server.url
    key = _personal_key(site, "norrbotten-strateg")
    organisation, status, expected = _actor_and_assessment()
    assert len(expected) >= 2, "the demo gives an actor several measures with one assessment"
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    with httpx.Client(base_url=f"{site}/api/v1", headers=headers, timeout=20) as api:
        plan = api.get("/plans/", params={"text": "Norrbottens handlingsplan"}).json()
        (plan_id,) = [p["id"] for p in plan["results"] if p["title"] == NORRBOTTEN_PLAN]
        found, url = [], "/measures/"
        params = {
            "plan": plan_id,
            "organisation": organisation.pk,
            "assessment": status,
            "page_size": 5,
        }
        while url:  # every page, as a client follows `next`
            page = api.get(url, params=params).json()
            found += page["results"]
            url, params = page["next"], None
        assert {m["id"] for m in found} == expected
        assert all(m["latest_assessment"] == status for m in found)
        measure = found[0]
        address = f"/measures/{measure['id']}/"
        fresh = api.patch(address, json={"target_year": 2022, "version": measure["version"]})
        assert fresh.status_code == 200, fresh.text
        assert fresh.json()["version"] == measure["version"] + 1
        stale = api.patch(address, json={"target_year": 2021, "version": measure["version"]})
        assert stale.status_code == 409
        body = stale.json()
        assert body["version"] == measure["version"] + 1
        assert body["current"]["target_year"] == 2022
        assert any("2022" in change for change in body["changes"])
        assert api.get(address).json()["target_year"] == 2022
    stored = Measure.objects.get(pk=measure["id"])
    assert stored.target_year == 2022
    assert stored.history.latest().history_user.username == "norrbotten-strateg"
