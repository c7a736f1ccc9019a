"""Mitt arbete as the demo's people meet it after logging in: the rapportör goes from it to her
first due report, the adjuster to the minutes waiting for her check, the secretary sees the
notice deadline by the seven-day rule. The clock is fixed: the demo's dates are the seeds'."""

import datetime
import re

import pytest
from django.contrib.auth.models import User

from councils.models import Meeting
from plans.models import Plan
from reports.models import FollowUpRound, MeasureReport
from reports.permissions import writable_reports
from reports.services import round_open
from tests.browser.conftest import check_page
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.browser

COUNCIL = "Folkhälso- och trygghetsrådet"


def _menu_count(page) -> int:
    link = page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=re.compile("^Mitt arbete")
    )
    found = re.search(r"\d+", link.inner_text())
    return int(found.group()) if found else 0


def test_rapportor_starts_from_mitt_arbete_to_her_first_due_report(page, log_in, monkeypatch):
    freeze(monkeypatch, "2026-12-04 09:00")
    plan = Plan.objects.get(title__startswith="Region Norrbottens handlingsplan")
    strategist = User.objects.get(username="norrbotten-strateg")
    # The strategist opens the plan's last year; its rapportörer have 29 January to report.
    round_open(
        plan=plan, year=2022, period="helar", due_on=datetime.date(2027, 1, 29), user=strategist
    )
    log_in(page, "norrbotten-rapportor")

    assert page.url.endswith("/mitt-arbete/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mitt arbete"
    items = page.locator(".work-item")
    assert _menu_count(page) == items.count() > 0
    first = items.first
    assert "senast 29 januari 2027" in first.inner_text()
    round_ = FollowUpRound.objects.get(plan__title__startswith="Region Norrbottens", year=2022)
    rapportor = User.objects.get(username="norrbotten-rapportor")
    unreported = (
        writable_reports(rapportor)
        .filter(round=round_, state=MeasureReport.State.NOT_REPORTED)
        .count()
    )
    first.get_by_role("link", name=f"Rapportera {unreported} insatser").click()
    check_page(page, "my-work-rapportor-my-reports")
    assert page.url.endswith(f"#omgang-{round_.pk}")

    due = page.locator(f"section[aria-labelledby='omgang-{round_.pk}'] tr").filter(
        has_text="Ej rapporterad"
    )
    title = due.first.get_by_role("link").inner_text()
    due.first.get_by_role("link").click()
    check_page(page, "my-work-rapportor-first-report")
    assert title.split(" ", 1)[1][:40] in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Skicka in").is_visible()


def test_adjuster_finds_the_minutes_to_check(page, log_in, monkeypatch):
    freeze(monkeypatch, "2026-12-04 09:00")
    log_in(page, "norsjo-justerare")

    held = Meeting.objects.get(body__name=COUNCIL, status=Meeting.Status.HELD)
    item = page.locator(".work-item").filter(has_text="Justera protokollet")
    assert "12 november 2026" in item.inner_text()
    assert "senast 26 november 2026" in item.inner_text()  # two weeks after the meeting
    item.get_by_role("link", name="Justera protokollet").click()
    check_page(page, "my-work-adjuster-minutes-check")
    assert page.url.endswith(f"/moten/{held.pk}/justera/")
    assert page.get_by_role("button", name=re.compile("Jag justerar")).is_visible()


def test_secretary_sees_the_notice_deadline(page, log_in, monkeypatch):
    freeze(monkeypatch, "2027-02-01 09:00")
    log_in(page, "norsjo-sekreterare")

    coming = Meeting.objects.get(body__name=COUNCIL, starts_at__date="2027-02-11")
    item = page.locator(".work-item").filter(has_text="Skicka kallelsen")
    assert "senast 4 februari 2027" in item.inner_text()
    assert f"{COUNCIL} 11 februari 2027" in item.inner_text()
    item.get_by_role("link", name="Skicka kallelsen").click()
    check_page(page, "my-work-secretary-meeting")
    assert page.url.endswith(f"/moten/{coming.pk}/")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=re.compile("^Mitt arbete")
    ).click()
    page.get_by_role("link", name="E-postaviseringar").click()
    check_page(page, "my-work-notification-settings")
    page.get_by_label("Sista dagen att skicka en kallelse är nära").uncheck()
    page.get_by_role("button", name="Spara").click()
    check_page(page, "my-work-notification-settings-saved")
    assert "Dina val för e-postaviseringar är sparade." in page.locator("main").inner_text()
    assert not page.get_by_label("Sista dagen att skicka en kallelse är nära").is_checked()


def test_the_plan_overview_for_its_strategist_and_for_the_public(page, log_in, new_tab):
    plan = Plan.objects.get(title__startswith="Norbergs kommuns strategi")
    log_in(page, "norberg-strateg")
    page.goto(f"/planer/{plan.pk}/")
    check_page(page, "overview-plan")
    page.get_by_role("main").get_by_role("link", name="Översikt", exact=True).click()
    check_page(page, "overview-strategist")
    assert "Arbetsläge för 2026" in page.locator("main").inner_text()
    assert page.get_by_role("table").first.is_visible()

    public = new_tab()
    public.goto(f"/planer/{plan.pk}/oversikt/")
    check_page(public, "overview-public")
    text = public.locator("main").inner_text()
    assert "Publicerad uppföljning" in text and "Arbetsläge" not in text
