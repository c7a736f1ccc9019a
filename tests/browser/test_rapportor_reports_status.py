"""A rapportör reads her measure's latest assessment on the plan page and reports in the
follow-up, where the plan page's link leads her."""

import datetime
import re

from django.contrib.auth.models import User

from plans.models import Plan
from reports.services import round_open
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def test_rapportor_reads_the_assessment_and_reports_in_the_follow_up(page, log_in):
    plan = Plan.objects.get(title=PLAN)
    strategist = User.objects.get(username="norrbotten-strateg")
    round_open(
        plan=plan, year=2022, period="helar", due_on=datetime.date(2027, 1, 31), user=strategist
    )
    log_in(page, "norrbotten-rapportor")
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "rapportor-plan")
    assessment = page.locator("#insats-1A dt:text-is('Bedömning') + dd")
    assert "Helår 2021" in assessment.inner_text()
    page.get_by_role("link", name=re.compile(r"^Rapportera i uppföljningen 1A\b")).click()
    check_page(page, "rapportor-report-form")
    assert re.search(r"/rapporter/\d+/$", page.url)

    page.get_by_role("radio", name="Genomförd").check()
    page.get_by_role("textbox", name="Hur går det?").fill("Alla kommuner har fått utbildningen.")
    page.get_by_role("button", name="Skicka in").click()
    check_page(page, "rapportor-submitted")
    assert "Rapporten om 1A är inskickad." in page.get_by_role("status").first.inner_text()
