"""Forms for plans and measures; every edit form carries the version it started from."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Measure, Plan
from plans.services import StaleVersionError, changes_since

ASCII_NUMBER = re.compile(r"[-+]?[0-9 \u00a0]*([.,][0-9]*)?\Z")


def _refuse_other_digits(value: object, field: forms.Field) -> None:
    """Refuse digits other than 0–9: Python reads e.g. "٢٠٢٤" as 2024."""
    if isinstance(value, str) and not ASCII_NUMBER.match(value.strip()):
        raise ValidationError(field.error_messages["invalid"], code="invalid")


# Ids in the database are 64-bit; SQLite raises on larger numbers instead of finding nothing.
LARGEST_ID = 2**63 - 1


def is_id(value: object) -> bool:
    """Return whether the value can be a record's id: ASCII digits within the database's range."""
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= LARGEST_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one record; a value that cannot be an id is an invalid choice, not an error."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, models.Model)
            and not is_id(value)
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records; values that cannot be ids are refused like unknown ones."""

    def _check_values(self, value):
        for item in value:
            if not is_id(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class AsciiIntegerField(forms.IntegerField):
    """An integer typed with the digits 0–9 only."""

    default_error_messages = {"invalid": _("Ange ett heltal med siffrorna 0–9.")}

    def to_python(self, value):
        _refuse_other_digits(value, self)
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    """A number typed with the digits 0–9 only."""

    default_error_messages = {"invalid": _("Ange ett tal med siffrorna 0–9.")}

    def to_python(self, value):
        _refuse_other_digits(value, self)
        return super().to_python(value)


class VersionedModelForm(forms.ModelForm):
    """A model form with a hidden `loaded_version`; a save over a newer version is refused.

    The stored version is read with a row lock, so inside the view's transaction nobody can
    save between this check and the save itself.
    """

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"required": _("Formuläret saknar versionsuppgift. Ladda om sidan.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["loaded_version"].required = editing
        self.fields["loaded_version"].initial = self.instance.version if editing else None

    def expected_version(self) -> int:
        """Return the version the editor started from."""
        return self.cleaned_data["loaded_version"] if self.instance.pk else 1

    def clean(self) -> dict:
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk is None or loaded is None:
            return cleaned
        current = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and loaded != current:
            lines = StaleVersionError(changes_since(self.instance, loaded)).describe()
            raise ValidationError(
                [
                    _(
                        "Någon annan har sparat ändringar sedan du öppnade sidan. Inget av det "
                        "du skrev har sparats. Ladda om sidan och gör om dina ändringar."
                    )
                ]
                + lines
            )
        return cleaned


class PlanForm(VersionedModelForm):
    """Edit a plan's own fields."""

    class Meta:
        model = Plan
        fields = [
            "title",
            "kind",
            "start_year",
            "end_year",
            "vision",
            "purpose",
            "status",
            "adopted_by",
            "adopted_on",
            "revised_on",
            "target_areas",
            "global_goals",
        ]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "revised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_areas": forms.CheckboxSelectMultiple,
            "global_goals": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "start_year": AsciiIntegerField,
            "end_year": AsciiIntegerField,
            "target_areas": IdMultipleChoiceField,
            "global_goals": IdMultipleChoiceField,
        }


class MeasureForm(VersionedModelForm):
    """Edit a measure of a plan; its focus area and result stay within the plan."""

    class Meta:
        model = Measure
        fields = [
            "focus_area",
            "result",
            "code",
            "title",
            "description",
            "target_group",
            "expected_result",
            "target_year",
            "status",
            "approach",
            "start_year",
            "end_year",
        ]
        field_classes = {
            "focus_area": IdChoiceField,
            "result": IdChoiceField,
            "target_year": AsciiIntegerField,
            "start_year": AsciiIntegerField,
            "end_year": AsciiIntegerField,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.fields["focus_area"].queryset = plan.focus_areas.all()
        self.fields["result"].queryset = self.fields["result"].queryset.filter(
            focus_area__plan=plan
        )


class MeasureStatusForm(VersionedModelForm):
    """Report the status of a measure: what a rapportör may change."""

    class Meta:
        model = Measure
        fields = ["status"]
