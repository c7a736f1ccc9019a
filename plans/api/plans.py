"""The API's plans with their focus areas and results: read as `visible_plans` gives them,
written through the workbench (`plan_start`, the edit forms, `plan_item_add`/`plan_item_delete`)."""

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Prefetch, QuerySet, When
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework import status as http_status
from rest_framework.response import Response

from folkhalsa.api import (
    CONFLICT,
    ERRORS,
    VERSION_PARAMETER,
    ETagMixin,
    FilterSet,
    IdFilter,
    checked_payload,
    expected_version,
    form_data,
    form_serializer,
    form_write,
    refuse_stale,
)
from plans import permissions
from plans.api.writes import NothingToCheck, PlanItemWrites, readable_plan
from plans.forms import FocusAreaForm, PlanForm, ResultForm
from plans.models import (
    FocusArea,
    Organisation,
    Plan,
    Result,
)
from plans.services import (
    plan_start,
    versioned_delete,
)
from plans.workbench.new_plan import NewPlanForm
from plans.workbench.plan_editor import AreaAddForm, ResultAddForm


class FocusAreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "parent", "number", "order", "title"]


class PlanSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    parent = serializers.IntegerField(
        source="shown_parent",
        read_only=True,
        allow_null=True,
        help_text=_("Planen den genomför, om du får läsa den (annars null, som på planens sida)."),
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "owner",
            "owner_name",
            "kind",
            "title",
            "start_year",
            "end_year",
            "parent",
            "status",
            "vision",
            "purpose",
            "adopted_by",
            "adopted_on",
            "revised_on",
            "target_areas",
            "global_goals",
            "version",
        ]


class PlanDetailSerializer(PlanSerializer):
    focus_areas = FocusAreaBriefSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "focus_areas"]


class PlanFilter(FilterSet):
    owner = IdFilter(method="filter_owner", label=_("Ägande organisation (med dess enheter)"))
    year = IdFilter(method="filter_year", label=_("Planer som gäller året"))
    text = filters.CharFilter(method="filter_text", label=_("Text i titeln"))

    class Meta:
        model = Plan
        fields = ["kind", "status"]

    parent = IdFilter(method="filter_parent", label=_("Planen de genomför (en du får läsa)"))

    def filter_parent(self, queryset, name, value):
        readable = permissions.visible_plans(self.request.user).filter(pk=value)
        return queryset.filter(parent__in=readable.values("pk"))

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner__in=Organisation.objects.below([value]).values("pk"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(title__icontains=value)


PLAN_EDIT = form_serializer(PlanForm, "PlanWrite")
PLAN_NEW = form_serializer(NewPlanForm, "PlanNew")


@extend_schema_view(
    list=extend_schema(
        summary=_("Planer: strategier, handlingsplaner, verksamhetsplaner, program"),
        description=_(
            "De planer du får läsa: antagna planer för alla, utkast för den ägande "
            "organisationens medlemmar och för dem som rapporterar om en insats i planen."
        ),
    ),
    retrieve=extend_schema(summary=_("En plan med dess fokusområden")),
    create=extend_schema(
        summary=_("Ny plan (ett utkast), tom eller kopierad från en plan du får läsa"),
        request=PLAN_NEW,
        responses={201: PlanDetailSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary=_("Ändra planens egna uppgifter (alla fält)"),
        request=PLAN_EDIT,
        responses={200: PlanDetailSerializer, **ERRORS, **CONFLICT},
    ),
    partial_update=extend_schema(
        summary=_("Ändra några av planens egna uppgifter"),
        request=PLAN_EDIT,
        responses={200: PlanDetailSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(_("Ny titel"), value={"title": "Folkhälsoplan 2025–2028", "version": 3})
        ],
    ),
)
class PlanViewSet(
    PlanItemWrites,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = PlanFilter
    ordering_fields = ["title", "start_year", "end_year", "id"]
    ordering = ["owner__name", "-start_year", "title", "id"]
    edit_form = PlanForm
    edit_serializer = PLAN_EDIT

    def get_queryset(self) -> QuerySet[Plan]:
        visible = permissions.visible_plans(self.request.user)
        # The parent she may read, else none: as the plan page shows it (never a draft's id).
        readable_parent = Exists(visible.filter(pk=OuterRef("parent_id")))
        plans = visible.select_related("owner").annotate(
            shown_parent=Case(When(readable_parent, then=F("parent_id")), default=None)
        )
        plans = plans.prefetch_related("target_areas", "global_goals")
        if self.action != "list":
            areas = FocusArea.objects.order_by("parent_id", "order", "number", "pk")
            plans = plans.prefetch_related(Prefetch("focus_areas", queryset=areas))
        return plans

    def get_serializer_class(self):
        return PlanSerializer if self.action == "list" else PlanDetailSerializer

    def destroy(self, request, *args, **kwargs):
        plan = self._writable()
        if not permissions.can_delete_plan(request.user, plan):
            raise exceptions.PermissionDenied(
                _("En antagen, avslutad eller ersatt plan kan inte tas bort. Ändra dess status.")
            )
        version = expected_version(request)
        with transaction.atomic():
            refuse_stale(plan, version, user=request.user, represent=self.represent)
            form_write(
                form=NothingToCheck(),
                save=lambda _form: versioned_delete(instance=plan, expected_version=version),
            )
        return Response(status=http_status.HTTP_204_NO_CONTENT)

    def create(self, request, *args, **kwargs):
        payload = checked_payload(PLAN_NEW, request.data, partial=False, shown=self.nothing_shown())
        if not permissions.can_start_plans(request.user):
            raise exceptions.PermissionDenied(_("Du får inte starta planer."))
        with transaction.atomic():
            form = NewPlanForm(
                form_data(NewPlanForm(user=request.user), payload, partial=False), user=request.user
            )

            def save(form):
                data = form.cleaned_data
                plan_start(
                    plan=form.instance,
                    user=request.user,
                    source=data["source"],
                    parts=data["parts"],
                )
                return form.instance

            plan = form_write(form=form, save=save)
        return Response(self.represent(plan), status=http_status.HTTP_201_CREATED)


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = [
            "id",
            "plan",
            "parent",
            "number",
            "order",
            "title",
            "background",
            "current_state",
            "direction",
            "target_groups",
            "coordinator",
            "contacts",
            "version",
        ]


class PlanChildFilter(FilterSet):
    plan = IdFilter(field_name="plan", label=_("Planens id"))


AREA_NEW = form_serializer(AreaAddForm, "FocusAreaNew", plan=serializers.IntegerField())
AREA_EDIT = form_serializer(FocusAreaForm, "FocusAreaWrite")


@extend_schema_view(
    list=extend_schema(summary=_("Fokusområden (ett träd per plan)")),
    retrieve=extend_schema(summary=_("Ett fokusområde")),
    create=extend_schema(
        summary=_("Nytt fokusområde, sist bland sina syskon; tomt nummer får nästa lediga"),
        request=AREA_NEW,
        responses={201: FocusAreaSerializer, **ERRORS},
    ),
    update=extend_schema(
        request=AREA_EDIT, responses={200: FocusAreaSerializer, **ERRORS, **CONFLICT}
    ),
    partial_update=extend_schema(
        request=AREA_EDIT, responses={200: FocusAreaSerializer, **ERRORS, **CONFLICT}
    ),
    destroy=extend_schema(
        summary=_("Ta bort fokusområdet med allt under det"),
        parameters=[VERSION_PARAMETER],
        responses={204: None, **ERRORS, **CONFLICT},
    ),
)
class FocusAreaViewSet(PlanItemWrites, ETagMixin, viewsets.ModelViewSet):
    serializer_class = FocusAreaSerializer
    filterset_fields = ["plan", "parent"]
    ordering_fields = ["order", "number", "id"]
    ordering = ["plan_id", "parent_id", "order", "number", "id"]
    add_form, edit_form = AreaAddForm, FocusAreaForm
    create_serializer, edit_serializer = AREA_NEW, AREA_EDIT

    def get_queryset(self) -> QuerySet[FocusArea]:
        visible = permissions.visible_plans(self.request.user)
        return (
            FocusArea.objects.filter(plan__in=visible)
            .select_related("plan")
            .prefetch_related("contacts")
        )

    def plan_of(self, payload: dict) -> Plan:
        return readable_plan(self.request.user, payload.get("plan"), "plan")


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["id", "focus_area", "number", "title", "version"]


RESULT_NEW = form_serializer(ResultAddForm, "ResultNew")
RESULT_EDIT = form_serializer(ResultForm, "ResultWrite")


@extend_schema_view(
    list=extend_schema(summary=_("Långsiktigt förväntade resultat under fokusområden")),
    retrieve=extend_schema(summary=_("Ett resultat")),
    create=extend_schema(request=RESULT_NEW, responses={201: ResultSerializer, **ERRORS}),
    update=extend_schema(request=RESULT_EDIT, responses={200: ResultSerializer, **CONFLICT}),
    partial_update=extend_schema(
        request=RESULT_EDIT, responses={200: ResultSerializer, **ERRORS, **CONFLICT}
    ),
    destroy=extend_schema(
        parameters=[VERSION_PARAMETER], responses={204: None, **ERRORS, **CONFLICT}
    ),
)
class ResultViewSet(PlanItemWrites, ETagMixin, viewsets.ModelViewSet):
    serializer_class = ResultSerializer
    ordering_fields = ["number", "id"]
    ordering = ["focus_area_id", "number", "id"]
    add_form, edit_form = ResultAddForm, ResultForm
    create_serializer, edit_serializer = RESULT_NEW, RESULT_EDIT

    class filterset_class(FilterSet):  # noqa: N801 (DRF's attribute name)
        plan = IdFilter(field_name="focus_area__plan", label=_("Planens id"))

        class Meta:
            model = Result
            fields = ["focus_area"]

    def get_queryset(self) -> QuerySet[Result]:
        visible = permissions.visible_plans(self.request.user)
        return Result.objects.filter(focus_area__plan__in=visible).select_related(
            "focus_area__plan"
        )

    def plan_of(self, payload: dict) -> Plan:
        area = FocusArea.objects.filter(
            pk=payload.get("focus_area"),
            plan__in=permissions.visible_plans(self.request.user),
        ).first()
        if area is None:
            raise exceptions.ValidationError(
                {"focus_area": [_("Fokusområdet finns inte eller är inte ditt.")]}
            )
        return area.plan


# --- Measures --------------------------------------------------------------------------------
