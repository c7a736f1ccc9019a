"""The REST API's councils: bodies, seats with their holders, meetings with their agendas,
agenda items and minutes, read-only (folkhalsa/api.py has the shared parts).

Each user reads what the council pages show her (`councils/permissions.py`): the bodies and
meetings she reads, and of public bodies what their public pages show anyone: the body, its
meetings' dates and places, each agenda once the notice is sent (titles, kinds, presenters)
and the checked minutes. A person's e-mail only to those who read her organisation's register
or manage the body (`choosable_people`); anonymous visitors never see one.
"""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from councils.models import AgendaItem, Body, Meeting, Seat, SeatHolding
from councils.permissions import public_meetings, readable_bodies, readable_meetings
from councils.selectors import STOCKHOLM, minutes_document, public_bodies
from folkhalsa.api import ERRORS, ETagMixin
from folkhalsa.validators import validate_date_in_range
from plans.models import Measure, Organisation
from plans.permissions import MANAGE_COUNCILS, READ, AnyUser, organisations_for, visible_plans

# --- What she reads ----------------------------------------------------------------------------


def visible_bodies(user: AnyUser) -> QuerySet[Body]:
    """Return the bodies she reads and the public bodies, each marked `readable`."""
    public = Q(pk__in=public_bodies().values("pk"))
    if not user.is_authenticated:
        return Body.objects.filter(public).annotate(readable=Value(False))
    readable = readable_bodies(user)
    return Body.objects.filter(Q(pk__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


def visible_meetings(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings she reads and the public bodies' (whose dates and places are
    public, as on their page and feed), each marked `readable`."""
    public = Q(body__in=public_bodies().values("pk"))
    if not user.is_authenticated:
        return Meeting.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    return Meeting.objects.filter(Q(pk__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


# A public body's agenda is public once the notice is sent (`public_body_page`).
NOTICED = Q(notice_sent_at__isnull=False) | ~Q(status=Meeting.Status.PLANNED)


def agenda_is_public(meeting: Meeting) -> bool:
    """Return whether anyone reads the meeting's agenda: a public body's, once noticed."""
    noticed = meeting.notice_sent_at is not None or meeting.status != Meeting.Status.PLANNED
    return meeting.body.is_public and noticed


def visible_items(user: AnyUser) -> QuerySet[AgendaItem]:
    """Return the agenda items she reads: on the meetings she reads, and on public bodies'
    meetings once noticed (titles, kinds and presenters only), each marked `readable`."""
    public = Q(meeting__in=Meeting.objects.filter(NOTICED, body__in=public_bodies().values("pk")))
    if not user.is_authenticated:
        return AgendaItem.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    return AgendaItem.objects.filter(Q(meeting__in=readable.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("meeting_id")))
    )


def visible_minutes(user: AnyUser) -> QuerySet[Meeting]:
    """Return the meetings whose minutes she reads: public checked minutes, and the minutes
    (being written or checked) of the meetings she reads, each marked `readable`."""
    public = Q(pk__in=public_meetings().values("pk"))
    if not user.is_authenticated:
        return Meeting.objects.filter(public).annotate(readable=Value(False))
    readable = readable_meetings(user)
    written = readable.filter(status__in=(Meeting.Status.HELD, *Meeting.LOCKED_STATUSES))
    return Meeting.objects.filter(Q(pk__in=written.values("pk")) | public).annotate(
        readable=Exists(readable.filter(pk=OuterRef("pk")))
    )


def _shown_measures(user: AnyUser) -> Prefetch:
    """An item's measures in the plans she reads (`meeting_items`), ids only."""
    measures = Measure.objects.filter(plan__in=visible_plans(user)).only("pk").order_by("pk")
    return Prefetch("measures", measures, to_attr="shown_measures")


def _absolute(request, name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(name, args=[pk]))


class ReaderFields(serializers.ModelSerializer):
    """A serializer whose `reader_fields` are null unless she reads the record (`readable`)."""

    reader_fields: tuple[str, ...] = ()

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not getattr(instance, "readable", False):
            for name in self.reader_fields:
                data[name] = None
        return data


class IdFilter(filters.NumberFilter):
    """An id: a whole number a database key can hold (else 400, never a failed query)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class DayFilter(filters.DateFilter):
    """A day within the years the site takes (1900–2100)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[validate_date_in_range], **kwargs)


class Within(filters.FilterSet):
    """The filter on an organisation with its units, by the field `organisation_field`."""

    organisation_field = "organisation"
    organisation = IdFilter(
        method="filter_organisation", label=_("Organisationen med id och alla dess enheter")
    )

    def filter_organisation(self, queryset, name: str, value: int) -> QuerySet:
        below = Organisation.objects.below([value]).values("pk")
        return queryset.filter(**{f"{self.organisation_field}__in": below})


def _stockholm_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=STOCKHOLM)


class MeetingDays(Within):
    """Meetings from and to a day, Stockholm days (`from`, `to`), of a body or organisation."""

    organisation_field = "body__organisation"
    starts_from = DayFilter(method="filter_from", label=_("Möten från och med dagen (svensk tid)"))
    starts_to = DayFilter(method="filter_to", label=_("Möten till och med dagen"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_stockholm_midnight(value))

    def filter_to(self, queryset, name, value):
        next_day = value + datetime.timedelta(days=1)
        return queryset.filter(starts_at__lt=_stockholm_midnight(next_day))

    @classmethod
    def get_filters(cls):
        # The query names are `from` and `to`, which Python does not take as attribute names.
        named = super().get_filters()
        named["from"] = named.pop("starts_from")
        named["to"] = named.pop("starts_to")
        return named


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
        return _absolute(self.context["request"], "councils:body_detail", body.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_public_url(self, body: Body) -> str | None:
        if not body.is_public:
            return None
        return _absolute(self.context["request"], "councils:public_body_meetings", body.pk)


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


class SeatFilter(filters.FilterSet):
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


# --- Meetings and their agendas ----------------------------------------------------------------


class AgendaItemSerializer(ReaderFields):
    measures = serializers.SerializerMethodField(
        help_text=_("Insatser ärendet gäller, i planer du får läsa (tom på publika listor).")
    )
    reader_fields = ("paragraph", "case_number")

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "order",
            "paragraph",
            "kind",
            "proposal_to",
            "title",
            "presenter",
            "case_number",
            "measures",
        ]
        extra_kwargs = {"paragraph": {"allow_null": True}, "case_number": {"allow_null": True}}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_measures(self, item: AgendaItem) -> list[int]:
        if not getattr(item, "readable", False):
            return []  # the public page names no measures
        return [measure.pk for measure in item.shown_measures]


class MeetingSerializer(ReaderFields):
    body_name = serializers.CharField(source="body.name", read_only=True)
    organisation = serializers.IntegerField(source="body.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="body.organisation.name", read_only=True)
    readable = serializers.BooleanField(
        read_only=True, help_text=_("Du läser mötets sida (inte bara den publika).")
    )
    agenda_published = serializers.SerializerMethodField(
        help_text=_("Du får läsa föredragningslistan (publika organ: när kallelsen skickats).")
    )
    agenda = serializers.SerializerMethodField(
        help_text=_("Föredragningslistan i ordning; null om du inte får läsa den än.")
    )
    prepares_meeting = serializers.IntegerField(
        source="shown_prepares_meeting",
        read_only=True,
        allow_null=True,
        help_text=_("Mötet som detta bereder, om du får se det."),
    )
    url = serializers.SerializerMethodField(help_text=_("Mötets sida, om du läser den."))
    reader_fields = ("remote_link", "notice_sent_at", "prepares_meeting", "version")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "body_name",
            "organisation",
            "organisation_name",
            "starts_at",
            "ends_at",
            "place",
            "remote_link",
            "status",
            "notice_sent_at",
            "checked_on",
            "prepares_meeting",
            "readable",
            "agenda_published",
            "agenda",
            "url",
            "version",
        ]
        extra_kwargs = {"remote_link": {"allow_null": True}, "version": {"allow_null": True}}

    def get_agenda_published(self, meeting: Meeting) -> bool:
        return bool(meeting.readable) or agenda_is_public(meeting)

    @extend_schema_field(AgendaItemSerializer(many=True, allow_null=True))
    def get_agenda(self, meeting: Meeting) -> list | None:
        if not self.get_agenda_published(meeting):
            return None
        return AgendaItemSerializer(meeting.agenda, many=True, context=self.context).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, meeting: Meeting) -> str | None:
        if not meeting.readable:
            return None
        return _absolute(self.context["request"], "councils:meeting_detail", meeting.pk)


class MeetingFilter(MeetingDays):
    body = IdFilter(label=_("Organets id"))

    class Meta:
        model = Meeting
        fields = ["status"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Möten med föredragningslistan"),
        description=_(
            "Mötena i de organ du läser och de publika organens möten (tid och lokal). "
            "Föredragningslistan där du får läsa den: på dina möten, och på publika organs "
            "möten när kallelsen skickats (rubrik, typ och föredragande). `from` och `to` är "
            "dagar i svensk tid."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Ett möte med föredragningslistan"), responses={200: MeetingSerializer, **ERRORS}
    ),
)
class MeetingViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at", "id"]
    ordering = ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[Meeting]:
        user = self.request.user
        items = visible_items(user).order_by("order", "pk").prefetch_related(_shown_measures(user))
        shown = visible_meetings(user).filter(pk=OuterRef("prepares_meeting_id")).values("pk")
        return (
            visible_meetings(user)
            .select_related("body__organisation")
            .annotate(shown_prepares_meeting=Subquery(shown[:1]))
            .prefetch_related(Prefetch("items", items, to_attr="agenda"))
        )


class AgendaItemFilter(filters.FilterSet):
    # Ids, not choices among every record: an id out of her reach answers as a missing one.
    meeting = IdFilter(label=_("Mötets id"))


@extend_schema_view(
    list=extend_schema(
        summary=_("Ärenden på föredragningslistor"),
        description=_(
            "Ärendena på de möten du läser, och på publika organs möten när kallelsen "
            "skickats (rubrik, typ och föredragande; paragraf, diarienummer och insatser bara "
            "för dem som läser mötet)."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Ett ärende"), responses={200: AgendaItemSerializer, **ERRORS}
    ),
)
class AgendaItemViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["order", "id"]
    ordering = ["meeting__starts_at", "meeting_id", "order", "id"]

    def get_queryset(self) -> QuerySet[AgendaItem]:
        user = self.request.user
        return visible_items(user).prefetch_related(_shown_measures(user))


# --- Minutes ---------------------------------------------------------------------------------


class MinutesSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    organisation = serializers.IntegerField(source="body.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="body.organisation.name", read_only=True)
    is_checked = serializers.BooleanField(
        source="is_locked", read_only=True, help_text=_("Protokollet är justerat (låst).")
    )
    takes_down_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("Anslaget tas ned efter dagen (överklagandetidens slut)."),
    )
    readable = serializers.BooleanField(read_only=True)
    pdf = serializers.SerializerMethodField(help_text=_("Protokollet som PDF."))
    url = serializers.SerializerMethodField(
        help_text=_("Protokollets sida: den publika när det är offentligt, annars mötets.")
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "body_name",
            "organisation",
            "organisation_name",
            "starts_at",
            "status",
            "is_checked",
            "checked_on",
            "case_number",
            "registered_on",
            "posted_on",
            "takes_down_on",
            "readable",
            "pdf",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf(self, meeting: Meeting) -> str:
        return _absolute(self.context["request"], "councils:minutes_pdf", meeting.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, meeting: Meeting) -> str:
        if meeting.body.is_public and meeting.is_locked:
            return _absolute(self.context["request"], "councils:public_minutes", meeting.pk)
        return _absolute(self.context["request"], "councils:minutes", meeting.pk)


class ParagraphSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    kind = serializers.CharField(source="kind_value")
    proposal_to = serializers.CharField()
    presenter = serializers.CharField()
    case_number = serializers.CharField()
    note = serializers.CharField()
    lead_in = serializers.CharField(help_text=_("T.ex. ”Rådet beslutar”."))
    decision = serializers.CharField()


class AmendmentLineSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(allow_null=True)
    what = serializers.CharField()
    why = serializers.CharField()
    made_by = serializers.CharField()
    made_at = serializers.DateTimeField()


class MinutesDetailSerializer(MinutesSerializer):
    paragraphs = serializers.SerializerMethodField(
        help_text=_("Paragraferna; för justerade protokoll som de justerades.")
    )
    amendments = serializers.SerializerMethodField(help_text=_("Rättelser efter justeringen."))

    class Meta(MinutesSerializer.Meta):
        fields = [*MinutesSerializer.Meta.fields, "paragraphs", "amendments"]

    def _document(self, meeting: Meeting):
        if not hasattr(meeting, "document"):
            meeting.document = minutes_document(meeting=meeting)
        return meeting.document

    @extend_schema_field(ParagraphSerializer(many=True))
    def get_paragraphs(self, meeting: Meeting) -> list:
        return ParagraphSerializer(self._document(meeting).items, many=True).data

    @extend_schema_field(AmendmentLineSerializer(many=True))
    def get_amendments(self, meeting: Meeting) -> list:
        return AmendmentLineSerializer(self._document(meeting).amendments, many=True).data


class MinutesFilter(MeetingDays):
    body = IdFilter(label=_("Organets id"))
    text = filters.CharFilter(
        method="filter_text", label=_("Del av organets eller organisationens namn")
    )

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(body__name__icontains=value) | Q(body__organisation__name__icontains=value)
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Protokoll"),
        description=_(
            "Justerade protokoll från publika organ, som på sidan Justerade protokoll, och "
            "protokollen (under arbete eller justerade) från de möten du läser. Nyast först."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Ett protokoll med paragrafer och rättelser"),
        responses={200: MinutesDetailSerializer, **ERRORS},
    ),
)
class MinutesViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = MinutesFilter
    ordering_fields = ["starts_at", "checked_on", "id"]
    ordering = ["-starts_at", "id"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return visible_minutes(self.request.user).select_related("body__organisation")

    def get_serializer_class(self) -> type:
        return MinutesDetailSerializer if self.action == "retrieve" else MinutesSerializer


def register(router) -> None:
    """Add the councils' resources to the API's router."""
    router.register("bodies", BodyViewSet, basename="body")
    router.register("seats", SeatViewSet, basename="seat")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("agenda-items", AgendaItemViewSet, basename="agendaitem")
    router.register("minutes", MinutesViewSet, basename="minutes")
