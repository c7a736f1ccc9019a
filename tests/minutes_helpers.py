"""Helpers for the minutes tests: members with accounts, frozen time, a held meeting's people."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from councils.models import Attendance, Body, Meeting, Seat, SeatHolding
from plans.models import Person
from tests.conftest import PASSWORD


def at(text: str) -> datetime.datetime:
    """Return a moment in Stockholm from "YYYY-MM-DD HH:MM"."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def freeze(monkeypatch, text: str) -> datetime.datetime:
    """Freeze the clock every service and page reads (django.utils.timezone.now)."""
    moment = at(text)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def link_account(person: Person, username: str) -> User:
    """Give the person an account of her own (no role in any organisation)."""
    user = User.objects.create_user(username, password=PASSWORD)
    person.user = user
    person.save()
    return user


def seat_member(
    body: Body, name: str, *, role: str = Seat.Role.MEMBER, since: str = "2024-01-01"
) -> Person:
    """Return a new person holding a new seat of the body since the date."""
    person = Person.objects.create(name=name, organisation=body.organisation)
    seat = Seat.objects.create(
        body=body, function=f"Ledamot {name}", organisation=body.organisation, role=role
    )
    start = datetime.date.fromisoformat(since)
    SeatHolding.objects.create(seat=seat, person=person, starts_on=start)
    return person


def present(meeting: Meeting, person: Person) -> Attendance:
    """Record the person present at the meeting in her seat."""
    seat = Seat.objects.filter(body=meeting.body, holdings__person=person).first()
    return Attendance.objects.create(
        meeting=meeting, seat=seat, person=person, status=Attendance.Status.PRESENT
    )


def adjuster_with_account(meeting: Meeting, name: str = "Adam Justerare", username: str = "adam"):
    """Return (person, user): a member present at the meeting with an account of her own."""
    person = seat_member(meeting.body, name)
    present(meeting, person)
    return person, link_account(person, username)


def meeting_of(body: Body, when: str, *, status: str = Meeting.Status.PLANNED) -> Meeting:
    """Return a new meeting of the body at the Stockholm time given."""
    return Meeting.objects.create(body=body, starts_at=at(when), status=status)


def check_on_paper(meeting: Meeting, by: User, on: str = "2025-03-14") -> Meeting:
    """Appoint an adjuster present at the meeting and record every check on paper: locked."""
    from councils.services import minutes_appoint_adjusters, minutes_check_on_paper

    if meeting.body.adjusters_count and not meeting.checks.filter(role="justerare").exists():
        person = seat_member(meeting.body, "Pia Pappersjusterare")
        present(meeting, person)
        minutes_appoint_adjusters(meeting=meeting, adjusters=[person], user=by)
    for check in meeting.checks.filter(checked_at__isnull=True):
        minutes_check_on_paper(
            meeting=meeting, check=check, on=datetime.date.fromisoformat(on), user=by
        )
    meeting.refresh_from_db()
    return meeting
