"""Forms for plans and measures; every edit form carries the version it started from."""

import copy
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans import permissions
from plans.follow_up import follow_up
from plans.models import (
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
    Tag,
)
from plans.selectors import MeasureFilter
from plans.services import (
    FieldConflict,
    comparable,
    display_value,
    editor_name,
    history_fields,
    local_time,
    locked_record,
    merge_versions,
    normalise_text,
    refuse_taken_number,
    stored_value,
    version_snapshot,
)

# The hidden fields that carry versions; they never count as a change she made.
VERSION_FIELDS = ("loaded_version", "seen_version")

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


def _saved_value(saved: models.Model, field: models.Field) -> object:
    """Return the stored value of a field, in the shape a form's cleaned data has."""
    if field.many_to_many:
        return getattr(saved, field.name).all()
    return getattr(saved, field.name)


class VersionedModelForm(forms.ModelForm):
    """A model form with a hidden `loaded_version` that merges or refuses a save over a newer one.

    Text is compared and saved normalised (line breaks, trailing whitespace), so a field she did
    not touch never counts as changed. When someone saved after she opened the page, what only
    one side changed is merged; a field both changed is a conflict she resolves field by field,
    and she saves again against the version she has now seen (`seen_version`). The stored
    version is read with a row lock, so inside the view's transaction nobody can save between
    this check and the save itself. The form is validated inside that transaction: outside
    one, `clean` raises (the lock would end before the save).
    """

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"required": _("Formuläret saknar versionsuppgift. Ladda om sidan.")},
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["loaded_version"].required = editing
        self.fields["loaded_version"].initial = self.instance.version if editing else None
        self.conflicts: list[FieldConflict] = []
        self._expected: int | None = None

    @property
    def changed_data(self) -> list[str]:
        """Return the fields she changed; line endings, trailing spaces and versions don't count."""
        return [name for name in self.fields if self._field_changed(name)]

    def _field_changed(self, name: str) -> bool:
        field, bound = self.fields[name], self[name]
        if name in VERSION_FIELDS or field.disabled:
            return False
        if isinstance(field, forms.CharField):
            return normalise_text(str(bound.data or "")) != normalise_text(str(bound.initial or ""))
        return field.has_changed(bound.initial, bound.data)

    def expected_version(self) -> int:
        """Return the version the save is checked against: the merged one, else the loaded one."""
        if self._expected is not None:
            return self._expected
        return self.cleaned_data["loaded_version"] if self.instance.pk else 1

    def m2m_values(self) -> dict[str, object]:
        """Return the many-to-many values of the form, to be saved with the record."""
        names = {f.name for f in self.instance._meta.many_to_many}
        return {name: value for name, value in self.cleaned_data.items() if name in names}

    def clean(self) -> dict:
        cleaned = super().clean()
        self._normalise_texts(cleaned)
        if self.instance.pk is None:
            return cleaned
        # Read under the row lock: the instance was loaded before waiting for it, and another
        # save may have committed meanwhile. Everything below builds on what is stored now.
        saved = locked_record(self.instance)
        if saved is None:
            return cleaned
        self._take_unedited_fields(saved, cleaned)
        loaded = cleaned.get("loaded_version")
        if loaded is not None and loaded != saved.version:
            self._merge(cleaned, loaded=loaded, saved=saved)
        return cleaned

    def _take_unedited_fields(self, saved: models.Model, cleaned: dict) -> None:
        """Take the fields she does not edit here from the stored row, so none is saved stale."""
        for field in self.instance._meta.concrete_fields:
            form_field = self.fields.get(field.name)
            if form_field is None:
                setattr(self.instance, field.attname, getattr(saved, field.attname))
            elif form_field.disabled and field.name in cleaned:
                cleaned[field.name] = getattr(saved, field.name)

    def _normalise_texts(self, cleaned: dict) -> None:
        """Keep untouched text exactly as stored; save changed text normalised."""
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and isinstance(cleaned.get(name), str):
                stored = self.get_initial_for_field(field, name)
                keep = isinstance(stored, str) and not self._field_changed(name)
                cleaned[name] = stored if keep else normalise_text(cleaned[name])

    def _merge(self, cleaned: dict, *, loaded: int, saved: models.Model) -> None:
        """Merge her changes with those saved since `loaded`; refuse where both changed a field.

        `saved` is the record as stored now, read under the row lock.
        """
        base = version_snapshot(instance=self.instance, version=loaded)
        if base is None:
            raise ValidationError(_("Posten har ändrats sedan du öppnade sidan. Ladda om sidan."))
        fields = self._model_fields(cleaned)
        take_saved, conflicts = merge_versions(
            base={name: stored_value(base, field) for name, field in fields.items()},
            current={name: stored_value(saved, field) for name, field in fields.items()},
            mine={name: comparable(cleaned[name]) for name in fields},
        )
        current = saved.version
        if cleaned.get("seen_version") == current:
            # She has seen these conflicts: each field keeps hers unless she took the saved one.
            choice = {n: self.data.get(self.add_prefix(f"resolve-{n}")) for n in conflicts}
            chosen = {name for name, value in choice.items() if value == "saved"}
            take_saved, conflicts = take_saved | chosen, set()
        for name in take_saved:
            cleaned[name] = _saved_value(saved, fields[name])
        if conflicts:
            names = [name for name in fields if name in conflicts]
            self._refuse(names, saved, loaded=loaded)
        self._expected = current

    def _model_fields(self, cleaned: dict) -> dict[str, object]:
        """Return the tracked model fields this form edits, by name."""
        # Compared with the history's rows: only the fields the history keeps.
        tracked = {f.name: f for f in history_fields(type(self.instance))}
        return {name: tracked[name] for name in self.fields if name in tracked and name in cleaned}

    def _refuse(self, names: list[str], saved: models.Model, *, loaded: int) -> None:
        """Show the saved value of each conflicting field beside hers and ask her to choose."""
        for name in names:
            field = self.instance._meta.get_field(name)
            shown = display_value(field, stored_value(saved, field))
            choice = self.add_prefix(f"resolve-{name}")
            label = str(self.fields[name].label)
            self.conflicts.append(FieldConflict(name, label, shown, choice))
            self.add_error(name, _("Sparat nu: ”%(value)s”") % {"value": shown})
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = saved.version
        raise ValidationError(self._conflict_message(loaded))

    def _conflict_message(self, loaded: int) -> str:
        """Return one sentence naming who saved since she opened the page, and when."""
        newer = self.instance.history.filter(version__gt=loaded).select_related("history_user")
        records = list(newer.order_by("history_date"))
        # The admin builds its forms without the request; simple_history's middleware keeps it.
        viewer = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
        names = dict.fromkeys(self._who(r.history_user, viewer) for r in records)
        return _(
            "%(who)s sparade ändringar %(when)s, efter att du öppnade sidan. Där ni båda har "
            "ändrat samma fält står det sparade vid fältet: välj för varje fält vad som ska "
            "gälla och spara igen. Det du skrev finns kvar, och ändringar i andra fält tas med."
        ) % {
            "who": capfirst(", ".join(names) or _("någon")),
            "when": local_time(records[-1].history_date) if records else "",
        }

    def _who(self, editor, viewer) -> str:
        """Return the editor's name, or "någon annan" to one who may not read the history."""
        others = viewer is not None and editor is not None and editor.pk != viewer.pk
        if others and not permissions.can_read_record_history(viewer, self.instance):
            return str(_("någon annan"))
        return editor_name(editor, viewer)


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
            "tags",
            "target_areas",
            "global_goals",
            "contacts",
        ]
        field_classes = {
            "tags": IdMultipleChoiceField,
            "focus_area": IdChoiceField,
            "result": IdChoiceField,
            "target_year": AsciiIntegerField,
            "start_year": AsciiIntegerField,
            "end_year": AsciiIntegerField,
            "target_areas": IdMultipleChoiceField,
            "global_goals": IdMultipleChoiceField,
            "contacts": IdMultipleChoiceField,
        }
        # The title is a heading-length line; the document's longer text goes in the description.
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "tags": forms.CheckboxSelectMultiple,
            "target_areas": forms.CheckboxSelectMultiple,
            "global_goals": forms.CheckboxSelectMultiple,
            "contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        # Tags are shared by the country: those she may see (never a tag of another
        # organisation's draft), and those already on the measure.
        on_measure = self.instance.tags.values("pk") if self.instance.pk else Tag.objects.none()
        visible = permissions.visible_tags(user) if user is not None else Tag.objects.none()
        self.fields["tags"].queryset = Tag.objects.filter(
            Q(pk__in=visible.values("pk")) | Q(pk__in=on_measure)
        ).order_by("name")
        # In document order, with the dotted numbers read in the same query.
        self.fields["focus_area"].queryset = FocusArea.objects.of_plan(plan.pk)
        self.fields["result"].queryset = self.fields["result"].queryset.filter(
            focus_area__plan=plan
        )
        self.fields["contacts"].queryset = contact_choices(plan, self.instance)


def contact_choices(plan: Plan, item: models.Model) -> models.QuerySet:
    """Return the contact persons an item of the plan may name: the plan owner's register (its
    editors belong to it), and those already named, wherever they work."""
    owner_tree = Organisation.objects.below([plan.owner_id]).values("pk")
    named = item.contacts.values("pk") if item.pk else Person.objects.none()
    return (
        Person.objects.filter(Q(organisation__in=owner_tree) | Q(pk__in=named))
        .select_related("organisation")  # a person is named with her organisation
        .order_by("name", "pk")
    )


class FocusAreaForm(VersionedModelForm):
    """Edit a focus area's own text, number and coordinator in the plan editor (where it sits
    is changed by moving it)."""

    class Meta:
        model = FocusArea
        fields = [
            "number",
            "title",
            "background",
            "current_state",
            "direction",
            "target_groups",
            "coordinator",
            "contacts",
        ]
        field_classes = {"coordinator": IdChoiceField, "contacts": IdMultipleChoiceField}
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        # The plan owner's own organisations, and the coordinator already named.
        self.fields["coordinator"].queryset = Organisation.objects.filter(
            Q(pk__in=Organisation.objects.below([plan.owner_id]).values("pk"))
            | Q(pk=self.instance.coordinator_id or 0)
        ).order_by("name", "pk")
        self.fields["contacts"].queryset = contact_choices(plan, self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        _refuse_taken_number(self.instance, self)
        return cleaned


class ResultForm(VersionedModelForm):
    """Edit a long-term expected result's number and text in the plan editor."""

    class Meta:
        model = Result
        fields = ["number", "title"]
        field_classes = {"number": AsciiIntegerField}

    def clean(self) -> dict:
        cleaned = super().clean()
        _refuse_taken_number(self.instance, self)
        return cleaned


def _refuse_taken_number(item: FocusArea | Result, form: forms.ModelForm) -> None:
    """Add the error of a number the item's siblings already have to the form's number field."""
    number = form.cleaned_data.get("number")
    if number in (None, ""):
        return
    probe = copy.copy(item)
    probe.number = number
    try:
        refuse_taken_number(probe)
    except ValidationError as error:
        form.add_error("number", error.messages)


class OneLeadActor:
    """A formset of a measure's actors: at most one lead actor, counted over the rows posted
    together (the database's rule sees only one row at a time)."""

    def clean(self) -> None:
        super().clean()
        leads = [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and getattr(form, "cleaned_data", {}).get("role") == Responsibility.Role.LEAD
        ]
        if len(leads) > 1:
            raise ValidationError(_("En insats har högst en huvudaktör."))


# The plan-state filter's value for measures whose state is not given (stored as "").
UNSPECIFIED_STATUS = "ej_angiven"
# The assessment filter's value for measures no accepted report assesses.
NOT_ASSESSED = "ej_bedomd"


class MeasureFilterForm(forms.Form):
    """The filters above a plan's measures: a GET form, so they work without JavaScript."""

    q = forms.CharField(
        label=_("Sök i insatserna"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Läge i planen"), required=False)
    assessment = forms.ChoiceField(label=_("Bedömning"), required=False)
    actor = forms.TypedChoiceField(label=_("Aktör"), required=False, coerce=int, empty_value=None)
    mine = forms.BooleanField(label=_("Mina insatser"), required=False)

    def __init__(self, data, *, actors: dict[int, str], offer_mine: bool) -> None:
        super().__init__(data)
        self.actors = actors
        statuses = [(value or UNSPECIFIED_STATUS, label) for value, label in Measure.Status.choices]
        self.fields["status"].choices = [("", _("Alla"))] + statuses
        assessments = follow_up().choices()
        if assessments:
            not_assessed = (NOT_ASSESSED, _("Ej bedömd"))
            self.fields["assessment"].choices = [("", _("Alla")), *assessments, not_assessed]
        else:  # no app follows the plan up
            del self.fields["assessment"]
        by_name = sorted(actors.items(), key=lambda item: item[1])
        self.fields["actor"].choices = [("", _("Alla"))] + by_name
        if not offer_mine:
            del self.fields["mine"]

    def measure_filter(self, *, mine: set[int]) -> MeasureFilter | None:
        """Return the filter the visitor chose, or None when she chose none (or an invalid one)."""
        if not self.is_valid() or not any(self.cleaned_data.values()):
            return None
        data = self.cleaned_data
        status, assessment = data["status"], data.get("assessment")
        return MeasureFilter(
            status=None if not status else "" if status == UNSPECIFIED_STATUS else status,
            assessment=None if not assessment else "" if assessment == NOT_ASSESSED else assessment,
            actor_path=self.actors.get(data["actor"]) if data["actor"] else None,
            text=data["q"],
            only_ids=frozenset(mine) if data.get("mine") else None,
        )


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


def amount_field(label: str, initial: Decimal | None) -> SwedishAmountField:
    """Return a cell of the budget grid: kronor as Swedes write them, never negative."""
    field = SwedishAmountField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        initial=initial,
    )
    # Under the funder's column head, without a label of its own: named for a screen reader.
    name_widget(field.widget, label)
    return field


class BudgetLineForm(forms.ModelForm):
    """A budget line with one amount and one outcome field per funder of the budget, like the
    table; made for a budget by `budget_line_form`, so a new line has them before any save."""

    funders: list[BudgetFunder] = []
    # The plan whose focus areas and measures the line may name; None leaves the choices as
    # the caller set them (the admin sets them per field).
    plan_id: int | None = None

    class Meta:
        model = BudgetLine
        fields = ["name", "kind", "focus_area", "measure", "order"]
        field_classes = {"focus_area": IdChoiceField, "measure": IdChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.plan_id is not None and "focus_area" in self.fields:
            self.fields["focus_area"].queryset = FocusArea.objects.of_plan(self.plan_id)
            self.fields["measure"].queryset = Measure.objects.filter(plan_id=self.plan_id).order_by(
                "order", "code", "pk"
            )
        existing = {}
        if self.instance.pk:
            existing = {a.funder_id: a for a in self.instance.amounts.all()}
        for funder in self.funders:
            stored = existing.get(funder.pk)
            self.fields[f"amount_{funder.pk}"] = amount_field(
                funder.organisation.name, stored.amount if stored else None
            )
            self.fields[f"outcome_{funder.pk}"] = amount_field(
                _("Utfall: %(funder)s") % {"funder": funder.organisation.name},
                stored.outcome if stored else None,
            )

    def amount_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Return the amount and outcome of each funder, in the order of the columns."""
        return [(self[f"amount_{f.pk}"], self[f"outcome_{f.pk}"]) for f in self.funders]

    def save(self, commit: bool = True) -> BudgetLine:
        line = super().save(commit=commit)
        if commit:
            self.save_amounts()
        return line

    def save_amounts(self) -> None:
        """Write the cells of this line: a cell with neither budget nor outcome is removed;
        an outcome without a budget stands beside a budget of 0."""
        for funder in self.funders:
            value = self.cleaned_data.get(f"amount_{funder.pk}")
            outcome = self.cleaned_data.get(f"outcome_{funder.pk}")
            if value is None and outcome is None:
                BudgetAmount.objects.filter(line=self.instance, funder=funder).delete()
            else:
                BudgetAmount.objects.update_or_create(
                    line=self.instance,
                    funder=funder,
                    defaults={"amount": value or Decimal(0), "outcome": outcome},
                )


def budget_line_form(
    funders: list[BudgetFunder], plan_id: int | None, base: type = BudgetLineForm
) -> type:
    """Return the line form of a budget: a column per funder, choices of the plan."""
    return type("BudgetLineGridForm", (base,), {"funders": funders, "plan_id": plan_id})


def name_widget(widget: forms.Widget, label: str) -> None:
    """Give the widget (each part of a date and time) a name a screen reader says: the one way
    the site and the admin name a cell of a table, which has no label of its own."""
    if isinstance(widget, forms.MultiWidget):
        for part, kind in zip(widget.widgets, (_("datum"), _("tid")), strict=False):
            part.attrs.setdefault("aria-label", f"{label}, {kind}")
    else:
        widget.attrs.setdefault("aria-label", str(label))


class SafeInlineFormSet(BaseInlineFormSet):
    """An inline formset that refuses, with form errors, what would break at the database."""

    def initial_form_count(self) -> int:
        # A negative count posted by hand would slice the queryset with a negative index.
        return max(0, super().initial_form_count())

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            name_widget(form.fields["DELETE"].widget, _("Ta bort raden"))

    def clean(self) -> None:
        super().clean()
        errors = self._existing_rows_posted_as_new()
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or form.errors:
                continue
            try:
                # The row's link to the page's record is left out of the form's own checks,
                # so a duplicate of a row not shown here would reach the database.
                form.instance.validate_constraints()
            except ValidationError as error:
                errors += error.messages
        if errors:
            raise ValidationError(errors)

    def _existing_rows_posted_as_new(self) -> list[str]:
        """Refuse a new row that names an existing row's id: saved, it would copy that row.

        A lowered INITIAL_FORMS posted by hand turns the shown rows into new ones.
        """
        pk_name = self.model._meta.pk.name
        new_rows = self.forms[self.initial_form_count() :]
        if any(getattr(form, "cleaned_data", {}).get(pk_name) for form in new_rows):
            return [_("En ny rad kan inte vara en rad som redan finns. Ladda om sidan.")]
        return []
