"""The documents: PDFs, the notice and the minutes by e-mail, calendars."""

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from councils.models import (
    AgendaItem,
    Attachment,
    CalendarFeed,
    Dispatch,
    DispatchRecipient,
    DownloadLink,
    DownloadUse,
    Meeting,
    new_calendar_token,
)
from councils.selectors import (
    STOCKHOLM,
    Member,
    extract_document,
    meeting_attachments,
    members_on_day,
    minutes_document,
    minutes_participants,
    notice_deadline,
    notice_document,
)
from folkhalsa.documents import Kind, document_for
from folkhalsa.mail import send_each
from folkhalsa.models import RenderedDocument
from folkhalsa.pdf import html_to_pdf, render_html
from folkhalsa.validators import single_line

# The variants the documents are written as: the minutes are archived (PDF/A, tagged), the notice
# and the extract are tagged for screen readers.
MINUTES_VARIANT = "pdf/a-2a"
NOTICE_VARIANT = "pdf/ua-1"
EXTRACT_VARIANT = "pdf/a-2a"
# A calendar shows a meeting without an end as a point in time; most council meetings take two.
DEFAULT_MEETING_LENGTH = datetime.timedelta(hours=2)


def notice_is_late(*, meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    """Return whether a notice sent now would be later than the body's rule."""
    # Compared in UTC: Python compares two times of the same zone by their wall clock.
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return now > notice_deadline(meeting=meeting).astimezone(datetime.UTC)


def local_datetime_text(value: datetime.datetime) -> str:
    """Return a date and time as Swedes write it: 12 mars 2025 kl. 13.00."""
    local = timezone.localtime(value, STOCKHOLM)
    return _("%(date)s kl. %(time)s") % {
        "date": dateformat.format(local, "j F Y"),
        "time": dateformat.format(local, "H.i"),
    }


def render_notice_pdf(*, meeting: Meeting) -> bytes:
    """Return the notice with the agenda as a PDF."""
    return html_to_pdf(html=_notice_html(meeting), variant=NOTICE_VARIANT)


def render_minutes_pdf(*, meeting: Meeting) -> bytes:
    """Return the minutes as an archival, tagged PDF."""
    return html_to_pdf(html=_minutes_html(meeting), variant=MINUTES_VARIANT)


def render_extract_pdf(*, item: AgendaItem) -> bytes:
    """Return one paragraph of the minutes with the checking lines, as an archival PDF."""
    return html_to_pdf(html=_extract_html(item), variant=EXTRACT_VARIANT)


def _notice_html(meeting: Meeting) -> str:
    document = notice_document(meeting=meeting)
    return render_html(template_name="councils/pdf/notice.html", context={"document": document})


def _minutes_html(meeting: Meeting) -> str:
    document = minutes_document(meeting=meeting)
    return render_html(template_name="councils/pdf/minutes.html", context={"document": document})


def _extract_html(item: AgendaItem) -> str:
    document = extract_document(item=item)
    return render_html(template_name="councils/pdf/extract.html", context={"document": document})


# The council's documents for a page, typeset in the background once per content (their HTML,
# rendered here from the selectors' dataclasses, and the stylesheet): a new version of the
# meeting or the minutes is a new document (folkhalsa/documents.py).


def notice_pdf_document(
    *, meeting: Meeting, filename: str, create: bool = True, user: User | None = None
) -> RenderedDocument | None:
    """Return the notice's PDF as made in the background."""
    html = _notice_html(meeting)
    return document_for(
        kind=Kind.NOTICE_PDF,
        html=html,
        variant=NOTICE_VARIANT,
        filename=filename,
        create=create,
        user=user,
    )


def minutes_pdf_document(
    *, meeting: Meeting, filename: str, create: bool = True, user: User | None = None
) -> RenderedDocument | None:
    """Return the minutes' PDF as made in the background."""
    html = _minutes_html(meeting)
    return document_for(
        kind=Kind.MINUTES_PDF,
        html=html,
        variant=MINUTES_VARIANT,
        filename=filename,
        create=create,
        user=user,
    )


def extract_pdf_document(
    *, item: AgendaItem, filename: str, create: bool = True, user: User | None = None
) -> RenderedDocument | None:
    """Return an extract's PDF as made in the background."""
    html = _extract_html(item)
    return document_for(
        kind=Kind.EXTRACT_PDF,
        html=html,
        variant=EXTRACT_VARIANT,
        filename=filename,
        create=create,
        user=user,
    )


def meeting_event(meeting: Meeting, *, stamp: datetime.datetime, details: bool = True) -> Event:
    """Return the meeting as a calendar event, its start in Europe/Stockholm time; without
    `details` (a public feed) no agenda and no link to join at a distance."""
    event = Event()
    # Stable per meeting, so a calendar updates the event instead of adding another.
    event.add("uid", f"mote-{meeting.pk}@folkhalsa")
    event.add("sequence", meeting.version)
    event.add("dtstamp", stamp)
    start = timezone.localtime(meeting.starts_at, STOCKHOLM)
    event.add("dtstart", start)
    end = meeting.ends_at or meeting.starts_at + DEFAULT_MEETING_LENGTH
    event.add("dtend", timezone.localtime(end, STOCKHOLM))
    # Old rows may hold a line break; a calendar line must not.
    event.add("summary", single_line(meeting.body.name))
    if meeting.place:
        event.add("location", single_line(meeting.place))
    if not details:
        return event
    titles = [f"{n}. {item.title}" for n, item in enumerate(meeting.items.all(), 1)]
    description = "\n".join([*titles, meeting.remote_link])
    if description.strip():
        event.add("description", description.strip())
    if meeting.remote_link:
        event.add("url", meeting.remote_link)
    return event


def meetings_calendar(*, meetings: list[Meeting], name: str, details: bool = True) -> bytes:
    """Return the meetings as an iCalendar file (.ics); `details` as for `meeting_event`."""
    stamp = timezone.now()
    events = [meeting_event(meeting, stamp=stamp, details=details) for meeting in meetings]
    return calendar_file(events=events, name=name, product="Möten")


def calendar_file(*, events: list[Event], name: str, product: str) -> bytes:
    """Return the events as one iCalendar file in Swedish time: every feed of ours writes its
    file here (the meetings' and the årshjul's)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Folkhälsa//{product}//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", single_line(name))
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


class SendingFailed(Exception):
    """The mail server did not take the messages; nothing was recorded."""


@dataclass(frozen=True)
class DispatchFile:
    """A file an e-mail carries: its name, content and type."""

    name: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Letter:
    """What every recipient of a dispatch is sent: the text, the documents, the item files."""

    subject: str
    text: str
    documents: list[DispatchFile]
    attachments: list[Attachment]
    reply_to: list[str]


def _recipients(people: list[Member], extra: list[str] = ()) -> list[DispatchRecipient]:
    """Return the dispatch's recipients, unsaved: the people, then the extra addresses."""
    Outcome = DispatchRecipient.Outcome
    recipients = [
        DispatchRecipient(
            person_id=p.person_id,
            name=p.name,
            function=p.function,
            email=p.email,
            outcome=Outcome.SENT if p.email else Outcome.NO_ADDRESS,
        )
        for p in people
    ]
    return recipients + [DispatchRecipient(email=a, outcome=Outcome.SENT) for a in extra]


def _addressed(recipients: list[DispatchRecipient]) -> list[DispatchRecipient]:
    """Return the recipients an e-mail goes to: the first of each address (one e-mail each)."""
    first: dict[str, DispatchRecipient] = {}
    for recipient in recipients:
        if recipient.email:
            first.setdefault(recipient.email.lower(), recipient)
    return list(first.values())


def _reply_to(meeting: Meeting) -> list[str]:
    """Return the address replies go to: the body's convener's, if she has one."""
    convener = meeting.body.convener
    return [convener.email.strip()] if convener and convener.email.strip() else []


def _send_letter(
    meeting: Meeting,
    *,
    kind: str,
    letter: Letter,
    recipients: list[DispatchRecipient],
    failure: str,
    now: datetime.datetime,
) -> tuple[Dispatch, list[DispatchRecipient], list[DownloadLink]]:
    """Send the letter to each address once; return the dispatch, its recipients and links,
    unsaved, with the outcomes. Refused, raising SendingFailed, when no e-mail went out."""
    addressed = _addressed(recipients)
    files = _attached_files(letter, addressed[0].email)
    links = [] if files is not None else _links(addressed, letter.attachments, now)
    messages = [_message(letter, r.email, files or [], _links_of(r, links)) for r in addressed]
    failed = _send_each(messages, failure)
    for recipient in recipients:
        if recipient.email and recipient.email.lower() in failed:
            recipient.outcome = DispatchRecipient.Outcome.REFUSED
    dispatch = Dispatch(
        meeting=meeting,
        kind=kind,
        sent_at=now,
        documents=_documents_record(letter),
        attachments_as_links=files is None,
    )
    # A refused recipient never got her links: they are not kept.
    kept = [k for k in links if k.recipient.outcome == DispatchRecipient.Outcome.SENT]
    return dispatch, recipients, kept


def _links_of(recipient: DispatchRecipient, links: list[DownloadLink]) -> list[DownloadLink]:
    return [link for link in links if link.recipient is recipient]


def _documents_record(letter: Letter) -> list[dict]:
    """Return what the dispatch records of its files: name, size, whether an item's file."""
    documents = [
        {"name": d.name, "size": len(d.content), "attachment": False} for d in letter.documents
    ]
    return documents + [
        {"name": a.name, "size": a.size, "attachment": True} for a in letter.attachments
    ]


def _attached_files(letter: Letter, address: str) -> list[DispatchFile] | None:
    """Return the item files to attach, or None when the whole e-mail with them would pass
    DISPATCH_ATTACHMENT_MAX_BYTES (they go as links then)."""
    if not letter.attachments:
        return []
    limit = settings.DISPATCH_ATTACHMENT_MAX_BYTES
    documents = sum(len(d.content) for d in letter.documents)
    if documents + sum(a.size for a in letter.attachments) > limit:
        return None  # too big before encoding: the files need not be read
    files = [_attachment_file(a) for a in letter.attachments]
    whole = _message(letter, address, files, []).message().as_bytes()
    return files if len(whole) <= limit else None


def _attachment_file(attachment: Attachment) -> DispatchFile:
    return DispatchFile(
        single_line(attachment.name), _read(attachment.file), single_line(attachment.content_type)
    )


def _links(
    addressed: list[DispatchRecipient], attachments: list[Attachment], now: datetime.datetime
) -> list[DownloadLink]:
    """Return a personal link (unsaved, its secret drawn) per recipient and attachment."""
    expires_at = now + datetime.timedelta(days=settings.DOWNLOAD_LINK_DAYS)
    return [
        DownloadLink(recipient=recipient, attachment=attachment, expires_at=expires_at)
        for recipient in addressed
        for attachment in attachments
    ]


def _message(
    letter: Letter, address: str, files: list[DispatchFile], links: list[DownloadLink]
) -> EmailMessage:
    """Return one recipient's e-mail (no one sees the others' addresses): the documents, and
    the item files attached or as her own links."""
    text = letter.text
    if files:
        text += "\n\n" + _("Ärendenas bilagor är bifogade.")
    if links:
        text += "\n\n" + _links_text(links)
    message = EmailMessage(
        letter.subject, text, settings.DEFAULT_FROM_EMAIL, [address], reply_to=letter.reply_to
    )
    for file in [*letter.documents, *files]:
        message.attach(file.name, file.content, file.content_type)
    return message


def _links_text(links: list[DownloadLink]) -> str:
    """Return the paragraph with a recipient's personal links."""
    site = settings.SITE_URL.rstrip("/")
    lines = [
        _(
            "Ärendenas bilagor är för stora för att skickas med e-post. Hämta dem med dina "
            "personliga länkar, som fungerar utan inloggning till %(moment)s. "
            "Dela inte länkarna: de är dina."
        )
        % {"moment": local_datetime_text(links[0].expires_at)},
        "",
    ]
    for link in links:
        url = site + reverse("councils:download_link", args=[link.token])
        size = filesizeformat(link.attachment.size)
        lines.append(f"{single_line(link.attachment.name)} ({size}):\n{url}")
    return "\n".join(lines)


def _record(
    dispatch: Dispatch,
    recipients: list[DispatchRecipient],
    links: list[DownloadLink],
    user: User,
) -> Dispatch:
    """Save the dispatch, its recipients with their outcomes, and the links that went out."""
    dispatch.sent_by = user
    dispatch._history_user = user
    dispatch.save()
    for recipient in recipients:
        recipient.dispatch = dispatch
    DispatchRecipient.objects.bulk_create(recipients)
    DownloadLink.objects.bulk_create(links)  # each link takes its recipient's new id
    return dispatch


def _send_each(messages: list[EmailMessage], failure: str) -> set[str]:
    """Send each message; return the addresses not reached. Refused when none went out, so
    nothing is recorded."""
    failed = send_each(messages)
    # `send_each` gives the refused addresses in lower case; an address may be typed otherwise.
    if messages and all({a.lower() for a in m.to} <= failed for m in messages):
        raise SendingFailed(failure)
    return failed


@dataclass(frozen=True)
class NoticePlan:
    """What sending the notice now would do: to whom, who is missing, the deadline."""

    members: list[Member]
    deadline: datetime.datetime
    late: bool

    @property
    def reached(self) -> list[Member]:
        return [m for m in self.members if m.email]

    @property
    def unreached(self) -> list[Member]:
        return [m for m in self.members if not m.email]


def notice_plan(*, meeting: Meeting, now: datetime.datetime | None = None) -> NoticePlan:
    """Return who the notice would reach now and whether it would be late."""
    return NoticePlan(
        members=members_on_day(meeting=meeting),
        deadline=notice_deadline(meeting=meeting),
        late=notice_is_late(meeting=meeting, now=now),
    )


def _refuse_notice(meeting: Meeting, plan: NoticePlan, *, confirm_late: bool, now) -> None:
    """Refuse a notice for a locked or past meeting, to nobody, or late and not confirmed."""
    meeting.ensure_unlocked()
    if now >= meeting.starts_at:
        raise ValidationError(_("Mötet har redan börjat. En kallelse kan inte skickas."))
    if not plan.reached:
        raise ValidationError(
            _("Ingen som kallas har en e-postadress. Lägg till adresser och försök igen.")
        )
    if plan.late and not confirm_late:
        raise ValidationError(
            _(
                "Kallelsen skulle ha skickats senast %(deadline)s (%(days)s dagar före mötet). "
                "Bekräfta att du vill skicka den för sent."
            )
            % {"deadline": local_datetime_text(plan.deadline), "days": meeting.body.notice_days},
            code="late",
        )


def meeting_send_notice(
    *,
    meeting: Meeting,
    user: User,
    confirm_late: bool = False,
    now: datetime.datetime | None = None,
) -> Dispatch:
    """E-mail the notice with the agenda (PDF), the meeting (.ics) and the items' files to every
    member that day: the files attached while the e-mail stays within
    DISPATCH_ATTACHMENT_MAX_BYTES, else as personal download links.

    Refused, writing nothing, for a checked or past meeting, for nobody to reach, or when late
    and not confirmed; if the mail server fails, nothing is recorded either.
    """
    now = (now or timezone.now()).astimezone(datetime.UTC)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        plan = notice_plan(meeting=meeting, now=now)
        _refuse_notice(meeting, plan, confirm_late=confirm_late, now=now)
        dispatch, recipients, links = _send_letter(
            meeting,
            kind=Dispatch.Kind.NOTICE,
            letter=_notice_letter(meeting),
            recipients=_recipients(plan.members),
            failure=_(
                "Kallelsen kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
            now=now,
        )
        dispatch.late = plan.late
        _mark_called(meeting, user=user, now=now, late=plan.late)
        _record(dispatch, recipients, links, user)
    return dispatch


def _mark_called(meeting: Meeting, *, user: User, now, late: bool) -> None:
    """Mark the meeting called (late if it was)."""
    meeting.notice_sent_at = now
    meeting.notice_late = meeting.notice_late or late
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.NOTICE_SENT
    meeting._history_user = user
    meeting.save(update_fields=["notice_sent_at", "notice_late", "status"])


def _notice_letter(meeting: Meeting) -> Letter:
    """Return the notice as every member gets it: the PDF, the calendar file, the item files."""
    when = local_datetime_text(meeting.starts_at)
    subject = _("Kallelse: %(body)s %(when)s") % {
        "body": single_line(meeting.body.name),
        "when": when,
    }
    text = _(
        "Du kallas till möte i %(body)s %(when)s, %(place)s.\n\n"
        "Kallelsen med föredragningslistan finns i den bifogade PDF-filen, och mötet i "
        "kalenderfilen."
    ) % {"body": meeting.body.name, "when": when, "place": meeting.place or "–"}
    pdf = render_notice_pdf(meeting=meeting)
    ics = meetings_calendar(meetings=[meeting], name=meeting.body.name)
    documents = [
        DispatchFile(_document_name("kallelse", meeting, "pdf"), pdf, "application/pdf"),
        DispatchFile(_document_name("mote", meeting, "ics"), ics, "text/calendar"),
    ]
    attachments = meeting_attachments(meeting=meeting)
    return Letter(subject, text, documents, attachments, _reply_to(meeting))


def _document_name(stem: str, meeting: Meeting, extension: str) -> str:
    local = timezone.localtime(meeting.starts_at, STOCKHOLM)
    return f"{stem}-{local:%Y-%m-%d}.{extension}"


def minutes_send(*, meeting: Meeting, user: User, now: datetime.datetime | None = None) -> Dispatch:
    """E-mail the checked minutes (PDF) and the items' files to the participants and the body's
    distribution list, the files as for the notice (attached or as personal links); refused,
    writing nothing, before checking or if sending fails."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if not meeting.is_locked:
            raise ValidationError(_("Protokollet skickas först när det är justerat."))
        recipients = _recipients(
            minutes_participants(meeting=meeting), meeting.body.distribution_addresses
        )
        if not any(r.email for r in recipients):
            raise ValidationError(_("Ingen mottagare har en e-postadress."))
        dispatch, recipients, links = _send_letter(
            meeting,
            kind=Dispatch.Kind.MINUTES,
            letter=_minutes_letter(meeting),
            recipients=recipients,
            failure=_(
                "Protokollet kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
            now=now,
        )
        _record(dispatch, recipients, links, user)
    return dispatch


def _minutes_letter(meeting: Meeting) -> Letter:
    """Return the minutes as every recipient gets them: the PDF and the items' files."""
    when = local_datetime_text(meeting.starts_at)
    subject = _("Protokoll: %(body)s %(when)s") % {
        "body": single_line(meeting.body.name),
        "when": when,
    }
    text = _(
        "Det justerade protokollet från mötet i %(body)s %(when)s finns i den bifogade PDF-filen."
    ) % {"body": meeting.body.name, "when": when}
    pdf = render_minutes_pdf(meeting=meeting)
    documents = [DispatchFile(_document_name("protokoll", meeting, "pdf"), pdf, "application/pdf")]
    attachments = meeting_attachments(meeting=meeting)
    return Letter(subject, text, documents, attachments, _reply_to(meeting))


def _read(file) -> bytes:
    with file.open("rb") as opened:
        return opened.read()


def download_link_open(
    *, token: str, address: str | None, now: datetime.datetime | None = None
) -> DownloadLink | None:
    """Return the personal link with this secret if it still works (not expired, not revoked,
    its file still there), logging its use; None otherwise, logging nothing."""
    now = now or timezone.now()
    link = (
        DownloadLink.objects.select_related("attachment")
        .filter(token=token, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None or not link.attachment.file.storage.exists(link.attachment.file.name):
        return None
    DownloadUse.objects.create(link=link, used_at=now, address=_ip_or_none(address))
    return link


def _ip_or_none(address: str | None) -> str | None:
    """Return the address if it is one (a proxy may pass anything), else None."""
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def download_links_revoke(
    *,
    dispatch: Dispatch,
    user: User,
    recipient: DispatchRecipient | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Stop the dispatch's personal links (or one recipient's) at once; return how many were
    still working. Links already revoked keep who revoked them and when."""
    now = now or timezone.now()
    links = DownloadLink.objects.filter(
        recipient__dispatch=dispatch, revoked_at__isnull=True, expires_at__gt=now
    )
    if recipient is not None:
        links = links.filter(recipient=recipient)
    return links.update(revoked_at=now, revoked_by=user)


def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Give the user a new private calendar address; her old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": new_calendar_token()}
    )
    return feed
