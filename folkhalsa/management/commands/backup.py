"""Write a backup archive: the database, uploaded files and a manifest (folkhalsa/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from folkhalsa.backups import BackupError, backup_create


class Command(BaseCommand):
    help = _(
        "Skriver en säkerhetskopia (tar): databasen (pg_dump på PostgreSQL, en kopia på SQLite; "
        "lagrade dokument ingår, de ligger i databasen), de uppladdade filerna i MEDIA_ROOT och "
        "ett manifest med radantal per tabell och SHA-256 per fil."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            type=Path,
            help=_("Arkivets sökväg, t.ex. /var/backups/folkhalsa/2026-01-31.tar"),
        )

    def handle(self, *args, output: Path, **options) -> None:
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        written = _("Säkerhetskopian är skriven: %(path)s") % {"path": output}
        contents = _("%(tables)s tabeller, %(rows)s rader, %(files)s filer") % {
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "files": len(manifest["files"]),
        }
        self.stdout.write(f"{written} ({contents}).")
