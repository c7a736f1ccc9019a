"""The prioritisation's workflows, each all or nothing: start one with seed 004's criteria,
open a round, save a rater's scores, remind, close, and turn the decision into a plan."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from folkhalsa.mail import send_each
from folkhalsa.validators import single_line
from plans.models import (
    Candidate,
    Criterion,
    FocusArea,
    Measure,
    Plan,
    Prioritisation,
    Rater,
    Rating,
    Round,
    Score,
)
from plans.services import locked, plan_item_add, plan_start, versioned_save

# Seed 004's four criteria ("angelägenhetsgrad, nytta/effekt av åtgärd på individnivå,
# åtgärdens kostnadseffektivitet, relevans för Dalarnas kommuner och region"), offered to every
# new prioritisation; the last names the owner's own area.
DEFAULT_CRITERIA = (
    (gettext_lazy("Angelägenhetsgrad"), gettext_lazy("Hur angeläget behovet är.")),
    (
        gettext_lazy("Nytta/effekt av åtgärd på individnivå"),
        gettext_lazy("Vilken nytta åtgärden gör för den enskilda människan."),
    ),
    (
        gettext_lazy("Åtgärdens kostnadseffektivitet"),
        gettext_lazy("Effekten i förhållande till vad åtgärden kostar."),
    ),
    (
        gettext_lazy("Relevans för organisationerna och området"),
        gettext_lazy("Hur väl åtgärden passar de egna kommunerna och regionen."),
    ),
)


def prioritisation_start(
    *, prioritisation: Prioritisation, user: AbstractBaseUser, criteria: bool = True
) -> None:
    """Create the prioritisation with seed 004's four criteria, weight 1 each."""
    prioritisation.full_clean()
    with transaction.atomic():
        versioned_save(instance=prioritisation, expected_version=1, user=user)
        if criteria:
            Criterion.objects.bulk_create(
                Criterion(
                    prioritisation=prioritisation, order=i, name=str(name), description=str(d)
                )
                for i, (name, d) in enumerate(DEFAULT_CRITERIA)
            )


def candidate_delete(*, candidate: Candidate) -> None:
    """Delete a candidate nobody has scored and no decision has used; else refuse."""
    with transaction.atomic():
        current = locked(Candidate.objects.filter(pk=candidate.pk), action="åtgärdsområdet").first()
        if current is None:
            raise ValidationError(_("Åtgärdsområdet finns inte längre."))
        if current.ratings.exists() or current.rounds.exists():
            raise ValidationError(
                _(
                    "Åtgärdsområdet har ingått i en omgång och tas inte bort: dess poäng hör till "
                    "prioriteringens underlag. Lämna det utanför nästa omgång i stället."
                )
            )
        if current.focus_area_id or current.measure_id:
            raise ValidationError(_("Åtgärdsområdet är beslutat och står i en plan."))
        current.delete()


def _locked_round(round_: Round) -> Round:
    """Return the round read under its row lock."""
    return locked(Round.objects.filter(pk=round_.pk), action="omgången").get()


def round_open(
    *,
    round_: Round,
    raters: Iterable[tuple[User, str]],
    candidates: Iterable[Candidate],
    user: AbstractBaseUser,
) -> Round:
    """Open the next round for the named raters (user, capacity) over the candidates; one round
    is open at a time. The raters are told by e-mail once it is saved."""
    raters, candidates = list(raters), list(candidates)
    if not raters:
        raise ValidationError(_("Välj minst en bedömare."))
    if not candidates:
        raise ValidationError(_("Välj minst ett åtgärdsområde."))
    prioritisation = round_.prioritisation
    with transaction.atomic():
        locked(Prioritisation.objects.filter(pk=prioritisation.pk), action="prioriteringen").get()
        if prioritisation.rounds.filter(status=Round.Status.OPEN).exists():
            raise ValidationError(_("En omgång är redan öppen. Stäng den innan nästa öppnas."))
        if not prioritisation.criteria.exists():
            raise ValidationError(_("Lägg till minst ett kriterium innan en omgång öppnas."))
        last = prioritisation.rounds.aggregate(last=Max("number"))["last"] or 0
        round_.number = last + 1
        round_.status = Round.Status.OPEN
        round_.opened_at = timezone.now()
        round_.full_clean(exclude=["candidates", "raters"])
        versioned_save(instance=round_, expected_version=1, user=user)
        round_.candidates.set(candidates)
        Rater.objects.bulk_create(
            Rater(round=round_, user=rater, capacity=capacity) for rater, capacity in raters
        )
        transaction.on_commit(lambda: _tell_raters(round_, [r for r, _c in raters], opened=True))
    return round_


@dataclass(frozen=True)
class SheetInput:
    """What a rater posts for one candidate: criterion id → points (None: cleared) for the
    criteria posted, and the comment (None: not posted). What is not posted stays as it is."""

    candidate: int
    scores: dict[int, int | None]
    comment: str | None


def scores_save(*, rater: Rater, sheets: Iterable[SheetInput]) -> bool:
    """Save the rater's scores and comments in one go, each posted one replacing what she saved
    before and nothing else; only while the round is open (read under its lock, so a save
    racing the close waits and is refused). Returns whether she has now scored every
    candidate on every criterion."""
    sheets = list(sheets)
    with transaction.atomic():
        round_ = _locked_round(rater.round)
        if not sheets:
            return rater.completed_at is not None
        if not round_.is_open:
            raise ValidationError(_("Omgången är stängd. Poängen kan inte längre ändras."))
        candidate_ids = set(round_.candidates.values_list("pk", flat=True))
        criteria = list(round_.prioritisation.criteria.values_list("pk", flat=True))
        low, high = round_.prioritisation.scale_min, round_.prioritisation.scale_max
        for sheet in sheets:
            if sheet.candidate not in candidate_ids:
                raise ValidationError(_("Åtgärdsområdet ingår inte i omgången."))
            for value in sheet.scores.values():
                if value is not None and not low <= value <= high:
                    raise ValidationError(
                        _("Poängen ska vara från %(low)s till %(high)s.")
                        % {"low": low, "high": high}
                    )
        _merge_sheets(rater, sheets, criteria)
        given = Score.objects.filter(rating__rater=rater, rating__candidate__in=candidate_ids)
        complete = given.count() == len(candidate_ids) * len(criteria)
        now = timezone.now()
        Rater.objects.filter(pk=rater.pk).update(
            saved_at=now, completed_at=now if complete else None
        )
    return complete


def _merge_sheets(rater: Rater, sheets: list[SheetInput], criteria: list[int]) -> None:
    """Write the posted scores and comments over the stored ones, in a fixed number of queries:
    a score posted empty is deleted, one not posted is kept."""
    ratings = {
        r.candidate_id: r
        for r in Rating.objects.filter(rater=rater, candidate__in=[s.candidate for s in sheets])
    }
    new = [
        Rating(rater=rater, candidate_id=s.candidate, comment=s.comment or "")
        for s in sheets
        if s.candidate not in ratings
    ]
    for rating in Rating.objects.bulk_create(new):
        ratings[rating.candidate_id] = rating
    changed = []
    for sheet in sheets:
        rating = ratings[sheet.candidate]
        if sheet.comment is not None and rating.comment != sheet.comment:
            rating.comment = sheet.comment
            changed.append(rating)
    Rating.objects.bulk_update(changed, ["comment"])
    posted = [
        (ratings[s.candidate].pk, criterion, value)
        for s in sheets
        for criterion, value in s.scores.items()
        if criterion in criteria
    ]
    stored = {
        (score.rating_id, score.criterion_id): score
        for score in Score.objects.filter(rating__in=[r.pk for r in ratings.values()])
    }
    Score.objects.filter(
        pk__in=[stored[(r, c)].pk for r, c, v in posted if v is None and (r, c) in stored]
    ).delete()
    updated = []
    for rating_id, criterion, value in posted:
        score = stored.get((rating_id, criterion))
        if value is not None and score is not None and score.value != value:
            score.value = value
            updated.append(score)
    Score.objects.bulk_update(updated, ["value"])
    Score.objects.bulk_create(
        Score(rating_id=r, criterion_id=c, value=v)
        for r, c, v in posted
        if v is not None and (r, c) not in stored
    )


def round_close(*, round_: Round, expected_version: int, user: AbstractBaseUser) -> None:
    """Close the round: from now on its scores are read by everyone who reads the ranking."""
    with transaction.atomic():
        current = _locked_round(round_)
        if not current.is_open:
            raise ValidationError(_("Omgången är redan stängd."))
        current.status = Round.Status.CLOSED
        current.closed_at = timezone.now()
        versioned_save(instance=current, expected_version=expected_version, user=user)


def round_remind(*, round_: Round) -> int:
    """Remind by e-mail every rater who has not yet scored everything; return how many."""
    if not round_.is_open:
        raise ValidationError(_("Omgången är stängd."))
    waiting = list(
        Rater.objects.filter(round=round_, completed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    failed = _tell_raters(round_, [r.user for r in waiting], opened=False)
    reached = [r.pk for r in waiting if r.user.email.lower() not in failed]
    Rater.objects.filter(pk__in=reached).update(reminded_at=timezone.now())
    return len(reached)


def _tell_raters(round_: Round, users: list[User], *, opened: bool) -> set[str]:
    """E-mail each rater the round's address (one message each); return addresses not reached."""
    prioritisation = round_.prioritisation
    address = settings.SITE_URL.rstrip("/") + reverse(
        "plans:round_scores", kwargs={"pk": round_.pk}
    )
    due = (
        _("Sista dag: %(date)s.") % {"date": round_.due_on.strftime("%Y-%m-%d")}
        if round_.due_on
        else ""
    )
    if opened:
        subject = _("Du är bedömare i %(title)s") % {"title": prioritisation.title}
        lead = _("En ny omgång har öppnats: %(round)s.") % {"round": round_}
    else:
        subject = _("Påminnelse: %(title)s") % {"title": prioritisation.title}
        lead = _("Du har ännu inte poängsatt alla åtgärdsområden i %(round)s.") % {"round": round_}
    messages = [
        EmailMessage(
            subject=single_line(subject),
            body="\n\n".join(
                part
                for part in (
                    lead,
                    due,
                    _("Poängsätt här: %(address)s") % {"address": address},
                    _("Ingen annan ser dina poäng förrän omgången har stängts."),
                )
                if part
            ),
            to=[user.email],
        )
        for user in users
        if user.email
    ]
    return send_each(messages) if messages else set()


class PlanTarget:
    """Where the decision puts its candidates."""

    AS_FOCUS_AREAS = "fokusomraden"
    AS_MEASURES = "insatser"


def decision_to_plan(
    *,
    prioritisation: Prioritisation,
    expected_version: int,
    candidates: list[Candidate],
    plan: Plan,
    as_: str,
    decided_by: str,
    decided_on: date,
    reference: str,
    user: AbstractBaseUser,
) -> Plan:
    """Record the decision and make the chosen candidates items of the plan (new when it has
    no id yet: started as a draft), through the workbench's services, all in one transaction.
    As focus areas: one per candidate. As measures: under a focus area per theme. Each candidate
    keeps the item it became, the link from the plan back to its scores."""
    if not candidates:
        raise ValidationError(_("Välj minst ett åtgärdsområde."))
    with transaction.atomic():
        current = locked(
            Prioritisation.objects.filter(pk=prioritisation.pk), action="prioriteringen"
        ).get()
        chosen = list(
            locked(
                Candidate.objects.filter(
                    prioritisation=current, pk__in=[c.pk for c in candidates]
                ).select_related("theme"),
                action="åtgärdsområdena",
            ).order_by("theme__number", "pk")
        )
        if len(chosen) != len(candidates):
            raise ValidationError(_("Åtgärdsområdet hör inte till prioriteringen."))
        done = [c for c in chosen if c.focus_area_id or c.measure_id]
        if done:
            raise ValidationError(
                _("Redan beslutat och fört till en plan: %(titles)s.")
                % {"titles": ", ".join(c.title for c in done)}
            )
        if plan.pk is None:
            plan_start(plan=plan, user=user)
        if as_ == PlanTarget.AS_MEASURES:
            _as_measures(plan, chosen, user)
        else:
            _as_focus_areas(plan, chosen, user)
        Candidate.objects.filter(pk__in=[c.pk for c in chosen]).update(
            decided_by=decided_by, decided_on=decided_on, decision_reference=reference
        )
        current.decided_by = decided_by
        current.decided_on = decided_on
        current.decision_reference = reference
        current.plan = plan
        current.full_clean()
        versioned_save(instance=current, expected_version=expected_version, user=user)
        prioritisation.version = current.version
    return plan


def _as_focus_areas(plan: Plan, chosen: list[Candidate], user) -> None:
    for candidate in chosen:
        area = FocusArea(plan=plan, title=candidate.title, background=candidate.description)
        plan_item_add(item=area, user=user)
        Candidate.objects.filter(pk=candidate.pk).update(focus_area=area)


def _as_measures(plan: Plan, chosen: list[Candidate], user) -> None:
    areas: dict[int, FocusArea] = {}
    existing = {a.title: a for a in FocusArea.objects.filter(plan=plan, parent=None)}
    for candidate in chosen:
        theme = candidate.theme
        if theme.pk not in areas:
            area = existing.get(theme.title)
            if area is None:
                area = FocusArea(plan=plan, title=theme.title, background=theme.description)
                plan_item_add(item=area, user=user)
            areas[theme.pk] = area
        measure = Measure(
            plan=plan,
            focus_area=areas[theme.pk],
            title=candidate.title,
            description=candidate.description,
            expected_result=candidate.effect,
        )
        plan_item_add(item=measure, user=user)
        measure.target_areas.set(candidate.target_areas.all())
        Candidate.objects.filter(pk=candidate.pk).update(measure=measure)
