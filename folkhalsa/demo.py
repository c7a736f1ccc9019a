"""The whole demo: the plans of the source documents, then the councils that use them."""

from dataclasses import dataclass

from django.db import transaction

from councils.demo.loader import CouncilReport
from councils.demo.loader import load_demo as load_councils
from plans.demo.loader import DEMO_PASSWORD, DemoReport
from plans.demo.loader import load_demo as load_plans


@dataclass
class Demo:
    """What a load did, per app."""

    plans: DemoReport
    councils: CouncilReport

    @property
    def users(self) -> list[tuple[str, str, str]]:
        """Return every demo account: user name, role, organisation."""
        return self.plans.users + self.councils.users


def load_demo(*, password: str = DEMO_PASSWORD) -> Demo:
    """Load the plans demo and the councils demo, all or nothing; what is there stays."""
    with transaction.atomic():
        return Demo(plans=load_plans(password=password), councils=load_councils(password=password))
