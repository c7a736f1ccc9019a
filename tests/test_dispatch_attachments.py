"""The notice and the minutes carry the items' files: attached while the whole e-mail stays within
DISPATCH_ATTACHMENT_MAX_BYTES, else as personal links that work without an account, expire, can
be revoked and are logged when used; every recipient is a record with her outcome."""

import datetime
import email
import email.policy
import re
import smtplib
from email.message import EmailMessage
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from councils.models import Attachment, Dispatch, DispatchRecipient, DownloadLink, DownloadUse
from councils.services import (
    attachment_delete,
    download_links_revoke,
    meeting_send_notice,
    minutes_send,
)
from plans.models import Person
from tests.conftest import client_for
from tests.council_documents import (
    add_items,
    add_member,
    attend,
    check_minutes,
    new_meeting,
    stockholm,
)
from tests.minutes_helpers import freeze

pytestmark = pytest.mark.django_db

BEFORE = stockholm(2025, 3, 1, 9, 0)  # well before the deadline of a meeting on 12 March
FILES = {
    "Lägesbild.pdf": ("application/pdf", b"%PDF-1.4 lagesbild " * 40),
    "Budget.xlsx": ("application/vnd.ms-excel", b"PK budget 2025 " * 30),
}
SMALL = 2000  # bytes: smaller than the notice's PDF alone, so the files go as links


def _attach(item, name: str) -> Attachment:
    content_type, content = FILES[name]
    attachment = Attachment(item=item, name=name, content_type=content_type, size=len(content))
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


@pytest.fixture
def called(council):
    """A meeting on 12 March 2025 with a file on each of two items; two seat holders with an
    address and none with an account, one without an address."""
    meeting = new_meeting(council, stockholm(2025, 3, 12, 13, 0))
    first, second = add_items(meeting, 2)
    _attach(first, "Lägesbild.pdf")
    _attach(second, "Budget.xlsx")
    add_member(council, "Åsa Öberg", email="asa@example.se")
    add_member(council, "Polisens kontaktperson", email="polis@example.se")
    add_member(council, "Dan Utan Adress")
    return meeting


def _parsed(message) -> EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def _files(parsed: EmailMessage) -> dict[str, bytes | str]:
    return {part.get_filename(): part.get_content() for part in parsed.iter_attachments()}


def _text(parsed: EmailMessage) -> str:
    return parsed.get_body(preferencelist=("plain",)).get_content()


def _link_paths(text: str) -> list[str]:
    """Return the paths of the personal links in an e-mail's text."""
    return [urlparse(url).path for url in re.findall(r"https?://\S+/hamta/\S+/", text)]


def _mail_to(address: str) -> EmailMessage:
    return _parsed(next(m for m in mail.outbox if m.to == [address]))


def test_files_within_the_limit_are_attached_to_the_notice(called, alice):
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        parsed = _parsed(message)
        files = _files(parsed)
        assert set(files) == {
            "kallelse-2025-03-12.pdf",
            "mote-2025-03-12.ics",
            "Lägesbild.pdf",
            "Budget.xlsx",
        }
        for name, (_type, content) in FILES.items():
            assert files[name] == content
        assert "/hamta/" not in _text(parsed) and "bilagor är bifogade" in _text(parsed)
    assert not dispatch.attachments_as_links and not DownloadLink.objects.exists()
    sent = {d["name"]: d["size"] for d in dispatch.documents}
    assert sent["Lägesbild.pdf"] == len(FILES["Lägesbild.pdf"][1])
    assert sent["kallelse-2025-03-12.pdf"] > 0 and "mote-2025-03-12.ics" in sent


def test_files_over_the_limit_go_as_a_personal_link_per_file_and_recipient(called, alice, settings):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    paths = {}
    for address in ["asa@example.se", "polis@example.se"]:
        parsed = _mail_to(address)
        assert set(_files(parsed)) == {"kallelse-2025-03-12.pdf", "mote-2025-03-12.ics"}
        text = _text(parsed)
        assert "Lägesbild.pdf" in text and "Budget.xlsx" in text
        assert "utan inloggning till 31 mars 2025 kl. 10.00" in " ".join(text.split())
        paths[address] = _link_paths(text)
        assert len(paths[address]) == 2
    assert not set(paths["asa@example.se"]) & set(paths["polis@example.se"])
    assert dispatch.attachments_as_links
    assert DownloadLink.objects.filter(recipient__dispatch=dispatch).count() == 4
    expiry = {link.expires_at for link in DownloadLink.objects.all()}
    assert expiry == {BEFORE.astimezone(datetime.UTC) + datetime.timedelta(days=30)}
    assert {d["name"] for d in dispatch.documents if d["attachment"]} == set(FILES)


def test_a_seat_holder_without_an_account_downloads_through_her_link(
    called, alice, settings, monkeypatch
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    assert Person.objects.get(name="Åsa Öberg").user is None
    path = _link_paths(_text(_mail_to("asa@example.se")))[0]
    used = freeze(monkeypatch, "2025-03-05 08:30")
    response = Client().get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILES["Lägesbild.pdf"][1]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "L%C3%A4gesbild.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    use = DownloadUse.objects.get()
    assert use.used_at == used and use.address == "127.0.0.1"
    assert use.link.recipient.name == "Åsa Öberg" and use.link.attachment.name == "Lägesbild.pdf"


def test_a_link_works_until_it_expires(called, alice, settings, monkeypatch):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    path = _link_paths(_text(_mail_to("asa@example.se")))[1]
    freeze(monkeypatch, "2025-03-31 09:59")
    assert Client().get(path).status_code == 200
    freeze(monkeypatch, "2025-03-31 10:00")  # 30 days after sending: expired
    assert Client().get(path).status_code == 404
    assert DownloadUse.objects.count() == 1


def test_a_revoked_link_answers_404_and_the_others_still_work(
    called, alice, diana, settings, monkeypatch
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    freeze(monkeypatch, "2025-03-03 12:00")
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    asa = dispatch.recipients.get(name="Åsa Öberg")
    revoked_at = stockholm(2025, 3, 2, 10, 0)
    count = download_links_revoke(dispatch=dispatch, recipient=asa, user=diana, now=revoked_at)
    assert count == 2
    for path in _link_paths(_text(_mail_to("asa@example.se"))):
        assert Client().get(path).status_code == 404
    assert Client().get(_link_paths(_text(_mail_to("polis@example.se")))[0]).status_code == 200
    # Revoking again changes nothing: who revoked and when stay as they were.
    later = revoked_at + datetime.timedelta(days=1)
    assert download_links_revoke(dispatch=dispatch, recipient=asa, user=alice, now=later) == 0
    assert {(k.revoked_at, k.revoked_by) for k in asa.links.all()} == {(revoked_at, diana)}
    assert download_links_revoke(dispatch=dispatch, user=diana) == 2  # the police's two
    assert DownloadUse.objects.count() == 1


def test_an_unknown_token_answers_404(called, alice, settings, monkeypatch):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    freeze(monkeypatch, "2025-03-05 08:30")
    token = DownloadLink.objects.first().token
    assert Client().get(reverse("councils:download_link", args=[token])).status_code == 200
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in [changed, "x", token + "x"]:
        response = Client().get(reverse("councils:download_link", args=[guess]))
        assert response.status_code == 404
    assert DownloadUse.objects.count() == 1


def test_a_link_to_a_deleted_or_lost_file_answers_404(called, alice, settings, monkeypatch):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    freeze(monkeypatch, "2025-03-05 08:30")
    lost, deleted = _link_paths(_text(_mail_to("asa@example.se")))
    assert Client().get(deleted).status_code == 200
    called.status = "planerat"  # the meeting is open: its files can be deleted
    attachment_delete(attachment=Attachment.objects.get(name="Budget.xlsx"))
    assert Client().get(deleted).status_code == 404
    default_storage.delete(Attachment.objects.get(name="Lägesbild.pdf").file.name)
    assert Client().get(lost).status_code == 404
    assert not DownloadUse.objects.exists()  # the deleted file's link went with its uses


@pytest.fixture
def refusing_server(monkeypatch):
    """A mail server that refuses the police's address."""
    send = EmailBackend.send_messages

    def refuse(backend, messages):
        if any("polis@example.se" in message.recipients() for message in messages):
            raise smtplib.SMTPRecipientsRefused({"polis@example.se": (550, b"No such user")})
        return send(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def test_a_refused_recipient_is_recorded_and_gets_no_links(
    called, alice, settings, refusing_server
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    outcomes = {r.name: r.outcome for r in dispatch.recipients.all()}
    Outcome = DispatchRecipient.Outcome
    assert outcomes == {
        "Åsa Öberg": Outcome.SENT,
        "Polisens kontaktperson": Outcome.REFUSED,
        "Dan Utan Adress": Outcome.NO_ADDRESS,
    }
    linked = set(DownloadLink.objects.values_list("recipient__name", flat=True))
    assert linked == {"Åsa Öberg"}


def test_replies_go_to_the_bodys_convener(called, alice, council):
    council.convener = Person.objects.create(
        name="Folkhälsostrategen", email="strateg@example.se", organisation=council.organisation
    )
    council.save()
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    assert all(m.reply_to == ["strateg@example.se"] for m in mail.outbox)
    assert _mail_to("asa@example.se")["Reply-To"] == "strateg@example.se"


def test_without_a_convener_there_is_no_reply_to(called, alice):
    meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    assert _mail_to("asa@example.se")["Reply-To"] is None


@pytest.fixture
def checked(called):
    """The meeting's minutes checked, Åsa and the police present, and a distribution list."""
    council = called.body
    council.distribution_list = "registrator@example.se"
    council.save()
    called.status = "genomfort"
    called.save()
    people = Person.objects.filter(seat_holdings__seat__body=council).order_by("pk")
    asa, police, _nobody = people
    attend(called, asa)
    attend(called, police)
    check_minutes(called, asa, at=stockholm(2025, 3, 14, 10, 0))
    return called


def test_the_minutes_carry_the_files_within_the_limit(checked, diana):
    dispatch = minutes_send(meeting=checked, user=diana, now=stockholm(2025, 3, 15, 9, 0))
    files = _files(_mail_to("registrator@example.se"))
    assert files["Budget.xlsx"] == FILES["Budget.xlsx"][1] and not dispatch.attachments_as_links


def test_the_minutes_over_the_limit_send_links_that_work(checked, diana, settings, monkeypatch):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    freeze(monkeypatch, "2025-03-16 12:00")
    dispatch = minutes_send(meeting=checked, user=diana, now=stockholm(2025, 3, 15, 9, 0))
    assert dispatch.kind == Dispatch.Kind.MINUTES and dispatch.attachments_as_links
    parsed = _mail_to("registrator@example.se")
    assert set(_files(parsed)) == {"protokoll-2025-03-12.pdf"}
    paths = _link_paths(_text(parsed))
    assert len(paths) == 2 and _link_paths(_text(_mail_to("polis@example.se"))) != paths
    response = Client().get(paths[0])
    assert b"".join(response.streaming_content) == FILES["Lägesbild.pdf"][1]
    listed = dispatch.recipients.get(email="registrator@example.se")
    assert listed.name == "" and listed.person is None and listed.links.count() == 2


def test_the_meeting_page_shows_each_recipient_with_her_outcome_and_links(
    called, alice, diana, settings, monkeypatch
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    freeze(monkeypatch, "2025-03-05 08:30")
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    Client().get(_link_paths(_text(_mail_to("asa@example.se")))[0])
    url = reverse("councils:meeting_detail", args=[called.pk])
    page = " ".join(client_for(diana).get(url).content.decode().replace("\xa0", " ").split())
    assert "Utskick av kallelse 1 mars 2025 kl. 09.00" in page
    assert "Lägesbild.pdf</span> (760 byte), ärendets bilaga, som personlig länk" in page
    assert "Nåddes inte</strong>: ingen e-postadress" in page
    assert "hämtad 1 gång" in page and "inte hämtad" in page
    revoke = reverse("councils:download_links_revoke", args=[dispatch.pk])
    assert f"{revoke}?mottagare=" in page and ", , " not in page
    assert revoke not in client_for(alice).get(url).content.decode()  # she reads, not manages
    assert DownloadLink.objects.first().token not in page


def test_a_manager_revokes_one_recipients_links_after_confirming(
    called, alice, diana, settings, monkeypatch
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    freeze(monkeypatch, "2025-03-05 08:30")
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    asa = dispatch.recipients.get(name="Åsa Öberg")
    url = reverse("councils:download_links_revoke", args=[dispatch.pk])
    page = client_for(diana).get(url, {"mottagare": asa.pk})
    assert page.status_code == 200 and "Åsa Öberg (asa@example.se)" in page.content.decode()
    assert client_for(alice).post(url, {"whose": asa.pk}).status_code == 403
    assert client_for(diana).post(url, {"whose": "999999"}).status_code == 400
    assert not DownloadLink.objects.filter(revoked_at__isnull=False).exists()
    response = client_for(diana).post(url, {"whose": asa.pk})
    assert response.status_code == 302 and response.url.endswith(f"#utskick-{dispatch.pk}")
    revoked = DownloadLink.objects.filter(revoked_by__isnull=False)
    assert {link.recipient_id for link in revoked} == {asa.pk} and revoked.count() == 2
    assert Client().get(_link_paths(_text(_mail_to("asa@example.se")))[0]).status_code == 404
    assert Client().get(_link_paths(_text(_mail_to("polis@example.se")))[0]).status_code == 200
    assert client_for(diana).post(url, {"whose": "alla"}).status_code == 302
    assert not DownloadLink.objects.filter(revoked_at__isnull=True).exists()


def test_the_confirm_page_refuses_a_recipient_of_another_dispatch(called, alice, diana, settings):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    first = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    second = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    other = second.recipients.get(name="Åsa Öberg")
    url = reverse("councils:download_links_revoke", args=[first.pk])
    assert client_for(diana).get(url, {"mottagare": other.pk}).status_code == 404
    assert client_for(diana).post(url, {"whose": other.pk}).status_code == 400
    assert not DownloadLink.objects.filter(revoked_at__isnull=False).exists()


def test_the_send_page_names_the_files_and_how_they_will_go(called, diana):
    url = reverse("councils:notice_send", args=[called.pk])
    page = " ".join(client_for(diana).get(url).content.decode().replace("\xa0", " ").split())
    assert "Lägesbild.pdf</span> (760 byte)" in page and "Budget.xlsx</span> (450 byte)" in page
    assert "hela e-posten blir högst 10,0 MB" in page and "utan inloggning i 30 dagar" in page


def test_the_admin_shows_the_recipients_and_their_links_never_the_secret(
    called, alice, diana, settings, monkeypatch
):
    settings.DISPATCH_ATTACHMENT_MAX_BYTES = SMALL
    dispatch = meeting_send_notice(meeting=called, user=alice, now=BEFORE)
    freeze(monkeypatch, "2025-03-05 08:30")
    Client().get(_link_paths(_text(_mail_to("asa@example.se")))[0])
    url = reverse("admin:councils_dispatch_change", args=[dispatch.pk])
    page = client_for(diana).get(url).content.decode()
    assert "Åsa Öberg" in page and "Dan Utan Adress" in page and "Ingen e-postadress" in page
    assert "hämtad: 5 mars 2025 08.30 (127.0.0.1)" in page.replace("\xa0", " ")
    assert not any(link.token in page for link in DownloadLink.objects.all())
    assert 'name="recipients-TOTAL_FORMS"' in page and 'name="recipients-0-email"' not in page
