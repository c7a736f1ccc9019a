"""The API's budgets with lines, funders, amounts and outcome; their cells written through the
budget page's grid, against the budget's version."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from folkhalsa.api import (
    AsciiDecimalField,
    ETagMixin,
    checked_payload,
    expected_version,
    form_data,
    form_write,
    formset_data,
    id_field,
    refuse_stale,
)
from plans import permissions
from plans.api.writes import NothingToCheck
from plans.forms import format_kronor
from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
)
from plans.services import (
    budget_grid_save,
)
from plans.workbench.budget import budget_grid


class BudgetFunderSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = BudgetFunder
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "order",
            "rate_per_inhabitant",
            "population",
            "share",
        ]


class BudgetAmountSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetAmount
        fields = ["id", "funder", "amount", "outcome", "outcome_is_demo"]


class BudgetLineSerializer(serializers.ModelSerializer):
    amounts = BudgetAmountSerializer(many=True, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "name", "kind", "focus_area", "measure", "order", "amounts"]


class BudgetSerializer(serializers.ModelSerializer):
    funders = BudgetFunderSerializer(many=True, read_only=True)
    lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Budget
        fields = ["id", "plan", "year", "title", "funders", "lines", "version"]


class CellSerializer(serializers.Serializer):
    """A cell of the budget's grid: a line's budget and outcome from one funder."""

    line = id_field(help_text=_("Budgetpostens id."))
    funder = id_field(help_text=_("Finansiärens id."))
    amount = AsciiDecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        help_text=_("Budgeterat belopp i kronor; null tömmer cellen."),
    )
    outcome = AsciiDecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        help_text=_("Utfall i kronor; null tömmer det."),
    )


class BudgetWriteSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    amounts = CellSerializer(many=True, required=False, max_length=2000)


@extend_schema_view(
    list=extend_schema(
        summary=_("Budgetar per plan och år: poster, finansiärer, belopp och utfall"),
        description=_("Budgetarna i planer du får läsa."),
    ),
    retrieve=extend_schema(summary=_("En budget med poster, finansiärer, belopp och utfall")),
    partial_update=extend_schema(
        summary=_("Ändra belopp och utfall i budgetens celler (och dess rubrik)"),
        description=_(
            "Cellerna ändras som i budgetens tabell på webbplatsen, mot budgetens version: alla "
            "eller inga. Poster och finansiärer läggs till på webbplatsen."
        ),
        request=BudgetWriteSerializer,
        responses={200: BudgetSerializer},
        examples=[
            OpenApiExample(
                _("Nytt utfall"),
                value={"version": 3, "amounts": [{"line": 7, "funder": 2, "outcome": "48000"}]},
            )
        ],
    ),
)
class BudgetViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "patch", "head", "options"]

    def represent(self, instance) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        return self.get_serializer(fresh).data if fresh is not None else {}

    def partial_update(self, request, *args, **kwargs):
        budget = self.get_object()
        if not permissions.can_edit_plan(request.user, budget.plan):
            raise exceptions.PermissionDenied(_("Du får inte ändra i planen."))
        payload = checked_payload(
            BudgetWriteSerializer, request.data, partial=True, shown=self.represent(budget)
        )
        version = expected_version(request, request.data)
        with transaction.atomic():
            refuse_stale(budget, version, user=request.user, represent=self.represent)
            budget = Budget.objects.select_related("plan").get(pk=budget.pk)
            funders = list(budget.funders.select_related("organisation"))
            data = _grid_data(budget, funders, payload, version)
            form, lines, funder_forms = budget_grid(data, budget, funders)
            parts = [form, lines, funder_forms]

            def save(_form):
                invalid = [p for p in parts[1:] if not p.is_valid()]
                if invalid or not form.is_valid():
                    raise exceptions.ValidationError(_grid_errors(form, lines, funder_forms))
                return budget_grid_save(
                    form=form, formsets=[lines, funder_forms], user=request.user
                )

            form_write(form=NothingToCheck(), save=save)
        return Response(self.represent(budget))

    serializer_class = BudgetSerializer
    filterset_fields = ["plan", "year"]
    ordering_fields = ["year", "id"]
    ordering = ["plan_id", "year", "id"]

    def get_queryset(self) -> QuerySet[Budget]:
        visible = permissions.visible_plans(self.request.user)
        lines = BudgetLine.objects.order_by("order", "pk").prefetch_related("amounts")
        funders = BudgetFunder.objects.select_related("organisation").order_by("order", "pk")
        return Budget.objects.filter(plan__in=visible).prefetch_related(
            Prefetch("lines", queryset=lines), Prefetch("funders", queryset=funders)
        )


def _grid_data(budget: Budget, funders: list, payload: dict, version: int) -> dict:
    """Return the budget page's POST with the JSON's cells changed: each cell names a line and
    a funder of this budget."""
    form, lines, funder_forms = budget_grid(None, budget, funders)
    data = form_data(form, {"title": payload.get("title", budget.title)}, partial=True)
    data = {key: data.getlist(key) if len(data.getlist(key)) > 1 else data[key] for key in data}
    data["loaded_version"] = str(version)
    data |= formset_data(lines) | formset_data(funder_forms)
    rows = {form.instance.pk: form for form in lines.forms[: lines.initial_form_count()]}
    funder_ids = {funder.pk for funder in funders}
    refused = []
    for index, cell in enumerate(payload.get("amounts", [])):
        row = rows.get(cell["line"])
        if row is None or cell["funder"] not in funder_ids:
            refused.append(
                _("Cell %(n)s: posten eller finansiären finns inte i budgeten.") % {"n": index + 1}
            )
            continue
        for name in ("amount", "outcome"):
            if name in cell:
                value = cell[name]
                data[row.add_prefix(f"{name}_{cell['funder']}")] = (
                    format_kronor(Decimal(str(value))) if value is not None else ""
                )
    if refused:
        raise exceptions.ValidationError({"amounts": refused})
    return data


def _grid_errors(form, lines, funder_forms) -> dict:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    cells = [str(m) for m in lines.non_form_errors()]
    for row in lines.forms:
        for messages in row.errors.values():
            cells += [f"{row.instance.name or '?'}: {m}" for m in messages]
    if cells:
        errors["amounts"] = cells
    funders = [str(m) for m in funder_forms.non_form_errors()]
    if funders:
        errors["funders"] = funders
    return errors or {"non_field_errors": [str(_("Uppgifterna kunde inte sparas."))]}
