"""A rapportör opens a measure she is responsible for and reports its status."""

import re

from plans.models import Measure
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"


def test_rapportor_reports_the_status_of_her_measure(page, log_in):
    log_in(page, "norrbotten-rapportor")
    page.get_by_role("link", name=PLAN).click()
    check_page(page, "rapportor-plan")
    page.get_by_role("link", name=re.compile(r"^Rapportera status 1A\b")).click()
    check_page(page, "rapportor-report-form")

    page.get_by_role("combobox", name=re.compile("^Status")).select_option(label="Genomförd")
    page.get_by_role("button", name="Spara").click()
    check_page(page, "rapportor-saved")
    assert page.url.endswith("#insats-1A")  # back at the measure she reported on
    assert "Insats 1A" in page.get_by_role("status").first.inner_text()
    measure = Measure.objects.get(code="1A", plan__title=PLAN)
    assert measure.status == Measure.Status.DONE
