"""The API's indicators with their targets, and their values (written by the indicator's
editors through the model's own validation, all or nothing)."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework import status as http_status
from rest_framework.response import Response

from folkhalsa.api import (
    ERRORS,
    ETagMixin,
    FilterSet,
    IdFilter,
    checked_payload,
    form_data,
    form_serializer,
    form_write,
)
from plans import permissions as plan_permissions
from plans.forms import AsciiDecimalField, AsciiIntegerField, IdChoiceField
from plans.models import FocusArea, Measure, Organisation
from reports.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Sex,
    Source,
)
from reports.permissions import (
    can_edit_indicator,
    readable_indicators,
)

# --- Indicators and their targets ----------------------------------------------------------


class IndicatorTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["id", "year", "sex", "value", "is_demo"]


@extend_schema_field(OpenApiTypes.INT)
class LinkedId(serializers.PrimaryKeyRelatedField):
    """The id of a linked record, read from a prefetched list of the readable ones."""


class IndicatorSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    targets = IndicatorTargetSerializer(many=True, read_only=True)
    focus_areas = LinkedId(
        source="readable_focus_areas",
        many=True,
        read_only=True,
        help_text=_("Fokusområden den följer upp, i planer du får läsa."),
    )
    measures = LinkedId(
        source="readable_measures",
        many=True,
        read_only=True,
        help_text=_("Insatser den följer upp, i planer du får läsa."),
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "description",
            "owner",
            "owner_name",
            "unit",
            "direction",
            "source",
            "kolada_kpi",
            "survey",
            "split_by_sex",
            "women_label",
            "men_label",
            "focus_areas",
            "measures",
            "targets",
        ]


class IndicatorFilter(FilterSet):
    owner = IdFilter(method="filter_owner", label=_("Ägande organisation (med dess enheter)"))
    focus_area = IdFilter(method="filter_focus_area", label=_("Fokusområde (i en plan du läser)"))
    measure = IdFilter(method="filter_measure", label=_("Insats (i en plan du läser)"))
    source = filters.ChoiceFilter(choices=Source.choices, label=_("Källa"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("Del av namnet"))

    class Meta:
        model = Indicator
        fields = ["kolada_kpi", "direction"]

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner__in=Organisation.objects.below([value]).values("pk"))

    # Links to records in plans she cannot read are no links to her (as the indicator shows).
    def filter_focus_area(self, queryset, name, value):
        plans = plan_permissions.visible_plans(self.request.user)
        areas = FocusArea.objects.filter(pk=value, plan__in=plans)
        return queryset.filter(focus_areas__in=areas.values("pk"))

    def filter_measure(self, queryset, name, value):
        plans = plan_permissions.visible_plans(self.request.user)
        measures = Measure.objects.filter(pk=value, plan__in=plans)
        return queryset.filter(measures__in=measures.values("pk"))


@extend_schema_view(
    list=extend_schema(
        summary=_("Indikatorer med målvärden: källa, Kolada-id, enhet och riktning"),
        description=_(
            "De indikatorer du får läsa: dina organisationers och de som följer upp en plan du "
            "får läsa (antagna planer utan inloggning). Värdena finns under indicator-values."
        ),
    ),
    retrieve=extend_schema(summary=_("En indikator med dess målvärden")),
)
class IndicatorViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["name", "id"]
    ordering = ["owner__name", "owner_id", "name", "id"]

    def get_queryset(self) -> QuerySet[Indicator]:
        user = self.request.user
        visible = plan_permissions.visible_plans(user)
        targets = IndicatorTarget.objects.order_by("year", "sex", "pk")
        areas = FocusArea.objects.filter(plan__in=visible).order_by("pk").only("pk")
        measures = Measure.objects.filter(plan__in=visible).order_by("pk").only("pk")
        return (
            readable_indicators(user)
            .select_related("owner")
            .prefetch_related(
                Prefetch("targets", queryset=targets),
                Prefetch("focus_areas", queryset=areas, to_attr="readable_focus_areas"),
                Prefetch("measures", queryset=measures, to_attr="readable_measures"),
            )
        )


# --- Indicator values ----------------------------------------------------------------------


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "organisation",
            "area_code",
            "area_name",
            "year",
            "tertial",
            "sex",
            "value",
            "status",
            "source",
            "respondents",
            "response_rate",
            "imported_at",
            "is_demo",
        ]


class IndicatorValueForm(forms.ModelForm):
    """A value as the indicator admin edits it, validated by the model (its `clean` and
    constraints: a duplicate area, year and sex is refused in Swedish); the indicator one
    she may edit."""

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "area_code",
            "area_name",
            "organisation",
            "year",
            "tertial",
            "sex",
            "value",
            "status",
            "source",
            "respondents",
            "response_rate",
        ]
        field_classes = {
            "indicator": IdChoiceField,
            "organisation": IdChoiceField,
            "year": AsciiIntegerField,
            "tertial": AsciiIntegerField,
            "respondents": AsciiIntegerField,
            "value": AsciiDecimalField,
            "response_rate": AsciiDecimalField,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        editable = Indicator.objects.all()
        if not user.is_superuser:
            owners = plan_permissions.organisations_for(user, plan_permissions.EDIT_PLANS)
            editable = editable.filter(owner__in=owners)
        self.fields["indicator"].queryset = editable


def _decimal(model_field: str, **common) -> serializers.DecimalField:
    field = IndicatorValue._meta.get_field(model_field)
    return serializers.DecimalField(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        required=False,
        allow_null=True,
        label=str(field.verbose_name),
        **common,
    )


# The decimals named here: form_serializer reads a DecimalField as the IntegerField it extends.
VALUE_WRITE = form_serializer(
    IndicatorValueForm,
    "IndicatorValueWrite",
    value=_decimal("value", help_text=_("Tomt (null) när värdet saknas.")),
    response_rate=_decimal("response_rate"),
)


class IndicatorValueFilter(FilterSet):
    year_from = IdFilter(field_name="year", lookup_expr="gte", label=_("Från år"))
    year_to = IdFilter(field_name="year", lookup_expr="lte", label=_("Till år"))
    sex = filters.ChoiceFilter(choices=Sex.choices, label=_("Kön: T, K eller M"))
    full_year = filters.BooleanFilter(
        field_name="tertial", lookup_expr="isnull", label=_("true: bara helår (inga tertial)")
    )
    source = filters.ChoiceFilter(choices=Source.choices, label=_("Källa"))

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "organisation", "area_code", "year", "tertial"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Indikatorvärden per område, år och kön"),
        description=_(
            "Värdena för de indikatorer du får läsa. Filtrera på indikator, organisation, "
            "områdeskod (som Kolada skriver den: 1962, 0019, 0000), år och kön. Ett värde som "
            "saknas har value null och status ”saknas”."
        ),
    ),
    retrieve=extend_schema(summary=_("Ett indikatorvärde")),
    create=extend_schema(
        summary=_("Nytt värde för en indikator du redigerar"),
        request=VALUE_WRITE,
        responses={201: IndicatorValueSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                _("Nytt värde"),
                value={
                    "indicator": 7,
                    "area_code": "1962",
                    "area_name": "Norberg",
                    "year": 2024,
                    "sex": "T",
                    "value": "30.5",
                    "source": "manuell",
                },
            )
        ],
    ),
    update=extend_schema(
        summary=_("Ändra värdet (alla fält)"),
        request=VALUE_WRITE,
        responses={200: IndicatorValueSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Ändra några av värdets fält"),
        request=VALUE_WRITE,
        responses={200: IndicatorValueSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary=_("Ta bort värdet"), responses={204: None, **ERRORS}),
)
class IndicatorValueViewSet(ETagMixin, viewsets.ModelViewSet):
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter
    ordering_fields = ["year", "area_code", "sex", "tertial", "id"]
    ordering = ["indicator_id", "area_code", "year", "tertial", "sex", "id"]

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        readable = readable_indicators(self.request.user)
        return IndicatorValue.objects.filter(indicator__in=readable.values("pk"))

    def _writable(self) -> IndicatorValue:
        value = self.get_object()  # 404 unless she reads its indicator
        if not can_edit_indicator(self.request.user, value.indicator):
            raise exceptions.PermissionDenied(_("Du får inte ändra indikatorns värden."))
        return value

    def create(self, request, *args, **kwargs):
        payload = checked_payload(
            VALUE_WRITE,
            request.data,
            partial=False,
            shown=dict.fromkeys(self.get_serializer().fields),
        )
        indicator = readable_indicators(request.user).filter(pk=payload.get("indicator")).first()
        if indicator is None:
            raise exceptions.ValidationError(
                {"indicator": [_("Indikatorn finns inte eller är inte din.")]}
            )
        if not can_edit_indicator(request.user, indicator):
            raise exceptions.PermissionDenied(_("Du får inte ändra indikatorns värden."))
        with transaction.atomic():
            unbound = IndicatorValueForm(user=request.user)
            data = form_data(unbound, payload, partial=False)
            form = IndicatorValueForm(data, user=request.user)
            value = form_write(form=form, save=self._save)
        return Response(self._represent(value), status=http_status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        value = self._writable()
        payload = checked_payload(
            VALUE_WRITE,
            request.data,
            partial=partial,
            shown=self.get_serializer(value).data,
        )
        with transaction.atomic():
            # Under the row's lock: two writes of one value follow each other.
            fresh = IndicatorValue.objects.select_for_update().filter(pk=value.pk).first()
            if fresh is None:
                raise exceptions.NotFound()
            unbound = IndicatorValueForm(instance=fresh, user=request.user)
            data = form_data(unbound, payload, partial=partial)
            form = IndicatorValueForm(data, instance=fresh, user=request.user)
            value = form_write(form=form, save=self._save)
        return Response(self._represent(value))

    def destroy(self, request, *args, **kwargs):
        value = self._writable()
        with transaction.atomic():
            value._history_user = request.user
            value.delete()
        return Response(status=http_status.HTTP_204_NO_CONTENT)

    def _save(self, form: IndicatorValueForm) -> IndicatorValue:
        """Save the value with her name in its history; a duplicate written meanwhile by
        someone else is refused like one the form found."""
        value = form.save(commit=False)
        value._history_user = self.request.user
        try:
            with transaction.atomic():
                value.save()
        except IntegrityError:
            raise DjangoValidationError(
                _("Indikatorn har redan ett värde för det området, året och könet.")
            ) from None
        return value

    def _represent(self, value: IndicatorValue) -> dict:
        return self.get_serializer(value).data
