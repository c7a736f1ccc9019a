from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        """Show the follow-up on the plan page, through the hook `plans` offers for it."""
        from plans import follow_up
        from reports.plan_page import PlanPageFollowUp

        follow_up.register(PlanPageFollowUp())
