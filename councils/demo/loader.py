"""Load the councils of the transcribed source documents (the YAML files beside this module):
bodies with their seats and demo holders, the meetings with agendas built from the standing
items, attendance, checking, registration and announcement, the files on agenda items, what was
sent (as the services record it), and the councils' demo accounts."""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history

from councils.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Dispatch,
    DispatchRecipient,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from councils.services.documents import meetings_calendar, render_minutes_pdf, render_notice_pdf
from councils.services.meetings import attachment_check, attachment_name
from councils.services.minutes import minutes_record_create
from folkhalsa.pdf import html_to_pdf
from plans.demo.loader import (
    DEMO_PASSWORD,
    DemoDataError,
    _create,
    _Loader,
    _text,
    _top_level_kinds,
    read_documents,
)
from plans.models import Account, Person, Role

DEMO_DIR = Path(__file__).resolve().parent
# Meetings are held, and their notices sent, on Swedish local time.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HELD = (Meeting.Status.HELD, *Meeting.LOCKED_STATUSES)
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass
class CouncilReport:
    """What a load did: bodies created or already there, and the councils' demo accounts."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)


def load_demo(*, directory: Path = DEMO_DIR, password: str = DEMO_PASSWORD) -> CouncilReport:
    """Load every demo body that is not there yet, and the demo accounts; all or nothing."""
    documents = read_documents(directory)
    report = CouncilReport()
    try:
        with transaction.atomic():
            _load(documents, report, password)
    except IntegrityError as error:
        raise DemoDataError(f"database refused the data: {error}") from error
    return report


def _load(documents: list[dict[str, Any]], report: CouncilReport, password: str) -> None:
    """Create the people, the accounts linked to them, then the bodies below one another."""
    loader = _CouncilLoader(_top_level_kinds(documents))
    for document in documents:
        prefix = document.get("email_prefix") or ""
        for key, data in (document.get("people") or {}).items():
            loader.named_person(key, data, email=f"{prefix}{key}@example.se")
    for document in documents:
        for data in document.get("accounts") or []:
            report.users.append(loader.account(data, password))
    for document in documents:
        for data in document.get("bodies") or []:
            loader.body(data, parent=None, document=document, report=report, inherited={})


@dataclass
class _BodyRules:
    """What the loader does for a body beyond its fields: who records what was sent and
    registered, whether the minutes are sent out, the items of its preparatory meetings."""

    sent_by: User | None
    minutes_sent: bool
    preparatory_items: list[dict[str, Any]]
    # Dispatches from this day on record their files; earlier ones none (see README.md).
    files_recorded_from: datetime.date | None


class _CouncilLoader(_Loader):
    """The plans loader's organisations and people, with bodies, meetings and accounts."""

    def __init__(self, top_level: dict[str, dict[str, Any]]) -> None:
        super().__init__(top_level)
        self.by_key: dict[str, Person] = {}
        # Standing items that write a decision into the minutes: their entries, by item.
        self.standing_entries: dict[int, dict[str, Any]] = {}

    def named_person(self, key: str, data: dict[str, Any], *, email: str) -> None:
        """Create a demo person once, remembered by the key the seats use."""
        self.by_key[key] = self.person({"email": email, **data})

    def _holder(self, key: str) -> Person:
        if key not in self.by_key:
            raise DemoDataError(f"Unknown person key {key!r}")
        return self.by_key[key]

    def body(
        self,
        data: dict[str, Any],
        *,
        parent: Body | None,
        document: dict[str, Any],
        report: CouncilReport,
        inherited: dict[str, Any],
    ) -> None:
        """Create the body with its seats, standing items, meetings and groups, unless there."""
        organisation = self.organisation(data["organisation"])
        label = f"{data['name']} ({organisation.name})"
        if Body.objects.filter(organisation=organisation, name=data["name"]).exists():
            report.existing.append(label)
            return
        body = _create(
            Body,
            parent=parent,
            organisation=organisation,
            convener=self._holder(data["convener"]) if data.get("convener") else None,
            prepares=self._prepared_body(data, organisation) if data.get("prepares") else None,
            **_body_fields(data),
        )
        # The account recording dispatches and registrations: the body's, else its parent's.
        sent_by_key = data.get("sent_by") or inherited.get("sent_by")
        sender = self._holder(sent_by_key) if sent_by_key else None
        rules = _BodyRules(
            sent_by=sender.user if sender is not None else None,
            minutes_sent=data.get("minutes_sent", True),
            preparatory_items=data.get("preparatory_items") or [],
            files_recorded_from=document.get("files_recorded_from"),
        )
        for order, seat in enumerate(data.get("seats") or []):
            self.seat(body, seat, order=order, start=document.get("holders_from"))
        for order, entry in enumerate(data.get("standing_items") or []):
            item = _create(StandingItem, body=body, order=order, **_standing_fields(entry))
            self.standing_entries[item.pk] = entry
        self.meetings(body, data, rules)
        report.created.append(label)
        for child in data.get("children") or []:
            self.body(
                child,
                parent=body,
                document=document,
                report=report,
                inherited={"sent_by": sent_by_key},
            )

    def _prepared_body(self, data: dict[str, Any], organisation) -> Body:
        """Return the body whose meetings this one prepares: by name, in its organisation."""
        prepared = Body.objects.filter(organisation=organisation, name=data["prepares"]).first()
        if prepared is None:
            raise DemoDataError(f"{data['name']}: prepares an unknown body {data['prepares']!r}")
        return prepared

    def seat(self, body: Body, data: dict[str, Any], *, order: int, start) -> None:
        """Create a seat on behalf of its organisation, held from `start` by its demo holder."""
        seat = _create(
            Seat,
            body=body,
            function=data["function"],
            organisation=self.organisation(data["organisation"]),
            role=data["role"],
            order=order,
        )
        if data.get("holder"):
            _create(SeatHolding, seat=seat, person=self._holder(data["holder"]), starts_on=start)

    def meetings(self, body: Body, data: dict[str, Any], rules: _BodyRules) -> None:
        """Create the meetings, then per year their agendas, files, attendance and checking."""
        defaults = data.get("meeting_defaults") or {}
        prepared = _prepared_meetings(body)
        by_year: dict[int, list[tuple[Meeting, dict]]] = defaultdict(list)
        shift = _shift_to_load_day(data.get("dates_written_for"))
        for entry in data.get("meetings") or []:
            entry = {
                key: value + shift if key in MEETING_DATES and value else value
                for key, value in entry.items()
            }
            meeting = self.meeting(body, {**defaults, **entry}, rules, prepared)
            by_year[entry["date"].year].append((meeting, entry))
        _refuse_unprepared(body, prepared)
        for year, meetings in by_year.items():
            next_year = [m for m, _ in by_year.get(year + 1, [])]
            _YearOfMeetings(self, body, rules, meetings, next_year=next_year).build()

    def meeting(
        self,
        body: Body,
        entry: dict[str, Any],
        rules: _BodyRules,
        prepared: dict[datetime.date, Meeting | None],
    ) -> Meeting:
        """Create a meeting at its local time, with its notice, registration and announcement
        as given, and the meeting it prepares (the body's days before)."""
        status = entry["status"]
        starts = _local(entry["date"], entry["time"])
        notice_at = None
        if entry.get("notice_on"):
            notice_at = _local(entry["notice_on"], "09:00")
        elif status != Meeting.Status.PLANNED:
            # Sent the working morning before the deadline: the body's days of notice, and one.
            notice_day = entry["date"] - datetime.timedelta(days=body.notice_days + 1)
            notice_at = _local(notice_day, "09:00")
        secretary = self._holder(entry["secretary"]) if entry.get("secretary") else None
        if secretary is not None and not body.secretary_per_meeting:
            raise DemoDataError(f"{body.name} {entry['date']}: its secretary is not chosen")
        if entry.get("posted_on") and not body.is_statutory:
            raise DemoDataError(f"{body.name} {entry['date']}: only a nämnd posts its minutes")
        prepares = None
        if body.prepares_id is not None:
            day = entry["date"] + datetime.timedelta(days=body.prepare_days_before)
            if day in prepared:
                prepares = prepared[day]
                prepared[day] = None  # prepared: `_refuse_unprepared` names those left
        meeting = Meeting(
            body=body,
            starts_at=starts,
            ends_at=_local(entry["date"], entry["ends"]) if entry.get("ends") else None,
            place=entry.get("place") or "",
            status=status,
            notice_sent_at=notice_at,
            checked_on=entry.get("checked_on"),
            case_number=entry.get("case_number") or "",
            registered_on=entry.get("registered_on"),
            posted_on=entry.get("posted_on"),
            secretary=secretary,
            prepares_meeting=prepares,
        )
        return _save_by(meeting, rules.sent_by)

    def account(self, data: dict[str, Any], password: str) -> tuple[str, str, str]:
        """Create (or reset) a demo account with its roles, linked to its demo person."""
        user, _ = User.objects.get_or_create(username=data["username"])
        user.is_staff = bool(data.get("staff"))
        # Named as her demo person, so "Skickad av" reads "Demo: Kansliets sekreterare".
        user.first_name, user.last_name = self._holder(data["person"]).name, ""
        user.set_password(password)
        user.save()
        for role in data.get("roles") or []:
            organisation = self.organisation(role["organisation"])
            Role.objects.get_or_create(user=user, organisation=organisation, kind=role["kind"])
        home = self.organisation(data["home"])
        Account.objects.get_or_create(user=user, defaults={"organisation": home})
        person = self._holder(data["person"])
        if person.user_id is None and not Person.objects.filter(user=user).exists():
            person.user = user
            person.save()
        return (user.username, data["shown_as"], home.path)


def _prepared_meetings(body: Body) -> dict[datetime.date, Meeting | None]:
    """Return the meetings of the body this one prepares, by local date (none if it prepares
    none): each is to get its preparatory meeting."""
    if body.prepares_id is None:
        return {}
    meetings = Meeting.objects.filter(body_id=body.prepares_id)
    return {m.starts_at.astimezone(STOCKHOLM).date(): m for m in meetings}


def _refuse_unprepared(body: Body, prepared: dict[datetime.date, Meeting | None]) -> None:
    """Refuse a meeting of the prepared body without its preparatory meeting: the styrgrupp
    "sammanträder alltid inför kommande råd" (seed 001)."""
    missing = sorted(day for day, meeting in prepared.items() if meeting is not None)
    if missing:
        days = ", ".join(day.isoformat() for day in missing)
        raise DemoDataError(
            f"{body.name}: no meeting {body.prepare_days_before} days before {days} "
            f"of {body.prepares.name}"
        )


class _YearOfMeetings:
    """A body's meetings of one year: standing items on the right ones, paragraphs numbered
    on through the year, files on items, attendance and checking of the held ones, and what
    was sent."""

    def __init__(self, loader, body, rules, meetings, *, next_year: list[Meeting]) -> None:
        self.loader = loader
        self.body = body
        self.rules = rules
        self.meetings = meetings
        self.next_year = next_year
        self.standing = list(body.standing_items.order_by("order"))
        holdings = SeatHolding.objects.select_related("person").order_by("starts_on", "pk")
        seats = body.seats.order_by("order").prefetch_related(Prefetch("holdings", holdings))
        self.holders = {
            seat: seat.holdings.all()[0].person for seat in seats if seat.holdings.all()
        }
        self.paragraph = 0

    def build(self) -> None:
        """Build each meeting of the year in order."""
        count = len(self.meetings)
        for number, (meeting, entry) in enumerate(self.meetings, start=1):
            adjuster = self.loader._holder(entry["adjuster"]) if entry.get("adjuster") else None
            self.agenda(meeting, entry, number=number, count=count, adjuster=adjuster)
            for spec in entry.get("attachments") or []:
                self.attachment(meeting, spec)
            excused = set(entry.get("excused") or [])
            if meeting.status in HELD:
                self.attendance(meeting, excused=excused)
                self.checks(meeting, adjuster)
            if meeting.is_locked:
                # Checked minutes are a record, stored as the checking service stores them.
                minutes_record_create(meeting=meeting)
            self.dispatches(meeting, excused=excused)

    def agenda(self, meeting: Meeting, entry, *, number: int, count: int, adjuster) -> None:
        """Place the standing items that belong on the year's meeting `number` of `count`, the
        preparatory items if it prepares another body's meeting, then the meeting's own."""
        held = meeting.status in HELD
        context = {
            "year": meeting.starts_at.astimezone(STOCKHOLM).year,
            "previous_year": meeting.starts_at.astimezone(STOCKHOLM).year - 1,
            "adjuster": adjuster,
            "secretary": meeting.secretary,
        }
        items = [
            (self._standing_entry(item), item)
            for item in self.standing
            if item.applies_to(number, count)
        ]
        if meeting.prepares_meeting is not None:
            context["date"] = _date_text(meeting.prepares_meeting.starts_at)
            items += [(spec, None) for spec in self.rules.preparatory_items]
        items += [(spec, None) for spec in entry.get("items") or []]
        for order, (spec, standing) in enumerate(items, start=1):
            self.paragraph += 1 if held else 0
            item = AgendaItem(
                meeting=meeting,
                order=order,
                kind=spec["kind"],
                proposal_to=spec.get("proposal_to") or "",
                title=spec["title"].format(**context),
                presenter=spec.get("presenter") or "",
                text=_text(spec.get("text")),
                standing_item=standing,
                paragraph=self.paragraph if held else None,
                decision=self.decision(spec, context) if held else "",
            )
            _save_by(item, self.rules.sent_by)

    def _standing_entry(self, item: StandingItem) -> dict[str, Any]:
        """Return the standing item's entry in the file, with its fields as saved."""
        entry = self.loader.standing_entries.get(item.pk, {})
        return {**entry, "title": item.title, "kind": item.kind, "text": item.text}

    def decision(self, spec: dict[str, Any], context: dict[str, Any]) -> str:
        """Return the decision the minutes record for an item that decides something: the
        adjuster or the secretary chosen, next year's dates, or the text the file gives."""
        source = spec.get("decision_from")
        if source == "adjuster" and context["adjuster"] is not None:
            return f"{context['adjuster'].name} utses att justera protokollet."
        if source == "secretary" and context["secretary"] is not None:
            return f"{context['secretary'].name} väljs till sekreterare för mötet."
        if source == "next_year_dates" and self.next_year:
            dates = [_date_text(m.starts_at, year=False) for m in self.next_year]
            listed = ", ".join(dates[:-1]) + f" och {dates[-1]}" if len(dates) > 1 else dates[0]
            year = self.next_year[0].starts_at.astimezone(STOCKHOLM).year
            return f"Sammanträdestider {year}: {listed}."
        if source is not None:
            raise DemoDataError(f"{spec['title']}: nothing to decide from {source!r}")
        return _text(spec.get("decision")).format(**context)

    def attachment(self, meeting: Meeting, spec: dict[str, Any]) -> None:
        """Store a file on one of the meeting's items, type read from its content as an upload's.

        Uploaded by the account that records the body's work, the day before the notice went out
        (now, for a meeting whose notice has not)."""
        item = meeting.items.filter(title=spec["item"]).first()
        if item is None:
            raise DemoDataError(f"{meeting}: no item {spec['item']!r} for {spec['name']}")
        upload = SimpleUploadedFile(spec["name"], self._file_content(spec))
        try:
            content_type = attachment_check(upload=upload)
        except ValidationError as error:
            raise DemoDataError(f"{spec['name']}: {'; '.join(error.messages)}") from error
        attachment = Attachment(
            item=item,
            name=attachment_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=self.rules.sent_by,
        )
        attachment.file.save(attachment.name, upload, save=False)
        _save_by(attachment, self.rules.sent_by)
        if meeting.notice_sent_at is not None:
            uploaded_at = meeting.notice_sent_at - datetime.timedelta(days=1)
            Attachment.objects.filter(pk=attachment.pk).update(uploaded_at=uploaded_at)

    def _file_content(self, spec: dict[str, Any]) -> bytes:
        """Return a demo file's bytes: next year's meetings as a spreadsheet, or a short text
        as a PDF."""
        if spec.get("sheet") == "next_year_meetings":
            return _meetings_workbook(self.body, self.next_year)
        if spec["name"].lower().endswith(".pdf"):
            return _text_pdf(spec["title"], _text(spec.get("text")))
        raise DemoDataError(f"{spec['name']}: give `sheet` or a PDF's `title` and `text`")

    def attendance(self, meeting: Meeting, *, excused: set[str]) -> None:
        """Record every held seat present, those named excused as having sent apologies."""
        rows = []
        for seat, person in self.holders.items():
            status = (
                Attendance.Status.EXCUSED
                if self._key(person) in excused
                else Attendance.Status.PRESENT
            )
            row = Attendance(meeting=meeting, seat=seat, person=person, status=status)
            row.clean()  # one row per seat by construction: the model's own rule is enough
            rows.append(row)
        if meeting.secretary is not None and self._key(meeting.secretary) in excused:
            raise DemoDataError(f"{meeting}: the secretary chosen is excused")
        # In one statement, with their history: a row at a time took most of the load.
        bulk_create_with_history(rows, Attendance, default_user=self.rules.sent_by)

    def _key(self, person: Person) -> str | None:
        return next((k for k, p in self.loader.by_key.items() if p.pk == person.pk), None)

    def checks(self, meeting: Meeting, adjuster: Person | None) -> None:
        """Appoint the adjuster and the chair; checked on the day given, if the minutes are."""
        if adjuster is None:
            return
        checked_at = _local(meeting.checked_on, "10:00") if meeting.is_locked else None
        chair = next((p for s, p in self.holders.items() if s.role == Seat.Role.CHAIR), None)
        appointed = [(adjuster, MinutesCheck.Role.ADJUSTER), (chair, MinutesCheck.Role.CHAIR)]
        for person, role in appointed:
            if person is not None:
                _create(
                    MinutesCheck, meeting=meeting, person=person, role=role, checked_at=checked_at
                )

    def dispatches(self, meeting: Meeting, *, excused: set[str]) -> None:
        """Record the notice sent to the members, and the registered minutes sent to those who
        took part and the distribution list, as the services record them: by the body's
        account, each recipient a record (reached, or not for want of an address), and the
        files by name and size, the items' files with them."""
        if meeting.notice_sent_at is not None:
            members = [self._recipient(seat, person) for seat, person in self.holders.items()]
            self._dispatch(meeting, Dispatch.Kind.NOTICE, meeting.notice_sent_at, members)
        if meeting.registered_on is not None and self.rules.minutes_sent:
            present = [
                self._recipient(seat, person)
                for seat, person in self.holders.items()
                if self._key(person) not in excused
            ]
            listed = [
                DispatchRecipient(email=address, outcome=DispatchRecipient.Outcome.SENT)
                for address in self.body.distribution_addresses
            ]
            sent_at = _local(meeting.registered_on, "10:00")
            self._dispatch(meeting, Dispatch.Kind.MINUTES, sent_at, present + listed)

    def _recipient(self, seat: Seat, person: Person) -> DispatchRecipient:
        Outcome = DispatchRecipient.Outcome
        return DispatchRecipient(
            person=person,
            name=person.name,
            function=seat.function,
            email=person.email,
            outcome=Outcome.SENT if person.email else Outcome.NO_ADDRESS,
        )

    def _dispatch(self, meeting, kind, sent_at, recipients) -> None:
        """Save the dispatch, with its files if it records them, and its recipients."""
        recorded_from = self.rules.files_recorded_from
        recorded = recorded_from is None or sent_at.astimezone(STOCKHOLM).date() >= recorded_from
        dispatch = Dispatch(
            meeting=meeting,
            kind=kind,
            sent_at=sent_at,
            sent_by=self.rules.sent_by,
            documents=_dispatch_files(meeting, kind) if recorded else [],
        )
        # Without its files, as an installation's dispatches from before they were recorded.
        _save_by(dispatch, self.rules.sent_by, exclude=[] if recorded else ["documents"])
        for recipient in recipients:
            recipient.dispatch = dispatch
        DispatchRecipient.objects.bulk_create(recipients)


def _save_by(record, user: User | None, *, exclude: list[str] = ()):
    """Validate the record as the model does and save it, its history naming the user."""
    what = f"{record._meta.verbose_name} {str(record)[:60]!r}"
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        raise DemoDataError(f"{what}: {'; '.join(error.messages)}") from error
    if user is not None:
        record._history_user = user
    record.save()
    return record


def _dispatch_files(meeting: Meeting, kind: str) -> list[dict[str, Any]]:
    """Return the files a dispatch carried as the services record them (name, size, whether an
    item's file): the notice with the agenda and the calendar file, or the minutes; then the
    items' files. The PDFs are typeset here, as sending them typesets them."""
    if kind == Dispatch.Kind.NOTICE:
        pdf = render_notice_pdf(meeting=meeting)
        ics = meetings_calendar(meetings=[meeting], name=meeting.body.name)
        documents = [("kallelse", "pdf", pdf), ("mote", "ics", ics)]
    else:
        documents = [("protokoll", "pdf", render_minutes_pdf(meeting=meeting))]
    attachments = Attachment.objects.filter(item__meeting=meeting).order_by(
        "item__order", "item_id", "name", "pk"
    )
    return [
        {
            "name": _document_name(stem, meeting, extension),
            "size": len(content),
            "attachment": False,
        }
        for stem, extension, content in documents
    ] + [{"name": a.name, "size": a.size, "attachment": True} for a in attachments]


def _document_name(stem: str, meeting: Meeting, extension: str) -> str:
    """Return a sent document's file name as the services name it (ISO date)."""
    return f"{stem}-{meeting.starts_at.astimezone(STOCKHOLM):%Y-%m-%d}.{extension}"


def _date_text(moment: datetime.datetime, *, year: bool = True) -> str:
    """Return a meeting's Swedish date as the texts write it: "12 februari 2026"."""
    day = moment.astimezone(STOCKHOLM).date()
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def _meetings_workbook(body: Body, meetings: list[Meeting]) -> bytes:
    """Return the meetings (date, time, place) as an Excel workbook."""
    if not meetings:
        raise DemoDataError(f"{body.name}: no meetings next year to list")
    workbook = Workbook()
    sheet = workbook.active
    year = meetings[0].starts_at.astimezone(STOCKHOLM).year
    sheet.title = f"Sammanträden {year}"
    sheet.append([body.name, "Datum", "Tid", "Lokal"])
    for number, meeting in enumerate(meetings, start=1):
        local = meeting.starts_at.astimezone(STOCKHOLM)
        sheet.append([f"Sammanträde {number}", local.date(), f"{local:%H.%M}", meeting.place])
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["D"].width = 48
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _text_pdf(title: str, text: str) -> bytes:
    """Return a short text as a tagged PDF: the title as its heading, a paragraph a block."""
    paragraphs = "".join(f"<p>{escape(block.strip())}</p>" for block in text.split("\n\n"))
    html = (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{paragraphs}</body></html>"
    )
    return html_to_pdf(html=html)


# The dates of a meeting's entry that move together when a body's dates follow the loading day.
MEETING_DATES = ("date", "notice_on", "checked_on", "posted_on", "registered_on")


def _shift_to_load_day(written_for: datetime.date | None) -> datetime.timedelta:
    """Return how far a body's meeting dates move so the loading day stands where the file's
    `dates_written_for` day stood: whole weeks, so weekdays stay (nothing without that key).

    The demo's nämnd uses it, so that on the day `make demo` runs an announcement is up on the
    notice board and a meeting is coming, whatever the day.
    """
    if written_for is None:
        return datetime.timedelta(0)
    days = (timezone.localdate() - written_for).days
    return datetime.timedelta(weeks=days // 7)


def _local(day: datetime.date, time: str) -> datetime.datetime:
    """Return the moment of a Swedish local date and time (HH:MM)."""
    return datetime.datetime.combine(day, datetime.time.fromisoformat(time), tzinfo=STOCKHOLM)


def _body_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return a body's own fields from its entry; the model's defaults where it gives none."""
    fields = {
        "name": data["name"],
        "kind": data["kind"],
        "short_name": data.get("short_name") or "",
        "mandate": _text(data.get("mandate")),
        "tasks": _text(data.get("tasks")),
        "reports_to": data.get("reports_to") or "",
        "minutes_kept_at": data.get("minutes_kept_at") or "",
        "distribution_list": "\n".join(data.get("distribution_list") or []),
    }
    names = (
        "min_meetings_per_year",
        "notice_days",
        "record",
        "adjusters_count",
        "is_public",
        "secretary_per_meeting",
        "prepare_days_before",
    )
    for name in names:
        if data.get(name) is not None:
            fields[name] = data[name]
    return fields


def _standing_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return a standing item's fields from its entry."""
    return {
        "title": data["title"],
        "kind": data["kind"],
        "proposal_to": data.get("proposal_to") or "",
        "rule": data["rule"],
        "nth": data.get("nth"),
        "presenter": data.get("presenter") or "",
        "text": _text(data.get("text")),
    }
