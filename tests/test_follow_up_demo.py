"""The demo has follow-ups as a municipality would have them: closed years and one open round."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from reports.demo.loader import load_follow_up_demo
from reports.models import FollowUpRound, MeasureReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NORBERG = "Norbergs kommuns strategi för folkhälsoarbetet 2022-2026"
NORRBOTTEN = "Region Norrbottens handlingsplan 2018–2022"


def test_demo_has_closed_follow_ups_for_2024_and_norrbottens_three_years(demo):
    closed = FollowUpRound.objects.filter(status="stangd")
    years = sorted(closed.filter(plan__title=NORRBOTTEN).values_list("year", flat=True))
    assert years == [2019, 2020, 2021]
    assert closed.filter(plan__title=NORBERG, year=2024).exists()
    assert closed.filter(plan__owner__name="Alingsås kommun", year=2024).exists()
    reports = MeasureReport.objects.filter(round__in=closed)
    assert set(reports.values_list("state", flat=True)) == {"godkand"}
    assert len(set(reports.values_list("status", flat=True))) >= 5  # a mix of statuses
    assert all(text.startswith("Demo: ") for text in reports.values_list("progress", flat=True))


def test_demo_has_one_open_round_with_reports_missing(demo):
    round_ = FollowUpRound.objects.get(status="oppen")
    assert round_.plan.title == NORBERG
    states = set(round_.reports.values_list("state", flat=True))
    assert {"inskickad", "utkast", "ej_rapporterad"} <= states
    strategist = client_for(User.objects.get(username="norberg-strateg"))
    page = strategist.get(reverse("reports:round_detail", args=[round_.pk])).content.decode()
    assert "Ej rapporterade" in page and "Granska" in page


def test_loading_the_follow_up_demo_twice_changes_nothing(demo):
    before = MeasureReport.objects.count()
    assert load_follow_up_demo() == []
    assert MeasureReport.objects.count() == before


def test_demo_grant_per_inhabitant_is_half_in_2023_and_whole_from_2024(demo):
    from decimal import Decimal

    from plans.models import BudgetFunder
    from reports.demo.grant import INHABITANTS, PLAN_TITLE

    grants = {
        f.budget.year: f.grant for f in BudgetFunder.objects.filter(budget__plan__title=PLAN_TITLE)
    }
    whole = Decimal("21.08") * INHABITANTS
    assert grants == {2023: whole / 2, 2024: whole}


def test_demo_grant_shows_in_the_follow_up_pdf_beside_its_outcome(demo):
    import re
    from io import BytesIO

    from pypdf import PdfReader

    from plans.models import Plan
    from reports.demo.grant import PLAN_TITLE
    from reports.documents import follow_up_document
    from reports.services import follow_up_render

    plan = Plan.objects.get(title=PLAN_TITLE)
    content = follow_up_document(plan=plan, year=2024)
    pdf = follow_up_render(content=content)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    assert "Staten:21,08krperinvånare×4050invånare×100%=85374kr" in text
    assert content["budget"]["outcome"]["total"]["budget"] == "85374.00"
    assert "Utfall2024motbudgetperpost" in text


def test_invented_figures_are_marked_demo_and_never_credited_to_kolada(demo):
    """The demo's Ohälsotal and Medellivslängd are invented: Norberg's published 2024 report
    marks them "Demo" and prints no "Källa: Kolada" for them, and the indicator page says so."""
    from io import BytesIO

    from pypdf import PdfReader

    from reports.models import Indicator, PublishedFollowUp

    published = PublishedFollowUp.objects.get(plan__title__startswith="Norbergs kommuns strategi")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(bytes(published.pdf))).pages)
    squeezed = "".join(text.split())
    assert "Indikator:Ohälsotal(dagar)–Demo" in squeezed
    assert "KällaKolada" not in squeezed.replace(":", "")
    assert all(d["kind"].startswith("Demo: ") for d in published.content["indicator_deviations"])
    indicator = Indicator.objects.get(name="Ohälsotal", owner__name="Norbergs kommun")
    page = client_for(None).get(reverse("reports:indicator_detail", args=[indicator.pk]))
    html = page.content.decode()
    assert "påhittade för att visa produkten" in html and "Källa: Kolada" not in html


def test_the_invented_outcome_of_alingsas_budget_is_marked_demo(demo):
    from plans.models import Budget
    from plans.selectors import budget_table
    from reports.documents import follow_up_document

    budget = Budget.objects.get(plan__owner__name="Alingsås kommun", year=2024)
    assert budget_table(budget=budget).outcome_is_demo
    content = follow_up_document(plan=budget.plan, year=2024)
    assert content["budget"]["outcome"]["demo"] is True
    reader = User.objects.create_superuser("granskare", "granskare@example.se", "x")
    page = client_for(reader).get(reverse("plans:budget", args=[budget.plan_id, 2024]))
    assert "utfallet är påhittat" in page.content.decode()


def test_survey_groups_are_named_as_the_survey_names_them(demo):
    """Liv och hälsa ung asks tjejer and killar: so the table says, while counting as K/M."""
    from reports.documents import follow_up_document
    from reports.models import Indicator

    indicator = Indicator.objects.get(name__startswith="Mår bra", owner__name="Norbergs kommun")
    assert indicator.values.filter(sex="K").exists()
    plan = indicator.focus_areas.first().plan
    entry = next(
        i for i in follow_up_document(plan=plan, year=2024)["indicators"] if i["id"] == indicator.pk
    )
    assert (entry["women_label"], entry["men_label"]) == ("Tjejer", "Killar")
    reader = User.objects.create_superuser("granskare2", "g2@example.se", "x")
    page = client_for(reader).get(reverse("reports:indicator_detail", args=[indicator.pk]))
    html = page.content.decode()
    assert ">Tjejer</th>" in html and ">Killar</th>" in html and ">Kvinnor</th>" not in html
