"""The secretary builds a meeting's agenda: items added at the end, numbered in order, moved
up and down, linked to the plans and measures she may read and to no others."""

import pytest
from django.urls import reverse

from councils.models import AgendaItem
from plans.models import Plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _add(client, meeting, title: str, **fields):
    url = reverse("councils:agenda_item_create", args=[meeting.pk])
    return client.post(url, {"title": title, "kind": "information", **fields})


def _agenda(meeting) -> list[str]:
    return list(meeting.items.order_by("order").values_list("title", flat=True))


def test_items_are_added_at_the_end_and_numbered_on_the_page(meeting, diana, measure):
    client = client_for(diana)
    response = _add(client, meeting, "Lägesbild", presenter="Polisen", case_number="KS 2025/12")
    item = AgendaItem.objects.get(title="Lägesbild")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#arende-{item.pk}")
    assert _add(client, meeting, "Övriga frågor", kind="information").status_code == 302
    assert _agenda(meeting) == ["Uppföljning av handlingsplanen", "Lägesbild", "Övriga frågor"]
    page = client.get(reverse("councils:meeting_detail", args=[meeting.pk])).content.decode()
    assert '<span class="agenda-number">2.</span> <span lang="sv">Lägesbild</span>' in page
    assert "KS 2025/12" in page and "Polisen" in page


def test_items_move_up_and_down(meeting, diana):
    client = client_for(diana)
    _add(client, meeting, "Lägesbild")
    _add(client, meeting, "Övriga frågor")
    last = AgendaItem.objects.get(title="Övriga frågor")
    url = reverse("councils:agenda_item_move", args=[last.pk])
    assert client.post(url, {"riktning": "upp"}).status_code == 302
    assert client.post(url, {"riktning": "upp"}).status_code == 302
    assert _agenda(meeting) == ["Övriga frågor", "Uppföljning av handlingsplanen", "Lägesbild"]
    client.post(url, {"riktning": "upp"})  # already first: nothing moves
    client.post(url, {"riktning": "ned"})
    assert _agenda(meeting) == ["Uppföljning av handlingsplanen", "Övriga frågor", "Lägesbild"]
    assert list(meeting.items.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_moving_needs_a_direction(meeting, diana):
    item = meeting.items.get()
    url = reverse("councils:agenda_item_move", args=[item.pk])
    response = client_for(diana).post(url, {"riktning": "snett"}, follow=True)
    assert "Välj om ärendet ska flyttas upp eller ned." in response.content.decode()


def test_a_reader_may_not_change_the_agenda(meeting, alice):
    response = _add(client_for(alice), meeting, "Intrång")
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(title="Intrång").exists()


def test_plans_and_measures_are_linked_and_shown(meeting, diana, measure):
    _add(client_for(diana), meeting, "Uppföljning", plans=[measure.plan_id], measures=[measure.pk])
    item = AgendaItem.objects.get(title="Uppföljning")
    assert list(item.measures.all()) == [measure] and list(item.plans.all()) == [measure.plan]
    page = client_for(diana).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    text = page.content.decode()
    assert f'href="/planer/{measure.plan_id}/#insats-1A"' in text


def test_another_municipalitys_draft_cannot_be_chosen(meeting, diana, alingsas):
    draft = Plan.objects.create(
        owner=alingsas, kind="strategi", title="Hemligt utkast", start_year=2025, end_year=2026
    )
    url = reverse("councils:agenda_item_create", args=[meeting.pk])
    assert "Hemligt utkast" not in client_for(diana).get(url).content.decode()
    response = _add(client_for(diana), meeting, "Intrång", plans=[draft.pk])
    assert response.status_code == 400
    assert not AgendaItem.objects.filter(title="Intrång").exists()


def test_a_linked_plan_the_reader_may_not_read_is_not_shown(meeting, measure, bob, eva):
    """bob sits in the council (a member reads his meetings) but not the draft it follows up."""
    eva.user = bob
    eva.save()
    plan = Plan.objects.create(
        owner=meeting.body.organisation,
        kind="program",
        title="Internt utkast",
        start_year=2025,
        end_year=2025,
    )
    meeting.items.get().plans.add(plan)
    text = client_for(bob).get(reverse("councils:meeting_detail", args=[meeting.pk])).content
    assert "Internt utkast" not in text.decode()
    assert "Uppföljning av handlingsplanen" in text.decode()


def test_deleting_an_item_takes_its_attachments(meeting, diana):
    from tests.conftest import attach_pdf

    item = meeting.items.get()
    attach_pdf(item)
    url = reverse("councils:agenda_item_delete", args=[item.pk])
    assert "Lägesbild.pdf" in client_for(diana).get(url).content.decode()
    assert client_for(diana).post(url, {"loaded_version": item.version}).status_code == 302
    assert not meeting.items.exists()


def test_an_item_changed_meanwhile_is_not_deleted(meeting, diana):
    item = meeting.items.get()
    url = reverse("councils:agenda_item_delete", args=[item.pk])
    response = client_for(diana).post(url, {"loaded_version": item.version + 1})
    assert response.status_code == 400
    assert meeting.items.exists()
