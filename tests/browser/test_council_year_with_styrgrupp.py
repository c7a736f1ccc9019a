"""Norsjö's secretary creates the council's next year with the styrgrupp's preparatory meetings
("Styrgruppen sammanträder alltid inför kommande råd", seed 001) and finds them on both bodies'
pages and on the meetings' own pages."""

import datetime
import itertools
import re

from councils.models import Body, Meeting
from councils.selectors import STOCKHOLM
from tests.browser.conftest import check_page
from tests.minutes_helpers import freeze

COUNCIL = "Folkhälso- och trygghetsrådet"
# The council's meetings of the year created, as (month, day).
DAYS = [(2, 10), (4, 20), (9, 21), (11, 16)]


def _free_year(council: Body) -> int:
    """Return the first year from 2027 on without a meeting of the council (the demo may
    already have 2027's, set at the last meeting of 2026)."""
    taken = {m.starts_at.astimezone(STOCKHOLM).year for m in council.meetings.all()}
    return next(year for year in itertools.count(2027) if year not in taken)


def test_secretary_creates_the_councils_year_with_the_styrgrupps_meetings(
    page, log_in, monkeypatch
):
    council = Body.objects.get(organisation__name="Norsjö kommun", name=COUNCIL)
    styrgrupp = Body.objects.get(organisation__name="Norsjö kommun", name="Styrgrupp")
    if styrgrupp.prepares_id != council.pk:  # until the demo says so itself
        Body.objects.filter(pk=styrgrupp.pk).update(prepares=council)
        styrgrupp.refresh_from_db()
    year = _free_year(council)
    freeze(monkeypatch, f"{year - 1}-12-01 10:00")
    days = [datetime.date(year, month, day) for month, day in DAYS]
    before = datetime.timedelta(days=styrgrupp.prepare_days_before)

    log_in(page, "norsjo-sekreterare")
    page.goto(f"/organ/{council.pk}/")
    check_page(page, "year-council")
    page.get_by_role("link", name="Skapa årets möten").click()
    check_page(page, "year-series-form")
    page.get_by_label(re.compile("^År")).fill(str(year))
    page.get_by_label(re.compile("^Datum")).fill("\n".join(day.isoformat() for day in days))
    page.locator("#id_starts").fill("13:00")
    page.locator("#id_ends").fill("16:00")
    preparing = page.get_by_label(re.compile("beredande möten"))
    assert preparing.is_checked()  # offered, and chosen unless she says otherwise
    days_field = page.get_by_label(re.compile("^Antal dagar före varje möte"))
    assert days_field.input_value() == str(styrgrupp.prepare_days_before)
    page.get_by_role("button", name="Skapa mötena").click()
    check_page(page, "year-created")
    assert page.get_by_text(f"4 möten skapade för {year}.").is_visible()
    assert page.get_by_text("4 beredande möten skapade.").is_visible()

    created = list(Meeting.objects.filter(body=council, starts_at__year=year).order_by("starts_at"))
    preparatory = list(Meeting.objects.filter(prepares_meeting__in=created).order_by("starts_at"))
    assert [m.body_id for m in preparatory] == [styrgrupp.pk] * 4
    assert [m.starts_at.astimezone(STOCKHOLM).date() for m in preparatory] == [
        day - before for day in days
    ]
    meetings = page.locator("#moten")
    assert meetings.get_by_role("link").filter(has_text=f"10 februari {year}").count() == 1

    page.goto(f"/organ/{styrgrupp.pk}/?ar={year}")
    check_page(page, "year-styrgrupp")
    assert page.get_by_text("Bereder").first.is_visible()
    first_day = days[0] - before
    listed = page.locator("#moten").get_by_role("link", name=re.compile(f"{first_day.day} "))
    assert listed.count() >= 1
    listed.first.click()
    check_page(page, "year-preparatory-meeting")
    bereder = page.get_by_role("link", name=re.compile(f"möte 10 februari {year}"))
    assert bereder.is_visible()
    bereder.click()
    check_page(page, "year-council-meeting")
    assert page.get_by_role("link", name=re.compile(f"möte {first_day.day} ")).is_visible()
