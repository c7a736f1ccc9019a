"""The REST API's plans: organisations, people, plans with their focus areas, results and
measures, responsibilities and budgets (folkhalsa/api.py has the shared parts).

Reads are what the pages show the same user (`visible_plans`); writes are the workbench's
forms and services (`plan_item_add`, the edit forms with `versioned_save_with_rows`,
`plan_item_delete`, `plan_start`), under the record's version.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework import status as http_status
from rest_framework.response import Response

from folkhalsa.api import (
    CONFLICT,
    ERRORS,
    VERSION_PARAMETER,
    AsciiDecimalField,
    ETagMixin,
    checked_payload,
    expected_version,
    form_data,
    form_serializer,
    form_write,
    formset_data,
    id_field,
    refuse_stale,
)
from plans import permissions
from plans.follow_up import follow_up
from plans.forms import FocusAreaForm, MeasureForm, PlanForm, ResultForm, format_kronor
from plans.models import (
    Budget,
    BudgetAmount,
    BudgetFunder,
    BudgetLine,
    FocusArea,
    GlobalGoal,
    Measure,
    Organisation,
    Person,
    Plan,
    Responsibility,
    Result,
    Tag,
    TargetArea,
)
from plans.services import (
    budget_grid_save,
    plan_item_add,
    plan_item_delete,
    plan_start,
    versioned_delete,
    versioned_save_with_rows,
)
from plans.workbench.actors import actor_data, actor_rows
from plans.workbench.budget import budget_grid
from plans.workbench.new_plan import NewPlanForm
from plans.workbench.plan_editor import AreaAddForm, MeasureAddForm, ResultAddForm

# --- Shared vocabularies -------------------------------------------------------------------


class TargetAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetArea
        fields = ["id", "number", "name"]


class GlobalGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = GlobalGoal
        fields = ["id", "number", "name"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


@extend_schema_view(
    list=extend_schema(summary=_("De elva nationella målområdena för folkhälsopolitiken")),
    retrieve=extend_schema(summary=_("Ett nationellt målområde"), responses={200: None, **ERRORS}),
)
class TargetAreaViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TargetArea.objects.order_by("number")
    serializer_class = TargetAreaSerializer
    ordering_fields = ["number", "name"]


@extend_schema_view(
    list=extend_schema(summary=_("Agenda 2030:s globala mål")),
    retrieve=extend_schema(summary=_("Ett globalt mål")),
)
class GlobalGoalViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    queryset = GlobalGoal.objects.order_by("number")
    serializer_class = GlobalGoalSerializer
    ordering_fields = ["number", "name"]


@extend_schema_view(
    list=extend_schema(summary=_("Etiketter på insatser (de du får se)")),
    retrieve=extend_schema(summary=_("En etikett")),
)
class TagViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TagSerializer
    ordering_fields = ["name", "id"]

    def get_queryset(self) -> QuerySet[Tag]:
        return permissions.visible_tags(self.request.user).order_by("name", "pk")


# --- Organisations and people --------------------------------------------------------------


class OrganisationFilter(filters.FilterSet):
    below = filters.NumberFilter(
        method="filter_below", label=_("Organisationen med id och alla dess enheter")
    )
    name = filters.CharFilter(lookup_expr="icontains", label=_("Del av namnet"))

    class Meta:
        model = Organisation
        fields = ["kind", "parent", "municipality_code"]

    def filter_below(self, queryset, name, value):
        return queryset.filter(pk__in=Organisation.objects.below([value]).values("pk"))


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "parent", "municipality_code"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Organisationer: kommuner, regioner, myndigheter och deras enheter"),
        description=_(
            "Ett träd: `parent` är organisationen den ingår i. `below` ger en organisation med "
            "alla dess enheter. Utan inloggning: de organisationer som publicerar något."
        ),
    ),
    retrieve=extend_schema(summary=_("En organisation")),
)
class OrganisationViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "id", "municipality_code"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Organisation]:
        organisations = Organisation.objects.order_by("name", "pk")
        if self.request.user.is_authenticated:
            return organisations
        from folkhalsa.public_selectors import publishing_organisations

        return organisations.filter(pk__in=publishing_organisations().values("pk"))


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "title", "email", "organisation"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Personer i dina organisationer, med kontaktuppgifter"),
        description=_(
            "Bara de personer som hör till organisationer där du har en roll (med enheter). "
            "Kräver inloggning."
        ),
    ),
    retrieve=extend_schema(summary=_("En person")),
)
class PersonViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    filterset_fields = ["organisation"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Person]:
        people = Person.objects.order_by("name", "pk")
        if self.request.user.is_superuser:
            return people
        return people.filter(
            organisation__in=permissions.organisations_for(self.request.user, permissions.READ)
        )


# --- Writes through the workbench's forms --------------------------------------------------


class PlanItemWrites:
    """create, update (PUT and PATCH) and destroy through the workbench's forms and services.

    `add_form(data, plan=…)` adds an item (`plan_item_add`); `edit_form(data, instance=…)`
    changes one against its version; a delete names the version it removes.
    """

    add_form: type | None = None
    edit_form: type
    create_serializer: type | None = None
    edit_serializer: type

    def plan_of(self, payload: dict) -> Plan:
        raise NotImplementedError

    def editable(self, instance) -> bool:
        return permissions.can_edit_plan(self.request.user, self._plan(instance))

    def _plan(self, instance) -> Plan:
        if isinstance(instance, Plan):
            return instance
        if isinstance(instance, Result):
            return instance.focus_area.plan
        return instance.plan

    def nothing_shown(self) -> dict:
        """The representation's fields, each empty: what a create may send back."""
        return dict.fromkeys(self.get_serializer().fields)

    def represent(self, instance) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        return self.get_serializer(fresh).data if fresh is not None else {}

    def _writable(self):
        instance = self.get_object()  # 404 unless she reads it
        if not self.editable(instance):
            raise exceptions.PermissionDenied(_("Du får inte ändra i planen."))
        return instance

    def _edit(self, instance, payload: dict, version: int, *, partial: bool) -> None:
        """Save the edit form filled from the JSON (inside the caller's transaction)."""
        user = self.request.user
        fresh = type(instance).objects.get(pk=instance.pk)
        payload = dict(payload)
        rows = self.rows(fresh, payload)  # takes the rows' field out of the payload
        unbound = self.edit_form(instance=fresh, **self.form_kwargs())
        data = form_data(unbound, payload, partial=partial)
        data["loaded_version"] = str(version)
        form = self.edit_form(data, instance=fresh, **self.form_kwargs())

        def save(form):
            invalid = [formset for formset in rows if not formset.is_valid()]
            if invalid:
                raise exceptions.ValidationError(_rows_errors(invalid))
            form.save(commit=False)
            written = versioned_save_with_rows(form=form, formsets=rows, user=user)
            for formset in rows:
                formset.save()
            return written

        form_write(form=form, save=save)

    def rows(self, instance, payload: dict) -> list:
        """Return the formsets of rows saved with the record (its actors), bound to the JSON."""
        return []

    def form_kwargs(self) -> dict:
        return {}

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self._writable()
        payload = checked_payload(
            self.edit_serializer, request.data, partial=partial, shown=self.represent(instance)
        )
        version = expected_version(request, request.data if isinstance(request.data, dict) else {})
        with transaction.atomic():
            refuse_stale(instance, version, user=request.user, represent=self.represent)
            self._edit(instance, payload, version, partial=partial)
        return Response(self.represent(instance))

    def create(self, request, *args, **kwargs):
        if self.add_form is None:
            raise exceptions.MethodNotAllowed(request.method)
        payload = checked_payload(
            self.create_serializer, request.data, partial=False, shown=self.nothing_shown()
        )
        plan = self.plan_of(payload)
        if not permissions.can_edit_plan(request.user, plan):
            raise exceptions.PermissionDenied(_("Du får inte ändra i planen."))
        add_fields = set(self.add_form.base_fields)
        adding = {name: value for name, value in payload.items() if name in add_fields}
        editing = {name: value for name, value in payload.items() if name not in add_fields}
        with transaction.atomic():
            unbound = self.add_form(plan=plan)
            form = self.add_form(form_data(unbound, adding, partial=False), plan=plan)
            item = form_write(
                form=form,
                save=lambda form: plan_item_add(item=form.instance, user=request.user) or form,
            ).instance
            if editing:
                self._edit(item, editing, 1, partial=True)
        return Response(self.represent(item), status=http_status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        instance = self._writable()
        version = expected_version(request)
        with transaction.atomic():
            refuse_stale(instance, version, user=request.user, represent=self.represent)
            form_write(
                form=_AlwaysValid(),
                save=lambda _form: plan_item_delete(item=instance, expected_version=version),
            )
        return Response(status=http_status.HTTP_204_NO_CONTENT)


def _rows_errors(formsets: list) -> dict:
    """Return the rows' errors as the API answers them: per row, per field."""
    errors: dict[str, list] = {}
    for formset in formsets:
        name = formset.api_field
        messages = [str(m) for m in formset.non_form_errors()]
        for index, row in enumerate(formset.errors):
            for field, texts in row.items():
                messages += [f"{index + 1}. {field}: {text}" for text in texts]
        errors[name] = messages
    return errors


class _AlwaysValid:
    """A form with nothing to check, for a service that validates itself."""

    errors: dict = {}

    def is_valid(self) -> bool:
        return True


def _plan_in(user, pk: object, field: str) -> Plan:
    """Return the plan the JSON names, if she reads it; 400 naming the field otherwise."""
    plan = permissions.visible_plans(user).filter(pk=pk).select_related("owner").first()
    if plan is None:
        raise exceptions.ValidationError({field: [_("Planen finns inte eller är inte din.")]})
    return plan


# --- Plans, focus areas, results ------------------------------------------------------------


class FocusAreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "parent", "number", "order", "title"]


class PlanSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

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


class PlanFilter(filters.FilterSet):
    owner = filters.NumberFilter(
        method="filter_owner", label=_("Ägande organisation (med dess enheter)")
    )
    year = filters.NumberFilter(method="filter_year", label=_("Planer som gäller året"))
    text = filters.CharFilter(method="filter_text", label=_("Text i titeln"))

    class Meta:
        model = Plan
        fields = ["kind", "status", "parent"]

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
        plans = permissions.visible_plans(self.request.user).select_related("owner")
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
                form=_AlwaysValid(),
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


class PlanChildFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan", label=_("Planens id"))


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
        return _plan_in(self.request.user, payload.get("plan"), "plan")


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

    class filterset_class(filters.FilterSet):  # noqa: N801 (DRF's attribute name)
        plan = filters.NumberFilter(field_name="focus_area__plan", label=_("Planens id"))

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


class MeasureFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        field_name="status", choices=Measure.Status.choices, label=_("Läge i planen")
    )
    plan_status = filters.ChoiceFilter(
        field_name="plan__status", choices=Plan.Status.choices, label=_("Planens status")
    )
    focus_area = filters.NumberFilter(
        method="filter_focus_area", label=_("Fokusområde (med dess underområden)")
    )
    organisation = filters.NumberFilter(
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
    target_area = filters.NumberFilter(field_name="target_areas", label=_("Nationellt målområde"))
    global_goal = filters.NumberFilter(field_name="global_goals", label=_("Globalt mål"))
    tag = filters.CharFilter(method="filter_tag", label=_("Etikett (namn)"))
    target_year = filters.NumberFilter(label=_("Målår"))
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
        return _plan_in(self.request.user, payload.get("plan"), "plan")

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

            form_write(form=_AlwaysValid(), save=save)
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


def register(router) -> None:
    """Add the plans' resources to the API's router."""
    router.register("target-areas", TargetAreaViewSet, basename="targetarea")
    router.register("global-goals", GlobalGoalViewSet, basename="globalgoal")
    router.register("tags", TagViewSet, basename="tag")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("people", PersonViewSet, basename="person")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("focus-areas", FocusAreaViewSet, basename="focusarea")
    router.register("results", ResultViewSet, basename="result")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("responsibilities", ResponsibilityViewSet, basename="responsibility")
    router.register("budgets", BudgetViewSet, basename="budget")
