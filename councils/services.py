"""Council workflows: meetings, notices, minutes; atomic, with their side effects."""

import datetime
import smtplib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from councils.models import (
    AgendaItem,
    Amendment,
    Attachment,
    Attendance,
    Body,
    Dispatch,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
    new_calendar_token,
)
from councils.permissions import can_check_minutes
from councils.selectors import (
    STOCKHOLM,
    Member,
    chair_on,
    extract_document,
    meeting_attachments,
    meeting_day,
    meetings_of_year,
    members_on_day,
    minutes_document,
    minutes_participants,
    notice_document,
    present_people,
    year_meetings,
)
from folkhalsa.pdf import render_pdf
from plans.models import Person, Versioned
from plans.services import normalise_text, versioned_delete, versioned_save

# --- Minutes, checking, amendments, registration, notice board (wt-minutes) ---


def _locked_row(meeting: Meeting) -> Meeting:
    """Return the meeting read again under a row lock: actions on one meeting run one by one."""
    return Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)


def _save_meeting(meeting: Meeting, user: AbstractBaseUser | None) -> None:
    """Save a meeting read under its row lock, bumping its version and recording the user."""
    versioned_save(instance=meeting, expected_version=meeting.version, user=user)


def _day(value: datetime.date) -> str:
    """Return a date as the messages show it."""
    return formats.date_format(value, "Y-m-d")


def _today(now: datetime.datetime | None) -> datetime.date:
    """Return today's date in Stockholm, at `now` if given."""
    return timezone.localdate(now or timezone.now())


@transaction.atomic
def meeting_mark_held(
    *, meeting: Meeting, user: AbstractBaseUser | None, now: datetime.datetime | None = None
) -> Meeting:
    """Mark the meeting held: number its paragraphs and appoint the chair to sign."""
    meeting = _locked_row(meeting)
    meeting.ensure_unlocked()
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("Mötet är redan markerat som genomfört."))
    if meeting_day(meeting) > _today(now):
        raise ValidationError(
            _("Mötet har inte hållits än: det är den %(day)s.")
            % {"day": _day(meeting_day(meeting))}
        )
    _refuse_earlier_unheld(meeting)
    meeting.status = Meeting.Status.HELD
    _save_meeting(meeting, user)
    minutes_number_paragraphs(meeting=meeting, user=user)
    _appoint_chair(meeting)
    return meeting


def _refuse_earlier_unheld(meeting: Meeting) -> None:
    """Refuse while an earlier meeting of the body's year is not held, so § run in date order."""
    year = meeting_day(meeting).year
    earlier = (
        meetings_of_year(body_id=meeting.body_id, year=year)
        .filter(starts_at__lt=meeting.starts_at)
        .filter(status__in=(Meeting.Status.PLANNED, Meeting.Status.NOTICE_SENT))
        .order_by("starts_at")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _(
                "Paragraferna numreras i datumordning genom året. Mötet den %(day)s är inte "
                "markerat som genomfört: markera det först, eller ta bort det om det ställdes in."
            )
            % {"day": _day(meeting_day(earlier))}
        )


@transaction.atomic
def minutes_number_paragraphs(*, meeting: Meeting, user: AbstractBaseUser | None) -> int:
    """Number the meeting's unnumbered items after the highest § of the body's year.

    The body's row is locked first, so two meetings numbered at once never share a number.
    Items added after the meeting was numbered get the next numbers of the year.
    """
    Body.objects.select_for_update().filter(pk=meeting.body_id).first()
    year_items = AgendaItem.objects.filter(
        meeting__in=meetings_of_year(body_id=meeting.body_id, year=meeting_day(meeting).year)
    )
    last = year_items.aggregate(last=Max("paragraph"))["last"] or 0
    unnumbered = list(meeting.items.filter(paragraph__isnull=True).order_by("order", "id"))
    for number, item in enumerate(unnumbered, start=last + 1):
        item.paragraph = number
        versioned_save(instance=item, expected_version=item.version, user=user)
    return len(unnumbered)


def _appoint_chair(meeting: Meeting) -> None:
    """Appoint the holder of the chair seat on the meeting's day to sign the minutes."""
    if not meeting.body.keeps_minutes or meeting.checks.filter(role=MinutesCheck.Role.CHAIR):
        return
    chair = chair_on(body=meeting.body, day=meeting_day(meeting))
    if chair is not None:
        MinutesCheck.objects.create(meeting=meeting, person=chair, role=MinutesCheck.Role.CHAIR)


def _refuse_unless_held(meeting: Meeting) -> None:
    """Refuse work on minutes of a meeting not yet marked held (after checking: locked)."""
    meeting.ensure_unlocked()
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Markera mötet som genomfört innan du skriver protokollet."))


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    user: AbstractBaseUser | None,
    texts: list[tuple[Versioned, int]],
    adjusters: list[Person],
) -> bool:
    """Save the minutes' texts (each against the version it was loaded at) and the adjusters.

    Returns whether anything was written.
    """
    locked = _locked_row(meeting)
    _refuse_unless_held(locked)
    written = False
    for instance, expected in texts:
        written |= versioned_save(instance=instance, expected_version=expected, user=user)
    written |= minutes_appoint_adjusters(meeting=locked, adjusters=adjusters, user=user)
    written |= bool(minutes_number_paragraphs(meeting=locked, user=user))
    _appoint_chair(locked)
    return written


@transaction.atomic
def minutes_appoint_adjusters(
    *, meeting: Meeting, adjusters: list[Person], user: AbstractBaseUser | None
) -> bool:
    """Appoint the adjusters, present at the meeting; one who has checked stays. Return changed."""
    meeting = _locked_row(meeting)
    _refuse_unless_held(meeting)
    _validate_adjusters(meeting, adjusters)
    current = {c.person_id: c for c in meeting.checks.filter(role=MinutesCheck.Role.ADJUSTER)}
    chosen = {person.pk for person in adjusters}
    leaving = [c for pk, c in current.items() if pk not in chosen]
    if any(c.checked_at for c in leaving):
        raise ValidationError(_("En justerare som redan har justerat kan inte tas bort."))
    for check in leaving:
        check.delete()
    for pk in chosen - current.keys():
        MinutesCheck.objects.create(meeting=meeting, person_id=pk, role=MinutesCheck.Role.ADJUSTER)
    return bool(leaving) or bool(chosen - current.keys())


def _validate_adjusters(meeting: Meeting, adjusters: list[Person]) -> None:
    """Refuse adjusters not present, more than the body appoints, or the chair signing."""
    if not meeting.body.keeps_minutes and adjusters:
        raise ValidationError(_("Minnesanteckningar justeras inte: utse inga justerare."))
    if len(adjusters) > meeting.body.adjusters_count:
        raise ValidationError(
            _("Organet utser %(count)s justerare per möte.")
            % {"count": meeting.body.adjusters_count}
        )
    present = set(present_people(meeting=meeting).values_list("pk", flat=True))
    if any(person.pk not in present for person in adjusters):
        raise ValidationError(_("Justerare utses bland dem som var närvarande vid mötet."))
    chair = meeting.checks.filter(role=MinutesCheck.Role.CHAIR).values_list("person_id", flat=True)
    if set(chair) & {person.pk for person in adjusters}:
        raise ValidationError(
            _("Ordföranden skriver under protokollet och kan inte också vara justerare.")
        )


@transaction.atomic
def minutes_check(
    *, meeting: Meeting, user: AbstractBaseUser, now: datetime.datetime | None = None
) -> MinutesCheck:
    """Record the user's own check of the minutes (as adjuster or chair), now."""
    meeting = _locked_row(meeting)
    meeting.ensure_unlocked()
    check = can_check_minutes(user, meeting)
    if check is None:
        raise PermissionDenied(_("Du är inte utsedd att justera det här protokollet."))
    _record_check(check, at=now or timezone.now(), on_paper=False, user=user)
    _complete_if_done(meeting, user)
    return check


@transaction.atomic
def minutes_check_on_paper(
    *,
    meeting: Meeting,
    check: MinutesCheck,
    on: datetime.date,
    user: AbstractBaseUser | None,
    now: datetime.datetime | None = None,
) -> MinutesCheck:
    """Record a check done on paper, on the given day, by the secretary."""
    meeting = _locked_row(meeting)
    _refuse_unless_held(meeting)
    check = MinutesCheck.objects.select_for_update().filter(pk=check.pk, meeting=meeting).first()
    if check is None or check.checked_at is not None:
        raise ValidationError(_("Den justeringen är redan gjord eller hör inte till mötet."))
    if not meeting_day(meeting) <= on <= _today(now):
        raise ValidationError(
            _("Ange ett datum från mötets dag (%(day)s) till i dag.")
            % {"day": _day(meeting_day(meeting))}
        )
    # Noon, so the Stockholm date stays the one given whatever the offset.
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    _record_check(check, at=at, on_paper=True, user=user)
    _complete_if_done(meeting, user)
    return check


def _record_check(
    check: MinutesCheck, *, at: datetime.datetime, on_paper: bool, user: AbstractBaseUser | None
) -> None:
    """Write when and how the check was done, and who recorded it."""
    check.checked_at, check.on_paper, check.recorded_by = at, on_paper, user
    check._history_user = user
    check.save()


def _complete_if_done(meeting: Meeting, user: AbstractBaseUser | None) -> bool:
    """Lock the minutes as checked once every appointed check is done; announce them."""
    checks = list(meeting.checks.all())
    adjusters = sum(c.role == MinutesCheck.Role.ADJUSTER for c in checks)
    has_chair = any(c.role == MinutesCheck.Role.CHAIR for c in checks)
    if adjusters < meeting.body.adjusters_count or not has_chair:
        return False
    if any(c.checked_at is None for c in checks):
        return False
    meeting.status = Meeting.Status.CHECKED
    meeting.checked_on = max(timezone.localdate(c.checked_at) for c in checks)
    if meeting.body.is_statutory:
        # Posted on the checking day unless the secretary records another day.
        meeting.posted_on = meeting.checked_on
    _save_meeting(meeting, user)
    return True


@transaction.atomic
def minutes_finish_notes(
    *, meeting: Meeting, user: AbstractBaseUser | None, now: datetime.datetime | None = None
) -> Meeting:
    """Finish a body's notes (minnesanteckningar, not checked): they are locked from now."""
    meeting = _locked_row(meeting)
    _refuse_unless_held(meeting)
    if meeting.body.keeps_minutes:
        raise ValidationError(_("Protokollet blir klart när det är justerat."))
    meeting.status = Meeting.Status.CHECKED
    meeting.checked_on = _today(now)
    _save_meeting(meeting, user)
    return meeting


@transaction.atomic
def minutes_amend(
    *,
    meeting: Meeting,
    item: AgendaItem | None,
    what: str,
    why: str,
    user: AbstractBaseUser | None,
) -> Amendment:
    """Record a correction of checked minutes; the checked text itself never changes."""
    meeting = _locked_row(meeting)
    if not meeting.is_locked:
        raise ValidationError(
            _("Protokollet är inte justerat än: ändra texten i protokollet i stället.")
        )
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(_("Ärendet hör inte till mötet."))
    what, why = normalise_text(what), normalise_text(why)
    if not what or not why:
        raise ValidationError(_("Skriv både vad som rättas och varför."))
    amendment = Amendment(meeting=meeting, item=item, what=what, why=why, made_by=user)
    amendment._history_user = user
    amendment.save()
    return amendment


@transaction.atomic
def minutes_register(
    *,
    meeting: Meeting,
    case_number: str,
    registered_on: datetime.date,
    user: AbstractBaseUser | None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Register (diarieför) checked minutes with their diarienummer and date."""
    meeting = _locked_row(meeting)
    if meeting.status != Meeting.Status.CHECKED:
        raise ValidationError(
            _("Bara ett justerat protokoll som inte redan är diariefört kan diarieföras.")
        )
    case_number = case_number.strip()
    if not case_number:
        raise ValidationError(_("Ange diarienumret."))
    if not meeting.checked_on <= registered_on <= _today(now):
        raise ValidationError(
            _("Ange ett datum från justeringen (%(day)s) till i dag.")
            % {"day": _day(meeting.checked_on)}
        )
    meeting.case_number, meeting.registered_on = case_number, registered_on
    meeting.status = Meeting.Status.REGISTERED
    _save_meeting(meeting, user)
    return meeting


@transaction.atomic
def minutes_post_announcement(
    *,
    meeting: Meeting,
    posted_on: datetime.date,
    user: AbstractBaseUser | None,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Record the day the checking was actually announced on the notice board."""
    meeting = _locked_row(meeting)
    if not meeting.body.is_statutory:
        raise ValidationError(_("Bara nämnder, utskott och beredningar anslår sina protokoll."))
    if not meeting.is_locked or not meeting.checked_on:
        raise ValidationError(_("Protokollet anslås först när det är justerat."))
    if not meeting.checked_on <= posted_on <= _today(now):
        raise ValidationError(
            _("Ange ett datum från justeringen (%(day)s) till i dag.")
            % {"day": _day(meeting.checked_on)}
        )
    meeting.posted_on = posted_on
    _save_meeting(meeting, user)
    return meeting


# --- Documents: the notice and the minutes by e-mail, calendars (wt-documents) -----------------

# The variants the documents are written as: the minutes are archived (PDF/A, tagged), the notice
# and the extract are tagged for screen readers.
MINUTES_VARIANT = "pdf/a-2a"
NOTICE_VARIANT = "pdf/ua-1"
EXTRACT_VARIANT = "pdf/a-2a"
# A calendar shows a meeting without an end as a point in time; most council meetings take two.
DEFAULT_MEETING_LENGTH = datetime.timedelta(hours=2)


def notice_deadline(*, meeting: Meeting) -> datetime.datetime:
    """Return the last moment the notice may go out: the body's days before, Swedish time.

    Counted in calendar days on the local clock, so a notice due "seven days before 13.00" is due
    at 13.00 even when the clocks change in between.
    """
    local_start = timezone.localtime(meeting.starts_at, STOCKHOLM)
    local_deadline = local_start.replace(tzinfo=None) - datetime.timedelta(
        days=meeting.body.notice_days
    )
    return timezone.make_aware(local_deadline, STOCKHOLM)


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


def meeting_event(meeting: Meeting, *, stamp: datetime.datetime) -> Event:
    """Return the meeting as a calendar event, its start in Europe/Stockholm time."""
    event = Event()
    # Stable per meeting, so a calendar updates the event instead of adding another.
    event.add("uid", f"mote-{meeting.pk}@folkhalsa")
    event.add("sequence", meeting.version)
    event.add("dtstamp", stamp)
    start = timezone.localtime(meeting.starts_at, STOCKHOLM)
    event.add("dtstart", start)
    end = meeting.ends_at or meeting.starts_at + DEFAULT_MEETING_LENGTH
    event.add("dtend", timezone.localtime(end, STOCKHOLM))
    event.add("summary", meeting.body.name)
    if meeting.place:
        event.add("location", meeting.place)
    titles = [f"{n}. {item.title}" for n, item in enumerate(meeting.items.all(), 1)]
    description = "\n".join([*titles, meeting.remote_link])
    if description.strip():
        event.add("description", description.strip())
    if meeting.remote_link:
        event.add("url", meeting.remote_link)
    return event


def meetings_calendar(*, meetings: list[Meeting], name: str) -> bytes:
    """Return the meetings as an iCalendar file (.ics)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Folkhälsa//Möten//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _recipients_record(people: list[Member], extra: list[str] = ()) -> list[dict]:
    """Return who was sent to, and who was not reached for want of an address."""
    record = [
        {"name": p.name, "function": p.function, "email": p.email, "reached": bool(p.email)}
        for p in people
    ]
    return record + [{"name": "", "function": "", "email": a, "reached": True} for a in extra]


def _addresses(record: list[dict]) -> list[str]:
    """Return each address once, in order."""
    return list(dict.fromkeys(r["email"].lower() for r in record if r["reached"]))


def _send(messages: list[EmailMessage], failure: str) -> None:
    """Send the messages over one connection; a failure is refused with the Swedish message."""
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except (smtplib.SMTPException, OSError) as error:
        raise SendingFailed(failure) from error


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
        dispatch = _record_notice(meeting, user=user, now=now, late=plan.late, record=record)
        messages = _notice_messages(meeting, _addresses(record))
        _send(
            messages,
            _(
                "Kallelsen kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
        )
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
    dispatch.recipients = record
    dispatch._history_user = user
    dispatch.save()
    return dispatch


def _notice_messages(meeting: Meeting, addresses: list[str]) -> list[EmailMessage]:
    """Return one message per member (no one sees the others' addresses), with the files."""
    pdf = render_notice_pdf(meeting=meeting)
    ics = meetings_calendar(meetings=[meeting], name=meeting.body.name)
    when = local_datetime_text(meeting.starts_at)
    subject = _("Kallelse: %(body)s %(when)s") % {"body": meeting.body.name, "when": when}
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
        dispatch = Dispatch(meeting=meeting, kind=Dispatch.Kind.MINUTES, sent_at=now, sent_by=user)
        dispatch.recipients = record
        dispatch._history_user = user
        dispatch.save()
        _send(
            _minutes_messages(meeting, _addresses(record)),
            _(
                "Protokollet kunde inte skickas: e-postservern svarade inte. "
                "Inget är registrerat; försök igen om en stund."
            ),
        )
    return dispatch


def _minutes_messages(meeting: Meeting, addresses: list[str]) -> list[EmailMessage]:
    """Return one message per recipient with the minutes and every attachment of the items."""
    pdf = render_minutes_pdf(meeting=meeting)
    files = [(a.name, _read(a.file), a.content_type) for a in meeting_attachments(meeting=meeting)]
    when = local_datetime_text(meeting.starts_at)
    subject = _("Protokoll: %(body)s %(when)s") % {"body": meeting.body.name, "when": when}
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


def body_renew_calendar_token(*, body: Body) -> str:
    """Give the body a new private calendar address; the old one stops working at once."""
    token = new_calendar_token()
    # update(): the token is a secret, kept out of the history and the version on purpose.
    Body.objects.filter(pk=body.pk).update(calendar_token=token)
    body.calendar_token = token
    return token


# --- Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings) ---

User = AbstractBaseUser | None


def _stamp(record: models.Model, user: User) -> None:
    """Name the user in the history row the next save writes."""
    if user is not None and user.is_authenticated:
        record._history_user = user


def _save(record: models.Model, *, user: User) -> models.Model:
    """Validate the record as the admin would (clean and constraints) and save it."""
    record.full_clean()
    _stamp(record, user)
    record.save()
    return record


def _lock_row(model: type[models.Model], pk: int) -> None:
    """Take the record's row lock until the transaction ends (no join: only that row)."""
    model.objects.select_for_update().filter(pk=pk).order_by("pk").first()


def meeting_lock(*, meeting_id: int) -> Meeting:
    """Return the meeting under a row lock; refuse when its minutes are checked.

    Every change to a meeting, its agenda, attachments or attendance starts here, inside its
    transaction, so a checking that commits meanwhile cannot be overtaken by a late change.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    meeting.ensure_unlocked()
    return meeting


# Bodies and their seats.


def body_save(*, body: Body, expected_version: int, user: User) -> bool:
    """Create or change a body; return whether anything was written."""
    return versioned_save(instance=body, expected_version=expected_version, user=user)


def seat_save(*, seat: Seat, user: User) -> Seat:
    """Create or change a seat: its function, organisation, role and place in the order."""
    with transaction.atomic():
        return _save(seat, user=user)


def seat_holding_create(
    *,
    seat: Seat,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    user: User,
    person: Person | None = None,
    new_person: dict | None = None,
) -> SeatHolding:
    """Give the seat a holder for a period: a chosen person, or one created from `new_person`
    (name, title, e-mail) at the seat's organisation. Overlapping periods are refused."""
    with transaction.atomic():
        # Two secretaries giving the same seat a holder at once: the second waits and is refused.
        _lock_row(Seat, seat.pk)
        if person is None:
            person = _save(Person(organisation=seat.organisation, **(new_person or {})), user=user)
        holding = SeatHolding(seat=seat, person=person, starts_on=starts_on, ends_on=ends_on)
        return _save(holding, user=user)


def seat_holding_end(*, holding: SeatHolding, ends_on: datetime.date, user: User) -> SeatHolding:
    """End a holding on the day given; the seat is vacant after it until someone else holds it."""
    with transaction.atomic():
        _lock_row(Seat, holding.seat_id)
        holding.ends_on = ends_on
        return _save(holding, user=user)


def standing_item_save(*, item: StandingItem, user: User) -> StandingItem:
    """Create or change one of a body's standing agenda items."""
    with transaction.atomic():
        return _save(item, user=user)


def standing_item_delete(*, item: StandingItem) -> None:
    """Delete a standing item; the agenda items made from it stay on their meetings."""
    item.delete()


# The year's meetings.


@dataclass(frozen=True)
class SeriesCheck:
    """What a planned series gives the year: how many meetings, against the body's minimum."""

    total: int
    minimum: int

    @property
    def below_minimum(self) -> bool:
        return self.total < self.minimum


def meeting_series_check(*, body: Body, year: int, dates: Sequence[datetime.date]) -> SeriesCheck:
    """Return how many meetings the year would have with the new dates, and the minimum."""
    existing = year_meetings(body=body, year=year).count()
    return SeriesCheck(total=existing + len(dates), minimum=body.min_meetings_per_year)


def meeting_series_create(
    *,
    body: Body,
    year: int,
    dates: Sequence[datetime.date],
    starts: datetime.time,
    ends: datetime.time | None,
    place: str,
    user: User,
) -> list[Meeting]:
    """Create the year's meetings with the body's standing items on the right ones; all or none.

    The meetings are numbered through the year together with those already there, so the
    situation report lands on the year's second meeting and next year's dates on its last.
    """
    with transaction.atomic():
        _lock_row(Body, body.pk)
        taken = {_local_day(m.starts_at) for m in year_meetings(body=body, year=year)}
        _check_series(year=year, dates=dates, taken=taken, starts=starts, ends=ends)
        meetings = [
            _meeting_at(body=body, day=day, starts=starts, ends=ends, place=place, user=user)
            for day in sorted(dates)
        ]
        _place_standing_items(body=body, meetings=meetings, taken=taken, user=user)
    return meetings


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(STOCKHOLM).date()


def _check_series(
    *,
    year: int,
    dates: Sequence[datetime.date],
    taken: set[datetime.date],
    starts: datetime.time,
    ends: datetime.time | None,
) -> None:
    """Refuse an empty series, dates outside the year, a date twice or one already taken."""
    errors = []
    if not dates:
        errors.append(_("Ange minst ett datum."))
    outside = sorted({d for d in dates if d.year != year})
    if outside:
        errors.append(
            _("%(dates)s ligger inte i år %(year)s.") % {"dates": _dates(outside), "year": year}
        )
    twice = sorted({d for d in dates if list(dates).count(d) > 1})
    if twice:
        errors.append(_("%(dates)s står mer än en gång.") % {"dates": _dates(twice)})
    already = sorted(set(dates) & taken)
    if already:
        errors.append(_("Organet har redan ett möte %(dates)s.") % {"dates": _dates(already)})
    if ends is not None and ends <= starts:
        errors.append(_("Mötena måste sluta efter att de börjar."))
    if errors:
        raise ValidationError(errors)


def _dates(days: Iterable[datetime.date]) -> str:
    return ", ".join(day.isoformat() for day in days)


def _meeting_at(
    *,
    body: Body,
    day: datetime.date,
    starts: datetime.time,
    ends: datetime.time | None,
    place: str,
    user: User,
) -> Meeting:
    """Create one meeting on the day at the given Swedish times."""
    meeting = Meeting(
        body=body,
        starts_at=datetime.datetime.combine(day, starts, tzinfo=STOCKHOLM),
        ends_at=datetime.datetime.combine(day, ends, tzinfo=STOCKHOLM) if ends else None,
        place=place,
    )
    meeting.full_clean()
    versioned_save(instance=meeting, expected_version=1, user=user)
    return meeting


def _place_standing_items(
    *, body: Body, meetings: list[Meeting], taken: set[datetime.date], user: User
) -> None:
    """Put each standing item on the new meetings its rule names, in the year's numbering."""
    standing = list(body.standing_items.order_by("order", "pk"))
    days = sorted(taken | {_local_day(m.starts_at) for m in meetings})
    for meeting in meetings:
        number = days.index(_local_day(meeting.starts_at)) + 1
        chosen = [s for s in standing if s.applies_to(number, len(days))]
        for order, item in enumerate(chosen, start=1):
            agenda_item = AgendaItem(
                meeting=meeting,
                order=order,
                kind=item.kind,
                title=item.title,
                presenter=item.presenter,
                text=item.text,
                standing_item=item,
            )
            versioned_save(instance=agenda_item, expected_version=1, user=user)


# A meeting and its agenda.


def meeting_update(*, meeting: Meeting, expected_version: int, user: User) -> bool:
    """Change a meeting's time and place; refused once its minutes are checked."""
    with transaction.atomic():
        meeting_lock(meeting_id=meeting.pk)
        return versioned_save(instance=meeting, expected_version=expected_version, user=user)


def agenda_item_save(
    *, item: AgendaItem, expected_version: int, user: User, m2m: dict | None = None
) -> bool:
    """Add an item at the end of the agenda, or change one; refused on checked minutes."""
    with transaction.atomic():
        meeting_lock(meeting_id=item.meeting_id)
        if item.pk is None:
            last = AgendaItem.objects.filter(meeting_id=item.meeting_id).aggregate(Max("order"))
            item.order = (last["order__max"] or 0) + 1
        return versioned_save(instance=item, expected_version=expected_version, user=user, m2m=m2m)


def agenda_item_delete(*, item: AgendaItem, expected_version: int) -> None:
    """Delete an item with its attachments (their files once the deletion is committed)."""
    with transaction.atomic():
        meeting_lock(meeting_id=item.meeting_id)
        names = list(item.attachments.values_list("file", flat=True))
        versioned_delete(instance=item, expected_version=expected_version)
        _delete_files_on_commit(names)


def agenda_item_move(*, item: AgendaItem, up: bool, user: User) -> None:
    """Move the item one step up or down the agenda and number the agenda 1, 2, 3 …"""
    with transaction.atomic():
        meeting_lock(meeting_id=item.meeting_id)
        items = list(
            AgendaItem.objects.select_for_update()
            .filter(meeting_id=item.meeting_id)
            .order_by("order", "pk")
        )
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if up else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for order, other in enumerate(items, start=1):
            if other.order != order:
                other.order = order
                _stamp(other, user)
                other.save(update_fields=["order"])


# Attachments: the formats a municipality's members can open, recognised by their content.
ATTACHMENT_TYPES = {
    "application/pdf": {"pdf"},
    "application/msword": {"doc"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.ms-excel": {"xls"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
}


def attachment_name(name: str) -> str:
    """Return the file's own name without any folder a browser sent, safe to show and send."""
    base = PurePosixPath(PureWindowsPath(name or "").name).name
    printable = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return printable[-200:] or _("bilaga")


def attachment_check(*, upload: UploadedFile) -> str:
    """Return the file's type read from its content; refuse other types, a name that says
    otherwise, and files over the size limit."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Filen är för stor (%(size)s). Största tillåtna storlek är %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Filen är inte en PDF, ett Word- eller Excel-dokument eller en PNG- eller JPEG-bild.")
        )
    extension = PurePosixPath(attachment_name(upload.name)).suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_TYPES[kind.mime]:
        raise ValidationError(
            _("Filens innehåll är %(kind)s men namnet slutar inte på %(extension)s.")
            % {"kind": kind.extension.upper(), "extension": "." + kind.extension}
        )
    return kind.mime


def attachment_add(*, item: AgendaItem, upload: UploadedFile, user: User) -> Attachment:
    """Attach a checked file to an agenda item; a refused file leaves no row and no file."""
    content_type = attachment_check(upload=upload)
    with transaction.atomic():
        meeting_lock(meeting_id=item.meeting_id)
        attachment = Attachment(
            item=item,
            name=attachment_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        # Written last: every check is behind us, and the file goes if the row cannot be saved.
        attachment.file.save(attachment.name, upload, save=False)
        try:
            _stamp(attachment, user)
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_delete(*, attachment: Attachment) -> None:
    """Delete an attachment; its file goes once the deletion is committed."""
    with transaction.atomic():
        meeting_lock(meeting_id=attachment.item.meeting_id)
        name = attachment.file.name
        attachment.delete()
        _delete_files_on_commit([name])


def _delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files after the transaction commits: a rollback keeps them with their rows."""
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


# Attendance.


@dataclass(frozen=True)
class SeatAttendance:
    """How the holder of a seat attended, and who replaced her."""

    seat: Seat
    person: Person | None
    status: str
    substitute: Person | None = None


@dataclass(frozen=True)
class GuestAttendance:
    """A co-opted guest: a row to keep (id), add (no id) or remove."""

    name: str
    organisation: str
    status: str = Attendance.Status.PRESENT
    pk: int | None = None
    remove: bool = False


def attendance_record(
    *,
    meeting: Meeting,
    seats: Sequence[SeatAttendance],
    guests: Sequence[GuestAttendance],
    user: User,
) -> None:
    """Record attendance per seat and the co-opted guests; refused on checked minutes."""
    with transaction.atomic():
        meeting_lock(meeting_id=meeting.pk)
        existing = {a.seat_id: a for a in meeting.attendances.filter(seat__isnull=False)}
        for row in seats:
            record = existing.get(row.seat.pk) or Attendance(meeting=meeting, seat=row.seat)
            record.person, record.status = row.person, row.status
            record.substitute = row.substitute
            _save(record, user=user)
        _record_guests(meeting=meeting, guests=guests, user=user)


def _record_guests(*, meeting: Meeting, guests: Sequence[GuestAttendance], user: User) -> None:
    """Add, change and remove the meeting's guests."""
    rows = {a.pk: a for a in meeting.attendances.filter(seat__isnull=True)}
    for guest in guests:
        record = rows.get(guest.pk) if guest.pk else Attendance(meeting=meeting)
        if record is None:
            continue  # a row removed meanwhile: nothing to change
        if guest.remove:
            if record.pk:
                _stamp(record, user)
                record.delete()
            continue
        record.guest_name, record.guest_organisation = guest.name, guest.organisation
        record.status = guest.status
        _save(record, user=user)
