"""Bodies, seats and holders, standing items, the year's meetings, the agenda, attachments and
attendance."""

import datetime
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, formats
from django.utils.translation import gettext as _

from councils.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Meeting,
    Seat,
    SeatHolding,
    StandingItem,
)
from councils.permissions import can_manage_body, holder_register, seat_holder_choices
from councils.selectors import (
    STOCKHOLM,
    bodies_preparing,
    body_label,
    meeting_label,
    year_meetings,
)
from plans.models import Person
from plans.services import locked, versioned_delete, versioned_save

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
    rows = locked(model.objects.filter(pk=pk), action=f"Changing a {model.__name__}")
    rows.order_by("pk").first()


def meeting_lock(*, meeting_id: int) -> Meeting:
    """Return the meeting under a row lock; refuse when its minutes are checked.

    Every change to a meeting, its agenda, attachments or attendance starts here, inside its
    transaction, so a checking that commits meanwhile cannot be overtaken by a late change.
    """
    meeting = locked(Meeting.objects, action="Changing a meeting").get(pk=meeting_id)
    meeting.ensure_unlocked()
    return meeting


# Bodies and their seats.


def body_save(*, body: Body, expected_version: int, user: User) -> bool:
    """Create or change a body; return whether anything was written. A body never prepares
    itself nor a body that prepares its own meetings, directly or through another."""
    with transaction.atomic():
        if body.pk is not None and body.prepares_id is not None:
            # Two bodies made to prepare each other at once: the second waits and is refused.
            for pk in sorted({body.pk, body.prepares_id}):
                _lock_row(Body, pk)
            _refuse_preparing_circle(body)
        return versioned_save(instance=body, expected_version=expected_version, user=user)


def _refuse_preparing_circle(body: Body) -> None:
    """Refuse a body that would prepare itself or one of the bodies preparing it."""
    if body.prepares_id == body.pk:
        raise ValidationError({"prepares": _("Ett organ kan inte bereda ärenden till sig självt.")})
    if body.prepares_id in bodies_preparing(body=body):
        other = Body.objects.get(pk=body.prepares_id)
        raise ValidationError(
            {
                "prepares": _(
                    "%(other)s bereder redan ärenden till %(body)s, direkt eller genom ett annat "
                    "organ. Ett organ kan inte bereda ärenden till ett organ som bereder dess egna."
                )
                % {"other": other.name, "body": body.name}
            }
        )


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
    """Give the seat a holder for a period: a chosen person of the user's register, or one
    created from `new_person` (name, title, e-mail) in it. Overlapping periods are refused."""
    with transaction.atomic():
        # Two secretaries giving the same seat a holder at once: the second waits and is refused.
        _lock_row(Seat, seat.pk)
        if person is not None and not seat_holder_choices(user, seat).filter(pk=person.pk).exists():
            raise ValidationError({"person": _("Personen hör till ett register du inte når.")})
        if person is None:
            # Never in an outside organisation's register: in the one the secretary manages.
            register = holder_register(user, seat)
            person = _save(Person(organisation_id=register, **(new_person or {})), user=user)
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
    """Return the days as Swedes write them in text: 3 februari 2027, 5 maj 2027."""
    return ", ".join(dateformat.format(day, "j F Y") for day in days)


def _meeting_at(
    *,
    body: Body,
    day: datetime.date,
    starts: datetime.time,
    ends: datetime.time | None,
    place: str,
    user: User,
    prepares: Meeting | None = None,
) -> Meeting:
    """Create one meeting on the day at the given Swedish times (preparing `prepares`)."""
    meeting = Meeting(
        body=body,
        starts_at=datetime.datetime.combine(day, starts, tzinfo=STOCKHOLM),
        ends_at=datetime.datetime.combine(day, ends, tzinfo=STOCKHOLM) if ends else None,
        place=place,
        prepares_meeting=prepares,
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
                proposal_to=item.proposal_to,
                title=item.title,
                presenter=item.presenter,
                text=item.text,
                standing_item=item,
            )
            versioned_save(instance=agenda_item, expected_version=1, user=user)


# Bodies working together: the preparing body's meetings before the prepared body's.


@dataclass(frozen=True)
class Preparation:
    """A preparing body's meetings to hold before each new meeting of the body it prepares:
    so many days before, at its own time and place, or (None, "") at the prepared meeting's."""

    body: Body
    days_before: int
    starts: datetime.time | None = None
    ends: datetime.time | None = None
    place: str = ""


@dataclass(frozen=True)
class SeriesCreated:
    """The year's new meetings, the preparatory meetings made for them, and what to tell her
    (a preparing body that already met on a day got no second meeting)."""

    meetings: list[Meeting]
    preparatory: list[Meeting]
    notes: list[str]


def meeting_year_create(
    *,
    body: Body,
    year: int,
    dates: Sequence[datetime.date],
    starts: datetime.time,
    ends: datetime.time | None,
    place: str,
    user: User,
    preparations: Sequence[Preparation] = (),
) -> SeriesCreated:
    """Create the year's meetings (`meeting_series_create`) and, for each preparation, the
    preparing body's meeting before each of them; all or none, in one transaction."""
    with transaction.atomic():
        meetings = meeting_series_create(
            body=body, year=year, dates=dates, starts=starts, ends=ends, place=place, user=user
        )
        preparatory, notes = [], []
        for preparation in preparations:
            made, said = preparatory_meetings_create(
                meetings=meetings, preparation=preparation, user=user
            )
            preparatory += made
            notes += said
    return SeriesCreated(meetings=meetings, preparatory=preparatory, notes=notes)


def preparatory_meetings_create(
    *, meetings: Sequence[Meeting], preparation: Preparation, user: User
) -> tuple[list[Meeting], list[str]]:
    """Create the preparing body's meeting `days_before` each meeting (Swedish dates), each
    preparing it, with the preparing body's standing items; all or none.

    A day the preparing body already meets gets no second meeting: that meeting prepares the new
    one if it prepares none yet, and the notes say so. Refused unless the user manages the
    preparing body and it prepares the meetings' body.
    """
    preparing = preparation.body
    with transaction.atomic():
        _lock_row(Body, preparing.pk)
        preparing.refresh_from_db(fields=["prepares", "organisation"])  # as it is, locked
        _refuse_preparation(preparation, meetings, user)
        planned = {
            meeting.pk: _local_day(meeting.starts_at)
            - datetime.timedelta(days=preparation.days_before)
            for meeting in meetings
        }
        years = {day.year for day in planned.values()}
        taken = {
            y: {_local_day(m.starts_at) for m in year_meetings(body=preparing, year=y)}
            for y in years
        }
        existing = _meetings_on_days(preparing, set(planned.values()))
        made, notes = [], []
        for meeting in sorted(meetings, key=lambda m: m.starts_at):
            day = planned[meeting.pk]
            if day in existing:
                notes.append(_prepare_with_existing(existing[day], meeting, user))
                continue
            made.append(_preparatory_meeting(preparation, meeting, day, user))
        for year in sorted(years):
            in_year = [m for m in made if _local_day(m.starts_at).year == year]
            _place_standing_items(body=preparing, meetings=in_year, taken=taken[year], user=user)
    return made, notes


def _refuse_preparation(preparation: Preparation, meetings: Sequence[Meeting], user: User) -> None:
    """Refuse a body she does not manage, one that does not prepare them, a wrong day count."""
    preparing = preparation.body
    if user is not None and not can_manage_body(user, preparing):
        raise ValidationError(
            _("Du är inte sekreterare för %(body)s och kan inte skapa dess möten.")
            % {"body": preparing.name}
        )
    if any(preparing.prepares_id != meeting.body_id for meeting in meetings):
        raise ValidationError(
            _("%(body)s bereder inte ärenden till det organet.") % {"body": preparing.name}
        )
    if not 1 <= preparation.days_before <= 90:
        raise ValidationError(_("Ange mellan 1 och 90 dagar före."))


def _meetings_on_days(body: Body, days: set[datetime.date]) -> dict[datetime.date, Meeting]:
    """Return the body's meetings on the days (Swedish dates), by day; one query."""
    if not days:
        return {}
    start = datetime.datetime.combine(min(days), datetime.time(), tzinfo=STOCKHOLM)
    end = datetime.datetime.combine(
        max(days) + datetime.timedelta(days=1), datetime.time(), tzinfo=STOCKHOLM
    )
    found = Meeting.objects.filter(body=body, starts_at__gte=start, starts_at__lt=end)
    by_day: dict[datetime.date, Meeting] = {}
    for meeting in found.order_by("starts_at", "pk"):
        by_day.setdefault(_local_day(meeting.starts_at), meeting)
    return {day: meeting for day, meeting in by_day.items() if day in days}


def _preparatory_meeting(
    preparation: Preparation, meeting: Meeting, day: datetime.date, user: User
) -> Meeting:
    """Create the preparatory meeting on the day, at its own time or the prepared meeting's."""
    own_time = preparation.starts is not None
    local = meeting.starts_at.astimezone(STOCKHOLM)
    ends = meeting.ends_at.astimezone(STOCKHOLM).time() if meeting.ends_at else None
    return _meeting_at(
        body=preparation.body,
        day=day,
        starts=preparation.starts if own_time else local.time(),
        ends=preparation.ends if own_time else ends,
        place=preparation.place.strip() or meeting.place,
        user=user,
        prepares=meeting,
    )


def _prepare_with_existing(existing: Meeting, meeting: Meeting, user: User) -> str:
    """Let the preparing body's meeting already on the day prepare the new one, if it prepares
    none and is open; return what to tell her."""
    facts = {
        "body": existing.body.name,
        "day": formats.date_format(_local_day(existing.starts_at), "j F Y"),
        "meeting": meeting_label(meeting, in_text=True),
    }
    if existing.prepares_meeting_id is None and not existing.is_locked:
        existing.prepares_meeting = meeting
        versioned_save(instance=existing, expected_version=existing.version, user=user)
        return (
            _(
                "%(body)s har redan ett möte %(day)s: inget nytt möte skapades, och det mötet "
                "bereder nu %(meeting)s."
            )
            % facts
        )
    return _("%(body)s har redan ett möte %(day)s: inget nytt möte skapades.") % facts


# Items marked for the prepared body ("till rådet") on its meeting's agenda.


@dataclass(frozen=True)
class ForwardNote:
    """What forwarding an item did, or why it did not (`refused`)."""

    text: str
    refused: bool = False


def agenda_items_forward(
    *, meeting: Meeting, items: Sequence[AgendaItem], user: User
) -> list[ForwardNote]:
    """Bring the meeting's items marked for the prepared body onto the agenda of the meeting it
    prepares, and take back the unmarked ones; saving twice adds nothing twice.

    The copy (`proposed_from`) keeps the title, kind and the body a proposal goes to, and takes
    the decision as its text, else the item's text; it goes last on the prepared meeting's
    agenda (`prepares_meeting`, else the prepared body's next meeting), unless that meeting's
    notice is sent or its minutes are checked. A copy is taken back only if nobody changed it.
    """
    ids = [item.pk for item in items if item.pk]
    copies: dict[int, list[AgendaItem]] = {}
    for copy in AgendaItem.objects.filter(proposed_from__in=ids).order_by("pk"):
        copies.setdefault(copy.proposed_from_id, []).append(copy)
    offered = bool(meeting.prepares_meeting_id or meeting.body.prepares_id)
    notes: list[ForwardNote] = []
    for item in items:
        if item.to_prepared_body and offered and not copies.get(item.pk):
            notes.append(_forward(item, meeting, user))
        elif not item.to_prepared_body:
            notes += [_take_back(copy, item, user) for copy in copies.get(item.pk, [])]
    return notes


def _forward_target(meeting: Meeting) -> Meeting | None:
    """Return the meeting the preparing meeting prepares: its own, else the prepared body's next."""
    if meeting.prepares_meeting_id:
        return meeting.prepares_meeting
    later = Meeting.objects.filter(
        body_id=meeting.body.prepares_id, starts_at__gt=meeting.starts_at
    )
    return later.order_by("starts_at", "pk").first()


def _locked_meeting(pk: int) -> Meeting:
    return locked(Meeting.objects.select_related("body"), action="Forwarding an item").get(pk=pk)


def _forward_refusal(target: Meeting, user: User) -> str:
    """Return why an item may not go onto the meeting's agenda now; "" when it may."""
    facts = {"meeting": meeting_label(target, in_text=True)}
    if target.is_locked:
        return _("Protokollet från %(meeting)s är justerat") % facts
    if target.notice_sent_at is not None or target.status != Meeting.Status.PLANNED:
        return _("Kallelsen till %(meeting)s är redan skickad") % facts
    if user is not None and not can_manage_body(user, target.body):
        return _("Du är inte sekreterare för %(body)s") % {"body": body_label(target.body)}
    return ""


def _forward(item: AgendaItem, meeting: Meeting, user: User) -> ForwardNote:
    """Put a copy of the item last on the prepared meeting's agenda, or say why not."""
    title = {"title": item.title}
    target = _forward_target(meeting)
    if target is None:
        body = Body.objects.get(pk=meeting.body.prepares_id)
        return ForwardNote(
            _(
                "%(body)s har inget möte efter det här: ärendet ”%(title)s” fördes inte över. "
                "Skapa mötet och spara ärendet igen."
            )
            % {**title, "body": body.name},
            refused=True,
        )
    target = _locked_meeting(target.pk)
    refusal = _forward_refusal(target, user)
    if refusal:
        sentence = _(
            "%(reason)s: ärendet ”%(title)s” fördes inte över. Lägg till det där om det ska med."
        )
        return ForwardNote(sentence % {**title, "reason": refusal}, refused=True)
    last = AgendaItem.objects.filter(meeting=target).aggregate(Max("order"))["order__max"] or 0
    copy = AgendaItem(
        meeting=target,
        order=last + 1,
        kind=item.kind,
        proposal_to=item.proposal_to,
        title=item.title,
        text=item.decision.strip() or item.text,
        proposed_from=item,
    )
    copy.full_clean()
    versioned_save(instance=copy, expected_version=1, user=user)
    sentence = _("Ärendet ”%(title)s” står nu sist på föredragningslistan till %(meeting)s.")
    return ForwardNote(sentence % {**title, "meeting": meeting_label(target, in_text=True)})


def _take_back(copy: AgendaItem, item: AgendaItem, user: User) -> ForwardNote:
    """Remove an unmarked item's copy nobody changed from an open agenda, or say why not."""
    target = _locked_meeting(copy.meeting_id)
    copy.refresh_from_db(fields=["version"])  # as it is now that its agenda is locked
    facts = {"title": item.title, "meeting": meeting_label(target, in_text=True)}
    refusal = _forward_refusal(target, user)
    if not refusal and (copy.version != 1 or copy.attachments.exists()):
        refusal = _("Det har ändrats där sedan det fördes över")
    if refusal:
        sentence = _(
            "Ärendet ”%(title)s” ligger kvar på föredragningslistan till %(meeting)s. "
            "%(reason)s: ta bort det där om det inte ska med."
        )
        return ForwardNote(sentence % {**facts, "reason": refusal}, refused=True)
    versioned_delete(instance=copy, expected_version=1)
    return ForwardNote(
        _("Ärendet ”%(title)s” togs bort från föredragningslistan till %(meeting)s.") % facts
    )


# A meeting and its agenda.


def meeting_update(*, meeting: Meeting, expected_version: int, user: User) -> bool:
    """Change a meeting's time and place; refused once its minutes are checked."""
    with transaction.atomic():
        meeting_lock(meeting_id=meeting.pk)
        return versioned_save(instance=meeting, expected_version=expected_version, user=user)


def agenda_item_save(
    *,
    item: AgendaItem,
    expected_version: int,
    user: User,
    m2m: dict | None = None,
    notes: list[ForwardNote] | None = None,
) -> bool:
    """Add an item at the end of the agenda, or change one; refused on checked minutes. An
    item marked for the prepared body goes onto its meeting's agenda (`agenda_items_forward`;
    what happened is added to `notes`)."""
    with transaction.atomic():
        meeting = meeting_lock(meeting_id=item.meeting_id)
        if item.pk is None:
            last = AgendaItem.objects.filter(meeting_id=item.meeting_id).aggregate(Max("order"))
            item.order = (last["order__max"] or 0) + 1
        written = versioned_save(
            instance=item, expected_version=expected_version, user=user, m2m=m2m
        )
        said = agenda_items_forward(meeting=meeting, items=[item], user=user)
    if notes is not None:
        notes += said
    return written


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
                # A new version: a form opened before the move merges it instead of undoing it.
                versioned_save(instance=other, expected_version=other.version, user=user)


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
    """A co-opted guest: a row to keep (id), add (no id) or remove; how she took part is
    always given (attendance is never assumed)."""

    name: str
    organisation: str
    status: str
    pk: int | None = None
    remove: bool = False


def attendance_record(
    *,
    meeting: Meeting,
    seats: Sequence[SeatAttendance],
    guests: Sequence[GuestAttendance],
    user: User,
) -> None:
    """Record attendance per seat and the co-opted guests; refused on checked minutes, and
    while a held seat is unmarked (attendance starts unknown: nothing is assumed)."""
    with transaction.atomic():
        meeting_lock(meeting_id=meeting.pk)
        _refuse_unmarked(seats)
        existing = {a.seat_id: a for a in meeting.attendances.filter(seat__isnull=False)}
        for row in seats:
            record = existing.get(row.seat.pk) or Attendance(meeting=meeting, seat=row.seat)
            record.person, record.status = row.person, row.status
            record.substitute = row.substitute
            _save(record, user=user)
        _record_guests(meeting=meeting, guests=guests, user=user)


def _refuse_unmarked(seats: Sequence[SeatAttendance]) -> None:
    """Refuse seats held that day without a mark, and a vacant mark on a held seat."""
    marks = set(Attendance.Status.values) - {Attendance.Status.VACANT}
    unmarked = [
        row
        for row in seats
        if (row.status not in marks if row.person else row.status != Attendance.Status.VACANT)
    ]
    if unmarked:
        raise ValidationError(
            _("Markera närvaro för: %(seats)s.")
            % {
                "seats": ", ".join(
                    f"{row.seat.function} ({row.person.name})" if row.person else row.seat.function
                    for row in unmarked
                )
            }
        )


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
