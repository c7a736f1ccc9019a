"""Bodies work together (seed 001): the styrgrupp prepares the council's meetings ("sammanträder
alltid inför kommande råd"), its items marked "till rådet" reach the council's agenda, the
förebyggargrupp chooses its secretary at each meeting, and the notice says who convenes
("Folkhälsostrateg kallar"). Every choice stays within the secretary's own organisation."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import AgendaItem, AgendaKind, Body, Meeting, Seat, StandingItem
from councils.services import (
    Preparation,
    body_save,
    meeting_year_create,
    minutes_save,
    render_minutes_pdf,
    render_notice_pdf,
)
from plans.models import Organisation, Person
from tests.conftest import client_for
from tests.council_documents import add_member, pdf_text, stockholm
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(council) -> Body:
    """Norberg's council, named "Rådet" in its decisions."""
    council.short_name = "Rådet"
    council.save()
    return council


@pytest.fixture
def styrgrupp(council) -> Body:
    """The council's styrgrupp, which prepares its meetings a week before."""
    return Body.objects.create(
        organisation=council.organisation,
        parent=council,
        name="Styrgrupp",
        short_name="Styrgruppen",
        kind=Body.Kind.WORKING_GROUP,
        adjusters_count=0,
        prepares=council,
        prepare_days_before=7,
    )


@pytest.fixture
def outsiders(alingsas) -> dict:
    """Alingsås' register and body: never offered to Norberg's secretary."""
    return {
        "person": Person.objects.create(name="Ute Alingsås", organisation=alingsas),
        "body": Body.objects.create(organisation=alingsas, name="Alingsås råd", kind="rad"),
    }


def _options(html: str, name: str) -> dict[str, str]:
    """Return a select's options: value → label."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))
    return dict(found)


def _page(user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _text(user, url: str) -> str:
    """Return the page's text without markup, its spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(user, url)))


def _body_state(body: Body) -> tuple:
    body.refresh_from_db()
    return body.version, body.convener_id, body.prepares_id, body.short_name


# The body form: who convenes, the name in decisions, the body it prepares.


def test_body_form_offers_only_her_organisations_people_and_bodies(
    diana, council, styrgrupp, eva, library, outsiders
):
    librarian = Person.objects.create(name="Lina Bibliotek", title="Chef", organisation=library)
    html = _page(diana, reverse("councils:body_edit", args=[styrgrupp.pk]))
    conveners = _options(html, "convener")
    assert str(eva.pk) in conveners and str(librarian.pk) in conveners
    assert "Lina Bibliotek, Chef (Biblioteket)" in conveners.values()
    assert str(outsiders["person"].pk) not in conveners and "Ute Alingsås" not in html
    prepared = _options(html, "prepares")
    assert str(council.pk) in prepared
    assert str(styrgrupp.pk) not in prepared  # never itself
    assert str(outsiders["body"].pk) not in prepared and "Alingsås råd" not in html
    # The council is prepared by the styrgrupp: it may not prepare the styrgrupp back.
    html = _page(diana, reverse("councils:body_edit", args=[council.pk]))
    assert str(styrgrupp.pk) not in _options(html, "prepares")


def test_a_forged_convener_or_body_of_another_organisation_is_refused(diana, styrgrupp, outsiders):
    url = reverse("councils:body_edit", args=[styrgrupp.pk])
    form = main_form(_page(diana, url))
    before = _body_state(styrgrupp)
    for field, value in (("convener", outsiders["person"].pk), ("prepares", outsiders["body"].pk)):
        response = client_for(diana).post(url, form.data(**{field: str(value)}))
        assert response.status_code == 400
        assert "Välj" in response.content.decode()
        assert _body_state(styrgrupp) == before


def test_a_body_never_prepares_one_that_prepares_it(diana, council, styrgrupp):
    # The page does not offer it, and a forged POST is refused with a Swedish sentence.
    url = reverse("councils:body_edit", args=[council.pk])
    form = main_form(_page(diana, url))
    before = _body_state(council)
    response = client_for(diana).post(url, form.data(prepares=str(styrgrupp.pk)))
    assert response.status_code == 400
    assert "inte ett organ som bereder dess ärenden" in response.content.decode()
    assert _body_state(council) == before
    # The service refuses the circle too, through a third body, and itself.
    working = Body.objects.create(
        organisation=council.organisation,
        name="Arbetsgrupp",
        kind="arbetsgrupp",
        prepares=styrgrupp,
    )
    council.prepares = working
    with pytest.raises(ValidationError) as refused:
        body_save(body=council, expected_version=council.version, user=diana)
    assert "Arbetsgrupp bereder redan ärenden till Folkhälsorådet" in str(refused.value)
    council.prepares = council
    with pytest.raises(ValidationError, match="bereda ärenden till sig självt"):
        body_save(body=council, expected_version=council.version, user=diana)
    assert _body_state(council) == before


def test_the_secretary_sets_who_convenes_and_what_the_body_prepares(diana, council, styrgrupp, eva):
    styrgrupp.prepares = None
    styrgrupp.save()
    url = reverse("councils:body_edit", args=[styrgrupp.pk])
    form = main_form(_page(diana, url))
    data = form.data(
        convener=str(eva.pk), prepares=str(council.pk), prepare_days_before="10", short_name="SG"
    )
    assert client_for(diana).post(url, data).status_code == 302
    styrgrupp.refresh_from_db()
    assert (styrgrupp.convener, styrgrupp.prepares, styrgrupp.prepare_days_before) == (
        eva,
        council,
        10,
    )
    assert styrgrupp.short_name == "SG"


def test_the_body_pages_say_who_prepares_and_who_convenes(diana, council, styrgrupp, eva):
    styrgrupp.convener = eva
    styrgrupp.save()
    text = _text(diana, reverse("councils:body_detail", args=[styrgrupp.pk]))
    assert "Bereder Rådet (7 dagar före)" in text
    assert "Kallas av Eva Ordförande, Kommunstyrelsens ordförande" in text
    text = _text(diana, reverse("councils:body_detail", args=[council.pk]))
    assert "Bereds av Styrgruppen" in text


# The council's year with the styrgrupp's preparatory meetings.

DAYS = [datetime.date(2027, 2, 11), datetime.date(2027, 4, 22)]  # summer time from 28 March


def _year(council, user, *preparations, days=DAYS):
    return meeting_year_create(
        body=council,
        year=2027,
        dates=days,
        starts=datetime.time(13),
        ends=datetime.time(16),
        place="Kommunhuset",
        user=user,
        preparations=preparations,
    )


def test_the_year_brings_a_preparatory_meeting_days_before_each(diana, council, styrgrupp):
    StandingItem.objects.create(body=styrgrupp, title="Förslag till rådets dagordning")
    created = _year(council, diana, Preparation(body=styrgrupp, days_before=7))
    assert len(created.meetings) == 2 and len(created.preparatory) == 2
    made = Meeting.objects.filter(body=styrgrupp).order_by("starts_at")
    assert [m.starts_at for m in made] == [stockholm(2027, 2, 4, 13), stockholm(2027, 4, 15, 13)]
    assert [m.ends_at for m in made] == [stockholm(2027, 2, 4, 16), stockholm(2027, 4, 15, 16)]
    assert [m.prepares_meeting for m in made] == created.meetings
    assert {m.place for m in made} == {"Kommunhuset"}
    assert all(m.items.filter(title="Förslag till rådets dagordning").count() == 1 for m in made)


def test_a_preparation_at_its_own_time_and_place_across_the_clock_change(diana, council, styrgrupp):
    preparation = Preparation(
        body=styrgrupp, days_before=26, starts=datetime.time(9), place="Kansliet"
    )
    created = _year(council, diana, preparation, days=[datetime.date(2027, 4, 22)])
    (made,) = created.preparatory
    assert made.starts_at == stockholm(2027, 3, 27, 9)  # winter time: 08.00 UTC
    assert made.starts_at.astimezone(datetime.UTC).hour == 8
    assert made.ends_at is None and made.place == "Kansliet"


def test_a_failing_preparatory_meeting_creates_nothing_at_all(diana, council, styrgrupp, outsiders):
    wrong = Preparation(
        body=styrgrupp, days_before=7, starts=datetime.time(15), ends=datetime.time(13)
    )
    with pytest.raises(ValidationError):
        _year(council, diana, wrong)
    assert not Meeting.objects.filter(body__in=[council, styrgrupp]).exists()
    # The styrgrupp's meetings are made, then another body's are refused: none stays.
    foreign = outsiders["body"]
    Body.objects.filter(pk=foreign.pk).update(prepares=council)
    foreign.refresh_from_db()
    good = Preparation(body=styrgrupp, days_before=7)
    with pytest.raises(ValidationError):
        _year(council, diana, good, Preparation(body=foreign, days_before=7))
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError, match="mellan 1 och 90 dagar"):
        _year(council, diana, Preparation(body=styrgrupp, days_before=0))
    assert not Meeting.objects.filter(body__in=[council, styrgrupp]).exists()


def test_a_day_the_styrgrupp_already_meets_gets_no_second_meeting(diana, council, styrgrupp):
    already = Meeting.objects.create(body=styrgrupp, starts_at=stockholm(2027, 2, 4, 9))
    created = _year(council, diana, Preparation(body=styrgrupp, days_before=7))
    assert Meeting.objects.filter(body=styrgrupp).count() == 2
    already.refresh_from_db()
    assert already.prepares_meeting == created.meetings[0]
    assert created.notes == [
        "Styrgrupp har redan ett möte 4 februari 2027: inget nytt möte skapades, och det mötet "
        "bereder nu rådets möte 11 februari 2027."
    ]


def _series_url(council) -> str:
    return reverse("councils:meeting_series", args=[council.pk])


def _series_data(styrgrupp, **more) -> dict:
    data = {"year": "2027", "dates": "2027-02-11\n2027-04-22", "starts": "13:00"}
    data.update({"place": "Kommunhuset", "confirm": "on"})
    return {**data, **more}


def test_the_series_page_offers_and_creates_the_preparatory_meetings(diana, council, styrgrupp):
    html = _page(diana, _series_url(council))
    assert "Skapa styrgruppens beredande möten" in html
    assert f'name="bereds_{styrgrupp.pk}_dagar" value="7"' in html
    data = _series_data(
        styrgrupp, **{f"bereds_{styrgrupp.pk}_skapa": "on", f"bereds_{styrgrupp.pk}_dagar": "14"}
    )
    response = client_for(diana).post(_series_url(council), data, follow=True)
    assert "2 beredande möten skapade." in response.content.decode()
    days = [m.starts_at for m in Meeting.objects.filter(body=styrgrupp).order_by("starts_at")]
    assert days == [stockholm(2027, 1, 28, 13), stockholm(2027, 4, 8, 13)]


def test_a_preparing_body_she_does_not_manage_is_neither_offered_nor_created(
    diana, council, outsiders
):
    foreign = outsiders["body"]
    Body.objects.filter(pk=foreign.pk).update(prepares=council)  # set by someone else
    html = _page(diana, _series_url(council))
    assert f"bereds_{foreign.pk}_skapa" not in html
    forged = _series_data(
        foreign, **{f"bereds_{foreign.pk}_skapa": "on", f"bereds_{foreign.pk}_dagar": "7"}
    )
    response = client_for(diana).post(_series_url(council), forged)
    assert response.status_code == 400
    assert "organ som du är sekreterare för" in response.content.decode()
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError, match="inte sekreterare för Alingsås råd"):
        _year(council, diana, Preparation(body=Body.objects.get(pk=foreign.pk), days_before=7))
    assert not Meeting.objects.exists()


def test_the_meeting_pages_name_the_meeting_prepared_and_its_preparations(
    diana, council, styrgrupp
):
    created = _year(council, diana, Preparation(body=styrgrupp, days_before=7))
    first, prepared = created.preparatory[0], created.meetings[0]
    text = _page(diana, reverse("councils:meeting_detail", args=[first.pk]))
    assert "Bereder" in text and "Rådets möte 11 februari 2027" in text
    text = _page(diana, reverse("councils:meeting_detail", args=[prepared.pk]))
    assert "Styrgruppens möte 4 februari 2027" in text


# Items marked "till rådet".


@pytest.fixture
def pair(council, styrgrupp) -> tuple[Meeting, Meeting]:
    """The council's meeting on 11 February 2027 and the styrgrupp's preparing it."""
    prepared = Meeting.objects.create(body=council, starts_at=stockholm(2027, 2, 11, 13))
    AgendaItem.objects.create(meeting=prepared, order=1, title="Val av justerare", kind="beslut")
    preparing = Meeting.objects.create(
        body=styrgrupp, starts_at=stockholm(2027, 2, 4, 9), prepares_meeting=prepared
    )
    return preparing, prepared


def _new_item(user, meeting, **fields):
    url = reverse("councils:agenda_item_create", args=[meeting.pk])
    data = {"title": "Lägesbild trygghet", "kind": "beslut", "text": "Underlag.", **fields}
    return client_for(user).post(url, data, follow=True)


def test_an_item_marked_for_the_council_lands_last_on_its_agenda_once(diana, pair):
    preparing, prepared = pair
    html = _page(diana, reverse("councils:agenda_item_create", args=[preparing.pk]))
    assert "Till rådet" in html
    response = _new_item(diana, preparing, to_prepared_body="on")
    assert "står nu sist på föredragningslistan till rådets möte 11 februari 2027" in (
        response.content.decode()
    )
    source = preparing.items.get()
    copy = prepared.items.get(proposed_from=source)
    assert (copy.title, copy.kind, copy.text, copy.order) == (
        "Lägesbild trygghet",
        AgendaKind.DECISION,
        "Underlag.",
        2,
    )
    # Saved again, unchanged or changed: still one copy.
    url = reverse("councils:agenda_item_edit", args=[source.pk])
    form = main_form(_page(diana, url))
    for data in (form.data(), form.data(presenter="Folkhälsostrategen")):
        client_for(diana).post(url, data)
    assert prepared.items.filter(proposed_from=source).count() == 1
    text = _page(diana, reverse("councils:meeting_detail", args=[prepared.pk]))
    assert "Beredd av styrgruppen (mötet 4 februari 2027, punkt 1)" in text


def test_the_council_itself_is_not_offered_to_forward_anything(diana, pair):
    _preparing, prepared = pair
    html = _page(diana, reverse("councils:agenda_item_create", args=[prepared.pk]))
    assert "to_prepared_body" not in html


def test_without_a_meeting_of_its_own_the_item_goes_to_the_councils_next(diana, council, pair):
    preparing, prepared = pair
    later = Meeting.objects.create(body=council, starts_at=stockholm(2027, 4, 22, 13))
    Meeting.objects.filter(pk=preparing.pk).update(prepares_meeting=None)
    preparing.refresh_from_db()
    Meeting.objects.filter(pk=prepared.pk).update(starts_at=stockholm(2027, 1, 14, 13))
    _new_item(diana, preparing, to_prepared_body="on")
    assert later.items.get().proposed_from == preparing.items.get()


def test_unmarking_takes_back_an_unchanged_copy_and_keeps_a_changed_one(diana, pair):
    preparing, prepared = pair
    _new_item(diana, preparing, to_prepared_body="on")
    source = preparing.items.get()
    url = reverse("councils:agenda_item_edit", args=[source.pk])
    form = main_form(_page(diana, url))
    unmarked = {k: v for k, v in form.data().items() if k != "to_prepared_body"}
    response = client_for(diana).post(url, unmarked, follow=True)
    assert "togs bort från föredragningslistan till rådets möte" in response.content.decode()
    assert not prepared.items.filter(proposed_from=source).exists()
    # Marked again; the council's secretary edits the copy; unmarking leaves it and says so.
    client_for(diana).post(url, main_form(_page(diana, url)).data(to_prepared_body="on"))
    copy = prepared.items.get(proposed_from=source)
    copy_url = reverse("councils:agenda_item_edit", args=[copy.pk])
    client_for(diana).post(copy_url, main_form(_page(diana, copy_url)).data(title="Lägesbild"))
    form = main_form(_page(diana, url))
    unmarked = {k: v for k, v in form.data().items() if k != "to_prepared_body"}
    response = client_for(diana).post(url, unmarked, follow=True)
    assert "ligger kvar på föredragningslistan" in response.content.decode()
    assert prepared.items.filter(proposed_from=source, title="Lägesbild").exists()


def test_nothing_is_forwarded_once_the_councils_notice_is_sent(diana, pair):
    preparing, prepared = pair
    Meeting.objects.filter(pk=prepared.pk).update(
        status=Meeting.Status.NOTICE_SENT, notice_sent_at=stockholm(2027, 2, 3, 9)
    )
    response = _new_item(diana, preparing, to_prepared_body="on")
    assert "Kallelsen till rådets möte 11 februari 2027 är redan skickad" in (
        response.content.decode()
    )
    assert preparing.items.get().to_prepared_body  # her mark is kept
    assert prepared.items.count() == 1  # only Val av justerare


def test_a_paragraph_marked_in_the_minutes_brings_its_decision(diana, pair):
    preparing, prepared = pair
    Meeting.objects.filter(pk=preparing.pk).update(status=Meeting.Status.HELD)
    preparing.refresh_from_db()
    item = AgendaItem.objects.create(
        meeting=preparing, order=1, kind=AgendaKind.PROPOSAL, proposal_to="rådet", title="Budget"
    )
    item.decision, item.to_prepared_body = "Styrgruppen föreslår rådet att anta budgeten.", True
    for _ in range(2):  # saved twice: one copy
        notes = []
        minutes_save(
            meeting=preparing, user=diana, texts=[(item, item.version)], adjusters=[], notes=notes
        )
        item.refresh_from_db()
    copy = prepared.items.get(proposed_from=item)
    assert copy.text == "Styrgruppen föreslår rådet att anta budgeten."
    assert (copy.kind, copy.proposal_to) == (AgendaKind.PROPOSAL, "rådet")


# A secretary chosen at each meeting; who convenes, on the documents.


@pytest.fixture
def group(norberg) -> Body:
    """A förebyggargrupp whose secretary is chosen at each meeting."""
    return Body.objects.create(
        organisation=norberg,
        name="Förebyggargrupp",
        kind=Body.Kind.WORKING_GROUP,
        adjusters_count=0,
        secretary_per_meeting=True,
    )


def test_the_meeting_form_offers_its_secretary_among_her_own_people(
    diana, group, library, outsiders
):
    police = Organisation.objects.create(name="Polisen", kind=Organisation.Kind.POLIS)
    holder = add_member(group, "Rut Rektor")
    officer = Person.objects.create(name="Polly Polis", organisation=police)
    seat = Seat.objects.create(body=group, function="Polis", organisation=police)
    seat.holdings.create(person=officer, starts_on=datetime.date(2026, 1, 1))
    meeting = Meeting.objects.create(body=group, starts_at=stockholm(2027, 3, 2, 14))
    url = reverse("councils:meeting_edit", args=[meeting.pk])
    html = _page(diana, url)
    choices = _options(html, "secretary")
    assert str(holder.pk) in choices and str(officer.pk) in choices  # seated that day
    assert str(outsiders["person"].pk) not in choices and "Ute Alingsås" not in html
    form = main_form(html)
    before = meeting.version
    forged = client_for(diana).post(url, form.data(secretary=str(outsiders["person"].pk)))
    assert forged.status_code == 400
    meeting.refresh_from_db()
    assert meeting.version == before and meeting.secretary is None
    assert client_for(diana).post(url, form.data(secretary=str(holder.pk))).status_code == 302
    meeting.refresh_from_db()
    assert meeting.secretary == holder


def test_a_body_with_a_standing_secretary_is_not_asked_for_one(diana, council):
    meeting = Meeting.objects.create(body=council, starts_at=stockholm(2027, 3, 2, 14))
    assert 'name="secretary"' not in _page(
        diana, reverse("councils:meeting_edit", args=[meeting.pk])
    )


def test_the_minutes_name_the_secretary_chosen_at_the_meeting(group):
    chosen = add_member(group, "Sara Sekreterare")
    meeting = Meeting.objects.create(
        body=group, starts_at=stockholm(2027, 3, 2, 14), status="genomfort", secretary=chosen
    )
    text = pdf_text(render_minutes_pdf(meeting=meeting))
    assert re.search(r"Sekreterare\s+Sara Sekreterare", text)


def test_the_notice_says_who_convenes(group, council):
    strategist = Person.objects.create(
        name="Stina Strateg", title="Folkhälsostrateg", organisation=group.organisation
    )
    meeting = Meeting.objects.create(body=group, starts_at=stockholm(2027, 3, 2, 14))
    assert "Kallas av" not in pdf_text(render_notice_pdf(meeting=meeting))
    group.convener = strategist
    group.save()
    text = pdf_text(render_notice_pdf(meeting=meeting))
    assert re.search(r"Kallas av\s+Stina Strateg, Folkhälsostrateg", text)


@pytest.mark.parametrize("days", ["", "0", "91", "-1", "١٢", "sju", "99999999999999999999"])
def test_a_wrong_number_of_days_is_refused_and_creates_nothing(diana, council, styrgrupp, days):
    key = f"bereds_{styrgrupp.pk}"
    data = _series_data(styrgrupp, **{f"{key}_skapa": "on", f"{key}_dagar": days})
    response = client_for(diana).post(_series_url(council), data)
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_the_minutes_editor_marks_a_paragraph_for_the_council(diana, pair):
    preparing, prepared = pair
    Meeting.objects.filter(pk=preparing.pk).update(status=Meeting.Status.HELD)
    item = AgendaItem.objects.create(meeting=preparing, order=1, kind="beslut", title="Budget")
    url = reverse("councils:minutes", args=[preparing.pk])
    form = main_form(_page(diana, url))
    assert f"arende-{item.pk}-to_prepared_body" in form.all_fields
    decision = "Styrgruppen föreslår att rådet antar budgeten."
    data = form.data(
        **{f"arende-{item.pk}-to_prepared_body": "on", f"arende-{item.pk}-decision": decision}
    )
    response = client_for(diana).post(url, data, follow=True)
    assert "står nu sist på föredragningslistan till rådets möte" in response.content.decode()
    assert prepared.items.get(proposed_from=item).text == decision
