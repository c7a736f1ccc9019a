"""The merged ranking: each rater's weighted score of a candidate, merged over raters by the
prioritisation's method, with the spread between raters, ties as ties, and the shape of each
theme named in words as seed 004 reads its own result.

Pure arithmetic on plain values (exact fractions, rounded once for display), so a test can
check it against a hand computation; `plans.prioritisation.selectors` gathers the values.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TWO_PLACES = Decimal("0.01")
# The shape of a theme, on the scale's own length (1–5: a gap of 0.6 points is a clear top;
# every area above 3.4 is high, every area at or below 3.0 is low).
CLEAR_GAP = Fraction(15, 100)
HIGH_FROM = Fraction(60, 100)
LOW_UP_TO = Fraction(50, 100)


def rounded(value: Fraction) -> Decimal:
    """Return the value to two decimals, halves up (3.125 → 3.13)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Sheet:
    """One rater's scores of one candidate: criterion id → points, and her comment."""

    rater: int
    candidate: int
    scores: Mapping[int, int]
    comment: str = ""


@dataclass
class Row:
    """A candidate's place: its merged score, the spread between raters and its rank."""

    candidate: int
    theme: int
    value: Decimal | None = None
    by_criterion: list[Decimal | None] = field(default_factory=list)
    lowest: Decimal | None = None
    highest: Decimal | None = None
    raters: int = 0
    rank: int | None = None
    tied: bool = False
    item: object = None  # the candidate itself, for the pages

    @property
    def rank_label(self) -> str:
        if self.rank is None:
            return "–"
        return _("%(rank)s (delad)") % {"rank": self.rank} if self.tied else str(self.rank)

    @property
    def spread(self) -> Decimal | None:
        if self.lowest is None or self.highest is None:
            return None
        return self.highest - self.lowest


@dataclass(frozen=True)
class Pattern:
    """The shape of a theme's scores: "top" (with how many), "high", "low", "flat" or "few"."""

    kind: str
    words: str
    top: int = 0


def rater_value(scores: Mapping[int, int], weights: Mapping[int, Decimal]) -> Fraction | None:
    """Return the rater's weighted mean over every criterion, or None if she left one out."""
    if any(criterion not in scores for criterion in weights):
        return None
    total = sum(Fraction(weights[c]) for c in weights)
    return sum(Fraction(weights[c]) * scores[c] for c in weights) / total


def merge(values: list[Fraction], method: str) -> Fraction:
    """Return the raters' values merged: their mean, or their median."""
    if method == "median":
        return Fraction(median(values))
    return sum(values, Fraction(0)) / len(values)


def rank_rows(rows: list[Row]) -> list[Row]:
    """Sort by merged score, highest first; equal scores (to two decimals) share a rank, the
    next rank skipping as many places (1, 2, 2, 4); unscored candidates last, unranked."""
    scored = sorted((r for r in rows if r.value is not None), key=lambda r: (-r.value, r.candidate))
    for position, row in enumerate(scored):
        previous = scored[position - 1] if position else None
        row.rank = previous.rank if previous and previous.value == row.value else position + 1
    for position, row in enumerate(scored):
        neighbours = scored[max(0, position - 1) : position + 2]
        row.tied = sum(1 for other in neighbours if other.rank == row.rank) > 1
    return scored + [r for r in rows if r.value is None]


def pattern(values: list[Decimal], scale: tuple[int, int]) -> Pattern:
    """Name the shape of a theme's merged scores in words, as seed 004 reads its themes."""
    if len(values) < 2:
        return Pattern("few", _("För få bedömda åtgärdsområden för att läsa ett mönster."))
    low, high = scale
    length = Fraction(high - low)
    ordered = sorted((Fraction(v) for v in values), reverse=True)
    gaps = [ordered[i] - ordered[i + 1] for i in range(len(ordered) - 1)]
    widest = max(gaps)
    if widest >= CLEAR_GAP * length:
        top = gaps.index(widest) + 1
        return Pattern(
            "top",
            ngettext(
                "Tydlig topplista: det främsta åtgärdsområdet ligger %(gap)s poäng över nästa.",
                "Tydlig topplista: de %(count)s främsta åtgärdsområdena ligger minst %(gap)s "
                "poäng över övriga.",
                top,
            )
            % {"count": top, "gap": _decimal(rounded(widest))},
            top,
        )
    if ordered[-1] >= low + HIGH_FROM * length:
        return Pattern(
            "high",
            _(
                "Ingen tydlig topplista: samtliga åtgärdsområden fick höga poäng. Många insatser "
                "bedöms som angelägna, men inga som särskilt angelägna jämfört med andra."
            ),
        )
    if ordered[0] <= low + LOW_UP_TO * length:
        return Pattern(
            "low",
            _(
                "Ingen tydlig topplista: samtliga åtgärdsområden fick låga poäng. Det betyder "
                "inte att de är lågt prioriterade, snarare att inga insatser framstår som "
                "självklart mer effektiva än andra."
            ),
        )
    return Pattern(
        "flat",
        _("Ingen tydlig topplista: poängen ligger jämnt, utan något tydligt avstånd mellan dem."),
    )


def _decimal(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def rank(
    *,
    sheets: Iterable[Sheet],
    candidates: Mapping[int, int],
    weights: Mapping[int, Decimal],
    method: str,
) -> list[Row]:
    """Return every candidate's row, ranked: `candidates` maps candidate id → theme id,
    `weights` criterion id → weight (in the criteria's order)."""
    values: dict[int, list[Fraction]] = {pk: [] for pk in candidates}
    points: dict[int, dict[int, list[int]]] = {pk: {c: [] for c in weights} for pk in candidates}
    for sheet in sheets:
        if sheet.candidate not in candidates:
            continue
        value = rater_value(sheet.scores, weights)
        if value is None:
            continue  # an incomplete sheet counts for nothing: every rater on every criterion
        values[sheet.candidate].append(value)
        for criterion in weights:
            points[sheet.candidate][criterion].append(sheet.scores[criterion])
    rows = []
    for pk, theme in candidates.items():
        row = Row(candidate=pk, theme=theme, raters=len(values[pk]))
        if values[pk]:
            row.value = rounded(merge(values[pk], method))
            row.lowest, row.highest = rounded(min(values[pk])), rounded(max(values[pk]))
            row.by_criterion = [
                rounded(merge([Fraction(p) for p in points[pk][c]], method)) for c in weights
            ]
        else:
            row.by_criterion = [None for _c in weights]
        rows.append(row)
    return rank_rows(rows)
