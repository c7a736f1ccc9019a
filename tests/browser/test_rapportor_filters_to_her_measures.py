"""The rapportör narrows the plan to her own measures in place and reports on one of them."""

import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from plans.models import Measure, Plan
from plans.permissions import reportable_measure_ids
from tests.browser.conftest import check_page, in_viewport

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def _shown_anchors(page: Page) -> list[str]:
    return page.locator("#insatslista li.measure").evaluate_all("items => items.map(i => i.id)")


def _her_measures(plan: Plan) -> list[Measure]:
    user = User.objects.get(username="norrbotten-rapportor")
    ids = reportable_measure_ids(user, plan)
    return [m for m in Measure.objects.filter(plan=plan).order_by("pk") if m.pk in ids]


def test_rapportor_filters_to_her_measures_in_place_and_reports_on_one(page, log_in):
    log_in(page, "norrbotten-rapportor")
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "rapportor-plan-all")
    plan = Plan.objects.get(title=PLAN)
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

    chosen = next(m for m in mine if m.status != Measure.Status.ONGOING)
    page.get_by_role("link", name=re.compile(rf"^Rapportera status {chosen.code}\b")).click()
    check_page(page, f"rapportor-report-{chosen.code}")
    page.get_by_role("combobox", name=re.compile("^Status")).select_option(
        label="Pågående/förankrad"
    )
    page.get_by_role("button", name="Spara").click()
    check_page(page, f"rapportor-reported-{chosen.code}")

    anchor = f"insats-{chosen.code}"
    assert page.url.endswith(f"#{anchor}") and in_viewport(page, f"#{anchor}")
    expect(page.get_by_role("status").first).to_have_text(f"Insats {chosen.code} sparad.")
    status = page.locator(f"#{anchor} dt:text-is('Status') + dd")
    expect(status).to_have_text("Pågående/förankrad")
    chosen.refresh_from_db()
    assert (chosen.status, chosen.version) == (Measure.Status.ONGOING, 2)
