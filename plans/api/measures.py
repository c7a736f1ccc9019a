"""The API's measures with their actors, target areas, goals, tags and latest assessment, the
filters users ask for, and writes through the measure form and its actor rows."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from folkhalsa.api import (
    CONFLICT,
    ERRORS,
    VERSION_PARAMETER,
    ETagMixin,
    FilterSet,
    IdFilter,
    form_serializer,
    id_field,
)
from plans import permissions
from plans.api.organisations import TagSerializer
from plans.api.writes import PlanItemWrites, readable_plan
from plans.follow_up import follow_up
from plans.forms import MeasureForm
from plans.models import (
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
    Tag,
)
from plans.workbench.actors import actor_data, actor_rows
from plans.workbench.plan_editor import MeasureAddForm


class ResponsibilitySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "measure", "organisation", "organisation_name", "role", "cooperation"]


class MeasureSerializer(serializers.ModelSerializer):
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    latest_assessment = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Bedömningen i insatsens senaste godkända rapport som du får läsa (du arbetar med "
            "planen); annars null. Den publicerade bedömningen står i den publicerade "
            "uppföljningen."
        ),
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "focus_area",
            "result",
            "code",
            "order",
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
            "responsibilities",
            "latest_assessment",
            "version",
        ]


class MeasureFilter(FilterSet):
    status = filters.ChoiceFilter(
        field_name="status", choices=Measure.Status.choices, label=_("Läge i planen")
    )
    plan_status = filters.ChoiceFilter(
        field_name="plan__status", choices=Plan.Status.choices, label=_("Planens status")
    )
    focus_area = IdFilter(
        method="filter_focus_area", label=_("Fokusområde (med dess underområden)")
    )
    organisation = IdFilter(
        method="filter_organisation", label=_("Ansvarig organisation (med dess enheter)")
    )
    role = filters.ChoiceFilter(
        field_name="responsibilities__role",
        choices=Responsibility._meta.get_field("role").choices,
        method="filter_role",
        label=_("Organisationens roll (med organisation)"),
    )
    assessment = filters.ChoiceFilter(
        method="filter_assessment",
        choices=lambda: follow_up().choices(),
        label=_("Senaste bedömning (i rapporter du får läsa)"),
    )
    target_area = IdFilter(field_name="target_areas", label=_("Nationellt målområde"))
    global_goal = IdFilter(field_name="global_goals", label=_("Globalt mål"))
    tag = filters.CharFilter(method="filter_tag", label=_("Etikett (namn)"))
    target_year = IdFilter(label=_("Målår"))
    text = filters.CharFilter(method="filter_text", label=_("Text i kod, titel eller beskrivning"))

    class Meta:
        model = Measure
        fields = ["plan", "result", "approach"]

    def filter_focus_area(self, queryset, name, value):
        return queryset.filter(focus_area__in=FocusArea.objects.below([value]).values("pk"))

    def filter_organisation(self, queryset, name, value):
        below = Organisation.objects.below([value]).values("pk")
        role = self.form.cleaned_data.get("role")
        responsible = Responsibility.objects.filter(organisation__in=below)
        if role:
            responsible = responsible.filter(role=role)
        return queryset.filter(pk__in=responsible.values("measure_id"))

    def filter_role(self, queryset, name, value):
        if self.form.cleaned_data.get("organisation"):
            return queryset  # with the organisation (filter_organisation)
        return queryset.filter(pk__in=Responsibility.objects.filter(role=value).values("measure"))

    def filter_assessment(self, queryset, name, value: str):
        return queryset.filter(latest_assessment=value)

    def filter_tag(self, queryset, name, value):
        return queryset.filter(
            pk__in=Measure.tags.through.objects.filter(tag__name__iexact=value).values("measure_id")
        )

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(code__iexact=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )


class ActorWriteSerializer(serializers.Serializer):
    """An organisation's part in the measure, as written."""

    organisation = id_field(help_text=_("Organisationens id."))
    role = serializers.ChoiceField(choices=Responsibility.Role.choices)
    cooperation = serializers.ChoiceField(
        choices=Responsibility.Cooperation.choices, required=False, allow_blank=True
    )


ACTORS = ActorWriteSerializer(
    many=True,
    required=False,
    max_length=50,
    help_text=_(
        "Insatsens aktörer, hela listan: en organisation som redan finns behåller sin rad, en "
        "som saknas i listan tas bort. Högst en huvudaktör. Utelämnad lista ändrar inga aktörer."
    ),
)
MEASURE_NEW = form_serializer(
    MeasureForm, "MeasureNew", plan=serializers.IntegerField(help_text=_("Planens id."))
)
MEASURE_EDIT = form_serializer(MeasureForm, "MeasureWrite", responsibilities=ACTORS)


@extend_schema_view(
    list=extend_schema(
        summary=_("Insatser, med ansvariga organisationer, målområden, mål och etiketter"),
        description=_(
            "De insatser du får läsa (i planer du får läsa). Filtrera på plan, fokusområde, "
            "läge i planen, senaste bedömning, ansvarig organisation (med enheter), målområde, "
            "globalt mål, etikett, målår och text."
        ),
    ),
    retrieve=extend_schema(summary=_("En insats")),
    create=extend_schema(
        summary=_("Ny insats, sist i sitt fokusområde; tom kod får nästa lediga (t.ex. 1C)"),
        request=MEASURE_NEW,
        responses={201: MeasureSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                _("Ny insats"),
                value={"plan": 12, "focus_area": 40, "title": "Föräldraskapsstöd i förskolan"},
            )
        ],
    ),
    update=extend_schema(
        summary=_("Ändra insatsen (alla fält) mot dess version"),
        request=MEASURE_EDIT,
        responses={200: MeasureSerializer, **ERRORS, **CONFLICT},
    ),
    partial_update=extend_schema(
        summary=_("Ändra några av insatsens fält mot dess version"),
        request=MEASURE_EDIT,
        responses={200: MeasureSerializer, **ERRORS, **CONFLICT},
        examples=[OpenApiExample(_("Nytt målår"), value={"target_year": 2027, "version": 4})],
    ),
    destroy=extend_schema(
        summary=_("Ta bort insatsen med dess aktörer och rapporter"),
        parameters=[VERSION_PARAMETER],
        responses={204: None, **ERRORS, **CONFLICT},
    ),
)
class MeasureViewSet(PlanItemWrites, ETagMixin, viewsets.ModelViewSet):
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["code", "title", "target_year", "id", "plan"]
    ordering = ["plan", "order", "code", "id"]
    add_form, edit_form = MeasureAddForm, MeasureForm
    create_serializer, edit_serializer = MEASURE_NEW, MEASURE_EDIT

    def get_queryset(self) -> QuerySet[Measure]:
        user = self.request.user
        measures = Measure.objects.filter(plan__in=permissions.visible_plans(user))
        measures = measures.annotate(latest_assessment=follow_up().latest_assessment(user=user))
        actors = Responsibility.objects.select_related("organisation").order_by("role", "pk")
        return measures.select_related("plan").prefetch_related(
            Prefetch("responsibilities", queryset=actors),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            "target_areas",
            "global_goals",
            "contacts",
        )

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def plan_of(self, payload: dict) -> Plan:
        return readable_plan(self.request.user, payload.get("plan"), "plan")

    def rows(self, instance: Measure, payload: dict) -> list:
        actors = payload.pop("responsibilities", None)
        if actors is None:
            return []
        named = [actor["organisation"] for actor in actors]
        formset = actor_rows(actor_data(instance, actors), instance, "", named)
        formset.api_field = "responsibilities"
        return [formset]


@extend_schema_view(
    list=extend_schema(summary=_("Ansvariga organisationer för insatser, med roller")),
    retrieve=extend_schema(summary=_("En organisations roll i en insats")),
)
class ResponsibilityViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResponsibilitySerializer
    filterset_fields = ["measure", "organisation", "role"]
    ordering_fields = ["id"]
    ordering = ["measure_id", "role", "id"]

    def get_queryset(self) -> QuerySet[Responsibility]:
        visible = permissions.visible_plans(self.request.user)
        return Responsibility.objects.filter(measure__plan__in=visible).select_related(
            "organisation"
        )


# --- Budgets -------------------------------------------------------------------------------
