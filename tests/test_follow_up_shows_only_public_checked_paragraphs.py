"""An agenda item links only plans of its body's organisation (or plans the secretary edits),
and a plan's follow-up quotes only checked paragraphs of public bodies of the plan's owner: text
of another organisation's unchecked meeting never reaches a published report."""

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from councils.models import AgendaItem, Body, Meeting
from plans.models import Plan, Role
from reports.documents import follow_up_document
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def alingsas_plan(alingsas) -> Plan:
    """Alingsås' adopted plan: public, so every secretary reads it."""
    return Plan.objects.create(
        owner=alingsas,
        kind=Plan.Kind.STRATEGY,
        title="Alingsås strategi",
        start_year=2025,
        end_year=2026,
        status=Plan.Status.ADOPTED,
    )


def _meeting(body: Body, status: str) -> Meeting:
    starts = timezone.make_aware(datetime.datetime(2025, 5, 14, 13, 0))
    return Meeting.objects.create(body=body, starts_at=starts, status=status)


def _item(meeting: Meeting, title: str, plan: Plan) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting, order=1, paragraph=1, title=title, decision=f"Beslut: {title}"
    )
    item.plans.add(plan)
    return item


def _plan_options(html: str) -> str:
    return re.search(r'<select name="plans".*?</select>', html, re.S).group(0)


def test_agenda_item_offers_and_accepts_only_the_bodys_organisations_plans(
    diana, meeting, adopted_plan, alingsas_plan
):
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    page = client_for(diana).get(url).content.decode()
    options = _plan_options(page)
    assert f'value="{adopted_plan.pk}"' in options
    assert f'value="{alingsas_plan.pk}"' not in options and "Alingsås strategi" not in page
    data = main_form(page).data(plans=[str(alingsas_plan.pk)])
    assert client_for(diana).post(url, data).status_code == 400
    assert not item.plans.filter(pk=alingsas_plan.pk).exists()


def test_a_plan_she_edits_elsewhere_may_be_linked(diana, meeting, alingsas, alingsas_plan):
    Role.objects.create(user=diana, organisation=alingsas, kind=Role.Kind.STRATEGIST)
    item = meeting.items.get()
    url = reverse("councils:agenda_item_edit", args=[item.pk])
    page = client_for(diana).get(url).content.decode()
    assert f'value="{alingsas_plan.pk}"' in _plan_options(page)


def test_admin_agenda_item_refuses_another_organisations_adopted_plan(
    diana, meeting, alingsas_plan
):
    item = meeting.items.get()
    url = reverse("admin:councils_agendaitem_change", args=[item.pk])
    client = client_for(diana)
    data = main_form(client.get(url).content.decode()).data(plans=[str(alingsas_plan.pk)])
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert not item.plans.exists()


def test_follow_up_quotes_only_checked_minutes_of_public_bodies_of_the_plans_owner(
    norberg, alingsas, adopted_plan
):
    ours = Body.objects.create(
        organisation=norberg, name="Norbergs råd", kind="rad", is_public=True
    )
    closed = Body.objects.create(organisation=norberg, name="Slutna gruppen", kind="arbetsgrupp")
    theirs = Body.objects.create(
        organisation=alingsas, name="Alingsås råd", kind="rad", is_public=True
    )
    _item(_meeting(ours, Meeting.Status.CHECKED), "Justerad punkt", adopted_plan)
    _item(_meeting(ours, Meeting.Status.HELD), "Ojusterad punkt", adopted_plan)
    _item(_meeting(closed, Meeting.Status.REGISTERED), "Sluten punkt", adopted_plan)
    _item(_meeting(theirs, Meeting.Status.CHECKED), "Alingsås punkt", adopted_plan)
    _item(_meeting(theirs, Meeting.Status.HELD), "Alingsås ojusterade", adopted_plan)
    meetings = follow_up_document(plan=adopted_plan, year=2025)["meetings"]
    assert [m["body"] for m in meetings] == ["Norbergs råd"]
    assert [(i["title"], i["decision"]) for i in meetings[0]["items"]] == [
        ("Justerad punkt", "Beslut: Justerad punkt")
    ]


def test_preview_pdf_prints_no_item_of_another_organisations_meeting(alice, alingsas, adopted_plan):
    theirs = Body.objects.create(organisation=alingsas, name="Alingsås råd", kind="rad")
    _item(_meeting(theirs, Meeting.Status.HELD), "Hemlig Alingsåspunkt", adopted_plan)
    url = reverse("reports:follow_up_preview", args=[adopted_plan.pk, 2025])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "Hemlig" not in text and "Alingsås råd" not in re.sub(r"\s+", " ", text)


def test_norsjos_secretary_cannot_link_norbergs_adopted_plan_in_the_demo(demo):
    from django.contrib.auth.models import User

    client = client_for(User.objects.get(username="norsjo-sekreterare"))
    norbergs = Plan.objects.filter(
        owner__name="Norbergs kommun", status__in=Plan.PUBLISHED_STATUSES
    ).first()
    item = AgendaItem.objects.filter(
        meeting__body__organisation__name="Norsjö kommun", meeting__status=Meeting.Status.HELD
    ).first()
    url = reverse("admin:councils_agendaitem_change", args=[item.pk])
    page = client.get(url).content.decode()
    response = client.post(url, main_form(page).data(plans=[str(norbergs.pk)]))
    assert response.status_code == 200 and not item.plans.filter(pk=norbergs.pk).exists()
    years = range(norbergs.start_year, norbergs.end_year + 1)
    AgendaItem.objects.get(pk=item.pk).plans.add(norbergs)  # as if linked before the fix
    for year in years:
        meetings = follow_up_document(plan=norbergs, year=year)["meetings"]
        assert item.title not in str(meetings)
