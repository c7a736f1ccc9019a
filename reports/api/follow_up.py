"""The API's follow-up: rounds, the measure owners' reports (written through the report page's
form and `report_save`, reviewed with `report_review`) and the published yearly follow-ups."""

from django import forms
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.response import Response

from folkhalsa.api import (
    CONFLICT,
    ERRORS,
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
from plans import permissions as plan_permissions
from plans.models import Organisation
from reports.forms import MeasureReportForm, ReviewForm
from reports.models import (
    FollowUpRound,
    MeasureReport,
    PublishedFollowUp,
)
from reports.permissions import (
    can_manage_round,
    can_write_report,
    readable_reports,
    round_reader_plans,
)
from reports.services import report_review, report_save

# --- Follow-up rounds ----------------------------------------------------------------------


class FollowUpRoundSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)

    class Meta:
        model = FollowUpRound
        fields = [
            "id",
            "plan",
            "plan_title",
            "year",
            "period",
            "due_on",
            "status",
            "opened_at",
            "last_reminded_on",
        ]


@extend_schema_view(
    list=extend_schema(
        summary=_("Uppföljningsomgångar: planens år eller tertial, sista dag och status"),
        description=_(
            "Omgångarna i planer där du har en roll i den ägande organisationen, eller där din "
            "organisation äger en insats du rapporterar om. Kräver inloggning."
        ),
    ),
    retrieve=extend_schema(summary=_("En uppföljningsomgång"), responses={200: None, **ERRORS}),
)
class FollowUpRoundViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FollowUpRoundSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    filterset_fields = ["plan", "year", "period", "status"]
    ordering_fields = ["year", "due_on", "id"]
    ordering = ["plan_id", "-year", "period", "id"]

    def get_queryset(self) -> QuerySet[FollowUpRound]:
        plans = round_reader_plans(self.request.user)
        return FollowUpRound.objects.filter(plan__in=plans).select_related("plan")


# --- Measure reports -----------------------------------------------------------------------


class MeasureReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="round.plan_id", read_only=True)
    measure_code = serializers.CharField(source="measure.code", read_only=True)
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    is_editable = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "Om insatsens ägare kan skriva nu: omgången är öppen och rapporten inte inskickad."
        ),
    )

    class Meta:
        model = MeasureReport
        fields = [
            "id",
            "round",
            "plan",
            "measure",
            "measure_code",
            "measure_title",
            "state",
            "status",
            "progress",
            "figure_reached",
            "comment",
            "submitted_at",
            "reviewed_at",
            "is_editable",
            "version",
        ]


class MeasureReportFilter(FilterSet):
    plan = IdFilter(field_name="round__plan", label=_("Planens id"))
    state = filters.ChoiceFilter(choices=MeasureReport.State.choices, label=_("Läge"))
    status = filters.ChoiceFilter(choices=MeasureReport.Status.choices, label=_("Bedömning"))

    class Meta:
        model = MeasureReport
        fields = ["round", "measure"]


REPORT_WRITE = form_serializer(
    MeasureReportForm,
    "MeasureReportWrite",
    # A decimal: form_serializer reads a DecimalField as the IntegerField it extends.
    figure_reached=serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_(
            "Det värde ni nått; bara för en insats vars förväntade resultat anges med en siffra."
        ),
    ),
    submit=serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true skickar in rapporten till strategen (kräver bedömning och text); annars "
            "sparas den som utkast."
        ),
    ),
)


class ReviewSerializer(serializers.Serializer):
    """The strategist's decision on a submitted report (as the review page posts it)."""

    accept = serializers.BooleanField(help_text=_("true godkänner; false returnerar rapporten."))
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Kommentar till rapportören; krävs när rapporten returneras."),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Rapporter om insatser: läge, bedömning och hur det går"),
        description=_(
            "Dina egna rapporter (insatser din organisation äger) och rapporterna i planer du "
            "redigerar. Filtrera på omgång, plan, insats, läge och bedömning. Kräver inloggning."
        ),
    ),
    retrieve=extend_schema(summary=_("En rapport om en insats")),
    update=extend_schema(
        summary=_("Skriv rapporten (alla fält) mot dess version, som utkast eller inskickad"),
        request=REPORT_WRITE,
        responses={200: MeasureReportSerializer, **ERRORS, **CONFLICT},
    ),
    partial_update=extend_schema(
        summary=_("Skriv några av rapportens fält mot dess version, som utkast eller inskickad"),
        description=_(
            "Samma regler som rapportsidan: bara i en öppen omgång och medan rapporten inte är "
            "inskickad eller godkänd; `submit: true` skickar in den."
        ),
        request=REPORT_WRITE,
        responses={200: MeasureReportSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample(
                _("Skicka in"),
                value={
                    "status": "enligt_plan",
                    "progress": "Läsombud utbildade på två förskolor.",
                    "submit": True,
                    "version": 2,
                },
            )
        ],
    ),
    review=extend_schema(
        summary=_("Godkänn en inskickad rapport, eller returnera den med en kommentar"),
        description=_(
            "För den som leder planens uppföljning. En returnerad rapport e-postas till den som "
            "skickade in den. Ange rapportens version."
        ),
        request=ReviewSerializer,
        responses={200: MeasureReportSerializer, **ERRORS, **CONFLICT},
    ),
)
class MeasureReportViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MeasureReportSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    filterset_class = MeasureReportFilter
    ordering_fields = ["state", "status", "id"]
    ordering = ["round_id", "measure__order", "measure__code", "id"]

    def get_queryset(self) -> QuerySet[MeasureReport]:
        reports = readable_reports(self.request.user)
        return reports.select_related("round", "measure")

    def represent(self, instance: MeasureReport) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        return self.get_serializer(fresh).data if fresh is not None else {}

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        report = self.get_object()  # 404 unless she reads it
        if not can_write_report(request.user, report):
            raise exceptions.PermissionDenied(_("Du får inte skriva rapporten."))
        payload = checked_payload(
            REPORT_WRITE, request.data, partial=partial, shown=self.represent(report)
        )
        submit = bool(payload.pop("submit", False))
        version = expected_version(request, request.data)
        with transaction.atomic():
            refuse_stale(report, version, user=request.user, represent=self.represent)
            form = self._report_form(report, payload, version, partial=partial)
            form_write(form=form, save=lambda form: self._save(form, submit=submit))
        return Response(self.represent(report))

    def _report_form(
        self, report: MeasureReport, payload: dict, version: int, *, partial: bool
    ) -> MeasureReportForm:
        """Return the report page's form, filled from the JSON as the page would post it."""
        fresh = MeasureReport.objects.select_related("measure", "round").get(pk=report.pk)
        unbound = MeasureReportForm(instance=fresh)
        # The figure reached, where the expected result has no number: refused if given, left
        # out if empty (as the report reads back).
        unknown = sorted(n for n in set(payload) - set(unbound.fields) if payload[n] is not None)
        payload = {name: value for name, value in payload.items() if name in unbound.fields}
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Fältet finns inte för den här insatsen.")] for name in unknown}
            )
        data = form_data(unbound, payload, partial=partial)
        data["loaded_version"] = str(version)
        return MeasureReportForm(data, instance=fresh)

    def _save(self, form: MeasureReportForm, *, submit: bool) -> bool:
        return report_save(
            report=form.save(commit=False),
            expected_version=form.expected_version(),
            user=self.request.user,
            submit=submit,
        )

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        if not can_manage_round(request.user, report.round):
            raise exceptions.PermissionDenied(_("Du får inte granska rapporten."))
        payload = checked_payload(ReviewSerializer, request.data, partial=False)
        version = expected_version(request, request.data)
        with transaction.atomic():
            refuse_stale(report, version, user=request.user, represent=self.represent)
            form = ReviewForm(form_data(ReviewForm(), payload, partial=False))
            form_write(
                form=form,
                save=lambda form: report_review(
                    report=report,
                    user=request.user,
                    accept=bool(payload["accept"]),
                    comment=form.cleaned_data["comment"],
                ),
            )
        return Response(self.represent(report))


# --- Published follow-ups ------------------------------------------------------------------


class PublishedFollowUpSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    organisation = serializers.IntegerField(source="plan.owner_id", read_only=True)
    organisation_name = serializers.CharField(source="plan.owner.name", read_only=True)
    publisher = serializers.CharField(
        read_only=True, help_text=_("Den som publicerade, med namn och titel (aldrig inloggning).")
    )
    is_current = serializers.BooleanField(
        read_only=True, help_text=_("false för en tidigare version, ersatt av `replaced_by`.")
    )
    pdf_url = serializers.SerializerMethodField(help_text=_("Adressen till PDF-filen."))
    docx_url = serializers.SerializerMethodField(help_text=_("Adressen till Word-filen."))
    pdf_ready = serializers.BooleanField(
        read_only=True,
        help_text=_("Om PDF-filen är satt; annars svarar adressen 202 medan den skapas (en gång)."),
    )
    docx_ready = serializers.BooleanField(read_only=True, help_text=_("Om Word-filen är skapad."))

    class Meta:
        model = PublishedFollowUp
        fields = [
            "id",
            "plan",
            "plan_title",
            "organisation",
            "organisation_name",
            "year",
            "published_at",
            "publisher",
            "reason",
            "is_current",
            "replaced_by",
            "pdf_url",
            "docx_url",
            "pdf_ready",
            "docx_ready",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, published: PublishedFollowUp) -> str:
        return self._absolute("reports:published_pdf", published)

    @extend_schema_field(OpenApiTypes.URI)
    def get_docx_url(self, published: PublishedFollowUp) -> str:
        return self._absolute("reports:published_docx", published)

    def _absolute(self, name: str, published: PublishedFollowUp) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[published.pk]))


class PublishedFollowUpDetailSerializer(PublishedFollowUpSerializer):
    content = serializers.JSONField(
        read_only=True,
        help_text=_("Allt rapporten visar, fryst som det publicerades (samma som i PDF-filen)."),
    )

    class Meta(PublishedFollowUpSerializer.Meta):
        fields = [*PublishedFollowUpSerializer.Meta.fields, "content"]


class PublishedFollowUpFilter(FilterSet):
    organisation = IdFilter(
        method="filter_organisation", label=_("Planens ägare (med dess enheter)")
    )
    archived = filters.BooleanFilter(
        method="filter_archived",
        label=_("true: även tidigare, ersatta versioner (annars bara de som gäller nu)"),
    )

    class Meta:
        model = PublishedFollowUp
        fields = ["plan", "year"]

    def filter_organisation(self, queryset, name, value):
        below = Organisation.objects.below([value]).values("pk")
        return queryset.filter(plan__owner__in=below)

    def filter_archived(self, queryset, name, value):
        return queryset  # the list's default, in PublishedFollowUpViewSet.filter_queryset


# Large fields a list reads none of; a detail reads the content, never the files.
FILES = ("pdf", "docx")


@extend_schema_view(
    list=extend_schema(
        summary=_("Publicerade årsuppföljningar, med länkar till PDF- och Word-filen"),
        description=_(
            "De uppföljningar som gäller nu, för planer du får läsa (antagna planer för alla). "
            "`archived=true` tar med tidigare versioner av ett år, som finns kvar i arkivet "
            "med sin ersättare i `replaced_by`. Innehållet står bara på en enskild uppföljning."
        ),
    ),
    retrieve=extend_schema(
        summary=_("En publicerad uppföljning med hela dess frysta innehåll"),
        description=_("Även en tidigare, ersatt version (`is_current` är då false)."),
    ),
)
class PublishedFollowUpViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = PublishedFollowUpFilter
    ordering_fields = ["year", "published_at", "id"]
    ordering = ["plan_id", "-year", "-published_at", "id"]

    def get_queryset(self) -> QuerySet[PublishedFollowUp]:
        visible = plan_permissions.visible_plans(self.request.user)
        frozen = (*FILES, "content") if self.action == "list" else FILES
        return (
            PublishedFollowUp.objects.filter(plan__in=visible)
            .select_related("plan__owner")
            .defer(*frozen, "plan__vision", "plan__purpose")
            .annotate(
                pdf_ready=ExpressionWrapper(~Q(pdf=b""), output_field=BooleanField()),
                docx_ready=ExpressionWrapper(~Q(docx=b""), output_field=BooleanField()),
            )
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset  # an archived version is read by its id
        archived = forms.NullBooleanField().clean(self.request.query_params.get("archived"))
        return queryset if archived else queryset.filter(replaced_by__isnull=True)

    def get_serializer_class(self):
        if self.action == "list":
            return PublishedFollowUpSerializer
        return PublishedFollowUpDetailSerializer
