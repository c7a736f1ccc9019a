"""The documents: PDFs, the notice and the minutes by e-mail, calendars."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from councils.models import (
    AgendaItem,
    CalendarFeed,
    Dispatch,
    DispatchRecipient,
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
from folkhalsa.mail import send_each
from folkhalsa.pdf import render_pdf
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
    document = notice_document(meeting=meeting)
    return render_pdf(
        template_name="councils/pdf/notice.html",
        context={"document": document},
        variant=NOTICE_VARIANT,
    )


def render_minutes_pdf(*, meeting: Meeting) -> bytes:
    """Return the minutes as an archival, tagged PDF."""
    document = minutes_document(meeting=meeting)
    return render_pdf(
        template_name="councils/pdf/minutes.html",
        context={"document": document},
        variant=MINUTES_VARIANT,
    )


def render_extract_pdf(*, item: AgendaItem) -> bytes:
    """Return one paragraph of the minutes with the checking lines, as an archival PDF."""
    return render_pdf(
        template_name="councils/pdf/extract.html",
        context={"document": extract_document(item=item)},
        variant=EXTRACT_VARIANT,
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


def _recipients_record(people: list[Member], extra: list[str] = ()) -> list[dict]:
    """Return who was sent to, and who was not reached for want of an address."""
    record = [
        {"name": p.name, "function": p.function, "email": p.email, "reached": bool(p.email)}
        for p in people
    ]
    return record + [{"name": "", "function": "", "email": a, "reached": True} for a in extra]


def _save_recipients(dispatch: Dispatch, record: list[dict]) -> None:
    """Write the dispatch's recipients as records: reached, refused, or without an address."""
    Outcome = DispatchRecipient.Outcome
    DispatchRecipient.objects.bulk_create(
        DispatchRecipient(
            dispatch=dispatch,
            name=r["name"],
            function=r["function"],
            email=r["email"],
            outcome=(
                Outcome.REFUSED
                if r.get("failed")
                else Outcome.SENT
                if r["reached"]
                else Outcome.NO_ADDRESS
            ),
        )
        for r in record
    )


def _addresses(record: list[dict]) -> list[str]:
    """Return each address once, in order."""
    return list(dict.fromkeys(r["email"].lower() for r in record if r["reached"]))


def _send_each(messages: list[EmailMessage], failure: str) -> set[str]:
    """Send each message; return the addresses not reached. Refused when none went out, so
    nothing is recorded."""
    failed = send_each(messages)
    if messages and all(set(m.to) <= failed for m in messages):
        raise SendingFailed(failure)
    return failed


def _mark_failed(record: list[dict], failed: set[str]) -> list[dict]:
    """Return the record with the addresses the mail server refused marked not reached."""
    return [
        {**r, "reached": False, "failed": True}
        if r["reached"] and r["email"].lower() in failed
        else r
        for r in record
    ]


class SendingFailed(Exception):
    """The mail server did not take the messages; nothing was recorded."""


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
    """E-mail the notice with the agenda (PDF) and the meeting (.ics) to every member that day.

    Refused, writing nothing, for a checked or past meeting, for nobody to reach, or when late
    and not confirmed; if the mail server fails, nothing is recorded either.
    """
    now = (now or timezone.now()).astimezone(datetime.UTC)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        plan = notice_plan(meeting=meeting, now=now)
        _refuse_notice(meeting, plan, confirm_late=confirm_late, now=now)
        record = _recipients_record(plan.members)
        failed = _send_each(
            _notice_messages(meeting, _addresses(record)),
            _(
                "Kallelsen kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
        )
        record = _mark_failed(record, failed)
        dispatch = _record_notice(meeting, user=user, now=now, late=plan.late, record=record)
    return dispatch


def _record_notice(meeting: Meeting, *, user: User, now, late: bool, record: list) -> Dispatch:
    """Record the dispatch and mark the meeting called (late if it was)."""
    meeting.notice_sent_at = now
    meeting.notice_late = meeting.notice_late or late
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.NOTICE_SENT
    meeting._history_user = user
    meeting.save(update_fields=["notice_sent_at", "notice_late", "status"])
    dispatch = Dispatch(
        meeting=meeting, kind=Dispatch.Kind.NOTICE, sent_at=now, sent_by=user, late=late
    )
    dispatch._history_user = user
    dispatch.save()
    _save_recipients(dispatch, record)
    return dispatch


def _notice_messages(meeting: Meeting, addresses: list[str]) -> list[EmailMessage]:
    """Return one message per member (no one sees the others' addresses), with the files."""
    pdf = render_notice_pdf(meeting=meeting)
    ics = meetings_calendar(meetings=[meeting], name=meeting.body.name)
    when = local_datetime_text(meeting.starts_at)
    subject = _("Kallelse: %(body)s %(when)s") % {
        "body": single_line(meeting.body.name),
        "when": when,
    }
    body = _(
        "Du kallas till möte i %(body)s %(when)s, %(place)s.\n\n"
        "Kallelsen med föredragningslistan finns i den bifogade PDF-filen, och mötet i "
        "kalenderfilen."
    ) % {"body": meeting.body.name, "when": when, "place": meeting.place or "–"}
    messages = []
    for address in addresses:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach(_document_name("kallelse", meeting, "pdf"), pdf, "application/pdf")
        message.attach(_document_name("mote", meeting, "ics"), ics, "text/calendar")
        messages.append(message)
    return messages


def _document_name(stem: str, meeting: Meeting, extension: str) -> str:
    local = timezone.localtime(meeting.starts_at, STOCKHOLM)
    return f"{stem}-{local:%Y-%m-%d}.{extension}"


def minutes_send(*, meeting: Meeting, user: User, now: datetime.datetime | None = None) -> Dispatch:
    """E-mail the checked minutes (PDF) and the items' attachments to the participants and the
    body's distribution list; refused, writing nothing, before checking or if sending fails."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
        if not meeting.is_locked:
            raise ValidationError(_("Protokollet skickas först när det är justerat."))
        record = _recipients_record(
            minutes_participants(meeting=meeting), meeting.body.distribution_addresses
        )
        if not any(r["reached"] for r in record):
            raise ValidationError(_("Ingen mottagare har en e-postadress."))
        failed = _send_each(
            _minutes_messages(meeting, _addresses(record)),
            _(
                "Protokollet kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
        )
        dispatch = Dispatch(meeting=meeting, kind=Dispatch.Kind.MINUTES, sent_at=now, sent_by=user)
        dispatch._history_user = user
        dispatch.save()
        _save_recipients(dispatch, _mark_failed(record, failed))
    return dispatch


def _minutes_messages(meeting: Meeting, addresses: list[str]) -> list[EmailMessage]:
    """Return one message per recipient with the minutes and every attachment of the items."""
    pdf = render_minutes_pdf(meeting=meeting)
    files = [
        (single_line(a.name), _read(a.file), single_line(a.content_type))
        for a in meeting_attachments(meeting=meeting)
    ]
    when = local_datetime_text(meeting.starts_at)
    subject = _("Protokoll: %(body)s %(when)s") % {
        "body": single_line(meeting.body.name),
        "when": when,
    }
    body = _(
        "Det justerade protokollet från mötet i %(body)s %(when)s finns i den bifogade "
        "PDF-filen, med ärendenas bilagor."
    ) % {"body": meeting.body.name, "when": when}
    messages = []
    for address in addresses:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach(_document_name("protokoll", meeting, "pdf"), pdf, "application/pdf")
        for name, content, content_type in files:
            message.attach(name, content, content_type)
        messages.append(message)
    return messages


def _read(file) -> bytes:
    with file.open("rb") as opened:
        return opened.read()


def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Give the user a new private calendar address; her old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": new_calendar_token()}
    )
    return feed
