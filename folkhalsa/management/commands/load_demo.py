"""Load the demo data transcribed from the source documents, and the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from folkhalsa.demo import load_demo
from plans.demo.loader import DEMO_PASSWORD, DemoDataError


class Command(BaseCommand):
    help = "Läs in demodata från källdokumenten och skapa demokonton (kan köras flera gånger)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Lösenord för demokontona.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Läs in även när DEBUG är av (demokontona har kända lösenord).",
        )

    def handle(self, *args, password: str, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG är av: demodata och demokonton med kända lösenord läses inte in i "
                "produktion. Använd --force om det verkligen är en demoinstallation."
            )
        try:
            demo = load_demo(password=password)
        except DemoDataError as error:
            raise CommandError(f"Demodata kunde inte läsas in, inget sparades: {error}") from error
        for title in demo.plans.created + demo.councils.created + demo.follow_up:
            self.stdout.write(f"Inläst: {title}")
        for title in demo.plans.existing + demo.councils.existing:
            self.stdout.write(f"Fanns redan: {title}")
        self.stdout.write(self.style.SUCCESS(f"\nDemokonton (lösenord: {password}):"))
        width = max(len(name) for name, _, _ in demo.users)
        for username, role, organisation in demo.users:
            self.stdout.write(f"  {username:<{width}}  {role}, {organisation}")
