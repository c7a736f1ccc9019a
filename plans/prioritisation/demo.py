"""The prioritisation demo of seed 004: Samling för social hållbarhet i Dalarna with its members,
the 30 åtgärdsområden of chapter 7 (demo.yaml beside this module), two closed rounds of invented
scores that give the merged ranking the shape the seed reports, and the regional plan that
follows the decision.

Every score is invented, by a formula, never by chance: each candidate has a target merged score
(its theme's start less a step per place), and the points are spread over the raters and
criteria so that the merged mean is the target. The round titles and the prioritisation's
description say so.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.contrib.auth.models import User
from django.db import transaction

from plans.models import (
    Account,
    Candidate,
    CollaborationMember,
    Criterion,
    Organisation,
    Plan,
    Prioritisation,
    Rater,
    Rating,
    Role,
    Round,
    Score,
    TargetArea,
    Theme,
)
from plans.prioritisation.services import PlanTarget, decision_to_plan, prioritisation_start
from plans.services import versioned_save

DEMO_FILE = Path(__file__).resolve().parent / "demo.yaml"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_NOTE = (
    "Demo: alla poäng i de två omgångarna är påhittade. De är valda så att den sammanvägda "
    "rangordningen får den form slutrapporten beskriver: tydliga topplistor i temaområde 1 (sex "
    "åtgärdsområden) och 2 (fem), låga poäng för alla i temaområde 3 och höga för alla i "
    "temaområde 4."
)
OTHER_TITLE = "Övrigt förslag {n} av listan om 102 (Demo)"
OTHER_DESCRIPTION = (
    "Demo: ett av de övriga förslagen i temaområdet; slutrapporten namnger det inte."
)
OTHERS_PER_THEME = {1: 3, 2: 3}  # the unnamed proposals below the clear tops of themes 1 and 2

# Invented merged score of each candidate, per theme: (the first's score, step down per place).
# Themes 1 and 2 lie above 4, their other proposals around 3 (a gap of about 0.9: a clear top);
# theme 3 lies between 2.5 and 2.9 (all low), theme 4 between 3.56 and 3.95 (all high).
TARGETS = {1: ("4.6", "0.1"), 2: ("4.55", "0.1"), 3: ("2.9", "0.1"), 4: ("3.95", "0.03")}
OTHER_TARGETS = ("3.2", "0.2")

# The demo accounts: user name, role, home organisation, first name (from a plain alphabetical
# list, with "Demo" for surname: nobody real), and the capacity in which she rates in which
# rounds (none: she does not rate).
ROUND_ONE = "deltagare i uppdragsgruppen"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    kind: str
    organisation: str
    first_name: str
    capacity: str = ""
    rounds: tuple[int, ...] = ()


ACCOUNTS = [
    DemoAccount("dalarna-admin", Role.Kind.ADMINISTRATOR, "Region Dalarna", "Anna"),
    DemoAccount("dalarna-strateg", Role.Kind.STRATEGIST, "Region Dalarna", "Bertil"),
    DemoAccount("falun-strateg", Role.Kind.STRATEGIST, "Falu kommun", "Cecilia", ROUND_ONE, (1, 2)),
    DemoAccount(
        "borlange-rapportor", Role.Kind.REPORTER, "Borlänge kommun", "David", ROUND_ONE, (1, 2)
    ),
    DemoAccount(
        "lansstyrelsen-sakkunnig",
        Role.Kind.READER,
        "Länsstyrelsen Dalarna",
        "Eva",
        ROUND_ONE,
        (1, 2),
    ),
    DemoAccount(
        "hogskolan-sakkunnig", Role.Kind.READER, "Högskolan Dalarna", "Filip", ROUND_ONE, (1, 2)
    ),
    DemoAccount("mora-lasare", Role.Kind.READER, "Mora kommun", "Greta", ROUND_ONE, (1, 2)),
    DemoAccount("ludvika-lasare", Role.Kind.READER, "Ludvika kommun", "Helge", ROUND_ONE, (1, 2)),
    DemoAccount(
        "landstinget-sakkunnig",
        Role.Kind.READER,
        "Landstinget Dalarna",
        "Ingrid",
        "sakkunnig",
        (2,),
    ),
    DemoAccount(
        "avesta-verksamhetsansvarig",
        Role.Kind.READER,
        "Avesta kommun",
        "Johan",
        "verksamhetsansvarig",
        (2,),
    ),
    DemoAccount(
        "rattvik-verksamhetsansvarig",
        Role.Kind.READER,
        "Rättviks kommun",
        "Karin",
        "verksamhetsansvarig",
        (2,),
    ),
]
OWNER_USERNAME = "dalarna-strateg"


@dataclass(frozen=True)
class DemoRound:
    number: int
    title: str
    opened: datetime.datetime
    due: datetime.date
    closed: datetime.datetime


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=STOCKHOLM)


# Spring 2017: the first year of the process was given to the direct measures, the second phase
# began in the autumn (seed 004, chapter 6).
ROUNDS = [
    DemoRound(
        1,
        "Uppdragsgruppens deltagare: en första prioritering av åtgärderna ur listan "
        "(Demo: påhittade poäng)",
        _at(2017, 2, 1),
        datetime.date(2017, 3, 15),
        _at(2017, 3, 31, 16),
    ),
    DemoRound(
        2,
        "Verksamhetsansvariga och sakkunniga: ett andra steg (Demo: påhittade poäng)",
        _at(2017, 4, 18),
        datetime.date(2017, 5, 31),
        _at(2017, 6, 9, 16),
    ),
]

PLAN_TITLE = "Handlingsplan för jämlik hälsa i Dalarna (Demo)"
DECIDED_BY = "Samlingens styrgrupp (Demo)"
DECIDED_ON = datetime.date(2018, 6, 1)
DECISION_REFERENCE = "Demo 2018/1"


def load_prioritisation_demo(*, password: str) -> list[tuple[str, str, str]]:
    """Load Samlingen, its accounts, the prioritisation with two closed rounds and the plan
    that follows, unless there; return the demo accounts (user name, role, organisation)."""
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    with transaction.atomic():
        collaboration, members = _collaboration(data["collaboration"])
        users, printed = _accounts(members, password)
        prioritisation = _prioritisation(data, collaboration, users[OWNER_USERNAME])
        if not prioritisation.rounds.exists():
            for demo_round in ROUNDS:
                _round(prioritisation, demo_round, users)
        if not prioritisation.is_decided:
            _decide(prioritisation, collaboration, users[OWNER_USERNAME])
    return printed


def _collaboration(data: dict[str, Any]) -> tuple[Organisation, dict[str, Organisation]]:
    """Return the collaboration and its members by name, creating what is missing."""
    collaboration = _top_level(data["name"], Organisation.Kind.SAMVERKAN, "")
    members = {}
    for member in data["members"]:
        org = _top_level(member["name"], member["kind"], member.get("municipality_code") or "")
        CollaborationMember.objects.get_or_create(collaboration=collaboration, member=org)
        members[org.name] = org
    return collaboration, members


def _top_level(name: str, kind: str, code: str) -> Organisation:
    """Return the top-level organisation of the name with the kind and code, made if missing."""
    org, created = Organisation.objects.get_or_create(
        parent=None, name=name, defaults={"kind": kind, "municipality_code": code}
    )
    if not created and (org.kind, org.municipality_code) != (kind, code):
        org.kind, org.municipality_code = kind, code
        org.full_clean()
        org.save()
    return org


def _accounts(
    members: dict[str, Organisation], password: str
) -> tuple[dict[str, User], list[tuple[str, str, str]]]:
    """Create (or keep) the demo accounts; return them by user name, and as printed."""
    users, printed = {}, []
    for account in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": "Demo",
                "email": f"{account.username}@example.se",
                "is_staff": account.kind in (Role.Kind.ADMINISTRATOR, Role.Kind.STRATEGIST),
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        home = members[account.organisation]
        Role.objects.get_or_create(user=user, organisation=home, kind=account.kind)
        Account.objects.get_or_create(user=user, defaults={"organisation": home})
        users[account.username] = user
        label = f"{Role.Kind(account.kind).label} ({user.get_full_name()}, påhittat namn)"
        printed.append((account.username, label, home.path))
    return users, printed


def _prioritisation(data: dict[str, Any], owner: Organisation, user: User) -> Prioritisation:
    """Return the prioritisation with its criteria, themes and candidates, made if missing."""
    title = data["prioritisation"]["title"]
    existing = Prioritisation.objects.filter(owner=owner, title=title).first()
    if existing is not None:
        return existing
    prioritisation = Prioritisation(
        owner=owner,
        title=title,
        description=f"{data['prioritisation']['description']}\n\n{DEMO_NOTE}",
        scale_min=1,
        scale_max=5,
        method=Prioritisation.Method.MEAN,
    )
    prioritisation_start(prioritisation=prioritisation, user=user, criteria=False)
    Criterion.objects.bulk_create(
        Criterion(
            prioritisation=prioritisation, order=i, name=c["name"], description=c["description"]
        )
        for i, c in enumerate(data["prioritisation"]["criteria"])
    )
    target_areas = {a.number: a for a in TargetArea.objects.all()}
    for theme_data in data["themes"]:
        _theme(prioritisation, theme_data, target_areas, user)
    return prioritisation


def _theme(
    prioritisation: Prioritisation,
    data: dict[str, Any],
    target_areas: dict[int, TargetArea],
    user: User,
) -> None:
    """Create the theme with its named candidates (shortlisted) and its unnamed others."""
    theme = Theme.objects.create(
        prioritisation=prioritisation,
        number=data["number"],
        title=data["title"],
        description=data["description"],
    )
    for item in data["candidates"]:
        candidate = Candidate(
            prioritisation=prioritisation,
            theme=theme,
            number=str(item["number"]),
            title=item["title"],
            description=item["description"],
            shortlisted=True,
            consequence_adopt=item["consequence_adopt"],
            consequence_nothing=item["consequence_nothing"],
            resources=item["resources"],
            resources_level=item["resources_level"],
            effect=item["effect"],
            effect_level=item["effect_level"],
        )
        candidate.full_clean()
        areas = [target_areas[n] for n in item["target_areas"]]
        versioned_save(
            instance=candidate, expected_version=1, user=user, m2m={"target_areas": areas}
        )
    for n in range(1, OTHERS_PER_THEME.get(theme.number, 0) + 1):
        candidate = Candidate(
            prioritisation=prioritisation,
            theme=theme,
            title=OTHER_TITLE.format(n=n),
            description=OTHER_DESCRIPTION,
        )
        candidate.full_clean()
        versioned_save(instance=candidate, expected_version=1, user=user)


def targets(prioritisation: Prioritisation) -> dict[int, Fraction]:
    """Return each candidate's invented merged score: its theme's start less a step per place
    (the named candidates in the seed's order, then the unnamed others)."""
    found: dict[int, Fraction] = {}
    places: dict[tuple[int, bool], int] = {}
    candidates = prioritisation.candidates.select_related("theme").order_by("theme__number", "pk")
    for candidate in candidates:
        key = (candidate.theme.number, candidate.shortlisted)
        place = places.get(key, 0)
        places[key] = place + 1
        start, step = TARGETS[candidate.theme.number] if candidate.shortlisted else OTHER_TARGETS
        found[candidate.pk] = Fraction(start) - place * Fraction(step)
    return found


def _round(prioritisation: Prioritisation, demo_round: DemoRound, users: dict[str, User]) -> None:
    """Create the closed round with its raters and their invented scores."""
    round_ = Round(
        prioritisation=prioritisation,
        number=demo_round.number,
        title=demo_round.title,
        instructions=DEMO_NOTE,
        due_on=demo_round.due,
        status=Round.Status.CLOSED,
        opened_at=demo_round.opened,
        closed_at=demo_round.closed,
    )
    round_.full_clean(exclude=["candidates", "raters"])
    versioned_save(instance=round_, expected_version=1, user=users[OWNER_USERNAME])
    candidates = prioritisation.candidates.order_by("theme__number", "pk")
    if demo_round.number > 1:
        candidates = candidates.filter(shortlisted=True)  # narrowed to the 30
    candidates = list(candidates)
    round_.candidates.set(candidates)
    accounts = [a for a in ACCOUNTS if demo_round.number in a.rounds]
    saved = [demo_round.opened + datetime.timedelta(days=3 + 2 * i) for i in range(len(accounts))]
    raters = Rater.objects.bulk_create(
        Rater(
            round=round_,
            user=users[a.username],
            capacity=a.capacity,
            saved_at=when,
            completed_at=when,
        )
        for a, when in zip(accounts, saved, strict=True)
    )
    _scores(prioritisation, demo_round.number, raters, candidates)


def _scores(
    prioritisation: Prioritisation, number: int, raters: list[Rater], candidates: list[Candidate]
) -> None:
    """Create every rater's rating and scores of every candidate in the round."""
    criteria = list(prioritisation.criteria.order_by("order", "pk"))
    goal = targets(prioritisation)
    ratings = Rating.objects.bulk_create(
        Rating(rater=rater, candidate=candidate) for candidate in candidates for rater in raters
    )
    by_key = {(r.rater_id, r.candidate_id): r for r in ratings}
    scores = []
    for place, candidate in enumerate(candidates):
        total = _round_total(goal[candidate.pk], number, candidate.shortlisted, len(criteria))
        grid = spread_points(total, len(raters), len(criteria), seed=place)
        for rater, row in zip(raters, grid, strict=True):
            rating = by_key[(rater.pk, candidate.pk)]
            scores += [
                Score(rating=rating, criterion=c, value=v)
                for c, v in zip(criteria, row, strict=True)
            ]
    Score.objects.bulk_create(scores)


def _round_total(goal: Fraction, number: int, shortlisted: bool, criteria: int) -> int:
    """Return the points a candidate gets in the round (every rater on every criterion), so
    that its mean over both rounds is the goal: the total over both is fixed first and split
    by the rounds' numbers of cells. A candidate only in round 1 takes the goal there alone."""
    cells = {n: len([a for a in ACCOUNTS if n in a.rounds]) * criteria for n in (1, 2)}
    if not shortlisted:
        return round(goal * cells[number])
    both = round(goal * (cells[1] + cells[2]))
    in_first = round(Fraction(both * cells[1], cells[1] + cells[2]))
    return in_first if number == 1 else both - in_first


def spread_points(total: int, raters: int, criteria: int, *, seed: int) -> list[list[int]]:
    """Spread the points over raters × criteria (1–5 each) as evenly as the total allows,
    in a pattern that moves with the seed; then one rater gives a point more on each criterion
    and the next one less (the sum unchanged), so that raters differ."""
    cells = raters * criteria
    base, extra = divmod(total, cells)

    # 7 is prime to every number of cells used here (24 and 36), so the step visits them all.
    def points(cell: int) -> int:
        return base + (1 if (cell * 7 + seed) % cells < extra else 0)

    grid = [[points(r * criteria + k) for k in range(criteria)] for r in range(raters)]
    high, low = grid[seed % raters], grid[(seed + 1) % raters]
    for k in range(criteria):
        if high[k] < 5 and low[k] > 1:
            high[k] += 1
            low[k] -= 1
    return grid


def _decide(prioritisation: Prioritisation, owner: Organisation, user: User) -> None:
    """Record the decision: the clear tops of themes 1 and 2 become measures of a new plan."""
    chosen = list(
        prioritisation.candidates.filter(theme__number__in=(1, 2), shortlisted=True).order_by(
            "theme__number", "pk"
        )
    )
    plan = Plan(
        owner=owner,
        kind=Plan.Kind.ACTION_PLAN,
        title=PLAN_TITLE,
        start_year=2019,
        end_year=2022,
        purpose=(
            "Demo: planen följer av Samlingens prioritering. Insatserna är de elva "
            "åtgärdsområden som fick klart högst poäng i temaområde 1 och 2."
        ),
    )
    decision_to_plan(
        prioritisation=prioritisation,
        expected_version=prioritisation.version,
        candidates=chosen,
        plan=plan,
        as_=PlanTarget.AS_MEASURES,
        decided_by=DECIDED_BY,
        decided_on=DECIDED_ON,
        reference=DECISION_REFERENCE,
        user=user,
    )
