"""Restore a backup archive written by `backup` and check the result against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from folkhalsa.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = _(
        "Återställer en säkerhetskopia från backup: databasen och de uppladdade filerna, och "
        "jämför sedan radantal och filernas SHA-256 med arkivets manifest. Stoppa webb och "
        "arbetare först."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help=_("Arkivet som backup skrev"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Ersätt även en databas eller en filmapp som inte är tom"),
        )

    def handle(self, *args, archive: Path, force: bool, **options) -> None:
        try:
            differences = backup_restore(archive=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if differences:
            raise CommandError(
                _("Återställt, men det skiljer sig från arkivets manifest:\n%s")
                % "\n".join(differences)
            )
        self.stdout.write(
            _("Återställt från %(path)s: varje tabells radantal och varje fils SHA-256 stämmer.")
            % {"path": archive}
        )
