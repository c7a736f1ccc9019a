"""A rapportör reports on two measures and submits; the strategist returns one, accepts one."""

import datetime
import re
from io import BytesIO

from django.contrib.auth.models import User
from docx import Document
from pypdf import PdfReader

from plans.models import Plan
from reports.models import MeasureReport, PublishedFollowUp
from reports.services import round_open
from tests.browser.conftest import check_page

PLAN = "Region Norrbottens handlingsplan 2018–2022"
SUMMARY = "Året gick i stort enligt plan; två insatser väntar på kommunernas beslut."
ANALYSES = [
    "Utbildningen nådde alla kommuner i länet.",
    "Samverkan med regionens vårdcentraler kom i gång.",
]


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)


def _report(page, code: str, status: str, text: str) -> None:
    page.get_by_role("link", name=f"{code} ", exact=False).first.click()
    check_page(page, f"follow-up-report-{code}")
    page.get_by_role("radio", name=status).check()
    page.get_by_role("textbox", name="Hur går det?").fill(text)
    page.get_by_role("button", name="Skicka in").click()
    check_page(page, f"follow-up-submitted-{code}")
    assert f"Rapporten om {code} är inskickad." in page.get_by_role("status").first.inner_text()


def test_rapportor_reports_and_the_strategist_returns_one_and_accepts_one(page, log_in, new_tab):
    plan = Plan.objects.get(title=PLAN)
    strategist = User.objects.get(username="norrbotten-strateg")
    # The demo has published 2021 (reports/demo/loader.py): the year the new one is compared with.
    assert PublishedFollowUp.objects.filter(plan=plan, year=2021).exists()
    round_ = round_open(
        plan=plan, year=2022, period="helar", due_on=datetime.date(2027, 1, 31), user=strategist
    )
    log_in(page, "norrbotten-rapportor")
    page.get_by_role("navigation").get_by_role("link", name="Uppföljning").click()
    check_page(page, "follow-up-my-measures")
    _report(page, "1A", "Genomförd", "Alla kommuner har fått utbildningen.")
    _report(page, "1B", "Risk för avvikelse", "Två kommuner har inte börjat.")

    other = new_tab()
    log_in(other, "norrbotten-strateg")
    other.get_by_role("navigation").get_by_role("link", name="Uppföljning").click()
    check_page(other, "follow-up-rounds")
    other.get_by_role("link", name=re.compile(r"Helår 2022$")).click()
    check_page(other, "follow-up-round")
    # Before reminding, the page says who will be reached and who cannot be (nothing sent here).
    other.get_by_role("link", name="Påminn dem som inte rapporterat…").click()
    check_page(other, "follow-up-remind")
    assert "Får en påminnelse med e-post" in other.get_by_role("main").inner_text()
    other.go_back()
    other.get_by_role("link", name="Granska 1B").click()
    check_page(other, "follow-up-review")
    other.get_by_role("textbox", name="Kommentar till rapportören").fill("Vilka två kommuner?")
    other.get_by_role("button", name="Returnera för komplettering").click()
    check_page(other, "follow-up-returned")
    other.get_by_role("link", name="Granska 1A").click()
    check_page(other, "follow-up-review-1A")
    other.get_by_role("button", name="Godkänn").click()
    check_page(other, "follow-up-accepted")

    other.goto(f"{other.url.split('/uppfoljning/')[0]}/planer/{plan.pk}/")
    check_page(other, "follow-up-plan")
    other.get_by_role("main").get_by_role("link", name="Uppföljning", exact=True).click()
    check_page(other, "follow-up-plan-hub")
    other.get_by_role("link", name="Skriv bedömning och analys 2022").click()
    check_page(other, "follow-up-text")
    other.get_by_role("textbox", name="Sammanfattande bedömning").fill(SUMMARY)
    for index, text in enumerate(ANALYSES):
        other.get_by_role("textbox", name="Det som har gått bra").nth(index).fill(text)
    other.get_by_role("button", name="Spara").click()
    check_page(other, "follow-up-text-saved")
    link = other.get_by_role("link", name="Förhandsgranska 2022 (PDF)").get_attribute("href")
    preview = other.request.get(link)
    assert preview.headers["content-type"] == "application/pdf"
    assert SUMMARY in _pdf_text(preview.body())
    other.get_by_role("link", name="Publicera 2022…").click()
    check_page(other, "follow-up-publish-confirm")
    confirm = other.get_by_role("main").inner_text()
    assert "rapporten blir offentlig" in confirm and "norrbotten-strateg" not in confirm
    other.get_by_role("button", name="Publicera 2022").click()
    check_page(other, "follow-up-published")
    assert "Uppföljningen för 2022 är publicerad." in other.get_by_role("status").inner_text()
    published = PublishedFollowUp.objects.get(plan=plan, year=2022)
    assert "Vilka två kommuner?" not in str(published.content)  # returned: not in the report
    pdf = other.request.get(
        other.get_by_role("link", name="Uppföljning 2022 (PDF)").get_attribute("href")
    )
    printed = _pdf_text(pdf.body())
    assert SUMMARY in printed and all(text in printed for text in ANALYSES)
    word = other.request.get(
        other.get_by_role("link", name="Uppföljning 2022 (Word)").get_attribute("href")
    )
    paragraphs = "\n".join(p.text for p in Document(BytesIO(word.body())).paragraphs)
    assert SUMMARY in paragraphs and all(text in paragraphs for text in ANALYSES)
    assert "Alla kommuner har fått utbildningen." in str(published.content)
    other.get_by_role("link", name="Jämför med året före (2022)").click()
    check_page(other, "follow-up-compared")
    assert (
        "Uppföljning 2022 jämförd med året före"
        in other.get_by_role("heading", level=1).inner_text()
    )
    changed = other.get_by_role("table", name=re.compile("Insatser vars status ändrades från 2021"))
    assert "1A" in changed.inner_text()  # 2022's "Genomförd" against 2021's report

    reports = {r.measure.code: r for r in round_.reports.select_related("measure")}
    assert reports["1A"].state == MeasureReport.State.ACCEPTED
    assert reports["1B"].state == MeasureReport.State.RETURNED
    page.reload()
    assert "Vilka två kommuner?" in page.content()
