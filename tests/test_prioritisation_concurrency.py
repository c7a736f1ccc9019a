"""Two people act on a prioritisation at the same moment, on PostgreSQL with real transactions:
a rater saving while the strategist closes the round, and two strategists deciding the same
areas. Each pair meets at a barrier and posts at once; the database is read afterwards."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.models import (
    Account,
    Candidate,
    Criterion,
    FocusArea,
    Measure,
    Organisation,
    Prioritisation,
    Rater,
    Role,
    Round,
    Score,
    Theme,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are only real on PostgreSQL")


def _user(name: str, organisation: Organisation, kind: str) -> User:
    user = User.objects.create_user(name, f"{name}@example.se", PASSWORD, first_name=name)
    Account.objects.create(user=user, organisation=organisation)
    Role.objects.create(user=user, organisation=organisation, kind=kind)
    return user


@pytest.fixture
def setting():
    owner = Organisation.objects.create(name="Samlingen", kind=Organisation.Kind.SAMVERKAN)
    member = Organisation.objects.create(name="Falu kommun", kind=Organisation.Kind.KOMMUN)
    owner.member_rows.create(member=member)
    people = {
        "first": _user("strateg-1", member, Role.Kind.STRATEGIST),
        "second": _user("strateg-2", member, Role.Kind.STRATEGIST),
        "rater": _user("bedomare", member, Role.Kind.READER),
    }
    prioritisation = Prioritisation.objects.create(owner=owner, title="Prioritering")
    criterion = Criterion.objects.create(prioritisation=prioritisation, name="Angelägenhet")
    theme = Theme.objects.create(prioritisation=prioritisation, number=1, title="Tema")
    candidates = [
        Candidate.objects.create(prioritisation=prioritisation, theme=theme, title=f"Område {i}")
        for i in range(3)
    ]
    return {
        **people,
        "prioritisation": prioritisation,
        "criterion": criterion,
        "candidates": candidates,
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at_once(*posts) -> list:
    """Run the posts in threads that start together; return their responses in order."""
    barrier = threading.Barrier(len(posts))
    answers: list = [None] * len(posts)

    def run(index: int, post) -> None:
        try:
            barrier.wait(timeout=10)
            answers[index] = post()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_a_save_racing_the_close_lands_before_it_or_is_refused(setting):
    strategist, rater = _client(setting["first"]), _client(setting["rater"])
    p, criterion = setting["prioritisation"], setting["criterion"]
    for number in range(1, ROUNDS + 1):
        round_ = Round.objects.create(prioritisation=p, number=number, title=f"Omgång {number}")
        round_.candidates.set(setting["candidates"])
        Rater.objects.create(round=round_, user=setting["rater"])
        data = {f"s-{c.pk}-{criterion.pk}": "4" for c in setting["candidates"]}
        save, close = _at_once(
            lambda r=round_, d=data: rater.post(reverse("plans:round_scores", args=[r.pk]), d),
            lambda r=round_: strategist.post(
                reverse("plans:round_close", args=[r.pk]), {"version": r.version}
            ),
        )
        assert close.status_code == 302
        round_.refresh_from_db()
        assert round_.status == Round.Status.CLOSED
        stored = Score.objects.filter(rating__rater__round=round_).count()
        if save.status_code == 400:
            # She waited for the close's lock and was refused: nothing of hers is stored.
            assert "Omgången är stängd" in save.content.decode() and stored == 0
            continue
        assert save.status_code == 302
        landed = rater.get(save.url)  # her message, in her own session
        if stored:
            # Saved first: every score is there, and the close came after it.
            assert stored == len(setting["candidates"])
            assert "Dina poäng är sparade" in landed.content.decode()
        else:
            assert "Omgången är stängd" in landed.content.decode()


def test_two_strategists_deciding_the_same_areas_make_them_plan_items_once(setting):
    p = setting["prioritisation"]
    chosen = setting["candidates"][:2]
    for attempt in range(ROUNDS):
        Candidate.objects.filter(pk__in=[c.pk for c in chosen]).update(measure=None)
        p.refresh_from_db()

        def decide(user: User, title: str, version: int = p.version):
            return _client(user).post(
                reverse("plans:decision", args=[p.pk]),
                {
                    "version": version,
                    "candidates": [c.pk for c in chosen],
                    "as_": "insatser",
                    "new_title": title,
                    "new_kind": "handlingsplan",
                    "new_start_year": "2027",
                    "new_end_year": "2030",
                    "decided_by": "Styrgruppen",
                    "decided_on": "2026-11-20",
                },
            )

        first, second = _at_once(
            lambda a=attempt: decide(setting["first"], f"Plan A{a}"),
            lambda a=attempt: decide(setting["second"], f"Plan B{a}"),
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [302, 400], statuses  # one decision lands, the other is refused
        made = Measure.objects.filter(plan__title__endswith=str(attempt))
        assert made.count() == 2 and made.values("plan").distinct().count() == 1
        linked = Candidate.objects.filter(pk__in=[c.pk for c in chosen])
        assert {c.measure.plan_id for c in linked} == {made.first().plan_id}
        # The refused one left no plan, focus area or measure behind.
        assert FocusArea.objects.filter(plan__title__endswith=str(attempt)).count() == 1
