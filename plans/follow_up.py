"""The follow-up as the plan page shows it: an extension point that `reports` fills in.

`plans` knows nothing of the other apps, yet the plan page shows each measure's latest
assessment (bedömning: Enligt plan, Avviker …) and leads to the follow-up to report. `reports`
registers a `FollowUpProvider` in its `AppConfig.ready()`; without one (`plans` alone) the plan
page shows the plan-state only and offers no reporting.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.db.models import CharField, Expression, Value

from plans.models import Plan
from plans.permissions import AnyUser


@dataclass(frozen=True)
class Assessment:
    """A measure's latest assessment: "Avviker · Helår 2022", reviewed (or published) on a date.

    `mark` is a character of the assessment's own shape (● ▲ ■ …), so it is never told by colour
    alone; `published` says it comes from a published follow-up rather than the working reports.
    """

    status: str
    label: str
    round: str
    on: date | None
    mark: str = ""
    published: bool = False

    def __str__(self) -> str:
        return f"{self.label} · {self.round}"


@dataclass(frozen=True)
class Need:
    """An indicator that shows a candidate's need: its latest figure and what deviates."""

    name: str
    url: str
    figure: str
    deviations: tuple[str, ...] = ()
    demo: bool = False


class FollowUpProvider(Protocol):
    def assessments(self, *, plan: Plan, user: AnyUser) -> dict[int, Assessment]:
        """Return each assessed measure's latest assessment as the user may see it, by measure
        id (fixed queries): those who work on the plan see the accepted reports, everyone else
        what the latest published follow-up showed."""

    def choices(self) -> list[tuple[str, str]]:
        """Return the assessment scale as (value, label), in its order."""

    def counts(self, statuses: Iterable[str]) -> list[tuple[str, int]]:
        """Return (label, number) per assessment given, in the scale's order, none left out."""

    def report_urls(self, *, user, plan: Plan, measure_ids: set[int]) -> dict[int, str]:
        """Return where the user reports on each of the measures: the open round's report."""

    def latest_assessment(self, *, user: AnyUser) -> Expression:
        """Return an expression for a queryset of measures: the latest accepted report's
        assessment of each, where the user works on its plan; NULL elsewhere (the API)."""

    def needs(self, *, user: AnyUser, candidate_ids: Iterable[int]) -> dict[int, list[Need]]:
        """Return, by candidate id, the indicators she reads that show its need (fixed
        queries)."""


class _NoFollowUp:
    """What the plan page asks when no app follows plans up: nothing to show."""

    def assessments(self, *, plan: Plan, user: AnyUser) -> dict[int, Assessment]:
        return {}

    def choices(self) -> list[tuple[str, str]]:
        return []

    def counts(self, statuses: Iterable[str]) -> list[tuple[str, int]]:
        return []

    def report_urls(self, *, user, plan: Plan, measure_ids: set[int]) -> dict[int, str]:
        return {}

    def latest_assessment(self, *, user: AnyUser) -> Expression:
        return Value(None, output_field=CharField())

    def needs(self, *, user: AnyUser, candidate_ids: Iterable[int]) -> dict[int, list[Need]]:
        return {}


_provider: FollowUpProvider = _NoFollowUp()


def register(provider: FollowUpProvider) -> None:
    """Make `provider` the one the plan page asks (called once, from an app's `ready()`)."""
    global _provider
    _provider = provider


def follow_up() -> FollowUpProvider:
    """Return the registered provider, or one that shows nothing."""
    return _provider
