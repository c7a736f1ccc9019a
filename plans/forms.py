"""Forms for plans and measures; every edit form carries the version it started from."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plans.models import Measure, Plan
from plans.services import StaleVersionError, changes_since

ASCII_NUMBER = re.compile(r"[-+]?[0-9 \u00a0]*([.,][0-9]*)?\Z")


def _refuse_other_digits(value: object, field: forms.Field) -> None:
    """Refuse digits other than 0–9: Python reads e.g. "٢٠٢٤" as 2024."""
    if isinstance(value, str) and not ASCII_NUMBER.match(value.strip()):
        raise ValidationError(field.error_messages["invalid"], code="invalid")


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
        field_classes = {"start_year": AsciiIntegerField, "end_year": AsciiIntegerField}


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


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_AMOUNT_FORMAT = re.compile(r"^[0-9]+([.,][0-9]{1,2})?$")  # ASCII digits only


def format_kronor(amount: Decimal | None) -> str:
    """Return an amount in Swedish notation: "1 234 567,50", or "350 000" for whole kronor."""
    if amount is None:
        return ""
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return text.removesuffix(",00")


class SwedishAmountField(forms.DecimalField):
    """An amount in kronor typed as Swedes write it: "1 234,50", "1234,50", "1 234"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "size": 12})
    default_error_messages = {
        "invalid": _("Ange beloppet i kronor med siffror, t.ex. 1 234,50."),
        "min_value": _("Beloppet kan inte vara negativt."),
    }

    def to_python(self, value: object) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().translate(_SPACES)
        if text.startswith("-") and _AMOUNT_FORMAT.match(text[1:]):
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if not _AMOUNT_FORMAT.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text.replace(",", "."))

    def prepare_value(self, value: object) -> object:
        return format_kronor(value) if isinstance(value, Decimal) else value

    def widget_attrs(self, widget: forms.Widget) -> dict:
        # Not a number input: a browser would refuse the Swedish comma and spaces.
        return {}
