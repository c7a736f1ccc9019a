"""Remind measure owners who have not reported: run daily (cron or a systemd timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from reports.models import FollowUpRound
from reports.services import round_send_reminders


class Command(BaseCommand):
    help = "Påminn rapportörer som inte rapporterat i öppna uppföljningar som snart ska vara klara."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before",
            type=int,
            default=7,
            help="Börja påminna så här många dagar före sista dag (standard 7).",
        )

    def handle(self, *args, days_before: int, **options) -> None:
        today = timezone.localdate()
        due = FollowUpRound.objects.filter(
            status=FollowUpRound.Status.OPEN,
            due_on__lte=today + datetime.timedelta(days=max(days_before, 0)),
        ).select_related("plan")
        for round_ in due:
            # Once a day at most, however often the schedule runs.
            if round_.last_reminded_on == today:
                continue
            reminders = round_send_reminders(round_=round_, user=None, today=today)
            self.stdout.write(f"{round_}: {len(reminders)} påminnelser skickade.")
