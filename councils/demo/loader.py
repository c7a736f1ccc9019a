"""Load the councils of the transcribed source documents (the YAML files beside this module):
bodies with their seats and demo holders, the meetings with agendas built from the standing
items, attendance, checking and registration, and the councils' demo accounts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from councils.models import (
    AgendaItem,
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
from councils.services.minutes import minutes_record_create
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
            loader.body(data, parent=None, start=document.get("holders_from"), report=report)


class _CouncilLoader(_Loader):
    """The plans loader's organisations and people, with bodies, meetings and accounts."""

    def __init__(self, top_level: dict[str, dict[str, Any]]) -> None:
        super().__init__(top_level)
        self.by_key: dict[str, Person] = {}
        # Standing items whose decision the minutes write out: "adjuster" or "next_year_dates".
        self.decisions: dict[int, str] = {}
        self.senders: dict[int, Person] = {}

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
        start: datetime.date | None,
        report: CouncilReport,
    ) -> None:
        """Create the body with its seats, standing items, meetings and groups, unless there."""
        organisation = self.organisation(data["organisation"])
        label = f"{data['name']} ({organisation.name})"
        if Body.objects.filter(organisation=organisation, name=data["name"]).exists():
            report.existing.append(label)
            return
        body = _create(Body, parent=parent, organisation=organisation, **_body_fields(data))
        if data.get("sender"):
            self.senders[body.pk] = self._holder(data["sender"])
        for order, seat in enumerate(data.get("seats") or []):
            self.seat(body, seat, order=order, start=start)
        for order, entry in enumerate(data.get("standing_items") or []):
            item = _create(StandingItem, body=body, order=order, **_standing_fields(entry))
            if entry.get("decision_from"):
                self.decisions[item.pk] = entry["decision_from"]
        self.meetings(body, data)
        report.created.append(label)
        for child in data.get("children") or []:
            self.body(child, parent=body, start=start, report=report)

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

    def meetings(self, body: Body, data: dict[str, Any]) -> None:
        """Create the meetings, then per year their agendas, attendance and checking."""
        defaults = data.get("meeting_defaults") or {}
        by_year: dict[int, list[tuple[Meeting, dict]]] = defaultdict(list)
        for entry in data.get("meetings") or []:
            meeting = self.meeting(body, {**defaults, **entry})
            by_year[entry["date"].year].append((meeting, entry))
        for year, meetings in by_year.items():
            next_year = [m for m, _ in by_year.get(year + 1, [])]
            _YearOfMeetings(self, body, meetings, next_year=next_year).build()

    def meeting(self, body: Body, entry: dict[str, Any]) -> Meeting:
        """Create a meeting at its local time, with its notice and registration as given."""
        status = entry["status"]
        starts = _local(entry["date"], entry["time"])
        notice_at = None
        if status != Meeting.Status.PLANNED:
            # Sent the working morning before the deadline: the body's days of notice, and one.
            notice_day = entry["date"] - datetime.timedelta(days=body.notice_days + 1)
            notice_at = _local(notice_day, "09:00")
        return _create(
            Meeting,
            body=body,
            starts_at=starts,
            ends_at=_local(entry["date"], entry["ends"]) if entry.get("ends") else None,
            place=entry.get("place") or "",
            status=status,
            notice_sent_at=notice_at,
            checked_on=entry.get("checked_on"),
            case_number=entry.get("case_number") or "",
            registered_on=entry.get("registered_on"),
        )

    def account(self, data: dict[str, Any], password: str) -> tuple[str, str, str]:
        """Create (or reset) a demo account with its roles, linked to its demo person."""
        user, _ = User.objects.get_or_create(username=data["username"])
        user.is_staff = bool(data.get("staff"))
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


class _YearOfMeetings:
    """A body's meetings of one year: standing items on the right ones, paragraphs numbered
    on through the year, attendance and checking of the held ones, and what was sent."""

    def __init__(self, loader, body, meetings, *, next_year: list[Meeting]) -> None:
        self.loader = loader
        self.body = body
        self.meetings = meetings
        self.next_year = next_year
        self.standing = list(body.standing_items.order_by("order"))
        self.holders = {
            seat: holding.person
            for seat in body.seats.order_by("order")
            for holding in seat.holdings.all()[:1]
        }
        self.paragraph = 0
        # Whose account sent the notices and minutes, if the body names the sender.
        sender = loader.senders.get(body.pk)
        self.sender = sender.user if sender is not None else None

    def build(self) -> None:
        """Build each meeting of the year in order."""
        count = len(self.meetings)
        for number, (meeting, entry) in enumerate(self.meetings, start=1):
            adjuster = self.loader._holder(entry["adjuster"]) if entry.get("adjuster") else None
            self.agenda(meeting, number=number, count=count, adjuster=adjuster)
            if meeting.status in HELD:
                self.attendance(meeting, excused=set(entry.get("excused") or []))
                self.checks(meeting, adjuster)
            if meeting.is_locked:
                # Checked minutes are a record, stored as the checking service stores them.
                minutes_record_create(meeting=meeting)
            self.dispatches(meeting)

    def agenda(self, meeting: Meeting, *, number: int, count: int, adjuster) -> None:
        """Place the standing items that belong on the year's meeting `number` of `count`."""
        held = meeting.status in HELD
        items = [item for item in self.standing if item.applies_to(number, count)]
        for order, item in enumerate(items, start=1):
            self.paragraph += 1 if held else 0
            _create(
                AgendaItem,
                meeting=meeting,
                order=order,
                kind=item.kind,
                title=item.title,
                presenter=item.presenter,
                text=item.text,
                standing_item=item,
                paragraph=self.paragraph if held else None,
                decision=self.decision(item, adjuster) if held else "",
            )

    def decision(self, item: StandingItem, adjuster: Person | None) -> str:
        """Return the decision the minutes record for a standing item that decides something."""
        source = self.loader.decisions.get(item.pk)
        if source == "adjuster" and adjuster is not None:
            return f"{adjuster.name} utses att justera protokollet."
        if source == "next_year_dates" and self.next_year:
            days = [m.starts_at.astimezone(STOCKHOLM).date() for m in self.next_year]
            dates = [f"{day.day} {MONTHS[day.month - 1]}" for day in days]
            listed = ", ".join(dates[:-1]) + f" och {dates[-1]}" if len(dates) > 1 else dates[0]
            return f"Sammanträdestider {days[0].year}: {listed}."
        return ""

    def attendance(self, meeting: Meeting, *, excused: set[str]) -> None:
        """Record every held seat present, those named excused as having sent apologies."""
        keys = {person.pk: key for key, person in self.loader.by_key.items()}
        rows = []
        for seat, person in self.holders.items():
            status = (
                Attendance.Status.EXCUSED
                if keys.get(person.pk) in excused
                else Attendance.Status.PRESENT
            )
            row = Attendance(meeting=meeting, seat=seat, person=person, status=status)
            row.clean()  # one row per seat by construction: the model's own rule is enough
            rows.append(row)
        # In one statement, with their history: a row at a time took most of the load.
        bulk_create_with_history(rows, Attendance)

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

    def dispatches(self, meeting: Meeting) -> None:
        """Record the notice sent to the members, and the registered minutes to the list too."""
        # Recorded as the services record them (councils/services/documents.py): who was sent
        # to, and who was not reached for want of an address.
        Outcome = DispatchRecipient.Outcome
        members = [
            {
                "person": person,
                "name": person.name,
                "function": seat.function,
                "email": person.email,
                "outcome": Outcome.SENT if person.email else Outcome.NO_ADDRESS,
            }
            for seat, person in self.holders.items()
        ]
        listed = [
            {"name": "", "function": "", "email": address, "outcome": Outcome.SENT}
            for address in self.body.distribution_addresses
        ]
        sent = {"meeting": meeting, "sent_by": self.sender}
        if meeting.notice_sent_at is not None:
            dispatch = Dispatch.objects.create(
                kind=Dispatch.Kind.NOTICE, sent_at=meeting.notice_sent_at, **sent
            )
            DispatchRecipient.objects.bulk_create(
                DispatchRecipient(dispatch=dispatch, **row) for row in members
            )
        if meeting.registered_on is not None:
            dispatch = Dispatch.objects.create(
                kind=Dispatch.Kind.MINUTES, sent_at=_local(meeting.registered_on, "10:00"), **sent
            )
            DispatchRecipient.objects.bulk_create(
                DispatchRecipient(dispatch=dispatch, **row) for row in members + listed
            )


def _local(day: datetime.date, time: str) -> datetime.datetime:
    """Return the moment of a Swedish local date and time (HH:MM)."""
    return datetime.datetime.combine(day, datetime.time.fromisoformat(time), tzinfo=STOCKHOLM)


def _body_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return a body's own fields from its entry; the model's defaults where it gives none."""
    fields = {
        "name": data["name"],
        "kind": data["kind"],
        "mandate": _text(data.get("mandate")),
        "tasks": _text(data.get("tasks")),
        "reports_to": data.get("reports_to") or "",
        "minutes_kept_at": data.get("minutes_kept_at") or "",
        "distribution_list": "\n".join(data.get("distribution_list") or []),
    }
    for name in ("min_meetings_per_year", "notice_days", "record", "adjusters_count"):
        if data.get(name) is not None:
            fields[name] = data[name]
    return fields


def _standing_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return a standing item's fields from its entry."""
    return {
        "title": data["title"],
        "kind": data["kind"],
        "rule": data["rule"],
        "nth": data.get("nth"),
        "presenter": data.get("presenter") or "",
        "text": _text(data.get("text")),
    }
