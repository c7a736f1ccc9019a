"""Paragraphs say what they are: a decision ("Rådet beslutar"), a proposal to another body
("Rådet föreslår kommunstyrelsen"), information ("Informationen noteras"), in the minutes, the
extract, the site and the editor; the chair signs (undertecknar) and the adjusters check
(justerar), with their dates; a checked record keeps its words."""

import datetime

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Body, MinutesCheck, MinutesRecord, StandingItem
from councils.selectors import member_work, minutes_document
from councils.services import (
    minutes_check,
    minutes_check_on_paper,
    render_extract_pdf,
    render_minutes_pdf,
)
from tests.conftest import client_for
from tests.council_documents import (
    add_member,
    attend,
    new_meeting,
    one_line,
    pdf_text,
    stockholm,
)
from tests.html_forms import main_form
from tests.minutes_helpers import freeze, link_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(council):
    """A held meeting of Norberg's council (an advisory body) with a paragraph of each kind,
    its chair appointed to sign and a member appointed to check."""
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0), status="genomfort")
    chair = add_member(council, "Åke Ordförande", role="ordforande")
    adjuster = add_member(council, "Märta Öhrström")
    attend(meeting, chair)
    attend(meeting, adjuster)
    for order, (kind, to, title, decision) in enumerate(
        [
            ("beslut", "", "Val av justerare", "att utse Märta Öhrström att justera protokollet."),
            ("forslag", "kommunstyrelsen", "Lägesbild 2025", "att lägesbilden fastställs."),
            ("information", "", "Polisens rapport", ""),
        ],
        start=1,
    ):
        AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            kind=kind,
            proposal_to=to,
            title=title,
            paragraph=order + 6,
            note=f"Diskussion om {title.lower()}.",
            decision=decision,
        )
    MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)
    MinutesCheck.objects.create(meeting=meeting, person=adjuster, role=MinutesCheck.Role.ADJUSTER)
    return meeting


def _minutes_text(meeting) -> str:
    return one_line(pdf_text(render_minutes_pdf(meeting=meeting)))


def _check_all(meeting, by, *, chair_on="2025-03-13", adjuster_on="2025-03-14") -> None:
    """Sign (the chair) and check (the adjuster) on paper, through the service: locked."""
    for check in meeting.checks.order_by("id"):
        day = chair_on if check.role == MinutesCheck.Role.CHAIR else adjuster_on
        on = datetime.date.fromisoformat(day)
        minutes_check_on_paper(
            meeting=meeting, check=check, on=on, user=by, now=stockholm(2025, 3, 20, 9, 0)
        )
    meeting.refresh_from_db()


def test_minutes_print_each_paragraph_in_the_words_of_its_kind(held):
    text = _minutes_text(held)
    assert "§ 7 Val av justerare" in text
    assert "Rådet beslutar att utse Märta Öhrström att justera protokollet." in text
    assert "§ 8 Lägesbild 2025 Förslag till kommunstyrelsen" in text
    assert "Rådet föreslår kommunstyrelsen att lägesbilden fastställs." in text
    assert (
        "§ 9 Polisens rapport Information Diskussion om polisens rapport. Informationen noteras"
        in (text)
    )
    assert "rekommenderar" not in text


def test_the_extract_says_to_whom_the_body_proposes(held):
    proposal = held.items.get(kind="forslag")
    text = one_line(pdf_text(render_extract_pdf(item=proposal)))
    assert "Rådet föreslår kommunstyrelsen att lägesbilden fastställs." in text
    assert "beslutar" not in text and "rekommenderar" not in text


def test_the_site_minutes_use_the_same_words(held, alice):
    page = client_for(alice).get(reverse("councils:minutes", args=[held.pk])).content.decode()
    assert '<h3 lang="sv">Rådet beslutar</h3>' in page
    assert '<h3 lang="sv">Rådet föreslår kommunstyrelsen</h3>' in page
    assert '<h3 lang="sv">Informationen noteras</h3>' in page
    assert "Rekommendation" not in page and "rekommenderar" not in page


def test_the_editor_leads_each_text_with_the_words_of_its_kind(held, diana):
    page = client_for(diana).get(reverse("councils:minutes", args=[held.pk])).content.decode()
    decision, proposal, information = held.items.order_by("order")
    assert f'<label for="id_arende-{decision.pk}-decision">Rådet beslutar' in page
    assert f'<label for="id_arende-{proposal.pk}-decision">Rådet föreslår kommunstyrelsen' in page
    assert f"arende-{information.pk}-decision" not in page  # information is noted, not decided
    assert "<strong>Informationen noteras</strong>" in page
    assert "(förslag till kommunstyrelsen)" in page


@pytest.mark.parametrize(
    ("kind", "short_name", "words"),
    [
        (Body.Kind.COUNCIL, "", "Rådet beslutar"),
        (Body.Kind.COUNCIL, "Styrgruppen", "Styrgruppen beslutar"),
        (Body.Kind.BOARD, "", "Nämnden beslutar"),
    ],
)
def test_the_body_is_named_by_its_short_name_or_else_its_kind(held, kind, short_name, words):
    held.body.kind, held.body.short_name = kind, short_name
    held.body.save()
    text = _minutes_text(held)
    assert f"{words} att utse Märta Öhrström" in text
    assert f"{words.split()[0]} föreslår kommunstyrelsen" in text


def test_the_chair_signs_and_the_adjuster_checks_each_with_her_date(held, diana):
    chair = held.checks.get(role=MinutesCheck.Role.CHAIR)
    user = link_account(chair.person, "ake")
    minutes_check(meeting=held, user=user, now=stockholm(2025, 3, 13, 16, 0))
    adjuster = held.checks.get(role=MinutesCheck.Role.ADJUSTER)
    minutes_check_on_paper(
        meeting=held,
        check=adjuster,
        on=datetime.date(2025, 3, 14),
        user=diana,
        now=stockholm(2025, 3, 20, 9, 0),
    )
    text = _minutes_text(held)
    assert "Undertecknat den 13 mars 2025 (digitalt) Åke Ordförande Ordförande" in text
    assert "Justerat den 14 mars 2025 (på papper) Märta Öhrström Justerare" in text
    assert "Undertecknas av: Åke Ordförande (ordförande)" in text
    assert "Justerare: Märta Öhrström" in text
    page = client_for(diana).get(reverse("councils:minutes", args=[held.pk])).content.decode()
    assert "Undertecknat den 13 mars 2025 (digitalt)" in page
    assert "Justerat den 14 mars 2025 (på papper)" in page
    assert "justerat digitalt" not in page.lower()


def test_unsigned_minutes_say_who_is_still_to_sign_and_check(held, alice):
    page = client_for(alice).get(reverse("councils:minutes", args=[held.pk])).content.decode()
    assert "(ordförande, undertecknar):" in page and "inte undertecknat" in page
    assert "(justerare):" in page and "inte justerat" in page


def test_a_checked_record_keeps_its_words_after_the_short_name_changes(held, diana, alice):
    _check_all(held, diana)
    assert held.is_locked
    held.body.short_name = "Folkhälsorådet"
    held.body.save()
    text = _minutes_text(held)
    assert "Rådet beslutar att utse" in text and "Folkhälsorådet beslutar" not in text
    assert "Rådet föreslår kommunstyrelsen" in text
    page = client_for(alice).get(reverse("councils:minutes", args=[held.pk])).content.decode()
    assert '<h3 lang="sv">Rådet beslutar</h3>' in page
    proposal = held.items.get(kind="forslag")
    extract = one_line(pdf_text(render_extract_pdf(item=proposal)))
    assert "Rådet föreslår kommunstyrelsen" in extract


def test_a_record_from_before_the_kinds_still_renders_as_it_was_checked(held, diana):
    _check_all(held, diana)
    record = MinutesRecord.objects.get(meeting=held)
    content = record.content
    for item in content["items"]:
        del item["kind_value"], item["proposal_to"], item["lead_in"]
    for line in content["signatures"]:
        del line["duty"]
    content["format"] = 1
    MinutesRecord.objects.filter(pk=record.pk).update(content=content)

    document = minutes_document(meeting=held)
    assert [item.lead_in for item in document.items] == [
        "Folkhälsorådet rekommenderar",  # what an advisory body's minutes said then
        "Folkhälsorådet rekommenderar",
        "",
    ]
    assert [line.duty for line in document.signatures] == ["", "undertecknar", "justerar"]
    text = _minutes_text(held)
    assert "Undertecknat den 13 mars 2025 (på papper) Åke Ordförande Ordförande" in text
    assert "Justerat den 14 mars 2025 (på papper) Märta Öhrström Justerare" in text


def test_the_chair_is_asked_to_sign_on_mitt_arbete(held):
    chair = held.checks.get(role=MinutesCheck.Role.CHAIR)
    adjuster = held.checks.get(role=MinutesCheck.Role.ADJUSTER)
    today = datetime.date(2025, 3, 13)
    titles = [i.title for i in member_work(user=link_account(chair.person, "ake"), today=today)]
    assert titles == ["Underteckna protokollet"]
    user = link_account(adjuster.person, "marta")
    assert [i.title for i in member_work(user=user, today=today)] == ["Justera protokollet"]


# --- The forms: the kind's three choices, and a proposal names its body ---


def _item_form(client, meeting):
    url = reverse("councils:agenda_item_create", args=[meeting.pk])
    return url, main_form(client.get(url).content.decode())


def test_the_agenda_item_offers_the_three_kinds(meeting, diana):
    _url, form = _item_form(client_for(diana), meeting)
    page = client_for(diana).get(_url).content.decode()
    assert form is not None
    for label in ("Beslut", "Förslag till annat organ", "Information"):
        assert f">{label}</option>" in page
    assert "Rapport" not in page and "Övrigt" not in page


def test_a_proposal_without_its_body_is_refused_on_the_field(meeting, diana):
    client = client_for(diana)
    url, form = _item_form(client, meeting)
    data = form.data(title="Lägesbild", kind="forslag")
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange vilket organ förslaget går till, t.ex. kommunstyrelsen." in page
    assert 'id="id_proposal_to"' in page and 'aria-invalid="true"' in page
    assert not meeting.items.filter(title="Lägesbild").exists()


def test_a_recipient_on_a_decision_is_refused(meeting, diana):
    client = client_for(diana)
    url, form = _item_form(client, meeting)
    data = form.data(title="Lägesbild", kind="beslut", proposal_to="kommunstyrelsen")
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Mottagaren anges bara för typen" in response.content.decode()
    assert not meeting.items.filter(title="Lägesbild").exists()


def test_a_proposal_with_its_body_is_saved(meeting, diana):
    client = client_for(diana)
    url, form = _item_form(client, meeting)
    data = form.data(title="Lägesbild", kind="forslag", proposal_to="kommunstyrelsen")
    assert client.post(url, data).status_code == 302
    item = meeting.items.get(title="Lägesbild")
    assert (item.kind, item.proposal_to) == ("forslag", "kommunstyrelsen")


def test_a_standing_proposal_names_its_body_or_is_refused(council, diana):
    url = reverse("councils:body_standing_items", args=[council.pk])
    data = {"title": "Årsrapport", "kind": "forslag", "rule": "sista", "order": "1"}
    response = client_for(diana).post(url, data)
    assert response.status_code == 400
    assert "Ange vilket organ förslaget går till" in response.content.decode()
    assert not StandingItem.objects.exists()
    data["proposal_to"] = "kommunfullmäktige"
    assert client_for(diana).post(url, data).status_code == 302
    assert StandingItem.objects.get().proposal_to == "kommunfullmäktige"


def test_a_standing_proposal_goes_onto_the_years_meetings_with_its_body(
    council, diana, monkeypatch
):
    from councils.services import meeting_series_create

    freeze(monkeypatch, "2026-11-20 10:00")
    StandingItem.objects.create(
        body=council,
        title="Årsrapport",
        kind="forslag",
        proposal_to="kommunfullmäktige",
        rule="sista",
    )
    meetings = meeting_series_create(
        body=council,
        year=2027,
        dates=[datetime.date(2027, 2, 3), datetime.date(2027, 11, 3)],
        starts=datetime.time(13),
        ends=None,
        place="Kommunhuset",
        user=diana,
    )
    item = AgendaItem.objects.get(meeting=meetings[-1], title="Årsrapport")
    assert (item.kind, item.proposal_to) == ("forslag", "kommunfullmäktige")
