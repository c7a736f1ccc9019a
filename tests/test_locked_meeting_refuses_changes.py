"""Once the minutes are checked, the agenda, its attachments and attendance cannot change:
every service refuses with the Swedish message, and so does every page."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils import services
from councils.models import AgendaItem, Attendance, Meeting
from tests.conftest import PDF_BYTES, attach_pdf, client_for
from tests.html_forms import changed_tables, snapshot

pytestmark = pytest.mark.django_db

LOCKED = "Protokollet är justerat och kan inte ändras."


@pytest.fixture
def checked(meeting) -> Meeting:
    attach_pdf(meeting.items.get())
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CHECKED)
    meeting.refresh_from_db()
    return meeting


def _refused(change) -> None:
    with pytest.raises(ValidationError) as refused:
        change()
    assert refused.value.code == "locked"
    assert LOCKED in refused.value.messages[0]


def test_every_service_refuses_a_change_to_a_checked_meeting(checked, diana):
    item = checked.items.get()
    upload = SimpleUploadedFile("bilaga.pdf", PDF_BYTES)
    seat = checked.body.seats.get()
    before = snapshot()
    _refused(lambda: services.meeting_update(meeting=checked, expected_version=1, user=diana))
    new = AgendaItem(meeting=checked, title="Sent ärende")
    _refused(lambda: services.agenda_item_save(item=new, expected_version=1, user=diana))
    _refused(lambda: services.agenda_item_save(item=item, expected_version=1, user=diana))
    _refused(lambda: services.agenda_item_delete(item=item, expected_version=1))
    _refused(lambda: services.agenda_item_move(item=item, up=True, user=diana))
    _refused(lambda: services.attachment_add(item=item, upload=upload, user=diana))
    attachment = item.attachments.get()
    _refused(lambda: services.attachment_delete(attachment=attachment))
    row = services.SeatAttendance(seat=seat, person=None, status=Attendance.Status.ABSENT)
    _refused(
        lambda: services.attendance_record(meeting=checked, seats=[row], guests=[], user=diana)
    )
    assert changed_tables(before, snapshot()) == []


def test_a_stale_page_cannot_change_a_meeting_checked_meanwhile(meeting, diana):
    """She opened the form before the checking; the service reads the status under a lock."""
    item = meeting.items.get()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.REGISTERED)
    item.title = "Ändrad rubrik"
    _refused(lambda: services.agenda_item_save(item=item, expected_version=1, user=diana))
    assert AgendaItem.objects.get(pk=item.pk).title == "Uppföljning av handlingsplanen"


def test_every_page_refuses_a_change_to_a_checked_meeting(checked, diana):
    item = checked.items.get()
    attachment = item.attachments.get()
    seat = checked.body.seats.get()
    posts = {
        reverse("councils:meeting_edit", args=[checked.pk]): {"place": "Annan sal"},
        reverse("councils:agenda_item_create", args=[checked.pk]): {"title": "Sent ärende"},
        reverse("councils:agenda_item_edit", args=[item.pk]): {"title": "Ny rubrik"},
        reverse("councils:agenda_item_delete", args=[item.pk]): {"loaded_version": "1"},
        reverse("councils:agenda_item_move", args=[item.pk]): {"riktning": "upp"},
        reverse("councils:attachment_upload", args=[item.pk]): {
            "file": SimpleUploadedFile("bilaga.pdf", PDF_BYTES)
        },
        reverse("councils:attachment_delete", args=[attachment.pk]): {},
        reverse("councils:meeting_attendance", args=[checked.pk]): {
            f"plats-{seat.pk}-status": Attendance.Status.ABSENT
        },
    }
    client = client_for(diana)
    before = snapshot()
    for url, data in posts.items():
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "councils:meeting_detail", args=[checked.pk]
        )
        assert LOCKED in response.content.decode(), url
    assert changed_tables(before, snapshot()) == []


def test_the_meeting_page_offers_no_changes_once_checked(checked, diana):
    page = client_for(diana).get(reverse("councils:meeting_detail", args=[checked.pk]))
    text = page.content.decode()
    assert reverse("councils:agenda_item_create", args=[checked.pk]) not in text
    assert "föredragningslista, bilagor och närvaro kan inte längre ändras" in text
