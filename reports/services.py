"""Follow-up workflows: open a round, report, accept or return, remind the owners."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from folkhalsa.pdf import render_pdf
from plans.models import Measure, Organisation, Plan, Responsibility, Role
from plans.services import versioned_save
from reports.documents import follow_up_document, plan_document
from reports.models import FollowUpRound, MeasureReport, PublishedFollowUp


def round_open(
    *,
    plan: Plan,
    year: int,
    period: str,
    due_on: datetime.date,
    user: AbstractBaseUser,
) -> FollowUpRound:
    """Open a follow-up round with one report waiting for every measure of the plan."""
    round_ = FollowUpRound(plan=plan, year=year, period=period, due_on=due_on, opened_by=user)
    round_.full_clean()
    with transaction.atomic():
        round_._history_user = user
        round_.save()
        reports = [MeasureReport(round=round_, measure=m) for m in plan.measures.all()]
        bulk_create_with_history(reports, MeasureReport, default_user=user)
    return round_


def round_close(*, round_: FollowUpRound, user: AbstractBaseUser) -> None:
    """Close the round: owners can no longer report in it."""
    round_.status = FollowUpRound.Status.CLOSED
    round_._history_user = user
    round_.save(update_fields=["status"])


def _locked_for_owner(report: MeasureReport) -> ValidationError:
    """Return the refusal for a report its owner may no longer change."""
    if not report.round.is_open:
        return ValidationError(_("Uppföljningen är stängd. Kontakta folkhälsostrategen."))
    return ValidationError(
        _("Rapporten är %(state)s och kan inte ändras.")
        % {"state": report.get_state_display().lower()}
    )


def report_save(
    *, report: MeasureReport, expected_version: int, user: AbstractBaseUser, submit: bool
) -> bool:
    """Save the owner's report as a draft or submit it; refuse it once it is no longer hers."""
    with transaction.atomic():
        stored = MeasureReport.objects.select_for_update().select_related("round").get(pk=report.pk)
        if not stored.is_editable:
            raise _locked_for_owner(stored)
        if submit:
            _require_complete(report)
            report.state = MeasureReport.State.SUBMITTED
            report.submitted_by = user
            report.submitted_at = timezone.now()
        elif report.state == MeasureReport.State.NOT_REPORTED:
            report.state = MeasureReport.State.DRAFT
        return versioned_save(instance=report, expected_version=expected_version, user=user)


def _require_complete(report: MeasureReport) -> None:
    """Refuse to submit a report without a status and a text on how it goes."""
    errors = {}
    if not report.status:
        errors["status"] = _("Välj en status innan du skickar in.")
    if not report.progress.strip():
        errors["progress"] = _("Skriv hur arbetet går innan du skickar in.")
    if errors:
        raise ValidationError(errors)


def report_review(
    *, report: MeasureReport, user: AbstractBaseUser, accept: bool, comment: str
) -> None:
    """Accept a submitted report, or return it to its owner with a comment."""
    with transaction.atomic():
        stored = MeasureReport.objects.select_for_update().get(pk=report.pk)
        if stored.state != MeasureReport.State.SUBMITTED:
            raise ValidationError(
                _("Bara inskickade rapporter kan granskas; den här är %(state)s.")
                % {"state": stored.get_state_display().lower()}
            )
        if not accept and not comment.strip():
            raise ValidationError(
                {"comment": _("Skriv vad som behöver kompletteras när du returnerar.")}
            )
        stored.state = MeasureReport.State.ACCEPTED if accept else MeasureReport.State.RETURNED
        stored.comment = comment.strip()
        stored.reviewed_by = user
        stored.reviewed_at = timezone.now()
        versioned_save(instance=stored, expected_version=stored.version, user=user)


@dataclass(frozen=True)
class Reminder:
    """Who was reminded of which measures."""

    user: User
    measures: list[Measure]


def _owners_by_measure(reports: list[MeasureReport]) -> dict[int, list[User]]:
    """Return, per measure, the active rapportörer of its responsible organisations (or above)."""
    responsible = Responsibility.objects.filter(
        measure__in=[r.measure_id for r in reports], role=Responsibility.Role.RESPONSIBLE
    ).values_list("measure_id", "organisation_id")
    org_ids = {org for _, org in responsible}
    # A role covers units below; one recursive query gives each organisation's ancestors.
    paths = dict(
        Organisation.objects.with_tree_fields()
        .filter(pk__in=org_ids)
        .values_list("pk", "tree_path")
    )
    roles = Role.objects.filter(
        kind=Role.Kind.REPORTER,
        organisation__in={pk for path in paths.values() for pk in path},
        user__is_active=True,
    ).select_related("user")
    users_at: dict[int, set[User]] = defaultdict(set)
    for role in roles:
        users_at[role.organisation_id].add(role.user)
    owners: dict[int, list[User]] = defaultdict(list)
    for measure_id, org_id in responsible:
        for ancestor in paths.get(org_id, []):
            owners[measure_id].extend(users_at.get(ancestor, ()))
    return owners


def round_send_reminders(
    *, round_: FollowUpRound, user: AbstractBaseUser | None, today: datetime.date | None = None
) -> list[Reminder]:
    """E-mail every owner with measures not yet reported in the round; return who got what."""
    if not round_.is_open:
        raise ValidationError(_("Uppföljningen är stängd; ingen påminnelse skickas."))
    missing = list(
        round_.reports.filter(state__in=MeasureReport.MISSING_STATES).select_related("measure")
    )
    owners = _owners_by_measure(missing)
    measures_of: dict[User, list[Measure]] = defaultdict(list)
    for report in missing:
        for owner in set(owners.get(report.measure_id, ())):
            if owner.email:
                measures_of[owner].append(report.measure)
    reminders = [Reminder(user=u, measures=m) for u, m in measures_of.items()]
    with transaction.atomic():
        _send_reminder_mails(round_=round_, reminders=reminders)
        round_.last_reminded_on = today or timezone.localdate()
        round_._history_user = user
        round_.save(update_fields=["last_reminded_on"])
    return reminders


def _send_reminder_mails(*, round_: FollowUpRound, reminders: list[Reminder]) -> None:
    """Send one reminder per owner, through one connection."""
    due = formats.date_format(round_.due_on, "j F Y")
    link = settings.SITE_URL.rstrip("/") + reverse("reports:my_reports")
    messages = [
        EmailMessage(
            subject=_("Påminnelse: rapportera insatser i %(plan)s senast %(due)s")
            % {"plan": round_.plan.title, "due": due},
            body=render_to_string(
                "reports/reminder_email.txt",
                {"round": round_, "measures": r.measures, "due": due, "link": link, "user": r.user},
            ),
            to=[r.user.email],
        )
        for r in reminders
    ]
    if messages:
        get_connection().send_messages(messages)


def follow_up_render(*, content: dict) -> bytes:
    """Return the follow-up as a tagged, accessible PDF (PDF/UA-1) from its gathered content."""
    return render_pdf(
        template_name="reports/pdf/follow_up.html", context=content, variant="pdf/ua-1"
    )


def plan_document_render(*, plan: Plan) -> bytes:
    """Return the whole plan as a tagged PDF, like the source document it was written from."""
    return render_pdf(
        template_name="reports/pdf/plan_document.html",
        context=plan_document(plan=plan),
        variant="pdf/ua-1",
    )


def follow_up_publish(*, plan: Plan, year: int, user: AbstractBaseUser) -> PublishedFollowUp:
    """Freeze the follow-up as it reads now: its content and its PDF, stored together."""
    now = timezone.now()
    content = follow_up_document(plan=plan, year=year)
    content["published_on"] = timezone.localdate(now).isoformat()
    content["published_by"] = user.get_full_name() or user.get_username()
    published = PublishedFollowUp(
        plan=plan,
        year=year,
        content=content,
        pdf=follow_up_render(content=content),
        published_by=user,
        published_at=now,
    )
    published._history_user = user
    published.save()
    return published
