"""Remind measure owners who have not reported: run daily (cron or a systemd timer)."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from reports.models import FollowUpRound
from reports.services import Reminder, round_send_reminders

logger = logging.getLogger(__name__)


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
        failed_rounds = unreached = 0
        for round_ in due:
            # Once a day at most, however often the schedule runs.
            if round_.last_reminded_on == today:
                continue
            reminders = self._remind(round_, today)
            if reminders is None:
                failed_rounds += 1
                continue
            unreached += sum(not r.sent for r in reminders)
        self.stdout.write(
            f"Klart: {failed_rounds} uppföljningar misslyckades, "
            f"{unreached} påminnelser kunde inte skickas."
        )

    def _remind(self, round_: FollowUpRound, today: datetime.date) -> list[Reminder] | None:
        """Remind one round; a failure is logged and reported, and the other rounds go on."""
        try:
            reminders, reach = round_send_reminders(round_=round_, user=None, today=today)
        except ValidationError as refusal:  # nothing to remind of, or nobody to reach
            self.stdout.write(f"{round_}: {' '.join(refusal.messages)}")
            return []
        except Exception:  # noqa: BLE001 - one round's failure must not stop the others
            logger.exception("Reminding round %s failed", round_.pk)
            self.stderr.write(f"{round_}: påminnelserna kunde inte skickas (se loggen).")
            return None
        sent = sum(r.sent for r in reminders)
        self.stdout.write(f"{round_}: {sent} påminnelser skickade.")
        for reminder in reminders:
            if not reminder.sent:
                self.stderr.write(f"{round_}: kunde inte nå {reminder.user.email}.")
        if reach.unreached:
            codes = ", ".join(m.code or str(m.pk) for m in reach.unreached)
            self.stderr.write(f"{round_}: ingen rapportör kan nås för insatserna {codes}.")
        return reminders
