"""The minutes: marking held, numbering, saving, change requests, checking (the adjusters) and
signing (the chair), amending, registering, posting."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from councils.models import (
    AgendaItem,
    Amendment,
    Body,
    ChangeRequest,
    Meeting,
    MinutesCheck,
    MinutesRecord,
)
from councils.permissions import can_check_minutes, can_manage_body
from councils.selectors import (
    chair_on,
    meeting_day,
    meetings_of_year,
    minutes_record_content,
    present_people,
)
from councils.services.meetings import ForwardNote, agenda_items_forward
from plans.models import Person, Versioned
from plans.services import locked, normalise_text, versioned_save


def _locked_row(meeting: Meeting) -> Meeting:
    """Return the meeting read again under a row lock: actions on one meeting run one by one."""
    return (
        locked(Meeting.objects, action="Saving the minutes")
        .select_related("body")
        .get(pk=meeting.pk)
    )


def _save_meeting(meeting: Meeting, user: AbstractBaseUser | None) -> None:
    """Save a meeting read under its row lock, bumping its version and recording the user."""
    versioned_save(instance=meeting, expected_version=meeting.version, user=user)


def _day(value: datetime.date) -> str:
    """Return a date as the messages show it: 12 november 2026."""
    return formats.date_format(value, "j F Y")


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
    adjusters_shown: set[int] | None = None,
    notes: list[ForwardNote] | None = None,
) -> bool:
    """Save the minutes' texts (each against the version it was loaded at) and the adjusters.

    With `adjusters_shown` (those appointed when she opened the page) only the adjusters she
    added or removed change, so another's appointment meanwhile stays. Paragraphs marked for the
    prepared body ("till rådet") go onto its meeting's agenda; what happened is added to `notes`.
    Returns whether anything was written.
    """
    locked = _locked_row(meeting)
    _refuse_unless_held(locked)
    written = False
    for instance, expected in texts:
        written |= versioned_save(instance=instance, expected_version=expected, user=user)
    if written:
        undone = _undo_checks(locked, user)
        if notes is not None:
            notes += undone
    items = [instance for instance, _expected in texts if isinstance(instance, AgendaItem)]
    said = agenda_items_forward(meeting=locked, items=items, user=user)
    if notes is not None:
        notes += said
    if adjusters_shown is not None:
        adjusters = _merged_adjusters(locked, chosen=adjusters, shown=adjusters_shown)
    written |= minutes_appoint_adjusters(meeting=locked, adjusters=adjusters, user=user)
    written |= bool(minutes_number_paragraphs(meeting=locked, user=user))
    _appoint_chair(locked)
    return written


def _undo_checks(meeting: Meeting, user: AbstractBaseUser | None) -> list[ForwardNote]:
    """Undo the checks and signatures already made: they were of a text that has now changed,
    so each of them checks (or signs) the new text again. Return what to tell the secretary."""
    done = list(
        meeting.checks.select_for_update()
        .filter(checked_at__isnull=False)
        .select_related("person")
        .order_by("pk")
    )
    for check in done:
        check.checked_at, check.on_paper, check.recorded_by = None, False, None
        check._history_user = user
        check.save()
    return [
        ForwardNote(
            _(
                "%(name)s hade redan %(done)s protokollet. Eftersom texten ändrades behöver "
                "%(name)s göra det igen."
            )
            % {
                "name": check.person.name,
                "done": _("undertecknat")
                if check.role == MinutesCheck.Role.CHAIR
                else _("justerat"),
            },
            refused=True,
        )
        for check in done
    ]


def _merged_adjusters(meeting: Meeting, *, chosen: list[Person], shown: set[int]) -> list[Person]:
    """Return the adjusters appointed now with her additions and removals applied."""
    mine = {person.pk for person in chosen}
    appointed = meeting.checks.filter(role=MinutesCheck.Role.ADJUSTER).values_list("person_id")
    merged = ({pk for (pk,) in appointed} - (shown - mine)) | (mine - shown)
    return list(Person.objects.filter(pk__in=merged).order_by("pk"))


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
    """Record the user's own check of the minutes (the adjuster checks, the chair signs), now;
    refused while a change she asked for is unanswered."""
    meeting = _locked_row(meeting)
    meeting.ensure_unlocked()
    check = _appointment(meeting, user)
    if _unanswered(meeting, check.person).exists():
        if check.role == MinutesCheck.Role.CHAIR:
            raise ValidationError(
                _(
                    "Du har begärt en ändring som sekreteraren inte har besvarat än. Du kan "
                    "underteckna protokollet när begäran är besvarad."
                )
            )
        raise ValidationError(
            _(
                "Du har begärt en ändring som sekreteraren inte har besvarat än. Du kan justera "
                "protokollet när begäran är besvarad."
            )
        )
    _record_check(check, at=now or timezone.now(), on_paper=False, user=user)
    _complete_if_done(meeting, user)
    return check


def _appointment(meeting: Meeting, user: AbstractBaseUser) -> MinutesCheck:
    """Return the user's own appointment to check or sign the minutes, not yet done."""
    check = can_check_minutes(user, meeting)
    if check is None:
        raise PermissionDenied(
            _("Du är inte utsedd att justera eller underteckna det här protokollet.")
        )
    return check


def _unanswered(meeting: Meeting, person: Person):
    """Return the person's change requests on the minutes that wait for an answer."""
    return ChangeRequest.objects.filter(
        meeting=meeting, requested_by=person, answered_at__isnull=True
    )


@transaction.atomic
def change_request_create(
    *,
    meeting: Meeting,
    user: AbstractBaseUser,
    item: AgendaItem | None,
    text: str,
    now: datetime.datetime | None = None,
) -> ChangeRequest:
    """Ask the secretary to change a paragraph (or the minutes as a whole) before one checks
    them: for those appointed to check or sign, while the minutes are open."""
    meeting = _locked_row(meeting)
    meeting.ensure_unlocked()
    check = _appointment(meeting, user)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(_("Paragrafen hör inte till mötet."))
    text = normalise_text(text)
    if not text:
        raise ValidationError({"text": _("Skriv vad du vill ha ändrat.")})
    request = ChangeRequest(
        meeting=meeting,
        item=item,
        requested_by=check.person,
        text=text,
        made_at=now or timezone.now(),
    )
    request.full_clean()
    request._history_user = user
    request.save()
    return request


@transaction.atomic
def change_request_answer(
    *,
    change_request: ChangeRequest,
    user: AbstractBaseUser,
    answer: str,
    now: datetime.datetime | None = None,
) -> ChangeRequest:
    """Record the secretary's answer to a change request ("Ändrat", or why not): for the
    body's managers, once per request, while the minutes are open."""
    meeting = _locked_row(change_request.meeting)
    meeting.ensure_unlocked()
    if not can_manage_body(user, meeting.body):
        raise PermissionDenied(_("Bara organets sekreterare besvarar ändringsbegäranden."))
    request = ChangeRequest.objects.filter(pk=change_request.pk, meeting=meeting).first()
    if request is None or request.is_answered:
        raise ValidationError(_("Begäran är redan besvarad eller hör inte till mötet."))
    answer = normalise_text(answer)
    if not answer:
        raise ValidationError({"answer": _("Skriv ditt svar, t.ex. ”Ändrat” eller varför inte.")})
    request.answer, request.answered_by, request.answered_at = answer, user, now or timezone.now()
    request.full_clean()
    request._history_user = user
    request.save()
    return request


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
    if _unanswered(meeting, check.person).exists():
        raise ValidationError(
            _(
                "%(name)s har begärt en ändring som inte är besvarad. Besvara begäran innan "
                "justeringen registreras."
            )
            % {"name": check.person.name}
        )
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
    """Lock the minutes as checked once every appointed check is done. A body under the Local
    Government Act announces the checking on the notice board itself, by the second day after
    (`minutes_post_announcement`; `Meeting.announce_by` says by when, Mitt arbete and the
    notifications remind the secretary)."""
    checks = list(meeting.checks.all())
    adjusters = sum(c.role == MinutesCheck.Role.ADJUSTER for c in checks)
    has_chair = any(c.role == MinutesCheck.Role.CHAIR for c in checks)
    if adjusters < meeting.body.adjusters_count or not has_chair:
        return False
    if any(c.checked_at is None for c in checks):
        return False
    meeting.status = Meeting.Status.CHECKED
    meeting.checked_on = max(timezone.localdate(c.checked_at) for c in checks)
    _save_meeting(meeting, user)
    minutes_record_create(meeting=meeting)
    return True


def minutes_record_create(*, meeting: Meeting) -> MinutesRecord:
    """Store the checked minutes' content as they read now; they render from it from then on.

    Called in the transaction that locks the minutes (and by the demo and the data migration
    for minutes checked before records existed). A record, once written, is never rewritten.
    """
    if not meeting.is_locked:
        raise ValidationError(_("Bara ett justerat protokoll sparas som justerat."))
    record, _created = MinutesRecord.objects.get_or_create(
        meeting_id=meeting.pk,
        defaults={"content": minutes_record_content(meeting=meeting), "made_at": timezone.now()},
    )
    return record


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
    minutes_record_create(meeting=meeting)
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
