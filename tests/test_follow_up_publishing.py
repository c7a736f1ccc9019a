"""Publishing the yearly follow-up is deliberate: a confirmation page says what is published and
to whom; a draft plan, a year not over (its round open) and a year without a round are refused
and nothing is written; one public report per plan and year, a new version replacing it with a
line on what changed and why while the earlier one stays in the archive; the publisher is named
by name and title, never by login."""

import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import Person, Plan
from reports.models import FollowUpRound, PublishedFollowUp
from tests.conftest import client_for, publishable
from tests.html_forms import snapshot

pytestmark = pytest.mark.django_db


def _publish_url(plan, year: int) -> str:
    return reverse("reports:follow_up_publish", args=[plan.pk, year])


def _pdf_text(published: PublishedFollowUp) -> str:
    from io import BytesIO

    return "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(published.pdf))).pages)


@pytest.fixture
def named_alice(alice, norberg):
    Person.objects.create(
        name="Alice Andersson", title="folkhälsostrateg", organisation=norberg, user=alice
    )
    return alice


def _refused(client, url: str, *texts: str, data: dict | None = None) -> None:
    before = snapshot()
    response = client.post(url, data or {})
    page = response.content.decode()
    assert response.status_code == 400
    for text in texts:
        assert text in page
    assert snapshot() == before


def test_the_confirmation_page_says_what_is_published_and_to_whom(named_alice, measure):
    plan = publishable(measure.plan, 2025)
    page = client_for(named_alice).get(_publish_url(plan, 2025)).content.decode()
    assert "Uppföljning 2025 av Handlingsplan 2025–2026 (utkast)" in page
    assert "rapporten blir offentlig på planens sida" in page
    assert "Alice Andersson, folkhälsostrateg" in page
    assert 'type="submit"' in page
    assert not PublishedFollowUp.objects.exists()  # looking publishes nothing


def test_a_draft_plan_is_refused(alice, measure):
    url = _publish_url(measure.plan, 2025)
    page = client_for(alice).get(url).content.decode()
    assert "Planen är inte antagen" in page and "Publicera 2025</button>" not in page
    _refused(client_for(alice), url, "Planen är inte antagen", "Det finns ingen uppföljning")


def test_a_year_without_a_round_is_refused(alice, measure):
    plan = publishable(measure.plan)  # adopted, but no round held
    _refused(client_for(alice), _publish_url(plan, 2025), "Det finns ingen uppföljning för 2025")


def test_a_year_not_over_is_refused_until_its_round_is_closed(alice, measure):
    plan = publishable(measure.plan)
    Plan.objects.filter(pk=plan.pk).update(end_year=2200)
    round_ = FollowUpRound.objects.create(plan=plan, year=2200, due_on=datetime.date(2200, 1, 31))
    url = _publish_url(plan, 2200)
    _refused(client_for(alice), url, "Året 2200 är inte slut: stäng uppföljningen för 2200 först.")
    FollowUpRound.objects.filter(pk=round_.pk).update(status=FollowUpRound.Status.CLOSED)
    assert client_for(alice).post(url).status_code == 302  # its round closed: published


def test_publishing_again_replaces_publicly_and_keeps_the_earlier_in_the_archive(
    named_alice, measure
):
    plan = publishable(measure.plan, 2025)
    client = client_for(named_alice)
    url = _publish_url(plan, 2025)
    assert client.post(url).status_code == 302
    first = PublishedFollowUp.objects.get()
    _refused(client, url, "2025 är redan publicerad", "Skriv vad som har ändrats och varför")
    response = client.post(url, {"reason": "Insats 1A:s bedömning rättad efter nämndens beslut."})
    assert response.status_code == 302
    first.refresh_from_db()
    second = PublishedFollowUp.objects.get(replaced_by__isnull=True)
    assert first.replaced_by == second
    assert "Insats 1A:s bedömning rättad" in _pdf_text(second)
    public = client_for(None).get(reverse("reports:plan_follow_up", args=[plan.pk]))
    page = public.content.decode()
    current = page.split('id="arkiv"')[0]
    assert current.count("Uppföljning 2025 (PDF)") == 1  # one public entry for the year
    assert f'id="publicerad-{second.pk}"' in current
    assert f'id="publicerad-{first.pk}"' in page.split('id="arkiv"')[1]  # kept in the archive


def test_the_publisher_is_named_by_name_and_title_never_by_login(named_alice, measure):
    plan = publishable(measure.plan, 2025)
    client_for(named_alice).post(_publish_url(plan, 2025))
    published = PublishedFollowUp.objects.get()
    assert published.publisher == "Alice Andersson, folkhälsostrateg"
    text = _pdf_text(published)
    assert "Alice Andersson" in text and named_alice.username not in text
    page = client_for(None).get(reverse("reports:plan_follow_up", args=[plan.pk]))
    assert "Alice Andersson, folkhälsostrateg" in page.content.decode()
    assert f", {named_alice.username}" not in page.content.decode()
