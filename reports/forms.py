"""Forms of the follow-up pages."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms import AsciiDecimalField, AsciiIntegerField, SwedishAmountField, VersionedModelForm
from plans.models import Plan
from reports.documents import DEFAULT_GAP
from reports.kolada import parse_areas, parse_years
from reports.models import FollowUpRound, MeasureReport


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


# An expected result "with a number" ("100 familjer", "minst 80 %") asks for the figure reached.
HAS_NUMBER = re.compile(r"[0-9]")


class RoundForm(forms.ModelForm):
    """Open a follow-up round of a plan: which year and period, reported by which day."""

    year = AsciiIntegerField(label=_("År"), min_value=1900, max_value=2200)

    class Meta:
        model = FollowUpRound
        fields = ["year", "period", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["due_on"].error_messages["invalid"] = _("Ange datumet som ÅÅÅÅ-MM-DD.")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        plan = self.instance.plan
        if not plan.start_year <= year <= plan.end_year:
            raise forms.ValidationError(
                _("Året ligger utanför planens period (%(start)s–%(end)s).")
                % {"start": plan.start_year, "end": plan.end_year}
            )
        return year


class MeasureReportForm(VersionedModelForm):
    """The measure owner's report: status, how it goes, and the figure reached where one is."""

    figure_reached = SwedishAmountField(
        label=_("Uppnått värde"), required=False, min_value=0, max_value=10**12
    )

    class Meta:
        model = MeasureReport
        fields = ["status", "progress", "figure_reached"]
        widgets = {"status": forms.RadioSelect, "progress": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = MeasureReport.Status.choices
        self.fields["status"].required = False
        self.fields["figure_reached"].error_messages["invalid"] = _(
            "Ange värdet med siffror, t.ex. 1 234 eller 12,5."
        )
        if not HAS_NUMBER.search(self.instance.measure.expected_result):
            del self.fields["figure_reached"]


class ReviewForm(forms.Form):
    """The strategist's decision on a submitted report."""

    comment = forms.CharField(
        label=_("Kommentar till rapportören"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Krävs när du returnerar rapporten."),
    )


class GapForm(forms.Form):
    """The gap between women and men from which the yearly report lists an indicator."""

    skillnad = AsciiDecimalField(
        label=_("Redovisa skillnader mellan kvinnor och män större än"),
        required=False,
        min_value=0,
        max_value=10**6,
        decimal_places=2,
        help_text=_("I indikatorns enhet, t.ex. procentenheter. Lämna tomt för 5."),
    )

    def gap(self) -> Decimal:
        """Return the chosen gap, or the default when none (or none valid) was given."""
        if self.is_valid() and self.cleaned_data.get("skillnad") is not None:
            return self.cleaned_data["skillnad"]
        return DEFAULT_GAP


class PublishForm(GapForm):
    """Publish the year's follow-up: the gap it lists differences from, and, for a new version
    of a year already published, what changed and why."""

    reason = forms.CharField(
        label=_("Vad har ändrats och varför?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs när året redan är publicerat. Texten står i den nya versionen; den förra "
            "sparas i arkivet."
        ),
    )


# Past this many organisations a list to choose from is too long to read (a region's or the
# country's superuser: hundreds); she types a part of the name instead.
OWNER_CHOICES_AT_ONCE = 40


class FollowUpFilterForm(forms.Form):
    """The filters above the plans whose follow-up she manages: a GET form, so they work
    without JavaScript; an invalid filter is named and the list shown unfiltered."""

    q = forms.CharField(
        label=_("Sök på planens titel"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    year = AsciiIntegerField(
        label=_("År"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Planer som löper det året, med årets omgångar."),
    )

    def __init__(self, data, *, owners: dict[int, str]) -> None:
        """`owners`: the organisations to choose among, at most OWNER_CHOICES_AT_ONCE and one
        more (`managed_owners`); past that many she types a part of the name instead."""
        super().__init__(data)
        if len(owners) > OWNER_CHOICES_AT_ONCE:
            self.fields["organisation"] = forms.CharField(
                label=_("Organisation"),
                required=False,
                max_length=200,
                help_text=_("En del av namnet; organisationens enheter räknas med."),
                widget=forms.TextInput(attrs={"type": "search"}),
            )
        else:
            self.fields["organisation"].choices = [("", _("Alla")), *owners.items()]
        if len(owners) < 2:
            del self.fields["organisation"]

    def chosen(self) -> dict:
        """Return the filters she chose, as `follow_up_plans` takes them (none if invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        organisation = data.get("organisation")
        named = isinstance(organisation, str)
        return {
            "organisation": None if named else organisation,
            "owner_name": organisation.strip() if named else "",
            "year": data["year"],
            "text": data["q"].strip(),
        }
