"""Digital checking by the appointed adjusters and the chair, checking on paper, and the lock
that falls when every appointed check is done."""

import datetime

import pytest
from django.urls import reverse

from councils.models import Meeting, MinutesCheck
from councils.services import minutes_appoint_adjusters
from tests.conftest import client_for
from tests.html_forms import changed_tables, snapshot
from tests.minutes_helpers import adjuster_with_account, freeze, link_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointed(meeting, diana):
    """The meeting with Adam (who has an account) appointed adjuster."""
    person, user = adjuster_with_account(meeting)
    minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=diana)
    return person, user


def test_adjuster_with_an_account_checks_the_minutes_with_one_action(
    meeting, appointed, monkeypatch
):
    person, user = appointed
    moment = freeze(monkeypatch, "2025-03-14 09:30")
    client = client_for(user)
    url = reverse("councils:minutes_check", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    check = MinutesCheck.objects.get(meeting=meeting, person=person)
    assert (check.checked_at, check.recorded_by, check.on_paper) == (moment, user, False)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD  # the chair has not signed yet
    assert not meeting.is_locked


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("diana", 403), ("charlie", 404)])
def test_someone_not_appointed_cannot_check(meeting, appointed, who, status, request):
    client = client_for(request.getfixturevalue(who))
    url = reverse("councils:minutes_check", args=[meeting.pk])
    before = snapshot()
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    assert changed_tables(before, snapshot()) == []


def test_an_adjuster_checks_only_once(meeting, appointed):
    client = client_for(appointed[1])
    url = reverse("councils:minutes_check", args=[meeting.pk])
    client.post(url)
    before = snapshot()
    assert client.post(url).status_code == 403
    assert changed_tables(before, snapshot()) == []


def test_secretary_records_a_check_done_on_paper_with_its_date(meeting, diana, eva, monkeypatch):
    freeze(monkeypatch, "2025-03-20 10:00")
    chair = MinutesCheck.objects.get(meeting=meeting, person=eva)
    response = client_for(diana).post(
        reverse("councils:minutes_paper_check", args=[meeting.pk]),
        {"appointment": chair.pk, "checked_on": "2025-03-17"},
    )
    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.on_paper and chair.recorded_by == diana
    assert chair.checked_at.astimezone(datetime.UTC).date() == datetime.date(2025, 3, 17)


@pytest.mark.parametrize("day", ["2025-03-11", "2025-03-21", "igår"])
def test_a_paper_check_before_the_meeting_or_in_the_future_is_refused(
    meeting, diana, eva, monkeypatch, day
):
    freeze(monkeypatch, "2025-03-20 10:00")
    chair = MinutesCheck.objects.get(meeting=meeting, person=eva)
    client = client_for(diana)
    before = snapshot()
    response = client.post(
        reverse("councils:minutes_paper_check", args=[meeting.pk]),
        {"appointment": chair.pk, "checked_on": day},
    )
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []


def test_only_managers_record_paper_checks(meeting, alice, eva):
    chair = MinutesCheck.objects.get(meeting=meeting, person=eva)
    client = client_for(alice)
    before = snapshot()
    response = client.post(
        reverse("councils:minutes_paper_check", args=[meeting.pk]),
        {"appointment": chair.pk, "checked_on": "2025-03-13"},
    )
    assert response.status_code == 403
    assert changed_tables(before, snapshot()) == []


def test_when_every_appointed_check_is_done_the_minutes_are_checked_and_locked(
    meeting, appointed, diana, eva, monkeypatch
):
    freeze(monkeypatch, "2025-03-18 16:00")
    link_account(eva, "eva")
    client_for(eva.user).post(reverse("councils:minutes_check", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD  # the adjuster has not checked yet
    freeze(monkeypatch, "2025-03-19 08:15")
    client_for(appointed[1]).post(reverse("councils:minutes_check", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CHECKED
    assert meeting.checked_on == datetime.date(2025, 3, 19)
    assert meeting.is_locked
    page = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert "Justerat protokoll" in page and "Spara protokollet" not in page


def test_minutes_wait_until_the_body_has_its_number_of_adjusters(meeting, eva, diana, monkeypatch):
    freeze(monkeypatch, "2025-03-18 16:00")
    link_account(eva, "eva")
    client_for(eva.user).post(reverse("councils:minutes_check", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD  # one adjuster is still to be appointed
    page = client_for(diana).get(reverse("councils:minutes", args=[meeting.pk])).content.decode()
    assert "1 justerare är inte utsedd" in page


def test_an_adjuster_from_another_organisation_reads_and_checks_what_she_was_appointed_to(
    meeting, appointed, charlie
):
    person, _ = appointed
    person.user = charlie
    person.save()
    assert (
        client_for(charlie).get(reverse("councils:minutes", args=[meeting.pk])).status_code == 200
    )
    assert (
        client_for(charlie).post(reverse("councils:minutes_check", args=[meeting.pk])).status_code
        == 302
    )


def test_the_chair_signs_where_the_adjuster_checks(meeting, appointed, diana, eva, monkeypatch):
    freeze(monkeypatch, "2025-03-18 16:00")
    client = client_for(link_account(eva, "eva"))
    url = reverse("councils:minutes_check", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<h1" in page and "Underteckna protokollet" in page
    assert "Jag undertecknar protokollet</button>" in page and "Jag justerar" not in page
    response = client.post(url, follow=True)
    assert "Du har undertecknat protokollet." in response.content.decode()
    check = MinutesCheck.objects.get(meeting=meeting, person=eva)
    assert check.role == MinutesCheck.Role.CHAIR and check.checked_at is not None
    page = client_for(diana).get(reverse("councils:meeting_detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "(ordförande, undertecknar): undertecknat den 18 mars 2025" in text
    assert "(justerare): saknas" in text


def test_the_last_check_says_the_minutes_are_locked(meeting, appointed, eva, monkeypatch):
    freeze(monkeypatch, "2025-03-18 16:00")
    client_for(link_account(eva, "eva")).post(reverse("councils:minutes_check", args=[meeting.pk]))
    response = client_for(appointed[1]).post(
        reverse("councils:minutes_check", args=[meeting.pk]), follow=True
    )
    page = response.content.decode()
    assert "Du har justerat protokollet. Protokollet är nu justerat och låst." in page
    assert "Undertecknat den 18 mars 2025 (digitalt)" in page
    assert "Justerat den 18 mars 2025 (digitalt)" in page
