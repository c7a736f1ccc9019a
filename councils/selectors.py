"""Reads of councils that take more than one query: pages and documents share them."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from councils.models import (
    APPEAL_PERIOD,
    CHECKING_DEADLINE,
    POSTING_DEADLINE,
    AgendaItem,
    AgendaKind,
    Amendment,
    Attachment,
    Attendance,
    Body,
    ChangeRequest,
    Dispatch,
    DispatchRecipient,
    DownloadLink,
    Meeting,
    MinutesCheck,
    MinutesRecord,
    Seat,
    SeatHolding,
    appeal_last_day,
)
from councils.permissions import (
    holds_seat,
    manageable_bodies,
    public_meetings,
    readable_bodies,
    readable_meetings,
)
from folkhalsa.work_items import WorkItem
from plans.models import Measure, Organisation, Person, Plan
from plans.permissions import (
    MANAGE_COUNCILS,
    READ,
    AnyUser,
    organisations_for,
    visible_plans,
)

# --- Minutes, checking, notice board, public pages, a member's meetings (wt-minutes) ---


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Return midnight of the day in the site's time zone (Europe/Stockholm)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meeting_day(meeting: Meeting) -> datetime.date:
    """Return the meeting's date in Stockholm."""
    return timezone.localdate(meeting.starts_at)


def meetings_of_year(*, body_id: int, year: int) -> QuerySet[Meeting]:
    """Return the body's meetings of a calendar year, by Stockholm dates."""
    return Meeting.objects.filter(
        body_id=body_id,
        starts_at__gte=start_of_day(datetime.date(year, 1, 1)),
        starts_at__lt=start_of_day(datetime.date(year + 1, 1, 1)),
    )


def present_people(*, meeting: Meeting) -> QuerySet[Person]:
    """Return the persons present at the meeting (in the room, remote, or as substitutes)."""
    present = (Attendance.Status.PRESENT, Attendance.Status.REMOTE)
    # The meeting's own attendance rows (by the meeting's index), not every attendance row of
    # the country joined twice to every person.
    rows = Attendance.objects.filter(meeting=meeting).order_by()  # no ORDER BY in a UNION
    in_seat = rows.filter(status__in=present).values("person_id")
    substitutes = rows.filter(status=Attendance.Status.REPLACED).values("substitute_id")
    return Person.objects.filter(pk__in=in_seat.union(substitutes)).order_by("name", "pk")


def chair_on(*, body: Body, day: datetime.date) -> Person | None:
    """Return the holder of the body's chair seat on the day, if the seat was held."""
    holding = (
        SeatHolding.objects.filter(seat__body=body, seat__role=Seat.Role.CHAIR, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person")
        .order_by("seat__order", "seat_id")
        .first()
    )
    return holding.person if holding else None


def minutes_items(*, meeting: Meeting) -> list[AgendaItem]:
    """Return the meeting's items in agenda order with their amendments."""
    amendments = Amendment.objects.select_related("made_by").order_by("made_at", "id")
    return list(
        meeting.items.order_by("order", "id").prefetch_related(
            Prefetch("amendments", queryset=amendments)
        )
    )


def change_requests(*, meeting: Meeting, person: Person | None = None) -> list[ChangeRequest]:
    """Return the change requests on the minutes (of one person, if given), oldest first, with
    their paragraph, who asked and who answered (one query)."""
    requests = meeting.change_requests.select_related("item", "requested_by", "answered_by")
    if person is not None:
        requests = requests.filter(requested_by=person)
    return list(requests.order_by("made_at", "id"))


@dataclass
class MinutesState:
    """Where the checking of a meeting's minutes stands, and what is flagged."""

    meeting: Meeting
    checks: list[MinutesCheck]
    done: list[MinutesCheck] = field(default_factory=list)
    missing: list[MinutesCheck] = field(default_factory=list)
    adjusters_missing: int = 0
    chair_missing: bool = False
    checking_deadline: datetime.date | None = None
    checking_overdue: bool = False
    posting_deadline: datetime.date | None = None
    posted_late: bool = False
    on_notice_board: bool = False
    # Checked, not yet posted: the last day to post (KL 8:12) and how near it is.
    announce_by: datetime.date | None = None
    announce_warning: str = ""  # "passed", "today", "tomorrow" or ""


def minutes_state(*, meeting: Meeting, today: datetime.date | None = None) -> MinutesState:
    """Return the checks done and missing on the minutes, and their flags (two queries)."""
    today = today or timezone.localdate()
    checks = list(meeting.checks.select_related("person", "recorded_by").order_by("role", "id"))
    state = MinutesState(meeting=meeting, checks=checks)
    state.done = [c for c in checks if c.checked_at is not None]
    state.missing = [c for c in checks if c.checked_at is None]
    if meeting.body.keeps_minutes:
        adjusters = sum(c.role == MinutesCheck.Role.ADJUSTER for c in checks)
        state.adjusters_missing = max(meeting.body.adjusters_count - adjusters, 0)
        state.chair_missing = not any(c.role == MinutesCheck.Role.CHAIR for c in checks)
    state.checking_deadline = meeting_day(meeting) + CHECKING_DEADLINE
    state.checking_overdue = not meeting.is_locked and today > state.checking_deadline
    _posting_flags(state, today)
    return state


def _posting_flags(state: MinutesState, today: datetime.date) -> None:
    """Fill in the notice board's deadline, whether it was posted late and whether it is up."""
    meeting = state.meeting
    if not (meeting.body.is_statutory and meeting.checked_on):
        return
    state.posting_deadline = meeting.checked_on + POSTING_DEADLINE
    state.posted_late = bool(meeting.posted_on and meeting.posted_on > state.posting_deadline)
    state.on_notice_board = bool(
        meeting.posted_on and meeting.posted_on <= today <= meeting.takes_down_on
    )
    if not meeting.posted_on:
        state.announce_by = meeting.announce_by
        state.announce_warning = announce_warning(state.announce_by, today)


def announce_warning(last_day: datetime.date, today: datetime.date) -> str:
    """Return how near the last day to post an announcement is: passed, today, tomorrow or ""."""
    if last_day < today:
        return "passed"
    if last_day == today:
        return "today"
    return "tomorrow" if last_day == today + datetime.timedelta(days=1) else ""


def meetings_overdue_for_checking(
    *, meetings: QuerySet[Meeting], today: datetime.date | None = None
) -> QuerySet[Meeting]:
    """Return those of the meetings whose minutes are not checked 14 days after the meeting."""
    today = today or timezone.localdate()
    # Overdue from the day after the deadline: the meeting's date is before today - 14 days.
    return meetings.exclude(status__in=Meeting.LOCKED_STATUSES).filter(
        starts_at__lt=start_of_day(today - CHECKING_DEADLINE)
    )


def meetings_posted_late(*, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Return those of the meetings announced later than the second day after checking."""
    deadline = ExpressionWrapper(F("checked_on") + POSTING_DEADLINE, output_field=DateField())
    return meetings.filter(
        body__kind__in=Body.STATUTORY_KINDS, posted_on__isnull=False, checked_on__isnull=False
    ).filter(posted_on__gt=deadline)


def _earliest_posting_up(today: datetime.date) -> datetime.date:
    """Return the earliest posting day whose appeal period still runs today: three weeks back,
    or a few days more where the last day moved past a weekend or holiday."""
    candidates = [today - APPEAL_PERIOD - datetime.timedelta(days=n) for n in range(7, -1, -1)]
    return next(day for day in candidates if appeal_last_day(day) >= today)


def notice_board(*, today: datetime.date | None = None, text: str = "") -> QuerySet[Meeting]:
    """Return the announcements up today: posted, and not past the day they come down (those
    of bodies whose name or organisation's name holds the text, if given)."""
    today = today or timezone.localdate()
    announcements = Meeting.objects.filter(
        body__kind__in=Body.STATUTORY_KINDS,
        status__in=Meeting.LOCKED_STATUSES,
        posted_on__lte=today,
        posted_on__gte=_earliest_posting_up(today),
    )
    return (
        _named(announcements, text)
        .select_related("body__organisation")
        .order_by("body__organisation__name", "-posted_on", "body__name", "pk")
    )


def public_minutes_list(*, text: str = "") -> QuerySet[Meeting]:
    """Return the checked minutes anyone may read, newest first (those of bodies whose name or
    organisation's name holds the text, if given)."""
    minutes = _named(public_meetings(), text)
    return minutes.select_related("body__organisation").order_by("-starts_at", "pk")


def _named(meetings: QuerySet[Meeting], text: str) -> QuerySet[Meeting]:
    """Return the meetings of bodies whose name or organisation's name holds the text."""
    if not text:
        return meetings
    return meetings.filter(
        Q(body__name__icontains=text) | Q(body__organisation__name__icontains=text)
    )


def public_bodies() -> QuerySet[Body]:
    """Return the bodies whose meetings, agendas once the notice is sent and checked minutes
    anyone may read (folkhalsa/public_selectors.py asks here too)."""
    return Body.objects.filter(is_public=True)


# A public body's page lists this many of its latest checked minutes; the rest are on protokoll/.
PUBLIC_BODY_MINUTES = 10


@dataclass
class PublicBodyPage:
    """A public body's coming meetings with their public agenda, and its latest minutes."""

    body: Body
    coming: "ComingMeetings"
    minutes: list[Meeting]


def public_body_page(*, body: Body, today: datetime.date, show_all: bool = False) -> PublicBodyPage:
    """Return the public body's meetings from today on (any year), each with `agenda_published`
    and, once the notice is sent, `public_agenda` (titles, kinds, presenters: never the text,
    files or case numbers), and its latest checked minutes; three queries."""
    noticed = Q(meeting__notice_sent_at__isnull=False) | ~Q(meeting__status=Meeting.Status.PLANNED)
    agenda = (
        AgendaItem.objects.filter(noticed)
        .only("meeting", "order", "kind", "proposal_to", "title", "presenter")
        .order_by("order", "pk")
    )
    meetings = Meeting.objects.filter(body=body).prefetch_related(
        Prefetch("items", agenda, to_attr="public_agenda")
    )
    coming = coming_meetings(
        meetings=meetings, today=today, limit=None if show_all else COMING_MEETINGS_SHOWN
    )
    for meeting in coming.meetings:
        meeting.agenda_published = bool(
            meeting.notice_sent_at or meeting.status != Meeting.Status.PLANNED
        )
    minutes = public_meetings().filter(body=body).order_by("-starts_at", "pk")
    return PublicBodyPage(body, coming, list(minutes[:PUBLIC_BODY_MINUTES]))


@dataclass
class MyMeetings:
    """A member's coming meetings and the minutes waiting for her check."""

    person: Person | None
    coming: list[Meeting]
    to_check: list[MinutesCheck]


def my_meetings(*, user: AbstractBaseUser, now: datetime.datetime | None = None) -> MyMeetings:
    """Return the coming meetings of the bodies where her person sits that day, and her checks."""
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        return MyMeetings(person=None, coming=[], to_check=[])
    now = now or timezone.now()
    return MyMeetings(person=person, coming=_coming(person, now), to_check=_to_check(person))


def _coming(person: Person, now: datetime.datetime) -> list[Meeting]:
    """Return the meetings from today on where the person holds a seat on the meeting's day."""
    holds = SeatHolding.objects.filter(
        seat__body=OuterRef("body"),
        person=person,
        starts_on__lte=OuterRef("starts_at__date"),
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("starts_at__date")))
    return list(
        Meeting.objects.filter(starts_at__gte=start_of_day(timezone.localdate(now)))
        .filter(Exists(holds))
        .select_related("body__organisation")
        .order_by("starts_at", "pk")
    )


def _to_check(person: Person) -> list[MinutesCheck]:
    """Return the person's appointments on minutes still waiting for her check."""
    return list(
        MinutesCheck.objects.filter(
            person=person, checked_at__isnull=True, meeting__status=Meeting.Status.HELD
        )
        .select_related("meeting__body__organisation")
        .order_by("meeting__starts_at", "pk")
    )


# --- Documents: the notice, the minutes, the extract; e-mail recipients (wt-documents) ---------

STOCKHOLM = ZoneInfo("Europe/Stockholm")


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


@dataclass(frozen=True)
class Member:
    """A person holding a seat on the meeting's day, as the documents and e-mails name her."""

    name: str
    title: str
    function: str
    role: str
    organisation: str
    email: str
    person_id: int | None = None  # a dispatch records her as a person, account or not


@dataclass(frozen=True)
class DocumentItem:
    """An agenda item, or in the minutes its paragraph, with every text the documents show."""

    pk: int
    number: int
    paragraph: int | None
    kind: str
    is_decision: bool
    title: str
    presenter: str
    text: str
    case_number: str
    note: str
    decision: str
    attachments: tuple[str, ...]
    # What the item asks of the meeting (AgendaKind), the body a proposal goes to, and the words
    # the minutes lead its decision with ("Rådet beslutar"), as the record froze them.
    kind_value: str = ""
    proposal_to: str = ""
    lead_in: str = ""

    @property
    def shows_lead_in(self) -> bool:
        """Return whether the minutes print the lead-in: with a decision's or proposal's text,
        and always for information ("Informationen noteras")."""
        return bool(self.lead_in) and (bool(self.decision) or self.kind_value == "information")


@dataclass(frozen=True)
class MeetingFacts:
    """What every document of a meeting says about the meeting and its body."""

    pk: int
    body: str
    body_kind: str
    organisation: str
    is_advisory: bool
    keeps_minutes: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    remote_link: str
    is_checked: bool
    checked_on: datetime.date | None
    case_number: str
    registered_on: datetime.date | None
    minutes_kept_at: str
    opening: str
    # Who sends the notice ("Kallas av": name, title) and who keeps the minutes: the secretary
    # chosen at the meeting, else the body's secretary seat's holder.
    convener: str = ""
    secretary: str = ""


@dataclass(frozen=True)
class AttendanceLine:
    """One line of the attendance list in the minutes."""

    name: str
    function: str
    organisation: str
    status: str
    remote: bool = False
    replaces: str = ""


@dataclass(frozen=True)
class CheckLine:
    """A signature line (secretary, chair or adjuster) and how the minutes were checked: the
    chair signs ("undertecknar", `duty` SIGNS), the adjusters check ("justerar", CHECKS)."""

    SIGNS = "undertecknar"
    CHECKS = "justerar"

    role: str
    name: str
    checked_at: datetime.datetime | None = None
    on_paper: bool = False
    recorded_by: str = ""
    duty: str = ""

    @property
    def signs(self) -> bool:
        return self.duty == self.SIGNS


@dataclass(frozen=True)
class AmendmentLine:
    """A correction of the checked minutes, shown with them."""

    paragraph: int | None
    what: str
    why: str
    made_by: str
    made_at: datetime.datetime
    item_pk: int | None = None


@dataclass(frozen=True)
class NoticeDocument:
    """Everything the notice with the agenda shows."""

    meeting: MeetingFacts
    items: list[DocumentItem]
    members: list[Member]


@dataclass(frozen=True)
class MinutesDocument:
    """Everything the minutes show."""

    meeting: MeetingFacts
    items: list[DocumentItem]
    present: list[AttendanceLine]
    not_present: list[AttendanceLine]
    guests: list[AttendanceLine]
    signatures: list[CheckLine]
    amendments: list[AmendmentLine] = field(default_factory=list)
    # Seats nobody held on the meeting's day: the minutes show the body's whole composition.
    vacant: list[AttendanceLine] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[tuple[DocumentItem, list[AmendmentLine]]]:
        """Return each paragraph with the amendments made to it."""
        return [(item, [a for a in self.amendments if a.item_pk == item.pk]) for item in self.items]

    @property
    def whole_amendments(self) -> list[AmendmentLine]:
        """Return the amendments of the minutes as a whole (not of one paragraph)."""
        return [a for a in self.amendments if a.item_pk is None]

    @property
    def checks(self) -> list[CheckLine]:
        """Return the chair's and the adjusters' lines (the secretary's comes first)."""
        return self.signatures[1:]

    @property
    def signers(self) -> list[CheckLine]:
        """Return the chair's line: she signs ("undertecknar")."""
        return [line for line in self.checks if line.signs]

    @property
    def adjusters(self) -> list[CheckLine]:
        """Return the adjusters' lines: they check ("justerar")."""
        return [line for line in self.checks if not line.signs]


@dataclass(frozen=True)
class ExtractDocument:
    """Everything an extract of one paragraph shows."""

    meeting: MeetingFacts
    item: DocumentItem
    signatures: list[CheckLine]
    certifier: str


def members_on_day(*, meeting: Meeting) -> list[Member]:
    """Return the persons holding a seat of the meeting's body on its day, in seat order."""
    day = meeting_day(meeting)
    holdings = (
        SeatHolding.objects.filter(seat__body_id=meeting.body_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person", "seat__organisation")
        .order_by("seat__order", "seat_id")
    )
    return [_member(holding) for holding in holdings]


def _member(holding: SeatHolding) -> Member:
    seat, person = holding.seat, holding.person
    return Member(
        name=person.name,
        title=person.title,
        function=seat.function,
        role=seat.get_role_display(),
        organisation=seat.organisation.name,
        email=person.email.strip(),
        person_id=person.pk,
    )


def _meeting_facts(meeting: Meeting, *, secretary: str = "") -> MeetingFacts:
    """Return the meeting's facts; the body, its organisation and convener are selected with it."""
    body = meeting.body
    convener = body.convener
    return MeetingFacts(
        pk=meeting.pk,
        body=body.name,
        body_kind=body.get_kind_display(),
        organisation=body.organisation.name,
        is_advisory=not body.is_statutory,
        keeps_minutes=body.keeps_minutes,
        starts_at=timezone.localtime(meeting.starts_at, STOCKHOLM),
        ends_at=timezone.localtime(meeting.ends_at, STOCKHOLM) if meeting.ends_at else None,
        place=meeting.place,
        remote_link=meeting.remote_link,
        is_checked=meeting.is_locked,
        checked_on=meeting.checked_on,
        case_number=meeting.case_number,
        registered_on=meeting.registered_on,
        minutes_kept_at=body.minutes_kept_at,
        opening=meeting.minutes_opening,
        convener=", ".join(filter(None, [convener.name, convener.title])) if convener else "",
        secretary=secretary or (meeting.secretary.name if meeting.secretary_id else ""),
    )


def _with_body(meeting: Meeting) -> Meeting:
    """Return the meeting read again with its body, the body's organisation and, once checked,
    the record of its minutes (one query)."""
    related = ("body__organisation", "body__convener", "minutes_record", "secretary")
    return Meeting.objects.select_related(*related).get(pk=meeting.pk)


def _record(meeting: Meeting) -> MinutesRecord | None:
    """Return the checked minutes' record, selected with the meeting; None before checking."""
    try:
        return meeting.minutes_record
    except MinutesRecord.DoesNotExist:
        return None


def _items(meeting: Meeting) -> list[DocumentItem]:
    """Return the meeting's items in order with their attachment names (two queries)."""
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("name", "id"))
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(attachments)
    subject = decision_subject(meeting.body)
    ordered = items.order_by("order", "id")
    return [_item(item, number, subject) for number, item in enumerate(ordered, 1)]


# The minutes' own words are Swedish, whatever language the pages are read in (lang="sv").
MINUTES_LANGUAGE = "sv"


def decision_subject(body: Body) -> str:
    """Return how the minutes name the body in its decisions: "Rådet", "Nämnden" …"""
    with translation.override(MINUTES_LANGUAGE):
        return body.decision_subject


def decision_words(*, kind: str, subject: str, proposal_to: str = "") -> str:
    """Return the words the minutes lead an item's decision with, as a Swedish body writes
    them: "Rådet beslutar", "Rådet föreslår kommunstyrelsen", "Informationen noteras"."""
    with translation.override(MINUTES_LANGUAGE):
        if kind == AgendaKind.DECISION:
            return _("%(subject)s beslutar") % {"subject": subject}
        if kind == AgendaKind.PROPOSAL:
            to = proposal_to.strip()
            return _("%(subject)s föreslår %(to)s") % {"subject": subject, "to": to}
        return _("Informationen noteras")


def _kind_label(item: AgendaItem) -> str:
    """Return the item's kind as the documents name it: a proposal with the body it goes to."""
    if item.kind == AgendaKind.PROPOSAL and item.proposal_to.strip():
        return _("Förslag till %(to)s") % {"to": item.proposal_to.strip()}
    return item.get_kind_display()


def _item(item: AgendaItem, number: int, subject: str) -> DocumentItem:
    return DocumentItem(
        pk=item.pk,
        number=number,
        paragraph=item.paragraph,
        kind=_kind_label(item),
        is_decision=item.kind == AgendaKind.DECISION,
        title=item.title,
        presenter=item.presenter,
        text=item.text,
        case_number=item.case_number,
        note=item.note,
        decision=item.decision,
        attachments=tuple(a.name for a in item.attachments.all()),
        kind_value=item.kind,
        proposal_to=item.proposal_to.strip(),
        lead_in=decision_words(kind=item.kind, subject=subject, proposal_to=item.proposal_to),
    )


def notice_document(*, meeting: Meeting) -> NoticeDocument:
    """Gather the notice: the meeting, the numbered agenda and the members called."""
    meeting = _with_body(meeting)
    return NoticeDocument(
        meeting=_meeting_facts(meeting, secretary=_signatures(meeting)[0].name),
        items=_items(meeting),
        members=members_on_day(meeting=meeting),
    )


def minutes_document(*, meeting: Meeting) -> MinutesDocument:
    """Gather the minutes: attendance, every paragraph, the signatures and the amendments.

    Checked minutes come from their record, as checked, with the amendments made since.
    """
    meeting = _with_body(meeting)
    record = _record(meeting)
    if record is not None:
        return _recorded_minutes(meeting, record.content)
    return _live_minutes(meeting)


def _live_minutes(meeting: Meeting) -> MinutesDocument:
    """Gather the minutes from the meeting's data as it is now."""
    items = _items(meeting)
    lines = _attendance(meeting)
    signatures = _signatures(meeting)
    return MinutesDocument(
        meeting=_meeting_facts(meeting, secretary=signatures[0].name),
        items=items,
        present=lines["present"],
        not_present=lines["not_present"],
        guests=lines["guests"],
        vacant=lines["vacant"],
        signatures=signatures,
        amendments=_amendments(meeting, {item.pk: item.paragraph for item in items}),
    )


def extract_document(*, item: AgendaItem) -> ExtractDocument:
    """Gather an extract of one paragraph with the checking lines (from the record once checked)."""
    meeting = _with_body(item.meeting)
    record = _record(meeting)
    recorded = _recorded_minutes(meeting, record.content, amended=False) if record else None
    if recorded is not None and any(i.pk == item.pk for i in recorded.items):
        return ExtractDocument(
            meeting=recorded.meeting,
            item=next(i for i in recorded.items if i.pk == item.pk),
            signatures=recorded.signatures,
            certifier=_certifier(recorded.signatures),
        )
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("name", "id"))
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(attachments)
    ordered = list(items.order_by("order", "id"))
    number = next(n for n, other in enumerate(ordered, 1) if other.pk == item.pk)
    signatures = _signatures(meeting)
    return ExtractDocument(
        meeting=_meeting_facts(meeting, secretary=signatures[0].name),
        item=_item(ordered[number - 1], number, decision_subject(meeting.body)),
        signatures=signatures,
        certifier=_certifier(signatures),
    )


def _certifier(signatures: list[CheckLine]) -> str:
    """Return the secretary who certifies an extract."""
    return next((s.name for s in signatures if s.role == _secretary_role()), "")


def _attendance(meeting: Meeting) -> dict[str, list[AttendanceLine]]:
    """Return the lines by list: present (substitutes included), not present (absent, excused,
    replaced), vacant seats and guests."""
    rows = Attendance.objects.filter(meeting=meeting).select_related(
        "seat__organisation", "person", "substitute"
    )
    status = Attendance.Status
    lines = {"present": [], "not_present": [], "vacant": [], "guests": []}
    for row in rows.order_by("seat__order", "seat_id", "id"):
        if row.seat_id is None:
            lines["guests"].append(AttendanceLine(row.guest_name, "", row.guest_organisation, ""))
        elif row.status in (status.PRESENT, status.REMOTE):
            lines["present"].append(_line(row, remote=row.status == status.REMOTE))
        elif row.status == status.REPLACED:
            absent = _line(row)
            lines["not_present"].append(absent)
            lines["present"].append(_substitute_line(row, replaces=absent.name))
        else:
            lines["vacant" if row.status == status.VACANT else "not_present"].append(_line(row))
    return lines


def _line(row: Attendance, remote: bool = False) -> AttendanceLine:
    name = row.person.name if row.person_id else ""
    return AttendanceLine(
        name=name,
        function=row.seat.function,
        organisation=row.seat.organisation.name,
        status=row.get_status_display(),
        remote=remote,
    )


def _substitute_line(row: Attendance, *, replaces: str) -> AttendanceLine:
    return AttendanceLine(
        name=row.substitute.name,
        function=row.seat.function,
        organisation=row.seat.organisation.name,
        status=str(Attendance.Status.PRESENT.label),
        replaces=replaces or row.seat.function,
    )


def _secretary_role() -> str:
    return str(Seat.Role.SECRETARY.label)


def _signatures(meeting: Meeting) -> list[CheckLine]:
    """Return the signature lines: the secretary, then the chair, then the adjusters."""
    day = meeting_day(meeting)
    secretary = (
        SeatHolding.objects.filter(
            seat__body_id=meeting.body_id, seat__role=Seat.Role.SECRETARY, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person")
        .order_by("seat__order", "seat_id")
        .first()
    )
    name = secretary.person.name if secretary else ""
    if meeting.secretary_id:
        name = meeting.secretary.name  # chosen at this meeting (Body.secretary_per_meeting)
    lines = [CheckLine(role=_secretary_role(), name=name)]
    checks = MinutesCheck.objects.filter(meeting=meeting).select_related("person", "recorded_by")
    # The chair signs first, then the adjusters in the order they were appointed.
    ordered = sorted(checks, key=lambda c: (c.role != MinutesCheck.Role.CHAIR, c.pk))
    for check in ordered:
        checked_at = timezone.localtime(check.checked_at, STOCKHOLM) if check.checked_at else None
        recorded_by = check.recorded_by.get_username() if check.recorded_by else ""
        chair = check.role == MinutesCheck.Role.CHAIR
        lines.append(
            CheckLine(
                str(Seat.Role.CHAIR.label) if chair else check.get_role_display(),
                check.person.name,
                checked_at,
                check.on_paper,
                recorded_by,
                duty=CheckLine.SIGNS if chair else CheckLine.CHECKS,
            )
        )
    return lines


def _amendments(meeting: Meeting, paragraphs: dict[int, int | None]) -> list[AmendmentLine]:
    rows = meeting.amendments.select_related("made_by").order_by("made_at", "id")
    return [
        AmendmentLine(
            paragraph=paragraphs.get(row.item_id),
            what=row.what,
            why=row.why,
            made_by=(row.made_by.get_full_name() or row.made_by.username) if row.made_by else "",
            made_at=timezone.localtime(row.made_at, STOCKHOLM),
            item_pk=row.item_id,
        )
        for row in rows
    ]


# --- The checked record: the minutes as checked, stored as JSON (councils.MinutesRecord) ---

# The meeting's facts that stay workflow after checking: read live, never recorded.
_LIVE_FACTS = ("pk", "is_checked", "case_number", "registered_on")
# The shape of the record's JSON, stored with it: a later shape must still read this one.
# 2: each item's kind, proposal recipient and lead-in words; each check line's duty.
RECORD_FORMAT = 2


def minutes_record_content(*, meeting: Meeting) -> dict:
    """Return the minutes' content as the checked record stores it (plain JSON values), in
    Swedish, the language of the documents, whoever checked last."""
    with translation.override("sv"):
        document = _live_minutes(_with_body(meeting))
    content = asdict(document)
    del content["amendments"]
    for name in _LIVE_FACTS:
        del content["meeting"][name]
    content["format"] = RECORD_FORMAT
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def _recorded_minutes(meeting: Meeting, content: dict, *, amended: bool = True) -> MinutesDocument:
    """Return the minutes from their record, with the live workflow facts and amendments."""
    facts = content["meeting"]
    items = [
        DocumentItem(
            **{**_format_1_item(item, facts), **item, "attachments": tuple(item["attachments"])}
        )
        for item in content["items"]
    ]
    paragraphs = {item.pk: item.paragraph for item in items}
    lines = {
        name: [AttendanceLine(**line) for line in content[name]]
        for name in ("present", "not_present", "guests", "vacant")
    }
    return MinutesDocument(
        meeting=_recorded_facts(meeting, content["meeting"]),
        items=items,
        signatures=[
            CheckLine(
                **{
                    **line,
                    "duty": _format_1_duty(n, line),
                    "checked_at": _moment(line["checked_at"]),
                }
            )
            for n, line in enumerate(content["signatures"])
        ],
        amendments=_amendments(meeting, paragraphs) if amended else [],
        **lines,
    )


def _format_1_item(item: dict, facts: dict) -> dict:
    """Return what a record of format 1 lacks for an item: the words its minutes printed then
    (an advisory body's "… rekommenderar", a board's "Beslut"), so it reads as it was checked."""
    if "lead_in" in item:
        return {}
    if not item["decision"]:
        lead_in = ""
    elif facts["is_advisory"]:
        lead_in = _("%(body)s rekommenderar") % {"body": facts["body"]}
    else:
        lead_in = _("Beslut")
    kind = AgendaKind.DECISION if item["is_decision"] else ""
    return {"kind_value": kind, "proposal_to": "", "lead_in": lead_in}


def _format_1_duty(position: int, line: dict) -> str:
    """Return a check line's duty; a record of format 1 has the secretary first, then the chair
    (who signs), then the adjusters."""
    if "duty" in line:
        return line["duty"]
    if position == 0:
        return ""
    chair = (str(Seat.Role.CHAIR.label), "Ordförande")
    return CheckLine.SIGNS if line["role"] in chair else CheckLine.CHECKS


def _recorded_facts(meeting: Meeting, facts: dict) -> MeetingFacts:
    """Return the recorded facts of the meeting with its registration read live."""
    return MeetingFacts(
        **{
            **facts,
            "starts_at": _moment(facts["starts_at"]),
            "ends_at": _moment(facts["ends_at"]),
            "checked_on": datetime.date.fromisoformat(facts["checked_on"])
            if facts["checked_on"]
            else None,
        },
        pk=meeting.pk,
        is_checked=meeting.is_locked,
        case_number=meeting.case_number,
        registered_on=meeting.registered_on,
    )


def _moment(value: str | None) -> datetime.datetime | None:
    """Return a recorded moment on the Stockholm clock."""
    if value is None:
        return None
    return timezone.localtime(datetime.datetime.fromisoformat(value), STOCKHOLM)


def minutes_participants(*, meeting: Meeting) -> list[Member]:
    """Return who took part (present, remote, substitutes), with addresses, for the minutes."""
    rows = Attendance.objects.filter(meeting=meeting, seat__isnull=False).select_related(
        "seat__organisation", "person", "substitute"
    )
    taking_part = (Attendance.Status.PRESENT, Attendance.Status.REMOTE)
    people = []
    for row in rows.order_by("seat__order", "seat_id", "id"):
        person = row.substitute if row.status == Attendance.Status.REPLACED else row.person
        if person is not None and (row.status in taking_part or row.substitute_id):
            seat = row.seat
            people.append(
                Member(
                    person.name,
                    person.title,
                    seat.function,
                    seat.get_role_display(),
                    seat.organisation.name,
                    person.email.strip(),
                    person.pk,
                )
            )
    return people


def meeting_attachments(*, meeting: Meeting) -> list[Attachment]:
    """Return the files of the meeting's items, in agenda order, to send with the minutes."""
    return list(
        Attachment.objects.filter(item__meeting=meeting).order_by(
            "item__order", "item_id", "name", "id"
        )
    )


@dataclass(frozen=True)
class MeetingDocuments:
    """What the meeting page shows of its documents: dispatches, the late flag, who may send."""

    meeting_pk: int
    body_pk: int
    can_manage: bool
    minutes_checked: bool
    notice_sent_at: datetime.datetime | None
    notice_late: bool
    dispatches: list[Dispatch]


def meeting_documents(*, meeting: Meeting, can_manage: bool) -> MeetingDocuments:
    """Gather the documents part of the meeting page (councils/includes/meeting_documents.html)."""
    dispatches = dispatch_history(meeting=meeting)
    return MeetingDocuments(
        meeting_pk=meeting.pk,
        body_pk=meeting.body_id,
        can_manage=can_manage,
        minutes_checked=meeting.is_locked,
        notice_sent_at=meeting.notice_sent_at,
        notice_late=meeting.notice_late,
        dispatches=dispatches,
    )


def dispatch_history(*, meeting: Meeting, kind: str | None = None) -> list[Dispatch]:
    """Return the meeting's dispatches (of one kind if given), oldest first, in three queries
    whatever their size: each with its recipients, each recipient with her links (the file's
    name; `use_count`, `first_used`, `last_used`, `expired`) and `has_working_links` on both;
    `links_expire` on the dispatch."""
    now = timezone.now()
    working = DownloadLink.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
    links = (
        DownloadLink.objects.select_related("attachment")
        .annotate(
            use_count=Count("uses"),
            first_used=Min("uses__used_at"),
            last_used=Max("uses__used_at"),
            expired=ExpressionWrapper(Q(expires_at__lte=now), output_field=BooleanField()),
        )
        .order_by("attachment__name", "id")
    )
    recipients = (
        DispatchRecipient.objects.annotate(
            has_working_links=Exists(working.filter(recipient=OuterRef("pk")))
        )
        .prefetch_related(Prefetch("links", queryset=links))
        .order_by("id")
    )
    expiry = DownloadLink.objects.filter(recipient__dispatch=OuterRef("pk")).order_by("-expires_at")
    dispatches = (
        meeting.dispatches.select_related("sent_by")
        .annotate(
            has_working_links=Exists(working.filter(recipient__dispatch=OuterRef("pk"))),
            links_expire=Subquery(expiry.values("expires_at")[:1]),
        )
        .prefetch_related(Prefetch("recipients", queryset=recipients))
    )
    if kind is not None:
        dispatches = dispatches.filter(kind=kind)
    return list(dispatches.order_by("sent_at", "id"))


def _seated_on_meeting_day(user: AbstractBaseUser, on: datetime.date) -> Q:
    """Return a filter on meetings held while a person of the user held a seat in the body,
    of bodies where she still holds one on the day `on`."""
    mine = SeatHolding.objects.filter(seat__body=OuterRef("body"), person__user=user)
    that_day = mine.filter(starts_on__lte=OuterRef("starts_at__date")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("starts_at__date"))
    )
    today = mine.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return Q(Exists(that_day)) & Q(Exists(today))


def calendar_feed_open(*, user: AbstractBaseUser, on: datetime.date) -> bool:
    """Return whether the user has a private calendar: an active account that holds a seat on
    the day `on` or manages a body (a seat that ended or a role taken away closes it)."""
    if not user.is_active:
        return False
    holds = SeatHolding.objects.filter(person__user=user, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return holds.exists() or manageable_bodies(user).exists()


def calendar_feed_meetings(*, user: AbstractBaseUser, on: datetime.date) -> list[Meeting]:
    """Return the meetings of the user's private calendar, with their items' titles.

    The meetings of her time in the seats she holds on the day `on`, and every meeting of the
    bodies she manages.
    """
    items = Prefetch(
        "items",
        queryset=AgendaItem.objects.order_by("order", "id").only(
            "id", "meeting_id", "title", "order"
        ),
    )
    mine = Q(body__in=manageable_bodies(user)) | _seated_on_meeting_day(user, on)
    meetings = Meeting.objects.filter(mine).select_related("body").prefetch_related(items)
    return list(meetings.order_by("starts_at", "pk"))


# --- Bodies, seats, the year's meetings, the meeting page (wt-meetings) ---

# Meetings are held, noticed and numbered in Swedish time, whatever the server's clock says.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass
class BodyNode:
    """A body in the tree of bodies, with the bodies below it."""

    body: Body
    children: list["BodyNode"] = field(default_factory=list)


def body_tree_roots(*, user: AnyUser, text: str = "") -> QuerySet[Body]:
    """Return the bodies at the top of her tree (no parent, or a parent she does not read),
    by organisation and name, those whose name or organisation's name holds the text: page
    them, then give the page to `body_tree`."""
    bodies = readable_bodies(user)
    roots = bodies.filter(Q(parent__isnull=True) | ~Q(parent__in=bodies.values("pk")))
    if text:
        roots = roots.filter(Q(name__icontains=text) | Q(organisation__name__icontains=text))
    return roots.select_related("organisation").order_by(
        "organisation__name", "organisation_id", "name", "pk"
    )


def body_tree(*, user: AnyUser, roots: Iterable[Body] | None = None) -> list[BodyNode]:
    """Return the bodies the user reads as a tree: councils with their groups below them; only
    the given roots (in their order) and the bodies below them, if given.

    One recursive query (django-tree-queries); a body whose parent she does not read stands
    at the top.
    """
    bodies = readable_bodies(user)
    order = None
    if roots is not None:
        order = {root.pk: number for number, root in enumerate(roots)}
        bodies = bodies.below(list(order))
    bodies = bodies.with_tree_fields().order_siblings_by("name").select_related("organisation")
    nodes = {body.pk: BodyNode(body) for body in bodies}
    tops = []
    for node in nodes.values():
        parent = nodes.get(node.body.parent_id)
        (parent.children if parent else tops).append(node)
    if order is not None:
        # A body below a root whose parent she does not read stands on its own page.
        tops = sorted((n for n in tops if n.body.pk in order), key=lambda n: order[n.body.pk])
    return tops


@dataclass(frozen=True)
class SeatOnDay:
    """A seat and who held it on the day (None: vacant)."""

    seat: Seat
    holding: SeatHolding | None

    @property
    def holder(self) -> Person | None:
        return self.holding.person if self.holding else None


def seats_on(*, body: Body, on: datetime.date) -> list[SeatOnDay]:
    """Return the body's seats in order with who held each on the day, in two queries."""
    held = SeatHolding.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    seats = (
        Seat.objects.filter(body=body)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("holdings", held.select_related("person__organisation"), to_attr="held")
        )
    )
    # SeatHolding.clean refuses overlaps, so a seat has at most one holder on a day.
    return [SeatOnDay(seat, seat.held[0] if seat.held else None) for seat in seats]


def seats_with_holdings(*, body: Body) -> list[Seat]:
    """Return the body's seats in order, each with every holding (`all_holdings`), oldest first."""
    holdings = SeatHolding.objects.select_related("person").order_by("starts_on", "pk")
    seats = Seat.objects.filter(body=body).select_related("organisation")
    return list(seats.prefetch_related(Prefetch("holdings", holdings, to_attr="all_holdings")))


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the first moment of the year and of the next, in Swedish time."""
    start = datetime.datetime(year, 1, 1, tzinfo=STOCKHOLM)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=STOCKHOLM)


def year_meetings(*, body: Body, year: int) -> QuerySet[Meeting]:
    """Return the body's meetings of the year (Swedish time), first to last."""
    start, end = year_bounds(year)
    return Meeting.objects.filter(body=body, starts_at__gte=start, starts_at__lt=end).order_by(
        "starts_at", "pk"
    )


# The body page and a public body's page list this many coming meetings unless asked for all.
COMING_MEETINGS_SHOWN = 10


@dataclass
class ComingMeetings:
    """A body's meetings from today on, whatever their year; `more`: some are not listed."""

    meetings: list[Meeting]
    more: bool = False


def coming_meetings(
    *, meetings: QuerySet[Meeting], today: datetime.date, limit: int | None = COMING_MEETINGS_SHOWN
) -> ComingMeetings:
    """Return the meetings from the start of today (Swedish time) on, first to last, at most
    `limit` of them (None: all), in one query: a meeting in January is coming in December."""
    coming = meetings.filter(starts_at__gte=start_of_day(today)).order_by("starts_at", "pk")
    if limit is None:
        return ComingMeetings(list(coming))
    rows = list(coming[: limit + 1])  # one more tells whether there are more
    return ComingMeetings(rows[:limit], more=len(rows) > limit)


def sub_bodies(*, body: Body, user: AnyUser) -> QuerySet[Body]:
    """Return the bodies directly below the body that the user reads."""
    return readable_bodies(user).filter(parent=body).order_by("name")


def meeting_items(*, meeting: Meeting, user: AnyUser) -> list[AgendaItem]:
    """Return the agenda in order, each item with the plans and measures the user may read and
    its attachments, and where a preparing body sent it (`prepared_note`); a fixed number of
    queries, whatever the size of the agenda."""
    readable = visible_plans(user)
    items = meeting.items.order_by("order", "pk").prefetch_related(
        Prefetch("plans", Plan.objects.filter(pk__in=readable).order_by("title"), "shown_plans"),
        Prefetch(
            "measures",
            Measure.objects.filter(plan__in=readable).select_related("plan").order_by("code"),
            "shown_measures",
        ),
        Prefetch("attachments", to_attr="files"),
    )
    items = list(items)
    mark_prepared_items(items)
    return items


def meeting_attendance(*, meeting: Meeting) -> list[Attendance]:
    """Return who attended the meeting, seat by seat and then the guests, in one query."""
    return list(
        meeting.attendances.select_related("seat__organisation", "person", "substitute").order_by(
            F("seat__order").asc(nulls_last=True), "seat_id", "pk"
        )
    )


def seat_organisations(*, body: Body) -> QuerySet[Organisation]:
    """Return the organisations a seat may be held on behalf of, with their paths.

    Every top-level organisation (a municipality, a region, the police) and every unit of the
    body's own organisation; the tree walked from these only, not the whole country's.
    """
    own = Organisation.objects.below([body.organisation_id]).values_list("pk", flat=True)
    tops = Organisation.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    return Organisation.objects.with_paths().at([*tops, *own]).order_by("name")


# --- Mitt arbete: what councils ask of the secretary and of members (folkhalsa/my_work.py) ---

# A notice is listed this many days before its last day; coming meetings this far ahead.
NOTICE_SHOWN_DAYS = 30
COMING_SHOWN_DAYS = 60


def secretary_work(*, user: AnyUser, today: datetime.date) -> list[WorkItem]:
    """Return what the bodies she manages ask of her secretary: notices to send (by the body's
    rule), minutes to write, minutes waiting for checking and since when, announcements due on
    the notice board (the second day after checking), minutes to register (two queries)."""
    group = _("Möten och protokoll")
    bodies = Body.objects.filter(organisation__in=organisations_for(user, MANAGE_COUNCILS))
    start_today = start_of_day(today)
    not_held = (Meeting.Status.PLANNED, Meeting.Status.NOTICE_SENT)
    waiting = (
        Q(status=Meeting.Status.PLANNED, starts_at__gte=start_today)
        & Q(starts_at__lt=start_of_day(today + datetime.timedelta(days=COMING_SHOWN_DAYS)))
        | Q(status__in=not_held, starts_at__lt=start_today)
        | Q(status__in=(Meeting.Status.HELD, Meeting.Status.CHECKED))
        | Q(
            status=Meeting.Status.REGISTERED,
            body__kind__in=Body.STATUTORY_KINDS,
            checked_on__isnull=False,
            posted_on__isnull=True,
        )
    )
    missing = MinutesCheck.objects.filter(checked_at__isnull=True).select_related("person")
    unanswered = ChangeRequest.objects.filter(answered_at__isnull=True).select_related(
        "requested_by", "item"
    )
    meetings = (
        Meeting.objects.filter(body__in=bodies)
        .filter(waiting)
        .select_related("body")
        .prefetch_related(
            Prefetch("checks", queryset=missing, to_attr="missing_checks"),
            Prefetch("change_requests", queryset=unanswered, to_attr="open_requests"),
        )
        .order_by("starts_at", "pk")
    )
    items = []
    for meeting in meetings:
        items += _secretary_items(meeting, group, today)
    return items


def _secretary_items(meeting: Meeting, group: str, today: datetime.date) -> list[WorkItem]:
    """Return what one of her meetings waits for, if anything."""
    day = meeting_day(meeting)
    subject = f"{meeting.body.name} {formats.date_format(day, 'j F Y')}"
    page = reverse("councils:meeting_detail", args=[meeting.pk])
    minutes = reverse("councils:minutes", args=[meeting.pk])
    items = []
    if meeting.status == Meeting.Status.PLANNED and day >= today:
        deadline = timezone.localdate(notice_deadline(meeting=meeting))
        if deadline <= today + datetime.timedelta(days=NOTICE_SHOWN_DAYS):
            detail = _("Kallelsen ska gå ut senast %(days)d dagar före mötet.") % {
                "days": meeting.body.notice_days
            }
            items.append(WorkItem(group, _("Skicka kallelsen"), page, deadline, detail, subject))
    elif meeting.status in (Meeting.Status.PLANNED, Meeting.Status.NOTICE_SENT):
        title = _("Markera mötet som genomfört och skriv protokollet")
        items.append(WorkItem(group, title, page, day + CHECKING_DEADLINE, "", subject))
    elif meeting.status == Meeting.Status.HELD:
        items.append(_checking_item(meeting, group, today, minutes, subject))
        if meeting.open_requests:
            items.append(_change_requests_item(meeting, group, subject))
    announced = meeting.posted_on or not meeting.checked_on
    if meeting.status in Meeting.LOCKED_STATUSES and meeting.body.is_statutory and not announced:
        title = _("Anslå justeringen på anslagstavlan")
        detail = _("Senast andra dagen efter justeringen (kommunallagen 8 kap. 12 §).")
        items.append(WorkItem(group, title, minutes, meeting.announce_by, detail, subject))
    if meeting.status == Meeting.Status.CHECKED:
        title = _("Diarieför protokollet")
        items.append(WorkItem(group, title, minutes, None, "", subject))
    return items


def _checking_item(
    meeting: Meeting, group: str, today: datetime.date, url: str, subject: str
) -> WorkItem:
    """Return the held meeting's minutes as waiting to be written, or checked and by whom."""
    waited = (today - meeting_day(meeting)).days
    due = meeting_day(meeting) + CHECKING_DEADLINE
    if not meeting.body.keeps_minutes:
        return WorkItem(group, _("Gör klart minnesanteckningarna"), url, due, "", subject)
    if not meeting.missing_checks:
        title = _("Skriv protokollet och utse justerare")
        return WorkItem(group, title, url, due, "", subject)
    detail = ngettext(
        "Har väntat på justering i %(days)d dag.",
        "Har väntat på justering i %(days)d dagar.",
        waited,
    ) % {"days": waited}
    adjusters = [c.person.name for c in meeting.missing_checks if c.role != MinutesCheck.Role.CHAIR]
    chair = [c.person.name for c in meeting.missing_checks if c.role == MinutesCheck.Role.CHAIR]
    if adjusters:
        detail += " " + _("Inte justerat av %(names)s.") % {"names": ", ".join(adjusters)}
    if chair:
        detail += " " + _("Inte undertecknat av %(names)s.") % {"names": ", ".join(chair)}
    return WorkItem(group, _("Protokollet väntar på justering"), url, due, detail, subject)


def _change_requests_item(meeting: Meeting, group: str, subject: str) -> WorkItem:
    """Return the adjusters' change requests waiting for the secretary's answer."""
    requests = meeting.open_requests
    title = ngettext(
        "Besvara %(count)d ändringsbegäran",
        "Besvara %(count)d ändringsbegäranden",
        len(requests),
    ) % {"count": len(requests)}
    asked = ", ".join(
        dict.fromkeys(
            _("%(name)s (§ %(paragraph)s)")
            % {"name": r.requested_by.name, "paragraph": r.item.paragraph}
            if r.item and r.item.paragraph
            else r.requested_by.name
            for r in requests
        )
    )
    detail = _("Från %(who)s. Justeringen väntar på ditt svar.") % {"who": asked}
    url = reverse("councils:change_requests", args=[meeting.pk])
    due = meeting_day(meeting) + CHECKING_DEADLINE
    return WorkItem(group, title, url, due, detail, subject)


def member_work(*, user: AnyUser, today: datetime.date) -> list[WorkItem]:
    """Return a member's coming meetings (the next two months, with their documents) and the
    minutes waiting for her check (three queries)."""
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        return []
    group = _("Mina möten")
    items = []
    horizon = start_of_day(today + datetime.timedelta(days=COMING_SHOWN_DAYS))
    for meeting in _coming(person, start_of_day(today)):
        if meeting.starts_at >= horizon:
            break
        day = meeting_day(meeting)
        subject = f"{meeting.body.name} {formats.date_format(day, 'j F Y')}"
        url = reverse("councils:meeting_detail", args=[meeting.pk])
        detail = _("Kallelse och handlingar finns.") if meeting.notice_sent_at else ""
        items.append(WorkItem(group, _("Möte"), url, day, detail, subject))
    for check in _to_check(person):
        meeting = check.meeting
        day = meeting_day(meeting)
        subject = f"{meeting.body.name} {formats.date_format(day, 'j F Y')}"
        url = reverse("councils:minutes_check", args=[meeting.pk])
        # The chair signs the minutes; the adjusters check them.
        signs = check.role == MinutesCheck.Role.CHAIR
        title = _("Underteckna protokollet") if signs else _("Justera protokollet")
        items.append(WorkItem(group, title, url, day + CHECKING_DEADLINE, "", subject))
    return items


def my_bodies(*, user: AnyUser, today: datetime.date, limit: int = 20) -> tuple[list[Body], int]:
    """Return the bodies she works in (her organisations' and those where she sits today), at
    most `limit` of them, and how many there are (two queries)."""
    if not user.is_authenticated:
        return [], 0
    mine = Q(organisation__in=organisations_for(user, READ)) | holds_seat(user, on=today)
    bodies = Body.objects.filter(mine).select_related("organisation")
    bodies = bodies.order_by("organisation__name", "name", "pk")
    return list(bodies[:limit]), bodies.count()


# --- The årshjul (folkhalsa/year_wheel.py) ---

# A body gives notice at most this many days before a meeting (Body.notice_days).
LONGEST_NOTICE = datetime.timedelta(days=365)


def meetings_of_period(
    *, meetings: QuerySet[Meeting], first: datetime.date, last: datetime.date
) -> list[Meeting]:
    """Return the meetings held between the days, and those whose notice is due between them
    (a meeting in January is noticed in December), with body and organisation; one query.

    Read by Stockholm dates; the caller keeps the notice deadlines that fall between the days.
    """
    since = start_of_day(first)
    until = start_of_day(last + datetime.timedelta(days=1)) + LONGEST_NOTICE
    chosen = meetings.filter(starts_at__gte=since, starts_at__lt=until)
    return list(chosen.select_related("body__organisation").order_by("starts_at", "pk"))


# --- Bodies working together: a body preparing another's meetings ("bereder"), who convenes ---


def body_label(body: Body) -> str:
    """Return how the pages name a body: its name in decisions ("Rådet"), else its name."""
    return body.short_name.strip() or body.name


def body_in_text(body: Body) -> str:
    """Return the body's name inside a sentence: "Till rådet", "Beredd av styrgruppen".

    A name in decisions is a common noun ("Styrgruppen") and loses its capital; a body's own
    name (or an abbreviation such as "KS") stays as written.
    """
    short = body.short_name.strip()
    if short[1:2].islower():
        return short[0].lower() + short[1:]
    return short or body.name


def genitive(name: str) -> str:
    """Return the Swedish genitive of a name: "Rådet" → "Rådets"; a name ending in s stays."""
    return name if name[-1:].lower() in {"s", "x", "z"} else f"{name}s"


def meeting_label(meeting: Meeting, *, in_text: bool = False) -> str:
    """Return "Rådets möte 3 februari 2027" (in a sentence: "rådets möte …"), Swedish date."""
    name = body_in_text(meeting.body) if in_text else body_label(meeting.body)
    day = formats.date_format(meeting_day(meeting), "j F Y")
    return _("%(whose)s möte %(day)s") % {"whose": genitive(name), "day": day}


def prepared_body_of(meeting: Meeting) -> Body | None:
    """Return the body whose meeting this one prepares: that of `prepares_meeting`, else the
    body its own body prepares; None for a meeting that prepares nothing."""
    if meeting.prepares_meeting_id:
        return meeting.prepares_meeting.body
    return meeting.body.prepares if meeting.body.prepares_id else None


def bodies_preparing(*, body: Body) -> set[int]:
    """Return the body and every body preparing its meetings, directly or through another.

    None of them may be chosen as the body it prepares: that would be a circle. One query (the
    bodies that prepare anything), followed in memory.
    """
    links = Body.objects.filter(prepares__isnull=False).values_list("pk", "prepares_id")
    preparing_of: dict[int, list[int]] = {}
    for pk, prepares_id in links:
        preparing_of.setdefault(prepares_id, []).append(pk)
    found, waiting = {body.pk}, [body.pk]
    while waiting:
        for pk in preparing_of.get(waiting.pop(), []):
            if pk not in found:
                found.add(pk)
                waiting.append(pk)
    return found


@dataclass(frozen=True)
class BodyTogether:
    """How a body works with others, as its page shows it (only the bodies she reads)."""

    prepares: Body | None
    prepare_days_before: int
    prepared_by: list[Body]
    convener: Person | None


def body_together(*, body: Body, user: AnyUser) -> BodyTogether:
    """Return the body it prepares, the bodies preparing it and who convenes (three queries)."""
    readable = readable_bodies(user)
    prepares = readable.filter(pk=body.prepares_id).first() if body.prepares_id else None
    prepared_by = list(readable.filter(prepares=body).order_by("name", "pk"))
    return BodyTogether(
        prepares=prepares,
        prepare_days_before=body.prepare_days_before,
        prepared_by=prepared_by,
        convener=body.convener if body.convener_id else None,
    )


@dataclass(frozen=True)
class MeetingLink:
    """Another body's meeting named on a meeting's page, linked if she reads it."""

    pk: int
    text: str
    readable: bool


@dataclass(frozen=True)
class MeetingTogether:
    """The meeting this one prepares, and the meetings preparing this one."""

    prepares: MeetingLink | None
    prepared_by: list[MeetingLink]


def meeting_together(*, meeting: Meeting, user: AnyUser) -> MeetingTogether:
    """Return the meeting it prepares and its preparatory meetings (two queries at most)."""
    readable = Exists(readable_meetings(user).filter(pk=OuterRef("pk")))
    related = Meeting.objects.select_related("body").annotate(readable=readable)
    prepares = None
    if meeting.prepares_meeting_id:
        target = related.get(pk=meeting.prepares_meeting_id)
        prepares = MeetingLink(target.pk, meeting_label(target), target.readable)
    preparing = related.filter(prepares_meeting=meeting).order_by("starts_at", "pk")
    links = [MeetingLink(m.pk, meeting_label(m), m.readable) for m in preparing]
    return MeetingTogether(prepares=prepares, prepared_by=links)


def mark_prepared_items(items: list[AgendaItem]) -> None:
    """Give each item brought from a preparing body's meeting its `prepared_note`: "Beredd av
    styrgruppen (mötet 20 januari 2027, punkt 3)"; one query, and none without such items."""
    sources = {item.proposed_from_id for item in items if item.proposed_from_id}
    if not sources:
        return
    meetings = AgendaItem.objects.filter(pk__in=sources).values("meeting")
    siblings = (
        AgendaItem.objects.filter(meeting__in=meetings)
        .select_related("meeting__body")
        .order_by("meeting", "order", "pk")
    )
    numbers: dict[int, int] = {}
    found: dict[int, tuple[AgendaItem, int]] = {}
    for sibling in siblings:
        numbers[sibling.meeting_id] = numbers.get(sibling.meeting_id, 0) + 1
        if sibling.pk in sources:
            found[sibling.pk] = (sibling, numbers[sibling.meeting_id])
    for item in items:
        if item.proposed_from_id in found:
            source, number = found[item.proposed_from_id]
            item.prepared_note = _("Beredd av %(body)s (mötet %(day)s, punkt %(number)s)") % {
                "body": body_in_text(source.meeting.body),
                "day": formats.date_format(meeting_day(source.meeting), "j F Y"),
                "number": number,
            }
