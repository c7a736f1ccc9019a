"""manage.py import_measures: a plan's measures from an .xlsx or .csv, all or nothing."""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.measure_import import (
    ImportFileError,
    ImportRefused,
    import_measures,
    preview_import,
    read_sheet,
)
from plans.models import Plan


class Command(BaseCommand):
    help = _(
        "Importerar en plans insatser från en Excel-fil (.xlsx) eller CSV-fil: visar först vad "
        "som skapas och ändras; med --dry-run sparas inget."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=_("Filen: .xlsx, eller .csv i UTF-8 eller Windows-1252."))
        parser.add_argument("--plan", required=True, type=int, help=_("Planens id."))
        parser.add_argument("--dry-run", action="store_true", help=_("Visa bara vad som händer."))
        parser.add_argument(
            "--create-organisations",
            action="store_true",
            help=_("Skapa organisationer som inte finns som enheter under planens ägare."),
        )
        parser.add_argument("--user", help=_("Användarnamnet som står i historiken."))

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.select_related("owner").filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(_("Planen %(id)s finns inte.") % {"id": options["plan"]})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Användaren %(u)s finns inte.") % {"u": options["user"]})
        try:
            sheet = read_sheet(Path(options["file"]).read_bytes())
            create = options["create_organisations"]
            if options["dry_run"]:
                preview = preview_import(plan=plan, sheet=sheet)
                refusals = preview.refusals(create_organisations=create)
            else:
                preview = import_measures(
                    plan=plan, sheet=sheet, user=user, create_organisations=create
                )
                refusals = []
        except OSError as error:
            raise CommandError(_("Filen kunde inte öppnas: %(e)s") % {"e": error}) from error
        except ImportFileError as error:
            raise CommandError(f"{error} {_('Inget har sparats.')}") from error
        except ImportRefused as error:
            self._write(error.preview)
            raise CommandError("\n".join([*error.messages, _("Inget har sparats.")])) from error
        self._write(preview)
        if refusals:
            raise CommandError("\n".join(refusals))
        if options["dry_run"]:
            self.stdout.write(_("Provkörning: inget har sparats."))
        else:
            self.stdout.write(_("Klart: importen är sparad."))

    def _write(self, preview) -> None:
        for line in preview.describe():
            self.stdout.write(line)
