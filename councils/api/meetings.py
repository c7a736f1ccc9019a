"""The API's meetings with their agendas, agenda items, and minutes."""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from councils.api.access import (
    MeetingDays,
    ReaderFields,
    absolute_url,
    agenda_is_public,
    shown_measures,
    visible_items,
    visible_meetings,
    visible_minutes,
)
from councils.models import AgendaItem, Meeting
from councils.selectors import minutes_document
from folkhalsa.api import ERRORS, ETagMixin, FilterSet, IdFilter

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
        return absolute_url(self.context["request"], "councils:meeting_detail", meeting.pk)


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
        items = visible_items(user).order_by("order", "pk").prefetch_related(shown_measures(user))
        shown = visible_meetings(user).filter(pk=OuterRef("prepares_meeting_id")).values("pk")
        return (
            visible_meetings(user)
            .select_related("body__organisation")
            .annotate(shown_prepares_meeting=Subquery(shown[:1]))
            .prefetch_related(Prefetch("items", items, to_attr="agenda"))
        )


class AgendaItemFilter(FilterSet):
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
        return visible_items(user).prefetch_related(shown_measures(user))


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
        return absolute_url(self.context["request"], "councils:minutes_pdf", meeting.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, meeting: Meeting) -> str:
        if meeting.body.is_public and meeting.is_locked:
            return absolute_url(self.context["request"], "councils:public_minutes", meeting.pk)
        return absolute_url(self.context["request"], "councils:minutes", meeting.pk)


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
