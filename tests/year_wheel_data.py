"""A municipality's year of dates for the årshjul's tests (tests/test_year_wheel_*.py).

Every date is written out, so each test knows exactly which day each event falls on.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from councils.models import Body, Meeting
from plans.models import Organisation, Plan
from reports.documents import follow_up_document
from reports.models import FollowUpRound, FollowUpText, PublishedFollowUp
from reports.services import round_close
from tests.council_documents import new_meeting, stockholm

YEAR = 2025


@dataclass
class DatedYear:
    """The records behind one organisation's year."""

    strategy: Plan  # adopted 17 February 2025, period 2025–2028
    action_plan: Plan  # adopted, period 2021–2025: ends 31 December 2025
    draft: Plan  # a draft 2025–2026: starts 1 January 2025, for its readers only
    closed_round: FollowUpRound  # 2024, due 31 January 2025, closed 10 February 2025
    open_round: FollowUpRound  # tertial 1 2025, opened 1 April, due 15 May
    published: PublishedFollowUp  # of 2024, published 10 March 2025
    council: Body  # private: a meeting on 12 March 2025, one on 5 January 2026
    forum: Body  # public: a meeting on 17 September 2025, notice ten days before
    march_meeting: Meeting
    january_meeting: Meeting
    forum_meeting: Meeting


def _plan(owner: Organisation, title: str, start: int, end: int, **fields) -> Plan:
    fields.setdefault("kind", Plan.Kind.ACTION_PLAN)
    return Plan.objects.create(
        owner=owner,
        title=title,
        start_year=start,
        end_year=end,
        **fields,
    )


def dated_year(owner: Organisation, *, editor: User, full: bool = True) -> DatedYear:
    """Give the organisation a year of dates (see `DatedYear`); `full=False` skips the
    published content's whole document (for building many organisations quickly)."""
    adopted = Plan.Status.ADOPTED
    name = owner.name
    strategy = _plan(
        owner,
        f"Strategi {name}",
        2025,
        2028,
        kind=Plan.Kind.STRATEGY,
        status=adopted,
        adopted_on=datetime.date(2025, 2, 17),
    )
    action_plan = _plan(owner, f"Handlingsplan {name}", 2021, 2025, status=adopted)
    draft = _plan(owner, f"Utkast {name}", 2025, 2026)
    closed_round = FollowUpRound.objects.create(
        plan=action_plan, year=2024, due_on=datetime.date(2025, 1, 31), opened_by=editor
    )
    _opened(closed_round, stockholm(2024, 12, 2, 9, 0))
    round_close(round_=closed_round, user=editor)
    closed_round.history.filter(status=FollowUpRound.Status.CLOSED).update(
        history_date=stockholm(2025, 2, 10, 15, 0)
    )
    open_round = FollowUpRound.objects.create(
        plan=strategy,
        year=2025,
        period=FollowUpRound.Period.T1,
        due_on=datetime.date(2025, 5, 15),
        opened_by=editor,
    )
    _opened(open_round, stockholm(2025, 4, 1, 8, 30))
    FollowUpText.objects.create(
        plan=action_plan,
        year=2024,
        summary="Arbetet har gått enligt plan.",
        case_number="KS 2025/12",
        received_by="kommunstyrelsen",
        received_on=datetime.date(2025, 4, 22),
    )
    content = (
        follow_up_document(plan=action_plan, year=2024)
        if full
        else {
            "decision": {
                "case_number": "KS 2025/12",
                "received_by": "kommunstyrelsen",
                "received_on": "2025-04-22",
            }
        }
    )
    published = PublishedFollowUp.objects.create(
        plan=action_plan,
        year=2024,
        content=content,
        pdf=b"%PDF-1.7 publicerad",
        published_by=editor,
        published_at=stockholm(2025, 3, 10, 10, 0),
    )
    council = Body.objects.create(organisation=owner, name=f"Folkhälsorådet {name}", kind="rad")
    forum = Body.objects.create(
        organisation=owner,
        name=f"Trygghetsforum {name}",
        kind="samverkansorgan",
        is_public=True,
        notice_days=10,
    )
    return DatedYear(
        strategy=strategy,
        action_plan=action_plan,
        draft=draft,
        closed_round=closed_round,
        open_round=open_round,
        published=published,
        council=council,
        forum=forum,
        march_meeting=new_meeting(council, stockholm(2025, 3, 12, 13, 0)),
        january_meeting=new_meeting(council, stockholm(2026, 1, 5, 13, 0)),
        forum_meeting=new_meeting(forum, stockholm(2025, 9, 17, 9, 0)),
    )


def _opened(round_: FollowUpRound, moment: datetime.datetime) -> None:
    FollowUpRound.objects.filter(pk=round_.pk).update(opened_at=moment)
