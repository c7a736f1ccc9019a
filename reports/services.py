"""Workflows of the follow-up: importing indicator values from Kolada; opening a round,
reporting, accepting or returning, reminding owners; rendering and publishing the yearly PDF."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from folkhalsa.documents import DOCX, PDF, Kind, document_for
from folkhalsa.mail import send_each
from folkhalsa.models import NotificationKind, RenderedDocument
from folkhalsa.notifications import record_sent, returned_event_key, wants
from folkhalsa.pdf import STATIC_DIR, STYLESHEET, html_to_pdf, render_html, render_pdf
from folkhalsa.validators import single_line
from plans.models import Measure, Organisation, Person, Plan, Responsibility
from plans.services import local_time, locked, normalise_text, versioned_save
from reports.documents import DEFAULT_GAP, follow_up_document, plan_document
from reports.kolada import KoladaClient, KoladaError, KoladaValue, Kpi
from reports.models import (
    COUNTRY_CODE,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    MeasureReport,
    PublishedFollowUp,
    Source,
)
from reports.selectors import measure_reporters
from reports.word import follow_up_docx

PLAN_DOCUMENT_TEMPLATE = "reports/pdf/plan_document.html"
PLAN_DOCUMENT_VARIANT = "pdf/ua-1"
FOLLOW_UP_TEMPLATE = "reports/pdf/follow_up.html"
FOLLOW_UP_VARIANT = "pdf/ua-1"
# What lays the follow-up out besides its content: a change to any of them is a new document.
_APP = Path(__file__).resolve().parent
FOLLOW_UP_PDF_LAYOUT = (
    _APP / "templates" / "reports" / "pdf",
    _APP / "templatetags" / "documents.py",
    STATIC_DIR.parent / "templates" / "pdf",
    STYLESHEET,
)
FOLLOW_UP_DOCX_LAYOUT = (_APP / "word.py",)

# The fields an import sets on a value; a value whose fields are all equal is left alone.
IMPORTED_FIELDS = ("organisation_id", "area_name", "value", "status", "source", "is_demo")


@dataclass
class IndicatorImport:
    """What an import did to one indicator."""

    indicator: Indicator
    created: bool = False
    renamed: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0

    def describe(self) -> str:
        """Return one Swedish line for the user."""
        if self.created:
            what = _("Indikatorn %(name)s (%(kpi)s) skapades för %(owner)s.")
        elif self.renamed:
            what = _("Indikatorn %(name)s (%(kpi)s) för %(owner)s fick Koladas uppgifter.")
        else:
            what = _("Indikatorn %(name)s (%(kpi)s) för %(owner)s.")
        counts = _(
            "%(new)s nya värden, %(changed)s ändrade, %(unchanged)s oförändrade; "
            "%(missing)s saknas i Kolada."
        )
        names = {"name": self.indicator.name, "kpi": self.indicator.kolada_kpi}
        names["owner"] = self.indicator.owner.name
        numbers = {k: getattr(self, k) for k in ("new", "changed", "unchanged", "missing")}
        return f"{what % names} {counts % numbers}"


@dataclass
class KoladaImport:
    """What an import did, per indicator."""

    indicators: list[IndicatorImport] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(i.new + i.changed + i.created + i.renamed for i in self.indicators)


def indicator_values_import_kolada(
    *,
    kpis: list[str],
    municipalities: list[str],
    years: list[int],
    owner: Organisation | None = None,
    user: User | None = None,
) -> KoladaImport:
    """Import Kolada's figures for the key figures, areas and years, all or nothing.

    Without an owner, each organisation whose municipality code is asked for gets an indicator
    per key figure with its own figures and those of the areas no organisation has (the county,
    the country). With an owner, its indicator gets the figures of every area asked for.
    Everything is fetched before anything is written, so a failure leaves nothing half-imported.
    """
    areas = _area_organisations(municipalities)
    owners = _owners(municipalities, areas, owner)
    with KoladaClient() as kolada:
        metadata = kolada.kpis(kpis)
        names = kolada.areas(municipalities)
        figures = kolada.values(kpis=kpis, areas=municipalities, years=years)
    result = KoladaImport()
    with transaction.atomic():
        for organisation, codes in owners:
            for kpi in kpis:
                chosen = [f for f in figures if f.kpi == kpi and f.area_code in codes]
                done = _import_indicator(organisation, metadata[kpi], user=user)
                _import_values(done, chosen, areas=areas, names=names, user=user)
                result.indicators.append(done)
    return result


def _area_organisations(codes: list[str]) -> dict[str, Organisation]:
    """Return the organisation of each area code that has one; a top-level one first."""
    found: dict[str, Organisation] = {}
    candidates = Organisation.objects.filter(municipality_code__in=codes).order_by(
        F("parent").asc(nulls_first=True), "pk"
    )
    for organisation in candidates:
        found.setdefault(organisation.municipality_code, organisation)
    return found


def _owners(
    codes: list[str], areas: dict[str, Organisation], owner: Organisation | None
) -> list[tuple[Organisation, list[str]]]:
    """Return each owner with the area codes its indicators get."""
    if owner is not None:
        return [(owner, codes)]
    comparisons = [code for code in codes if code not in areas or code == COUNTRY_CODE]
    owners = [(areas[code], [code, *comparisons]) for code in codes if code in areas]
    if not owners:
        raise KoladaError(
            _(
                "Ingen organisation i Folkhälsa har kommunkoden %(codes)s. Ange kommunkoden på "
                "organisationen först, så att värdena får en ägare."
            )
            % {"codes": ", ".join(codes)}
        )
    return owners


def _import_indicator(owner: Organisation, kpi: Kpi, *, user: User | None) -> IndicatorImport:
    """Return the owner's indicator for the key figure, created or given Kolada's title."""
    indicator = Indicator.objects.filter(owner=owner, kolada_kpi=kpi.id).first()
    if indicator is None:
        indicator = Indicator(
            owner=owner,
            kolada_kpi=kpi.id,
            source=Source.KOLADA,
            name=kpi.title[:300],
            description=kpi.description,
            split_by_sex=kpi.divided_by_gender,
        )
        _save(indicator, user)
        return IndicatorImport(indicator=indicator, created=True)
    if (indicator.name, indicator.split_by_sex) == (kpi.title[:300], kpi.divided_by_gender):
        return IndicatorImport(indicator=indicator)
    indicator.name, indicator.split_by_sex = kpi.title[:300], kpi.divided_by_gender
    _save(indicator, user)
    return IndicatorImport(indicator=indicator, renamed=True)


def _import_values(
    done: IndicatorImport,
    figures: list[KoladaValue],
    *,
    areas: dict[str, Organisation],
    names: dict[str, str],
    user: User | None,
) -> None:
    """Store the figures on the indicator: new ones created, changed ones updated, no others."""
    stored = {
        (v.area_code, v.year, v.sex): v for v in done.indicator.values.filter(tertial__isnull=True)
    }
    now = timezone.now()
    for figure in figures:
        wanted = _fields(figure, areas=areas, names=names)
        done.missing += wanted["value"] is None
        record = stored.get((figure.area_code, figure.year, figure.gender))
        if record is not None and all(getattr(record, k) == wanted[k] for k in IMPORTED_FIELDS):
            done.unchanged += 1
            continue
        if record is None:
            record = IndicatorValue(
                indicator=done.indicator, area_code=figure.area_code, year=figure.year
            )
            record.sex = figure.gender
            done.new += 1
        else:
            done.changed += 1
        for name, value in wanted.items():
            setattr(record, name, value)
        record.imported_at = now
        _save(record, user)


def _fields(figure: KoladaValue, *, areas: dict[str, Organisation], names: dict) -> dict:
    """Return the stored fields of a figure; a figure Kolada lacks is stored as missing."""
    organisation = areas.get(figure.area_code)
    return {
        "organisation_id": organisation.pk if organisation else None,
        "area_name": names[figure.area_code][:200],
        "value": figure.value,
        "status": IndicatorValue.Status.MISSING if figure.value is None else "",
        "source": Source.KOLADA,
        "is_demo": False,  # fetched from Kolada: real, whatever the demo had there
    }


def _save(record, user: User | None) -> None:
    """Save the record with the user named in its history."""
    if user is not None and user.is_authenticated:
        record._history_user = user
    record.save()


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
    if not accept:
        _send_returned_mail(stored)


def _send_returned_mail(report: MeasureReport) -> bool:
    """E-mail the writer of a returned report what to complete; return whether it went out
    (a writer without an e-mail address, or a failing server, leaves the return as it is)."""
    writer = report.submitted_by
    kind = NotificationKind.REPORT_RETURNED
    if writer is None or not writer.email or not writer.is_active or not wants(writer, kind):
        return False
    measure = report.measure
    link = settings.SITE_URL.rstrip("/") + reverse("reports:report_edit", args=[report.pk])
    message = EmailMessage(
        subject=_("Komplettera rapporten om %(measure)s") % {"measure": single_line(str(measure))},
        body=render_to_string(
            "reports/returned_email.txt",
            {"report": report, "measure": measure, "link": link, "user": writer},
        ),
        to=[writer.email],
    )
    if send_each([message]):
        return False
    # Told now: the day's digest does not tell her again.
    record_sent(user=writer, kind=kind, key=returned_event_key(report))
    return True


@dataclass(frozen=True)
class Reminder:
    """Who was reminded of which measures, and whether the e-mail went out."""

    user: User
    measures: list[Measure]
    sent: bool = True


@dataclass
class ReminderReach:
    """Who a reminder of the round's unreported measures reaches, and which measures it cannot
    reach, and why: before anything is sent, so the strategist can act on the rest."""

    reached: dict[User, list[Measure]] = field(default_factory=dict)
    without_email: dict[User, list[Measure]] = field(default_factory=dict)
    no_reporter: list[Measure] = field(default_factory=list)  # its organisations have none
    no_owner: list[Measure] = field(default_factory=list)  # no responsible organisation

    @property
    def unreached(self) -> list[Measure]:
        """Return the measures nobody will be reminded of."""
        reached = {m.pk for measures in self.reached.values() for m in measures}
        unreached = {
            m.pk: m
            for m in [
                *self.no_owner,
                *self.no_reporter,
                *(m for ms in self.without_email.values() for m in ms),
            ]
            if m.pk not in reached
        }
        return sorted(unreached.values(), key=lambda m: (m.order, m.code, m.pk))


def reminder_reach(*, round_: FollowUpRound) -> ReminderReach:
    """Return whom a reminder would reach now, and what it would leave unreached."""
    missing = list(
        round_.reports.filter(state__in=MeasureReport.MISSING_STATES)
        .select_related("measure")
        .order_by("measure__order", "measure__code", "measure__pk")
    )
    owned = set(
        Responsibility.objects.filter(
            measure__in=[r.measure_id for r in missing], role__in=Responsibility.OWNER_ROLES
        ).values_list("measure_id", flat=True)
    )
    owners = measure_reporters(missing)
    reach = ReminderReach()
    for report in missing:
        measure = report.measure
        if measure.pk not in owned:
            reach.no_owner.append(measure)
            continue
        people = sorted(set(owners.get(measure.pk, ())), key=lambda u: u.pk)
        if not people:
            reach.no_reporter.append(measure)
        for person in people:
            group = reach.reached if person.email else reach.without_email
            group.setdefault(person, []).append(measure)
    return reach


def round_send_reminders(
    *, round_: FollowUpRound, user: AbstractBaseUser | None, today: datetime.date | None = None
) -> tuple[list[Reminder], ReminderReach]:
    """E-mail every rapportör with measures not yet reported in the round; return who got
    what, and what could not be reached. The round is marked reminded only when an e-mail went
    out; refused (nothing sent) when the round is closed or nobody can be reached."""
    if not round_.is_open:
        raise ValidationError(_("Uppföljningen är stängd; ingen påminnelse skickas."))
    reach = reminder_reach(round_=round_)
    if not reach.reached:
        if not reach.unreached:
            raise ValidationError(_("Alla insatser är rapporterade; ingen behöver påminnas."))
        raise ValidationError(
            _(
                "Ingen påminnelse skickades: ingen rapportör för de insatser som saknas kan nås "
                "med e-post."
            )
        )
    with transaction.atomic():
        reminders = _send_reminder_mails(round_=round_, measures_of=reach.reached)
        # Every e-mail failing (the mail server down) leaves the round to be reminded again.
        if any(r.sent for r in reminders):
            round_.last_reminded_on = today or timezone.localdate()
            round_._history_user = user
            round_.save(update_fields=["last_reminded_on"])
    return reminders, reach


def _send_reminder_mails(
    *, round_: FollowUpRound, measures_of: dict[User, list[Measure]]
) -> list[Reminder]:
    """Send one reminder per owner; one that fails is logged and the others still go out."""
    due = formats.date_format(round_.due_on, "j F Y")
    link = settings.SITE_URL.rstrip("/") + reverse("reports:my_reports")
    subject = _("Påminnelse: rapportera insatser i %(plan)s senast %(due)s") % {
        "plan": single_line(round_.plan.title),
        "due": due,
    }
    messages = {
        owner: EmailMessage(
            subject=subject,
            body=render_to_string(
                "reports/reminder_email.txt",
                {"round": round_, "measures": measures, "due": due, "link": link, "user": owner},
            ),
            to=[owner.email],
        )
        for owner, measures in measures_of.items()
    }
    failed = send_each(list(messages.values()))
    return [
        Reminder(user=owner, measures=measures, sent=owner.email.lower() not in failed)
        for owner, measures in measures_of.items()
    ]


def follow_up_render(*, content: dict) -> bytes:
    """Return the follow-up as a tagged, accessible PDF (PDF/UA-1) from its gathered content."""
    return render_pdf(template_name=FOLLOW_UP_TEMPLATE, context=content, variant=FOLLOW_UP_VARIANT)


def follow_up_preview_document(
    *, content: dict, year: int, word: bool, create: bool = True, user: User | None = None
) -> RenderedDocument | None:
    """Return the year's follow-up as it reads now, as PDF or Word, typeset in the background
    once per content for `user` (folkhalsa/documents.py)."""
    if word:
        return document_for(
            kind=Kind.FOLLOW_UP_PREVIEW_DOCX,
            content=content,
            layout=FOLLOW_UP_DOCX_LAYOUT,
            filename=f"uppfoljning-{year}-utkast.docx",
            content_type=DOCX,
            create=create,
            user=user,
        )
    return document_for(
        kind=Kind.FOLLOW_UP_PREVIEW_PDF,
        content=content,
        variant=FOLLOW_UP_VARIANT,
        layout=FOLLOW_UP_PDF_LAYOUT,
        filename=f"uppfoljning-{year}-utkast.pdf",
        create=create,
        user=user,
    )


def follow_up_pdf_from_document(document: RenderedDocument) -> bytes:
    """Typeset a follow-up preview from its content (the background task's work)."""
    return follow_up_render(content=document.content)


def follow_up_docx_from_document(document: RenderedDocument) -> bytes:
    """Write a follow-up preview as Word from its content (the background task's work)."""
    return follow_up_docx(content=document.content)


def published_document(
    *, published: PublishedFollowUp, word: bool, create: bool = True
) -> RenderedDocument | None:
    """Return the making of a published follow-up's PDF or Word file: rendered once from what
    was published and kept with it (`published_files_store`)."""
    extension = "docx" if word else "pdf"
    return document_for(
        kind=Kind.PUBLISHED_DOCX if word else Kind.PUBLISHED_PDF,
        key=str(published.pk),
        content={"published": published.pk},
        filename=f"uppfoljning-{published.year}.{extension}",
        content_type=DOCX if word else PDF,
        create=create,
    )


def published_files_store(document: RenderedDocument) -> None:
    """Render a published follow-up's PDF or Word file from its frozen content and keep it with
    the published record, once (the background task's work)."""
    field = "docx" if document.kind == Kind.PUBLISHED_DOCX else "pdf"
    # A file stored is what was published, whatever a later layout would make of it.
    unstored = PublishedFollowUp.objects.filter(pk=document.content["published"], **{field: b""})
    published = unstored.only("content").first()
    if published is None:
        return
    render = follow_up_docx if field == "docx" else follow_up_render
    unstored.update(**{field: render(content=published.content)})


def plan_document_render(*, plan: Plan) -> bytes:
    """Return the whole plan as a tagged PDF, like the source document it was written from."""
    html = render_html(template_name=PLAN_DOCUMENT_TEMPLATE, context=plan_document(plan=plan))
    return html_to_pdf(html=html, variant=PLAN_DOCUMENT_VARIANT)


def plan_pdf_document(
    *, plan: Plan, filename: str, create: bool = True, user: User | None = None
) -> RenderedDocument | None:
    """Return the whole plan's PDF, typeset in the background once per content for `user`.

    Anyone may ask for an adopted plan's PDF and typesetting takes seconds, so it is made once
    for what it shows: its HTML (rendered here, as its context holds records) and stylesheet.
    """
    html = render_html(template_name=PLAN_DOCUMENT_TEMPLATE, context=plan_document(plan=plan))
    return document_for(
        kind=Kind.PLAN_PDF,
        html=html,
        variant=PLAN_DOCUMENT_VARIANT,
        filename=filename,
        create=create,
        user=user,
    )


def name_and_title(user: AbstractBaseUser) -> str:
    """Return how a page or a published report names a user: her name and title as the
    register has them, else her account's name; never her login name."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return ", ".join(part for part in (person.name, person.title) if part)
    return user.get_full_name()


def publish_refusals(*, plan: Plan, year: int, today: datetime.date | None = None) -> list[str]:
    """Return why the year's follow-up may not be published now (empty if it may): the plan
    must be adopted, the year must have a follow-up round, and be over unless its round is
    closed."""
    today = today or timezone.localdate()
    refusals = []
    if plan.status not in Plan.PUBLISHED_STATUSES:
        refusals.append(
            _(
                "Planen är inte antagen (den är ”%(status)s”): bara en antagen plan följs upp "
                "offentligt."
            )
            % {"status": plan.get_status_display()}
        )
    rounds = list(plan.follow_up_rounds.filter(year=year))
    if not rounds:
        refusals.append(
            _(
                "Det finns ingen uppföljning för %(year)s: öppna en och låt insatsernas ägare "
                "rapportera innan rapporten publiceras."
            )
            % {"year": year}
        )
    elif year >= today.year and not any(not r.is_open for r in rounds):
        refusals.append(
            _("Året %(year)s är inte slut: stäng uppföljningen för %(year)s först.")
            % {"year": year}
        )
    return refusals


def follow_up_publish(
    *,
    plan: Plan,
    year: int,
    user: AbstractBaseUser,
    gap: Decimal = DEFAULT_GAP,
    reason: str = "",
) -> PublishedFollowUp:
    """Freeze the follow-up as it reads now: its content, and its PDF and Word file typeset
    from it once by the task queue and stored with it.

    Refused (ValidationError, nothing written) where `publish_refusals` says so. A year
    published before gets a new version that replaces the earlier one publicly, which is kept
    in the archive; the new version must say what changed and why (`reason`).
    """
    with transaction.atomic():
        locked(Plan.objects.filter(pk=plan.pk), action="Publishing a follow-up").get()
        refusals = publish_refusals(plan=plan, year=year)
        current = PublishedFollowUp.objects.filter(
            plan=plan, year=year, replaced_by__isnull=True
        ).first()
        reason = normalise_text(reason)
        if current is not None and not reason:
            refusals.append(
                _(
                    "%(year)s är redan publicerad %(when)s. Skriv vad som har ändrats och varför: "
                    "det står i den nya versionen, och den förra sparas i arkivet."
                )
                % {"year": year, "when": local_time(current.published_at)}
            )
        if refusals:
            raise ValidationError(refusals)
        now = timezone.now()
        publisher = name_and_title(user)
        content = follow_up_document(plan=plan, year=year, gap=gap)
        content["published_on"] = timezone.localdate(now).isoformat()
        content["published_by"] = publisher
        content["reason"] = reason
        published = PublishedFollowUp(
            plan=plan,
            year=year,
            content=content,
            published_by=user,
            published_at=now,
            publisher=publisher,
            reason=reason,
        )
        published._history_user = user
        if current is not None:
            # Out of the way first (the database keeps one current report per plan and year):
            # marked replaced by itself until the new one has an id to point at.
            PublishedFollowUp.objects.filter(pk=current.pk).update(replaced_by=current.pk)
        published.save()
        if current is not None:
            current.replaced_by = published
            current._history_user = user
            current.save(update_fields=["replaced_by"])
        # Typeset by the task queue, not in this request: the pages show progress until then.
        for word in (False, True):
            published_document(published=published, word=word)
    published.refresh_from_db(fields=["pdf", "docx"])  # filled already where tasks run inline
    return published
