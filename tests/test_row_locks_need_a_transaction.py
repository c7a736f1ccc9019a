"""Every edit page validates its versioned form inside the transaction that saves it: the form's
row lock lasts until the save. Run without a wrapping test transaction, as in production; a
lock taken outside a transaction fails on SQLite too, not only on PostgreSQL."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from councils.models import Body, Meeting
from plans.forms import MeasureForm
from plans.models import Measure, Plan
from reports.models import MeasureReport
from reports.services import round_open
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_versioned_form_checked_outside_a_transaction_fails_loudly(measure):
    form = MeasureForm({"title": "Ny titel", "loaded_version": 1}, instance=measure)
    with pytest.raises(transaction.TransactionManagementError, match="transaction.atomic"):
        form.is_valid()
    with transaction.atomic():
        form = MeasureForm({"title": "Ny titel", "loaded_version": 1}, instance=measure)
        form.is_valid()  # inside one it locks the row and checks the version


@pytest.fixture
def report(alice, measure) -> MeasureReport:
    round_open(
        plan=measure.plan, year=2025, period="helar", due_on=datetime.date(2026, 1, 31), user=alice
    )
    return MeasureReport.objects.get(measure=measure)


# (page, who, field posted, value, how to read it back)
PAGES = {
    "report": ("reports:report_edit", "bob", "progress", MeasureReport, "report"),
    "measure": ("plans:measure_edit", "alice", "target_group", Measure, "measure"),
    "plan": ("plans:plan_edit", "alice", "purpose", Plan, "draft_plan"),
    "body": ("councils:body_edit", "diana", "mandate", Body, "council"),
    "meeting": ("councils:meeting_edit", "diana", "place", Meeting, "meeting"),
    "agenda_item": ("councils:agenda_item_edit", "diana", "text", None, "meeting"),
    "admin_measure": ("admin:plans_measure_change", "alice", "title", Measure, "measure"),
}
VALUES = {"title": "Läsning för alla"}


@pytest.mark.parametrize("page", PAGES)
def test_an_edit_page_saves_without_a_wrapping_transaction(page, request, report):
    name, who, field, model, fixture = PAGES[page]
    record = request.getfixturevalue(fixture)
    if page == "agenda_item":
        record = record.items.get()
        model = type(record)
    url = reverse(name, args=[record.pk])
    client = client_for(request.getfixturevalue(who))
    form = main_form(client.get(url).content.decode())
    value = VALUES.get(field, "Skrivet utan omslutande transaktion.")
    data = form.data(**{field: value}, action="draft")
    response = client.post(url, data)
    assert response.status_code == 302
    assert getattr(model.objects.get(pk=record.pk), field) == value
