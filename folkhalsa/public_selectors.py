"""What the public pages show: the organisations that publish, and one organisation's public face.

Everything here is what an anonymous visitor may read, whoever asks: adopted plans, published
follow-ups, public bodies with their coming meetings, public bodies' checked minutes, and the
indicators readable without an account. Each read is one query (or a fixed few), whatever the
number of organisations, plans, bodies, meetings or indicators.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from councils import selectors as councils_selectors
from councils.models import Body, Meeting
from councils.permissions import public_meetings
from plans.models import Organisation, Plan
from reports.models import Indicator, PublishedFollowUp
from reports.permissions import readable_indicators

# How many of a public body's coming meetings, and of the latest checked minutes, the page lists:
# the full lists are the body's calendar feed and the public minutes' own pages.
COMING_MEETINGS_PER_BODY = 5
LATEST_MINUTES = 10


def public_plans() -> QuerySet[Plan]:
    """Return the plans anyone may read: adopted once (adopted, closed or superseded)."""
    return Plan.objects.filter(status__in=Plan.PUBLISHED_STATUSES)


def public_follow_ups() -> QuerySet[PublishedFollowUp]:
    """Return the published follow-ups as published now (not the archived versions)."""
    return PublishedFollowUp.objects.filter(
        replaced_by__isnull=True, plan__status__in=Plan.PUBLISHED_STATUSES
    )


def public_bodies() -> QuerySet[Body]:
    """Return the bodies whose meetings and checked minutes are public (decided in councils)."""
    return councils_selectors.public_bodies()


def publishing_organisations() -> QuerySet[Organisation]:
    """Return the organisations with something public: an adopted plan, a published follow-up
    or a public body; by name, one query (EXISTS, so one row per organisation).

    Without their paths: a page of them reads its paths with `with_paths().at(ids)`, so no
    count or test of one organisation walks the tree of every organisation.
    """
    plans = public_plans().filter(owner=OuterRef("pk"))
    follow_ups = public_follow_ups().filter(plan__owner=OuterRef("pk"))
    bodies = public_bodies().filter(organisation=OuterRef("pk"))
    return Organisation.objects.filter(
        Exists(plans) | Exists(follow_ups) | Exists(bodies)
    ).order_by("name", "pk")


@dataclass
class OrganisationPage:
    """An organisation's public face: what it publishes, each list bounded or complete."""

    organisation: Organisation
    plans: list[Plan]
    follow_ups: list[PublishedFollowUp]
    bodies: list[Body]
    minutes: list[Meeting]
    indicators: list[Indicator]

    @property
    def publishes(self) -> bool:
        """Return whether the organisation has anything public at all."""
        return bool(self.plans or self.follow_ups or self.bodies or self.minutes or self.indicators)


def organisation_page(
    *, organisation: Organisation, now: datetime.datetime | None = None
) -> OrganisationPage:
    """Return what the organisation publishes, in a fixed number of queries."""
    now = now or timezone.now()
    return OrganisationPage(
        organisation=organisation,
        plans=list(public_plans().filter(owner=organisation).order_by("-start_year", "title")),
        follow_ups=list(
            public_follow_ups()
            .filter(plan__owner=organisation)
            .select_related("plan")
            .defer("pdf", "docx", "content", "plan__vision", "plan__purpose")
            .order_by("-year", "plan__title", "pk")
        ),
        bodies=_bodies_with_coming_meetings(organisation, now),
        minutes=list(
            public_meetings()
            .filter(body__organisation=organisation)
            .select_related("body")
            .order_by("-starts_at", "pk")[:LATEST_MINUTES]
        ),
        indicators=list(
            readable_indicators(AnonymousUser()).filter(owner=organisation).order_by("name", "pk")
        ),
    )


def _bodies_with_coming_meetings(organisation: Organisation, now: datetime.datetime) -> list[Body]:
    """Return the organisation's public bodies, each with its next meetings (`coming`)."""
    coming = Meeting.objects.filter(starts_at__gte=now).order_by("starts_at", "pk")
    # A sliced Prefetch is one query with a window function, whatever the number of bodies.
    return list(
        public_bodies()
        .filter(organisation=organisation)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("meetings", coming[:COMING_MEETINGS_PER_BODY], to_attr="coming"))
    )


def public_body_meetings(*, body: Body, now: datetime.datetime | None = None) -> list[Meeting]:
    """Return the public body's meetings for its calendar feed: from a year back, onwards."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=366)
    return list(
        Meeting.objects.filter(body=body, starts_at__gte=since)
        .select_related("body")
        .order_by("starts_at", "pk")
    )
