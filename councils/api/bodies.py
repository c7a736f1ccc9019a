"""The API's bodies and their seats with their holders (a person's e-mail only to those who
may see it)."""

import datetime

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from councils.api.access import (
    DayFilter,
    ReaderFields,
    Within,
    absolute_url,
    visible_bodies,
)
from councils.models import Body, Seat, SeatHolding
from councils.permissions import readable_bodies
from folkhalsa.api import ERRORS, ETagMixin, FilterSet, IdFilter
from plans.permissions import MANAGE_COUNCILS, READ, AnyUser, organisations_for

# --- Bodies ----------------------------------------------------------------------------------


# What only those who read a body see of it (the public page shows its name and kind).
BODY_READER_FIELDS = (
    "mandate",
    "tasks",
    "reports_to",
    "min_meetings_per_year",
    "notice_days",
    "adjusters_count",
    "prepares",
    "prepare_days_before",
    "version",
)


class BodySerializer(ReaderFields):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    parent = serializers.IntegerField(
        source="shown_parent",
        read_only=True,
        allow_null=True,
        help_text=_("Organet det ingår i, om du får se det."),
    )
    prepares = serializers.IntegerField(
        source="shown_prepares",
        read_only=True,
        allow_null=True,
        help_text=_("Organet vars möten det bereder, om du får se det."),
    )
    is_statutory = serializers.BooleanField(
        read_only=True, help_text=_("Ett organ enligt kommunallagen: protokollen anslås.")
    )
    readable = serializers.BooleanField(
        read_only=True, help_text=_("Du läser organets sida (inte bara den publika).")
    )
    url = serializers.SerializerMethodField(help_text=_("Organets sida, om du läser den."))
    public_url = serializers.SerializerMethodField(help_text=_("Den publika sidan med möten."))

    reader_fields = BODY_READER_FIELDS

    class Meta:
        model = Body
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "organisation",
            "organisation_name",
            "parent",
            "is_public",
            "is_statutory",
            "record",
            "minutes_kept_at",
            "mandate",
            "tasks",
            "reports_to",
            "min_meetings_per_year",
            "notice_days",
            "adjusters_count",
            "prepares",
            "prepare_days_before",
            "readable",
            "url",
            "public_url",
            "version",
        ]
        extra_kwargs = {name: {"allow_null": True} for name in BODY_READER_FIELDS}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, body: Body) -> str | None:
        if not body.readable:
            return None
        return absolute_url(self.context["request"], "councils:body_detail", body.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_public_url(self, body: Body) -> str | None:
        if not body.is_public:
            return None
        return absolute_url(self.context["request"], "councils:public_body_meetings", body.pk)


class BodyFilter(Within):
    class Meta:
        model = Body
        fields = ["kind", "is_public"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Organ: råd, nämnder, styrgrupper och arbetsgrupper"),
        description=_(
            "De organ du läser (din organisations och de där du har en plats) och de organ som "
            "publicerar sina möten och protokoll. Uppdrag, uppgifter och regler bara för dem "
            "som läser organet; annars null. Utan inloggning: de publika organen."
        ),
    ),
    retrieve=extend_schema(summary=_("Ett organ"), responses={200: BodySerializer, **ERRORS}),
)
class BodyViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BodySerializer
    filterset_class = BodyFilter
    ordering_fields = ["name", "id"]
    ordering = ["organisation__name", "name", "id"]

    def get_queryset(self) -> QuerySet[Body]:
        bodies = visible_bodies(self.request.user)
        shown = visible_bodies(self.request.user).values("pk")
        return bodies.select_related("organisation").annotate(
            shown_parent=Subquery(shown.filter(pk=OuterRef("parent_id"))[:1]),
            shown_prepares=Subquery(shown.filter(pk=OuterRef("prepares_id"))[:1]),
        )


# --- Seats and their holders -------------------------------------------------------------------


class HolderSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.name")
    title = serializers.CharField(source="person.title")
    organisation = serializers.IntegerField(source="person.organisation_id")
    organisation_name = serializers.CharField(source="person.organisation.name")
    email = serializers.SerializerMethodField(
        help_text=_(
            "Bara för dig som hör till personens organisation eller sköter organet; annars null."
        )
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)

    def get_email(self, holding: SeatHolding) -> str | None:
        reach = self.context["contact_reach"]
        person = holding.person
        if reach.sees_email(organisation_id=person.organisation_id, body=holding.seat.body):
            return person.email
        return None


class ContactReach:
    """Whose e-mail she sees (`choosable_people`): the people of the organisations she has a
    role in (with their units), and the holders in the bodies she manages; worked out once
    a request."""

    def __init__(self, user: AnyUser) -> None:
        self.everyone = user.is_authenticated and user.is_superuser
        self.registers = organisations_for(user, READ)
        self.managed = organisations_for(user, MANAGE_COUNCILS)

    def sees_email(self, *, organisation_id: int, body: Body) -> bool:
        return (
            self.everyone
            or organisation_id in self.registers
            or body.organisation_id in self.managed
        )


class SeatSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    holder = serializers.SerializerMethodField(
        help_text=_("Den som har platsen i dag (eller dagen `on`); null om platsen är vakant.")
    )

    class Meta:
        model = Seat
        fields = [
            "id",
            "body",
            "function",
            "role",
            "organisation",
            "organisation_name",
            "order",
            "holder",
        ]

    @extend_schema_field(HolderSerializer(allow_null=True))
    def get_holder(self, seat: Seat) -> dict | None:
        if not seat.held:
            return None
        holding = seat.held[0]  # SeatHolding.clean refuses overlaps: one holder a day
        holding.seat = seat
        return HolderSerializer(holding, context=self.context).data


def _held_on(day: datetime.date) -> Prefetch:
    held = SeatHolding.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    return Prefetch("holdings", held.select_related("person__organisation"), to_attr="held")


class SeatFilter(FilterSet):
    body = IdFilter(label=_("Organets id"))
    on = DayFilter(method="filter_on", label=_("Innehavarna den dagen (annars i dag)"))

    class Meta:
        model = Seat
        fields = ["role"]

    def filter_on(self, queryset, name, value):
        return queryset.prefetch_related(None).prefetch_related(_held_on(value))


@extend_schema_view(
    list=extend_schema(
        summary=_("Platser i organ, med den som har platsen"),
        description=_(
            "Platserna i de organ du läser, med innehavaren i dag (eller dagen `on`). "
            "E-postadressen bara för dig som hör till personens organisation eller sköter "
            "organet. Kräver inloggning: de publika sidorna visar inga platser."
        ),
    ),
    retrieve=extend_schema(summary=_("En plats"), responses={200: SeatSerializer, **ERRORS}),
)
class SeatViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    ordering_fields = ["order", "id"]
    ordering = ["body_id", "order", "id"]

    def get_queryset(self) -> QuerySet[Seat]:
        seats = Seat.objects.filter(body__in=readable_bodies(self.request.user).values("pk"))
        return seats.select_related("organisation", "body").prefetch_related(
            _held_on(timezone.localdate())
        )

    def get_serializer_context(self) -> dict:
        reach = ContactReach(self.request.user)
        return {**super().get_serializer_context(), "contact_reach": reach}
