"""A save that conflicts names the other editor only to those who may read the record's history
(members of the organisation it belongs to); everyone else reads "Någon annan"."""

import datetime

import pytest
from django.forms import modelform_factory
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from councils.models import AgendaItem
from councils.services import agenda_item_save
from plans.forms import VersionedModelForm
from reports.models import MeasureReport
from reports.services import round_open
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _stale_item_message(item: AgendaItem, viewer) -> str:
    """Post a title over version 1 of the item as the viewer; return the form's refusal."""
    form_class = modelform_factory(AgendaItem, form=VersionedModelForm, fields=["title"])
    request = RequestFactory().post("/")
    request.user = viewer
    HistoricalRecords.context.request = request
    try:
        form = form_class({"title": "Hennes rubrik", "loaded_version": 1}, instance=item)
        assert not form.is_valid()
    finally:
        del HistoricalRecords.context.request
    return " ".join(form.non_field_errors())


@pytest.fixture
def item_saved_by_root(meeting, superuser) -> AgendaItem:
    item = meeting.items.get()
    item.title = "Rootens rubrik"
    agenda_item_save(item=item, expected_version=1, user=superuser)
    return AgendaItem.objects.get(pk=item.pk)


def test_a_council_conflict_names_the_editor_to_a_member_of_the_bodys_organisation(
    item_saved_by_root, alice
):
    assert _stale_item_message(item_saved_by_root, alice).startswith("Root sparade ändringar")


def test_a_council_conflict_names_nobody_to_one_outside_the_bodys_organisation(
    item_saved_by_root, charlie
):
    message = _stale_item_message(item_saved_by_root, charlie)
    assert message.startswith("Någon annan sparade ändringar")
    assert "root" not in message.lower()


@pytest.fixture
def report(alice, measure) -> MeasureReport:
    round_open(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=alice
    )
    return MeasureReport.objects.get(measure=measure)


def _write(user, report: MeasureReport, progress: str, loaded: int):
    url = reverse("reports:report_edit", args=[report.pk])
    data = {"loaded_version": loaded, "status": "", "progress": progress, "action": "draft"}
    return client_for(user).post(url, data)


def test_a_report_conflict_names_the_rapportor_to_the_plans_strategist(alice, bob, report):
    assert _write(bob, report, "Bobs text", report.version).status_code == 302
    response = _write(alice, report, "Alices text", report.version)
    assert response.status_code == 400
    assert "Bob sparade ändringar" in response.content.decode()


def test_a_report_conflict_names_nobody_to_a_rapportor_outside_the_plans_owner(alice, bob, report):
    assert _write(alice, report, "Strategens text", report.version).status_code == 302
    response = _write(bob, report, "Bobs text", report.version)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Någon annan sparade ändringar" in text and "alice" not in text.lower()
