"""The rapportör narrows the plan to her own measures in place and goes to report on one of
them in the follow-up."""

import datetime
import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from plans.models import Measure, Plan
from plans.permissions import reportable_measure_ids
from reports.permissions import writable_reports
from reports.services import round_open
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def _shown_anchors(page: Page) -> list[str]:
    return page.locator("#insatslista li.measure").evaluate_all("items => items.map(i => i.id)")


def _her_measures(plan: Plan) -> list[Measure]:
    user = User.objects.get(username="norrbotten-rapportor")
    ids = reportable_measure_ids(user, plan)
    return [m for m in Measure.objects.filter(plan=plan).order_by("pk") if m.pk in ids]


def test_rapportor_filters_to_her_measures_in_place_and_reports_on_one(page, log_in):
    plan = Plan.objects.get(title=PLAN)
    strategist = User.objects.get(username="norrbotten-strateg")
    round_open(
        plan=plan, year=2022, period="helar", due_on=datetime.date(2027, 1, 31), user=strategist
    )
    log_in(page, "norrbotten-rapportor")
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "rapportor-plan-all")
    mine = _her_measures(plan)
    assert 0 < len(mine) < Measure.objects.filter(plan=plan).count()
    page.evaluate("window.loadedOnce = true")  # lost if the browser loads a whole new page

    page.get_by_role("checkbox", name=re.compile("^Mina insatser")).check()
    expect(page.locator("#insatslista .filter-result")).to_have_text(
        f"{len(mine)} insatser passar filtret."
    )
    expect(page).to_have_url(re.compile(r"\?(.*&)?mine=on"))
    check_page(page, "rapportor-plan-mine")
    assert page.evaluate("window.loadedOnce === true"), "htmx swapped the list in place"
    assert sorted(_shown_anchors(page)) == sorted(f"insats-{m.code}" for m in mine)

    user = User.objects.get(username="norrbotten-rapportor")
    chosen = writable_reports(user).filter(round__plan=plan).order_by("measure__order")[0].measure
    link = re.compile(rf"^Rapportera i uppföljningen {chosen.code}\b")
    page.get_by_role("link", name=link).click()
    check_page(page, f"rapportor-report-{chosen.code}")
    assert re.search(r"/rapporter/\d+/$", page.url)  # reporting happens in the follow-up
