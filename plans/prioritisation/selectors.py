"""What the prioritisation's pages read, in a fixed number of queries whatever its size."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from folkhalsa.work_items import WorkItem
from plans.models import Candidate, Criterion, Prioritisation, Rater, Round, Score, Theme
from plans.permissions import AnyUser, readable_prioritisations
from plans.prioritisation.ranking import Pattern, Row, Sheet, pattern, rank, rank_rows


@dataclass
class ThemeRanking:
    theme: Theme
    rows: list[Row]
    pattern: Pattern


@dataclass
class Ranking:
    """The merged ranking of the chosen closed rounds, per theme and overall."""

    method: str
    rounds: list[Round]
    criteria: list[Criterion]
    candidates: dict[int, Candidate]
    themes: list[ThemeRanking] = field(default_factory=list)
    overall: list[Row] = field(default_factory=list)

    @property
    def raters(self) -> int:
        return sum(r.rater_count for r in self.rounds)


def rounds_of(prioritisation: Prioritisation) -> list[Round]:
    """Return the prioritisation's rounds with how many raters each has and how many have
    scored every candidate (one query)."""
    return list(
        prioritisation.rounds.annotate(
            rater_count=Count("rater_rows", distinct=True),
            completed_count=Count(
                "rater_rows", filter=Q(rater_rows__completed_at__isnull=False), distinct=True
            ),
            candidate_count=Count("candidates", distinct=True),
        ).order_by("number")
    )


def themes_with_candidates(prioritisation: Prioritisation) -> list[Theme]:
    """Return the themes, each with its candidates and their target areas (three queries)."""
    candidates = Candidate.objects.prefetch_related("target_areas").order_by("pk")
    return list(prioritisation.themes.prefetch_related(Prefetch("candidates", queryset=candidates)))


def ranking(
    prioritisation: Prioritisation, *, method: str | None = None, round_number: int | None = None
) -> Ranking:
    """Return the merged ranking of the closed rounds (or of one closed round): five queries."""
    method = method or prioritisation.method
    closed = [r for r in rounds_of(prioritisation) if r.status == Round.Status.CLOSED]
    if round_number is not None:
        closed = [r for r in closed if r.number == round_number]
    criteria = list(prioritisation.criteria.all())
    themes = list(prioritisation.themes.all())
    scored = Candidate.objects.filter(rounds__in=closed).values("pk").distinct()
    candidates = {
        c.pk: c
        for c in prioritisation.candidates.filter(pk__in=scored).order_by("theme__number", "pk")
    }
    sheets = _sheets(closed)
    weights = {c.pk: c.weight for c in criteria}
    rows = rank(
        sheets=sheets,
        candidates={pk: c.theme_id for pk, c in candidates.items()},
        weights=weights,
        method=method,
    )
    for row in rows:
        row.item = candidates[row.candidate]
    result = Ranking(method, closed, criteria, candidates, overall=rows)
    scale = (prioritisation.scale_min, prioritisation.scale_max)
    for theme in themes:
        theme_rows = [
            Row(**{**row.__dict__, "rank": None, "tied": False})
            for row in rows
            if row.theme == theme.pk
        ]
        if not theme_rows:
            continue
        theme_rows = rank_rows(theme_rows)
        values = [r.value for r in theme_rows if r.value is not None]
        result.themes.append(ThemeRanking(theme, theme_rows, pattern(values, scale)))
    return result


def _sheets(rounds: list[Round]) -> list[Sheet]:
    """Return every rater's scores in the rounds as sheets (one query)."""
    if not rounds:
        return []
    found: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    comments: dict[tuple[int, int], str] = {}
    rows = Score.objects.filter(rating__rater__round__in=rounds).values_list(
        "rating__rater_id", "rating__candidate_id", "criterion_id", "value", "rating__comment"
    )
    for rater, candidate, criterion, value, comment in rows:
        found[(rater, candidate)][criterion] = value
        comments[(rater, candidate)] = comment
    return [
        Sheet(rater=r, candidate=c, scores=scores, comment=comments[(r, c)])
        for (r, c), scores in found.items()
    ]


def own_sheet(rater: Rater) -> dict[int, tuple[dict[int, int], str]]:
    """Return the rater's own scores and comments by candidate (one query)."""
    sheet: dict[int, tuple[dict[int, int], str]] = {}
    for rating in rater.ratings.prefetch_related("scores"):
        sheet[rating.candidate_id] = (
            {s.criterion_id: s.value for s in rating.scores.all()},
            rating.comment,
        )
    return sheet


def rater_work(*, user: AnyUser) -> list:
    """Return, for Mitt arbete, the open rounds where she has not yet scored everything
    (one query)."""
    waiting = my_rater_rows(user).filter(completed_at__isnull=True).order_by("round__due_on", "pk")
    return [
        WorkItem(
            _("Prioriteringar"),
            _("Poängsätt åtgärdsområdena i %(round)s") % {"round": rater.round},
            reverse("plans:round_scores", args=[rater.round_id]),
            rater.round.due_on,
            _("Påbörjad") if rater.saved_at else "",
            rater.round.prioritisation.title,
        )
        for rater in waiting
    ]


def my_rater_rows(user: AnyUser) -> QuerySet[Rater]:
    """Return the open rounds the user rates in, with their prioritisation."""
    if not user.is_authenticated:
        return Rater.objects.none()
    return Rater.objects.filter(user=user, round__status=Round.Status.OPEN).select_related(
        "round__prioritisation__owner"
    )


@dataclass(frozen=True)
class EffectPoint:
    """A shortlisted candidate on the resources-against-effect picture."""

    candidate: Candidate
    x: float
    y: float
    label: str


def shortlist(prioritisation: Prioritisation) -> list[Candidate]:
    """Return the shortlisted candidates, in theme order (one query)."""
    return list(
        prioritisation.candidates.filter(shortlisted=True)
        .select_related("theme", "focus_area__plan", "measure__plan")
        .order_by("theme__number", "pk")
    )


def quadrant(candidate: Candidate) -> str:
    """Name where the candidate stands: little or much resources against little or much effect."""
    if candidate.resources_level is None or candidate.effect_level is None:
        return _("Inte bedömd")
    much = candidate.resources_level > 3
    strong = candidate.effect_level > 3
    if strong and not much:
        return _("Liten insats, stor effekt: prioriteras först")
    if strong:
        return _("Stor insats, stor effekt")
    if not much:
        return _("Liten insats, liten effekt")
    return _("Stor insats, liten effekt: prioriteras lägre")


def weights_total(criteria: list[Criterion]) -> Decimal:
    return sum((c.weight for c in criteria), Decimal(0))


def decided_items(prioritisation: Prioritisation) -> list[Candidate]:
    """Return the candidates the decision made plan items of, with those items (one query)."""
    return list(
        prioritisation.candidates.filter(Q(focus_area__isnull=False) | Q(measure__isnull=False))
        .select_related("theme", "focus_area__plan", "measure__plan")
        .order_by("theme__number", "pk")
    )


def decided_from(*, plan, user: AnyUser) -> list[Candidate]:
    """Return the candidates the plan's items were decided from, in prioritisations she reads,
    with their prioritisation and the item (one query; none for anonymous visitors)."""
    readable = readable_prioritisations(user)
    if not user.is_authenticated:
        return []
    return list(
        Candidate.objects.filter(
            Q(measure__plan=plan) | Q(focus_area__plan=plan), prioritisation__in=readable
        )
        .select_related("prioritisation", "measure", "focus_area")
        .order_by("prioritisation_id", "theme__number", "pk")
    )
