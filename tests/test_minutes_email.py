"""The checked minutes by e-mail: to those who took part and the body's distribution list, with
the minutes as a PDF and every attachment of the items; unchecked minutes are not sent."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from councils.models import Attachment, Attendance, Dispatch, DispatchRecipient, MinutesCheck
from councils.services import minutes_send
from tests.conftest import client_for
from tests.council_documents import (
    add_items,
    add_member,
    attend,
    check_minutes,
    new_meeting,
    one_line,
    pdf_text,
    stockholm,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes(council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    council.distribution_list = "registrator@example.se\n\nks@example.se"
    council.save()
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0), status="genomfort")
    chair = add_member(council, "Åke Ordförande", email="ake@example.se", role="ordforande")
    remote = add_member(council, "Märta Öhrström", email="marta@example.se")
    away = add_member(council, "Göran Borta", email="goran@example.se")
    replaced = add_member(council, "Ylva Ersatt", email="ylva@example.se")
    substitute = add_member(council, "Östen Ersättare", email="osten@example.se")
    no_address = add_member(council, "Dan Utan Adress")
    attend(meeting, chair)
    attend(meeting, remote, Attendance.Status.REMOTE)
    attend(meeting, away, Attendance.Status.ABSENT)
    attend(meeting, no_address)
    Attendance.objects.create(
        meeting=meeting,
        seat=replaced.seat_holdings.get().seat,
        person=replaced,
        status=Attendance.Status.REPLACED,
        substitute=substitute,
    )
    items = add_items(meeting, 2)
    files = [("Lägesbild.pdf", "application/pdf"), ("Budget.xlsx", "application/vnd.ms-excel")]
    for item, (name, kind) in zip(items, files, strict=True):
        content = f"innehåll i {name}".encode()
        attachment = Attachment(item=item, name=name, content_type=kind, size=len(content))
        attachment.file.save(name, ContentFile(content), save=True)
    MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)
    return meeting, chair


def test_checked_minutes_go_to_participants_and_the_distribution_list(minutes, diana):
    meeting, chair = minutes
    check_minutes(meeting, chair, at=stockholm(2025, 3, 14, 10, 5))
    dispatch = minutes_send(meeting=meeting, user=diana)
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted(
        ["ake@example.se", "marta@example.se", "osten@example.se"]
        + ["registrator@example.se", "ks@example.se"]
    )
    assert "goran@example.se" not in sent_to and "ylva@example.se" not in sent_to
    unreached = [(r.name, r.outcome) for r in dispatch.recipients.all() if not r.reached]
    assert unreached == [("Dan Utan Adress", DispatchRecipient.Outcome.NO_ADDRESS)]
    listed = [r.email for r in dispatch.recipients.all() if not r.name]
    assert listed == ["registrator@example.se", "ks@example.se"]
    assert dispatch.kind == Dispatch.Kind.MINUTES and dispatch.sent_by == diana


def test_minutes_carry_the_pdf_and_every_attachment(minutes, diana):
    meeting, chair = minutes
    check_minutes(meeting, chair, at=stockholm(2025, 3, 14, 10, 5))
    minutes_send(meeting=meeting, user=diana)
    message = mail.outbox[0]
    assert message.subject == "Protokoll: Folkhälsorådet 12 mars 2025 kl. 13.00"
    names = [name for name, _, _ in message.attachments]
    assert names == ["protokoll-2025-03-12.pdf", "Lägesbild.pdf", "Budget.xlsx"]
    files = {name: (content, kind) for name, content, kind in message.attachments}
    assert files["Budget.xlsx"] == ("innehåll i Budget.xlsx".encode(), "application/vnd.ms-excel")
    text = one_line(pdf_text(files["protokoll-2025-03-12.pdf"][0]))
    assert "Protokollet justerades 14 mars 2025." in text and "Östen Ersättare" in text


def test_unchecked_minutes_are_not_sent(minutes, diana):
    meeting, _ = minutes
    with pytest.raises(ValidationError, match="justerat"):
        minutes_send(meeting=meeting, user=diana)
    assert mail.outbox == [] and not Dispatch.objects.exists()


def test_secretary_sends_the_minutes_from_their_page(minutes, diana, alice):
    meeting, chair = minutes
    url = reverse("councils:minutes_send", args=[meeting.pk])
    refused = client_for(diana).post(url, {})
    assert refused.status_code == 400 and "justerat" in refused.content.decode()
    check_minutes(meeting, chair, at=stockholm(2025, 3, 14, 10, 5))
    page = client_for(diana).get(url).content.decode()
    assert "registrator@example.se" in page and "Dan Utan Adress" in page
    assert client_for(alice).post(url, {}).status_code == 403
    assert mail.outbox == []
    assert client_for(diana).post(url, {}).status_code == 302
    assert len(mail.outbox) == 5 and Dispatch.objects.get().kind == Dispatch.Kind.MINUTES
