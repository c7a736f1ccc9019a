"""The prioritisation's forms: every choice limited to what the user may see and use."""

from datetime import date

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import permissions
from plans.forms import (
    AsciiDecimalField,
    AsciiIntegerField,
    IdChoiceField,
    IdMultipleChoiceField,
    VersionedModelForm,
)
from plans.models import Candidate, Criterion, Plan, Prioritisation, Round, TargetArea, Theme
from plans.prioritisation.services import PlanTarget, SheetInput


class PrioritisationForm(VersionedModelForm):
    class Meta:
        model = Prioritisation
        fields = ["title", "description", "method", "scale_min", "scale_max"]
        field_classes = {"scale_min": AsciiIntegerField, "scale_max": AsciiIntegerField}
        widgets = {"title": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.rounds.exists():
            # Scores already given are on this scale: it stays as it is.
            for name in ("scale_min", "scale_max"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Skalan låses när den första omgången öppnas.")


class PrioritisationNewForm(forms.ModelForm):
    owner = IdChoiceField(queryset=None, label=gettext_lazy("Ägare"))

    class Meta:
        model = Prioritisation
        fields = ["owner", "title", "description", "method", "scale_min", "scale_max"]
        field_classes = {"scale_min": AsciiIntegerField, "scale_max": AsciiIntegerField}
        widgets = {"title": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = permissions.plan_owner_choices(user)
        self.fields["owner"].help_text = _(
            "Organisationen eller samverkan som äger prioriteringen. En samverkans medlemmar "
            "arbetar i den med sina egna roller."
        )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight"]
        field_classes = {"weight": AsciiDecimalField}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CriterionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, locked_rows: bool = False, **kwargs) -> None:
        self.locked_rows = locked_rows
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if not self.locked_rows:
            return
        if (
            any(f.has_changed() and not f.instance.pk for f in self.extra_forms)
            or self.deleted_forms
        ):
            raise forms.ValidationError(
                _(
                    "När en omgång har öppnats kan kriterier inte läggas till eller tas bort, "
                    "bara byta namn, beskrivning och vikt."
                )
            )


def criteria_formset(data, prioritisation: Prioritisation):
    locked_rows = prioritisation.rounds.exists()
    formset_class = forms.inlineformset_factory(
        Prioritisation,
        Criterion,
        form=CriterionForm,
        formset=CriterionFormSet,
        extra=0 if locked_rows else 1,
        can_delete=not locked_rows,
        max_num=12,
        validate_max=True,
    )
    return formset_class(data, instance=prioritisation, prefix="kriterier", locked_rows=locked_rows)


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["number", "title", "description"]
        field_classes = {"number": AsciiIntegerField}
        widgets = {"title": forms.TextInput(attrs={"size": 80})}

    def validate_unique(self) -> None:
        self.instance.prioritisation_id = self.prioritisation_id
        super().validate_unique()
        exclude = self._get_validation_exclusions()
        exclude.discard("prioritisation")
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def __init__(self, *args, prioritisation: Prioritisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prioritisation_id = prioritisation.pk
        self.instance.prioritisation = prioritisation


class CandidateForm(VersionedModelForm):
    class Meta:
        model = Candidate
        fields = [
            "theme",
            "number",
            "title",
            "description",
            "target_areas",
            "shortlisted",
            "consequence_adopt",
            "consequence_nothing",
            "resources",
            "resources_level",
            "effect",
            "effect_level",
        ]
        field_classes = {
            "theme": IdChoiceField,
            "target_areas": IdMultipleChoiceField,
            "resources_level": AsciiIntegerField,
            "effect_level": AsciiIntegerField,
        }
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "target_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, prioritisation: Prioritisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        prioritisation = prioritisation or self.instance.prioritisation
        self.instance.prioritisation = prioritisation
        self.fields["theme"].queryset = Theme.objects.filter(prioritisation=prioritisation)
        self.fields["target_areas"].queryset = TargetArea.objects.all()


class RoundForm(forms.ModelForm):
    raters = IdMultipleChoiceField(
        queryset=None,
        label=gettext_lazy("Bedömare"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Konton i ägarens organisation och i samverkans medlemmar."),
    )
    capacity = forms.CharField(
        label=gettext_lazy("Bedömarna deltar i egenskap av"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("T.ex. verksamhetsansvariga och sakkunniga."),
    )
    candidates = IdMultipleChoiceField(
        queryset=None,
        label=gettext_lazy("Åtgärdsområden att poängsätta"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("En senare omgång kan smalna av till färre åtgärdsområden."),
    )

    class Meta:
        model = Round
        fields = ["title", "instructions", "due_on"]
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, prioritisation: Prioritisation, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.prioritisation = prioritisation
        raters = permissions.rater_choices(user, prioritisation.owner)
        self.fields["raters"].queryset = raters
        self.fields["raters"].label_from_instance = rater_label
        self.fields["candidates"].queryset = prioritisation.candidates.select_related(
            "theme"
        ).order_by("theme__number", "pk")
        self.fields["candidates"].label_from_instance = lambda c: f"{c.theme.number}. {c}"


def rater_label(user: User) -> str:
    name = user.get_full_name() or user.username
    account = getattr(user, "account", None)
    return f"{name} ({account.organisation.name})" if account else name


class DecisionForm(forms.Form):
    candidates = IdMultipleChoiceField(
        queryset=None,
        label=gettext_lazy("Åtgärdsområden som beslutas"),
        widget=forms.CheckboxSelectMultiple,
    )
    as_ = forms.ChoiceField(
        label=gettext_lazy("De blir i planen"),
        choices=[
            (PlanTarget.AS_MEASURES, gettext_lazy("insatser, under ett fokusområde per tema")),
            (PlanTarget.AS_FOCUS_AREAS, gettext_lazy("fokusområden, ett per åtgärdsområde")),
        ],
        initial=PlanTarget.AS_MEASURES,
        widget=forms.RadioSelect,
    )
    plan = IdChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Befintlig plan"),
        empty_label=gettext_lazy("Ny plan (fyll i nedan)"),
    )
    new_title = forms.CharField(
        label=gettext_lazy("Den nya planens titel"), max_length=300, required=False
    )
    new_kind = forms.ChoiceField(
        label=gettext_lazy("Den nya planens typ"),
        choices=Plan.Kind.choices,
        initial=Plan.Kind.ACTION_PLAN,
    )
    new_start_year = AsciiIntegerField(
        label=gettext_lazy("Startår"), required=False, min_value=1900, max_value=2200
    )
    new_end_year = AsciiIntegerField(
        label=gettext_lazy("Slutår"), required=False, min_value=1900, max_value=2200
    )
    decided_by = forms.CharField(label=gettext_lazy("Beslutande organ"), max_length=200)
    decided_on = forms.DateField(
        label=gettext_lazy("Beslutsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=gettext_lazy("Diarienummer"), max_length=100, required=False)

    def __init__(self, *args, prioritisation: Prioritisation, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.prioritisation = prioritisation
        self.fields["candidates"].queryset = (
            prioritisation.candidates.filter(focus_area__isnull=True, measure__isnull=True)
            .select_related("theme")
            .order_by("theme__number", "pk")
        )
        self.fields["candidates"].label_from_instance = lambda c: f"{c.theme.number}. {c}"
        self.fields["plan"].queryset = (
            permissions.visible_plans(user)
            .filter(owner=prioritisation.owner)
            .order_by("-start_year", "title")
        )
        if not (user.is_authenticated and user.is_superuser):
            editable = permissions.organisations_for(user, permissions.EDIT_PLANS)
            self.fields["plan"].queryset = self.fields["plan"].queryset.filter(owner__in=editable)

    def clean_decided_on(self) -> date:
        value = self.cleaned_data["decided_on"]
        if not 1900 <= value.year <= 2100:
            raise forms.ValidationError(_("Ange ett datum mellan år 1900 och 2100."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or data.get("plan"):
            return data
        missing = [
            name for name in ("new_title", "new_start_year", "new_end_year") if not data.get(name)
        ]
        for name in missing:
            self.add_error(name, _("Fyll i för en ny plan, eller välj en befintlig plan."))
        if not missing and data["new_end_year"] < data["new_start_year"]:
            self.add_error("new_end_year", _("Slutåret kan inte vara före startåret."))
        return data

    def target_plan(self) -> Plan:
        data = self.cleaned_data
        if data.get("plan"):
            return data["plan"]
        return Plan(
            owner=self.prioritisation.owner,
            kind=data["new_kind"],
            title=data["new_title"],
            start_year=data["new_start_year"],
            end_year=data["new_end_year"],
        )


class ScoresForm(forms.Form):
    """A rater's sheet: a score per candidate and criterion, and a comment per candidate."""

    def __init__(self, *args, round_: Round, candidates, criteria, saved, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        prioritisation = round_.prioritisation
        scale = range(prioritisation.scale_min, prioritisation.scale_max + 1)
        choices = [("", _("Ej satt"))] + [(str(v), str(v)) for v in scale]
        self.rows = []
        for candidate in candidates:
            scores, comment = saved.get(candidate.pk, ({}, ""))
            names = []
            for criterion in criteria:
                name = f"s-{candidate.pk}-{criterion.pk}"
                self.fields[name] = forms.TypedChoiceField(
                    label=criterion.name,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=scores.get(criterion.pk),
                )
                names.append(name)
            comment_name = f"k-{candidate.pk}"
            self.fields[comment_name] = forms.CharField(
                label=_("Kommentar"),
                required=False,
                max_length=4000,
                initial=comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append((candidate, [self[n] for n in names], self[comment_name]))

    def sheets(self, candidates, criteria) -> list:
        """Return a sheet for each candidate the post holds fields of, with only the fields
        posted: what a post leaves out (an older page, another client) stays as it is."""
        sheets = []
        for c in candidates:
            scores = {
                k.pk: self.cleaned_data.get(f"s-{c.pk}-{k.pk}")
                for k in criteria
                if f"s-{c.pk}-{k.pk}" in self.data
            }
            comment = self.cleaned_data.get(f"k-{c.pk}") if f"k-{c.pk}" in self.data else None
            if scores or comment is not None:
                sheets.append(SheetInput(candidate=c.pk, scores=scores, comment=comment))
        return sheets
