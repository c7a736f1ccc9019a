"""The whole demo: the plans of the source documents, the councils that use them, and the
follow-up of the plans (rounds, indicators, the budget outcome, one published report)."""

from dataclasses import dataclass

from django.db import transaction

from councils.demo.loader import CouncilReport
from councils.demo.loader import load_demo as load_councils
from plans.demo.loader import DEMO_PASSWORD, DemoReport
from plans.demo.loader import load_demo as load_plans
from plans.prioritisation.demo import load_prioritisation_demo
from reports.demo.loader import load_follow_up_demo


@dataclass
class Demo:
    """What a load did, per app."""

    plans: DemoReport
    councils: CouncilReport
    follow_up: list[str]
    prioritisation_users: list[tuple[str, str, str]]

    @property
    def users(self) -> list[tuple[str, str, str]]:
        """Return every demo account: user name, role, organisation."""
        return self.plans.users + self.prioritisation_users + self.councils.users


def load_demo(*, password: str = DEMO_PASSWORD) -> Demo:
    """Load the plans, councils and follow-up demos, all or nothing; what is there stays."""
    with transaction.atomic():
        plans = load_plans(password=password)
        prioritisation_users = load_prioritisation_demo(password=password)
        councils = load_councils(password=password)
        return Demo(
            plans=plans,
            councils=councils,
            follow_up=load_follow_up_demo(),
            prioritisation_users=prioritisation_users,
        )
