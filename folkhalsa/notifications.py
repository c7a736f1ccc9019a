"""E-mail notifications: what someone must act on, at most one digest a day per person.

`manage.py send_notifications` (daily, as the follow-up reminders) gathers the events of every
kind for everyone in a fixed number of queries, leaves out what she turned off and what her
address was already told (`NotificationSent`, also written by the returned report's own e-mail),
and sends each person one e-mail. The day's digest (`NotificationDigest`) and the events it told
are written in the same transaction as the sending: a failed send records nothing, so the next
run tries again; a second run on the same day sends nothing.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from councils.models import CHECKING_DEADLINE, POSTING_DEADLINE, Body, Meeting, MinutesCheck
from councils.selectors import meeting_day, notice_deadline, start_of_day
from folkhalsa.mail import send_each
from folkhalsa.models import (
    NotificationDigest,
    NotificationKind,
    NotificationOptOut,
    NotificationSent,
)
from folkhalsa.validators import single_line
from plans.permissions import MANAGE_COUNCILS
from plans.selectors import role_holders
from reports.models import FollowUpRound, MeasureReport
from reports.selectors import measure_reporters, round_label

logger = logging.getLogger(__name__)

# A round is told to its rapportörer while it is this new; older ones were told by earlier runs.
ROUND_OPENED_WITHIN = datetime.timedelta(days=7)
# A deadline is told when it is today or tomorrow, so a run missed yesterday still tells it.
DEADLINE_WITHIN = datetime.timedelta(days=1)
# The longest notice a body may require (councils.models.Body.notice_days) and a margin.
LONGEST_NOTICE = datetime.timedelta(days=366)


@dataclass(frozen=True)
class Event:
    """Something one person must act on, as the digest tells it."""

    kind: str
    key: str
    user: User
    title: str
    url: str
    due: datetime.date | None = None
    detail: str = ""


def gather_events(*, today: datetime.date, now: datetime.datetime) -> list[Event]:
    """Return every event of every kind for every active user with an e-mail address."""
    events = (
        _reports_returned()
        + _rounds_opened(now)
        + _minutes_to_check()
        + _notice_deadlines(today)
        + _posting_deadlines(today)
    )
    return [e for e in events if e.user.is_active and e.user.email]


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def _reports_returned() -> list[Event]:
    """A returned report, to the one who sent it in (else to its measure's rapportörer)."""
    reports = list(
        MeasureReport.objects.filter(
            state=MeasureReport.State.RETURNED, round__status=FollowUpRound.Status.OPEN
        ).select_related("measure", "round__plan", "submitted_by")
    )
    orphans = [r for r in reports if r.submitted_by is None]
    owners = measure_reporters(orphans) if orphans else {}
    events = []
    for report in reports:
        key = returned_event_key(report)
        title = _("Komplettera rapporten om insats %(code)s %(title)s") % {
            "code": report.measure.code,
            "title": report.measure.title,
        }
        url = reverse("reports:report_edit", args=[report.pk])
        detail = report.comment
        writers = [report.submitted_by] if report.submitted_by else owners.get(report.measure_id)
        for user in writers or ():
            events.append(
                Event(
                    NotificationKind.REPORT_RETURNED,
                    key,
                    user,
                    title,
                    url,
                    report.round.due_on,
                    detail,
                )
            )
    return events


def returned_event_key(report: MeasureReport) -> str:
    """Return the event of the report's return: returned again later, it is a new event."""
    stamp = int(report.reviewed_at.timestamp()) if report.reviewed_at else ""
    return f"{NotificationKind.REPORT_RETURNED}:{report.pk}:{stamp}"


def _rounds_opened(now: datetime.datetime) -> list[Event]:
    """A newly opened round, to the rapportörer of the measures it asks about (once each)."""
    rounds = list(
        FollowUpRound.objects.filter(
            status=FollowUpRound.Status.OPEN, opened_at__gte=now - ROUND_OPENED_WITHIN
        ).select_related("plan")
    )
    if not rounds:
        return []
    reports = list(MeasureReport.objects.filter(round__in=rounds).only("pk", "round", "measure"))
    owners = measure_reporters(reports)
    users_by_round: dict[int, set[User]] = defaultdict(set)
    for report in reports:
        users_by_round[report.round_id].update(owners.get(report.measure_id, ()))
    events = []
    for round_ in rounds:
        title = _("Uppföljningen %(round)s av %(plan)s är öppen") % {
            "round": round_label(round_),
            "plan": round_.plan.title,
        }
        url = reverse("reports:my_reports") + f"#omgang-{round_.pk}"
        key = f"{NotificationKind.ROUND_OPENED}:{round_.pk}"
        for user in sorted(users_by_round[round_.pk], key=lambda u: u.pk):
            events.append(
                Event(NotificationKind.ROUND_OPENED, key, user, title, url, round_.due_on)
            )
    return events


def _minutes_to_check() -> list[Event]:
    """Minutes waiting for an appointed adjuster's (or the chair's) check, to her."""
    checks = MinutesCheck.objects.filter(
        checked_at__isnull=True, meeting__status=Meeting.Status.HELD, person__user__isnull=False
    ).select_related("person__user", "meeting__body")
    events = []
    for check in checks:
        meeting = check.meeting
        # The chair signs (undertecknar), the appointed adjusters check (justerar).
        if check.role == MinutesCheck.Role.CHAIR:
            title = _("Underteckna protokollet från %(body)s %(day)s")
        else:
            title = _("Justera protokollet från %(body)s %(day)s")
        title = title % {"body": meeting.body.name, "day": _day(meeting_day(meeting))}
        url = reverse("councils:minutes_check", args=[meeting.pk])
        key = f"{NotificationKind.MINUTES_TO_CHECK}:{check.pk}"
        events.append(
            Event(
                NotificationKind.MINUTES_TO_CHECK,
                key,
                check.person.user,
                title,
                url,
                meeting_day(meeting) + CHECKING_DEADLINE,
            )
        )
    return events


def _secretaries(meetings: list[Meeting]) -> dict[int, list[User]]:
    """Return, per organisation of the meetings' bodies, who manages its councils."""
    return role_holders(
        organisation_ids={m.body.organisation_id for m in meetings}, kinds=MANAGE_COUNCILS
    )


def _notice_deadlines(today: datetime.date) -> list[Event]:
    """A notice whose last day is today or tomorrow and not yet sent, to the body's secretaries."""
    planned = list(
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            starts_at__gte=start_of_day(today),
            starts_at__lt=start_of_day(today + LONGEST_NOTICE),
        ).select_related("body")
    )
    due = []
    for meeting in planned:
        deadline = timezone.localdate(notice_deadline(meeting=meeting))
        if today <= deadline <= today + DEADLINE_WITHIN:
            due.append((meeting, deadline))
    secretaries = _secretaries([m for m, _deadline in due])
    events = []
    for meeting, deadline in due:
        title = _("Skicka kallelsen till %(body)s %(day)s") % {
            "body": meeting.body.name,
            "day": _day(meeting_day(meeting)),
        }
        url = reverse("councils:meeting_detail", args=[meeting.pk])
        key = f"{NotificationKind.NOTICE_DEADLINE}:{meeting.pk}:{deadline.isoformat()}"
        for user in secretaries.get(meeting.body.organisation_id, ()):
            events.append(Event(NotificationKind.NOTICE_DEADLINE, key, user, title, url, deadline))
    return events


def _posting_deadlines(today: datetime.date) -> list[Event]:
    """Checked minutes of a statutory body not yet announced on the notice board, whose last day
    (the second after checking) is today or tomorrow, to the body's secretaries."""
    unposted = list(
        Meeting.objects.filter(
            body__kind__in=Body.STATUTORY_KINDS,
            status__in=Meeting.LOCKED_STATUSES,
            posted_on__isnull=True,
            # The last day (Meeting.announce_by) is today or tomorrow.
            checked_on__gte=today - POSTING_DEADLINE,
            checked_on__lte=today - POSTING_DEADLINE + DEADLINE_WITHIN,
        ).select_related("body")
    )
    secretaries = _secretaries(unposted)
    events = []
    for meeting in unposted:
        deadline = meeting.announce_by
        title = _("Anslå justeringen av protokollet från %(body)s %(day)s") % {
            "body": meeting.body.name,
            "day": _day(meeting_day(meeting)),
        }
        url = reverse("councils:minutes", args=[meeting.pk])
        key = f"{NotificationKind.POSTING_DEADLINE}:{meeting.pk}:{deadline.isoformat()}"
        for user in secretaries.get(meeting.body.organisation_id, ()):
            events.append(Event(NotificationKind.POSTING_DEADLINE, key, user, title, url, deadline))
    return events


@dataclass
class DigestResult:
    sent: int = 0
    failed: int = 0
    skipped_today: int = 0


def send_notifications(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> DigestResult:
    """Send each person one e-mail of what she has not been told yet; see the module's text."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    events = gather_events(today=today, now=now)
    off = set(NotificationOptOut.objects.values_list("user_id", "kind"))
    told = set(
        NotificationSent.objects.filter(event__in={e.key for e in events}).values_list(
            "address", "event"
        )
    )
    already = set(NotificationDigest.objects.filter(day=today).values_list("user_id", flat=True))
    per_user: dict[User, dict[str, Event]] = defaultdict(dict)
    for event in events:
        address = event.user.email.lower()
        if (event.user.pk, event.kind) in off or (address, event.key) in told:
            continue
        per_user[event.user].setdefault(event.key, event)
    result = DigestResult()
    for user in sorted(per_user, key=lambda u: u.pk):
        if user.pk in already:
            result.skipped_today += 1
            continue
        address = user.email.lower()
        # Two accounts sharing an address: the second is not told what the first was.
        fresh = [e for e in per_user[user].values() if (address, e.key) not in told]
        if not fresh:
            continue
        if _send_digest(user=user, events=fresh, today=today, now=now):
            result.sent += 1
            told.update((address, e.key) for e in fresh)
        else:
            result.failed += 1
    return result


def _send_digest(*, user: User, events: list[Event], today: datetime.date, now) -> bool:
    """Record and send one person's digest, all or nothing; return whether it went out."""
    events = sorted(events, key=lambda e: (e.due is None, e.due or datetime.date.max, e.title))
    address = user.email.lower()
    try:
        with transaction.atomic():
            NotificationDigest.objects.create(user=user, day=today, sent_at=now, events=len(events))
            NotificationSent.objects.bulk_create(
                NotificationSent(address=address, event=e.key, kind=e.kind, user=user, sent_at=now)
                for e in events
            )
            if send_each([_digest_message(user, events)]):
                transaction.set_rollback(True)
                return False
    except IntegrityError:  # another run told her today, or told her address these events
        return False
    return True


def _digest_message(user: User, events: list[Event]) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    subject = ngettext(
        "Folkhälsa: %(count)d sak att göra", "Folkhälsa: %(count)d saker att göra", len(events)
    ) % {"count": len(events)}
    body = render_to_string(
        "my_work/digest_email.txt",
        {
            "user": user,
            "events": [(e, site + e.url) for e in events],
            "my_work": site + reverse("my_work"),
            "settings": site + reverse("notification_settings"),
        },
    )
    return EmailMessage(subject=single_line(subject), body=body, to=[user.email])


def record_sent(*, user: User, kind: str, key: str) -> None:
    """Record that an e-mail of its own told her the event, so no digest tells it again."""
    NotificationSent.objects.get_or_create(
        address=user.email.lower(),
        event=key,
        defaults={"kind": kind, "user": user, "sent_at": timezone.now()},
    )


def wants(user: User, kind: str) -> bool:
    """Return whether she wants e-mail of the kind (every kind is on until she turns it off)."""
    return not NotificationOptOut.objects.filter(user=user, kind=kind).exists()


class NotificationSettingsForm(forms.Form):
    """A box per kind: ticked, she is told of it by e-mail."""

    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Skicka e-post till mig när"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Let her choose which kinds of notification she gets by e-mail."""
    user = request.user
    off = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    initial = {"kinds": [kind for kind in NotificationKind.values if kind not in off]}
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["kinds"])
        with transaction.atomic():
            NotificationOptOut.objects.filter(user=user, kind__in=chosen).delete()
            # Two tabs saving at once: the second finds the first's rows and leaves them.
            NotificationOptOut.objects.bulk_create(
                [
                    NotificationOptOut(user=user, kind=kind)
                    for kind in NotificationKind.values
                    if kind not in chosen
                ],
                ignore_conflicts=True,
            )
        messages.success(request, _("Dina val för e-postaviseringar är sparade."))
        return redirect("notification_settings")
    status = 400 if form.errors else 200
    context = {"form": form, "email": user.email}
    return render(request, "my_work/notification_settings.html", context, status=status)
