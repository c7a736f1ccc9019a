"""The API's shared vocabularies (national target areas, global goals, tags), organisations
(a tree) and people (contact data to their organisations' members)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, viewsets

from folkhalsa.api import (
    ERRORS,
    ETagMixin,
    FilterSet,
    IdFilter,
)
from plans import permissions
from plans.models import (
    GlobalGoal,
    Organisation,
    Person,
    Tag,
    TargetArea,
)


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


class OrganisationFilter(FilterSet):
    below = IdFilter(method="filter_below", label=_("Organisationen med id och alla dess enheter"))
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
