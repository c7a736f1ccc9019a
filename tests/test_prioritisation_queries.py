"""The prioritisation's pages ask as many queries for 3 raters × 6 candidates as for seed 004's
scale and beyond: 100 raters × 102 candidates × 4 criteria (40,800 scores)."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now

from plans.models import (
    Account,
    Candidate,
    Criterion,
    Prioritisation,
    Rater,
    Rating,
    Role,
    Round,
    Score,
    Theme,
)
from tests.conftest import client_for

SIZES = {"small": (3, 6), "large": (100, 102)}


def build(owner, strategist: User, raters: int, candidates: int) -> dict:
    """A prioritisation with four themes, four criteria, a closed round scored by every rater
    on everything, and an open round where the first rater has scored half."""
    p = Prioritisation.objects.create(owner=owner, title=f"Prioritering {raters}×{candidates}")
    criteria = Criterion.objects.bulk_create(
        Criterion(prioritisation=p, order=i, name=f"Kriterium {i}") for i in range(4)
    )
    themes = Theme.objects.bulk_create(
        Theme(prioritisation=p, number=i + 1, title=f"Tema {i + 1}") for i in range(4)
    )
    made = Candidate.objects.bulk_create(
        Candidate(
            prioritisation=p,
            theme=themes[i % 4],
            number=str(i + 1),
            title=f"Åtgärdsområde {i + 1}",
            shortlisted=i % 3 == 0,
            resources_level=1 + i % 5,
            effect_level=1 + (i * 2) % 5,
        )
        for i in range(candidates)
    )
    users = User.objects.bulk_create(
        User(username=f"rater-{raters}-{i}", first_name=f"Rater {i}") for i in range(raters)
    )
    Account.objects.bulk_create(Account(user=u, organisation=owner) for u in users)
    closed = Round.objects.create(
        prioritisation=p, number=1, title="Stängd", status=Round.Status.CLOSED, closed_at=now()
    )
    closed.candidates.set(made)
    rows = Rater.objects.bulk_create(Rater(round=closed, user=u, completed_at=now()) for u in users)
    ratings = Rating.objects.bulk_create(
        Rating(rater=r, candidate=c, comment="ok") for r in rows for c in made
    )
    Score.objects.bulk_create(
        Score(rating=rating, criterion=k, value=1 + (rating.pk + k.pk) % 5)
        for rating in ratings
        for k in criteria
    )
    open_round = Round.objects.create(prioritisation=p, number=2, title="Öppen")
    open_round.candidates.set(made)
    mine = Rater.objects.bulk_create(Rater(round=open_round, user=u) for u in users)[0]
    half = Rating.objects.bulk_create(Rating(rater=mine, candidate=c) for c in made[::2])
    Score.objects.bulk_create(Score(rating=r, criterion=criteria[0], value=3) for r in half)
    return {"prioritisation": p, "open": open_round, "closed": closed, "rater": users[0]}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def sizes(norberg, alice):
    return {name: build(norberg, alice, *figures) for name, figures in SIZES.items()}


PAGES = [
    ("plans:prioritisation_detail", "prioritisation", "strategist"),
    ("plans:ranking", "prioritisation", "strategist"),
    ("plans:decision", "prioritisation", "strategist"),
    ("plans:prioritisation_xlsx", "prioritisation", "strategist"),
    ("plans:round", "open", "strategist"),
    ("plans:round", "closed", "rater"),
    ("plans:round_scores", "open", "rater"),
    ("plans:prioritisations", None, "rater"),
]


@pytest.mark.parametrize(("name", "record", "who"), PAGES)
def test_a_prioritisations_pages_ask_the_same_queries_at_both_sizes(
    sizes, alice, name, record, who
):
    counts = {}
    for size, made in sizes.items():
        user = alice if who == "strategist" else made["rater"]
        if who == "rater":
            Role.objects.get_or_create(
                user=user, organisation=alice.roles.get().organisation, kind=Role.Kind.READER
            )
        client = client_for(user)
        args = [made[record].pk] if record else []
        url = reverse(name, args=args)
        client.get(reverse("plans:prioritisations"))  # the session and caches settle first
        counts[size] = _count(client, url)
    assert counts["small"] == counts["large"], counts
