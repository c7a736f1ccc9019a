"""Mitt arbete: the start page after login, built from what her roles ask of her.

Each app describes its own items (`WorkItem`, folkhalsa/work_items.py) in its selectors; this
module asks those her roles concern, sorts them soonest first and adds the plans and bodies she
works in. The menu's count (`my_work_count`) is asked only when a page's menu renders it.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from councils.models import Body
from councils.selectors import member_work, my_bodies, secretary_work
from folkhalsa.work_items import WorkItem
from plans.models import Plan
from plans.permissions import (
    EDIT_PLANS,
    MANAGE_COUNCILS,
    REPORT,
    AnyUser,
    can_start_plans,
    organisations_for,
)
from plans.prioritisation.selectors import rater_work
from plans.selectors import my_plans, plan_work
from reports.selectors import reporter_work, strategist_work


def work_items(*, user: AnyUser, today: datetime.date) -> list[WorkItem]:
    """Return what she must do, soonest first: only the selectors her roles concern run, so a
    rapportör costs a few queries and no user more than a fixed number."""
    if not user.is_authenticated:
        return []
    items = []
    if organisations_for(user, REPORT):
        items += reporter_work(user=user, today=today)
    if organisations_for(user, EDIT_PLANS):
        items += strategist_work(user=user, today=today)
        items += plan_work(user=user, today=today)
    if organisations_for(user, MANAGE_COUNCILS):
        items += secretary_work(user=user, today=today)
    items += member_work(user=user, today=today)
    items += rater_work(user=user)
    return sorted(items, key=WorkItem.sort_key)


@dataclass
class MyWork:
    """The page's content: her items, and the plans and bodies she works in."""

    items: list[WorkItem]
    today: datetime.date
    plans: list[Plan]
    plan_count: int
    bodies: list[Body]
    body_count: int

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.due is not None and item.due < self.today)


def my_work(*, user: AnyUser, today: datetime.date) -> MyWork:
    """Return Mitt arbete's content for the user on the day."""
    plans, plan_count = my_plans(user=user)
    bodies, body_count = my_bodies(user=user, today=today)
    return MyWork(
        items=work_items(user=user, today=today),
        today=today,
        plans=plans,
        plan_count=plan_count,
        bodies=bodies,
        body_count=body_count,
    )


@login_required
def my_work_view(request: HttpRequest) -> HttpResponse:
    """Show Mitt arbete: her items with their due dates, then her plans and bodies."""
    content = my_work(user=request.user, today=timezone.localdate())
    # The menu shows the count the page lists, without asking again.
    request.my_work_count = len(content.items)
    context = {"work": content, "can_start": can_start_plans(request.user)}
    return render(request, "my_work/my_work.html", context)


def my_work_menu(request: HttpRequest) -> dict:
    """Give the menu the number of items on Mitt arbete; counted only when a menu renders it."""
    user = getattr(request, "user", None)

    def my_work_count() -> int:
        # A callable: anonymous visitors and pages without a menu cost no query.
        if user is None or not user.is_authenticated:
            return 0
        counted = getattr(request, "my_work_count", None)
        if counted is None:
            counted = len(work_items(user=user, today=timezone.localdate()))
            request.my_work_count = counted
        return counted

    return {"my_work_count": my_work_count}
