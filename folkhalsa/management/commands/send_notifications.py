"""Send each person the day's digest of what she must act on: run daily (cron or a systemd
timer), as `send_followup_reminders`; running it twice a day sends nothing twice."""

from django.core.management.base import BaseCommand

from folkhalsa.notifications import send_notifications


class Command(BaseCommand):
    help = "Skicka var och en dagens sammanfattning av det hon behöver göra (högst en om dagen)."

    def handle(self, *args, **options) -> None:
        result = send_notifications()
        self.stdout.write(
            f"Klart: {result.sent} sammanfattningar skickade, {result.failed} kunde inte "
            f"skickas, {result.skipped_today} hade redan fått dagens."
        )
