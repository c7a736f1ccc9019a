"""Records the council document tests need: meetings of a given size, members, checked minutes.

Also reads PDFs back: their text (pdfplumber) and, for e-mail, the attachments.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pdfplumber
from pypdf import PdfReader

from councils.models import (
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
)
from plans.models import Person

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def stockholm(*args: int) -> datetime.datetime:
    """Return a moment given on the Swedish clock."""
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def new_meeting(body: Body, starts_at: datetime.datetime, **fields) -> Meeting:
    """Return a planned meeting of the body in Kommunhuset."""
    fields.setdefault("place", "Kommunhuset, sal Åsen")
    return Meeting.objects.create(body=body, starts_at=starts_at, **fields)


def add_member(
    body: Body,
    name: str,
    *,
    email: str = "",
    role: str = Seat.Role.MEMBER,
    starts_on: datetime.date = datetime.date(2023, 1, 1),
    ends_on: datetime.date | None = None,
) -> Person:
    """Return a person holding a new seat of the body over the given period."""
    seat = Seat.objects.create(
        body=body,
        function=f"Funktion för {name}",
        organisation=body.organisation,
        role=role,
        order=Seat.objects.filter(body=body).count() + 1,
    )
    person = Person.objects.create(name=name, email=email, organisation=body.organisation)
    SeatHolding.objects.create(seat=seat, person=person, starts_on=starts_on, ends_on=ends_on)
    return person


def add_items(meeting: Meeting, count: int, *, first_paragraph: int = 1) -> list[AgendaItem]:
    """Return `count` decision items with notes and decisions, numbered from the paragraph."""
    start = meeting.items.count()
    return [
        AgendaItem.objects.create(
            meeting=meeting,
            order=start + n,
            kind="beslut",
            title=f"Ärende {start + n} om trygghet",
            presenter="Folkhälsostrategen",
            text=f"Underlag för ärende {start + n}.",
            case_number=f"KS 2025/{100 + start + n}",
            paragraph=first_paragraph + n - 1,
            note=f"Diskussion om ärende {start + n}.",
            decision=f"Rådet beslutar att godkänna ärende {start + n}.",
        )
        for n in range(1, count + 1)
    ]


def seat_of(person: Person) -> Seat:
    return person.seat_holdings.get().seat


def attend(meeting: Meeting, person: Person, status: str = Attendance.Status.PRESENT) -> None:
    """Record the person's attendance in her seat."""
    Attendance.objects.create(meeting=meeting, seat=seat_of(person), person=person, status=status)


def check_minutes(meeting: Meeting, *people: Person, at: datetime.datetime) -> None:
    """Record the chair (first) and the adjusters as having checked; lock the minutes."""
    for n, person in enumerate(people):
        role = MinutesCheck.Role.CHAIR if n == 0 else MinutesCheck.Role.ADJUSTER
        MinutesCheck.objects.update_or_create(
            meeting=meeting, person=person, role=role, defaults={"checked_at": at}
        )
    meeting.status = Meeting.Status.CHECKED
    meeting.checked_on = at.date()
    meeting.save()


def pdf_text(content: bytes) -> str:
    """Return the text of every page in the order it is drawn (pypdf), block by block."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_words(content: bytes) -> set[str]:
    """Return every word of the PDF as a reader copies it off the page (pdfplumber)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return {word["text"] for page in pdf.pages for word in page.extract_words()}


def one_line(text: str) -> str:
    """Return the text with line breaks as spaces, for phrases a page may wrap."""
    return " ".join(text.split())
