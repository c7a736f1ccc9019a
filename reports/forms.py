"""Forms of the follow-up pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.kolada import parse_areas, parse_years


class KoladaImportForm(forms.Form):
    """Which years and areas to fetch from Kolada for an indicator."""

    years = forms.CharField(
        label=_("År"),
        max_length=200,
        help_text=_("T.ex. 2020-2024, 2022 eller 2020,2022."),
    )
    areas = forms.CharField(
        label=_("Områden"),
        max_length=500,
        help_text=_(
            "Koladas koder åtskilda med komma: kommunen (t.ex. 1962), länet som region "
            "(t.ex. 0019) och riket (0000)."
        ),
    )

    def clean_years(self) -> list[int]:
        return _parsed(parse_years, self.cleaned_data["years"])

    def clean_areas(self) -> list[str]:
        return _parsed(parse_areas, self.cleaned_data["areas"])


def _parsed(parse, text: str):
    """Return the parsed input, or its Swedish refusal as a form error."""
    try:
        return parse(text)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from error
