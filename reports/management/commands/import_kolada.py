"""manage.py import_kolada: fetch indicator values from Kolada, all or nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.kolada import KoladaError, parse_areas, parse_kpis, parse_years
from reports.services import indicator_values_import_kolada


class Command(BaseCommand):
    help = _(
        "Hämtar nyckeltal från Kolada för kommuner, län (t.ex. 0019) och riket (0000), "
        "t.ex. --kpi N00957,N00938 --municipality 2417,1962,0000 --years 2020-2024."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kpi", required=True, help=_("Nyckeltal, t.ex. N00957,N00938."))
        parser.add_argument(
            "--municipality",
            required=True,
            help=_("Kommun-, region- och rikskoder, t.ex. 2417,1962,0019,0000."),
        )
        parser.add_argument(
            "--years", required=True, help=_("År: 2022, 2020,2022 eller 2020-2024.")
        )

    def handle(self, *args, **options) -> None:
        try:
            kpis = parse_kpis(options["kpi"])
            areas = parse_areas(options["municipality"])
            years = parse_years(options["years"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            result = indicator_values_import_kolada(kpis=kpis, municipalities=areas, years=years)
        except KoladaError as error:
            raise CommandError(f"{error} {_('Inget har sparats.')}") from error
        for line in result.indicators:
            self.stdout.write(line.describe())
        self.stdout.write(_("Klart. Källa: Kolada."))
