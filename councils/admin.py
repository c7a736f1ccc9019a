"""The councils admin, for administrators: every view under the same rules as the site.

The secretary of a body (sekreterare or administratör of its organisation, or of one above it)
manages the body and everything below it; the organisation's other members read it; everyone
else meets 404. Checked minutes are locked here as in every front: a correction is an amendment.
Dispatches, attachments and the checking itself are records of what happened, only read here.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from councils import permissions as council_permissions
from councils.models import (
    AgendaItem,
    Amendment,
    Attachment,
    Attendance,
    Body,
    ChangeRequest,
    Dispatch,
    DispatchRecipient,
    DownloadLink,
    DownloadUse,
    Meeting,
    MinutesCheck,
    Seat,
    SeatHolding,
    StandingItem,
)
from plans import permissions
from plans.admin.rules import (
    RowChoicesOnce,
    RowWidgets,
    SafeInlineFormSet,
    ScopedAdmin,
    ScopedInline,
    VersionedAdmin,
    VersionedInline,
    VersionedInlineFormSet,
)
from plans.forms import VersionedModelForm
from plans.models import Measure, Organisation, Person, Plan
from plans.services import locked

# The plans pages' templates: the per-field choice on a conflict, and a delete confirmation
# that posts the version it showed.
CHANGE_FORM = "admin/plans/change_form.html"
DELETE_CONFIRMATION = "admin/plans/delete_confirmation.html"


class OpenMinutesRule:
    """Refuse any save touching checked minutes, with the lock's own message.

    The meeting is read again under a row lock, so a forged POST, or one racing the checking
    of the minutes, is refused like every other front refuses it (`Meeting.ensure_unlocked`).
    """

    def _meeting_ids(self, cleaned: dict) -> set[int]:
        instance = self.instance
        stored = instance.pk if isinstance(instance, Meeting) else instance.meeting_id
        chosen = cleaned.get("meeting")
        return {stored, chosen.pk if isinstance(chosen, Meeting) else None} - {None}

    def clean(self) -> dict:
        cleaned = super().clean()
        meetings = locked(
            Meeting.objects.filter(pk__in=self._meeting_ids(cleaned)), action="Checking the minutes"
        )
        for meeting in meetings:
            try:
                meeting.ensure_unlocked()
            except ValidationError as error:
                self.add_error(None, error)
                break
        return cleaned


class MeetingForm(OpenMinutesRule, VersionedModelForm):
    """A meeting's own fields, refused once its minutes are checked."""


class AgendaItemForm(OpenMinutesRule, VersionedModelForm):
    """An agenda item, refused on (or moved onto) a meeting whose minutes are checked; it
    concerns only plans of its body's organisation or plans the user edits."""

    user = None  # set per request by `AgendaItemAdmin.get_form`

    def clean(self) -> dict:
        cleaned = super().clean()
        meeting = cleaned.get("meeting") or getattr(self.instance, "meeting", None)
        if self.user is None or meeting is None:
            return cleaned
        linkable = council_permissions.linkable_plans(self.user, meeting.body)
        plans = {p.pk for p in cleaned.get("plans") or []}
        plans |= {m.plan_id for m in cleaned.get("measures") or []}
        if plans - set(linkable.filter(pk__in=plans).values_list("pk", flat=True)):
            self.add_error(
                None,
                _(
                    "Ärendet kan bara gälla planer som organets organisation äger, eller "
                    "planer du själv redigerar."
                ),
            )
        return cleaned


class OpenMinutesForm(OpenMinutesRule, forms.ModelForm):
    """A row of a meeting (attendance, an appointed adjuster), refused on checked minutes."""


class AmendmentForm(forms.ModelForm):
    """A correction: of checked minutes only, and of an item of that meeting."""

    def clean(self) -> dict:
        cleaned = super().clean()
        meeting, item = cleaned.get("meeting"), cleaned.get("item")
        if meeting is not None and not meeting.is_locked:
            raise ValidationError(
                _(
                    "Rättelser görs i justerade protokoll. Så länge protokollet inte är "
                    "justerat ändras det direkt."
                )
            )
        if meeting is not None and item is not None and item.meeting_id != meeting.pk:
            self.add_error("item", _("Ärendet hör till ett annat möte."))
        return cleaned


def _manageable_choices(user, model: type[Model]) -> QuerySet | None:
    """Return the records of the model the user may choose in a council form, if it is one
    of ours or a person; None for any other model."""
    if model is Person:
        return council_permissions.choosable_people(user).select_related("organisation")
    bodies = council_permissions.manageable_bodies(user)
    within = {
        Body: lambda: bodies,
        Seat: lambda: Seat.objects.filter(body__in=bodies).select_related("organisation"),
        StandingItem: lambda: StandingItem.objects.filter(body__in=bodies),
        Meeting: lambda: Meeting.objects.filter(body__in=bodies).select_related("body"),
        AgendaItem: lambda: AgendaItem.objects.filter(meeting__body__in=bodies),
    }
    return within[model]() if model in within else None


class CouncilChoices:
    """Choices of every council form: bodies and what is in them that the user manages, the
    people she may name, plans she may read, and as a body's owner her own organisations."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if "queryset" not in kwargs:
            choices = _manageable_choices(user, db_field.related_model)
            if db_field.model is Body and db_field.name == "organisation":
                choices = _organisations_managed(user)
            if db_field.model is Seat and db_field.name == "organisation":
                choices = council_permissions.seat_organisation_choices(user)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Plans of the organisations whose bodies she manages, or plans she edits: an item's
        # title is printed in the plan's follow-up. `AgendaItemForm` narrows them to the body's.
        linkable = council_permissions.linkable_plans(request.user)
        if db_field.related_model is Plan:
            kwargs["queryset"] = linkable
        elif db_field.related_model is Measure:
            kwargs["queryset"] = Measure.objects.filter(plan__in=linkable)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _organisations_managed(user) -> QuerySet[Organisation]:
    """Return the organisations whose bodies the user manages: the owners she may choose."""
    # Each is named by its path: read all of them in one recursive query.
    organisations = Organisation.objects.with_paths()
    if user.is_superuser:
        return organisations
    return organisations.filter(
        pk__in=permissions.organisations_for(user, permissions.MANAGE_COUNCILS)
    )


class CouncilRules(CouncilChoices):
    """What every councils admin shares: the body decides who reads and who manages.

    `body_path` leads from the record to its body; `_locked` says whether the record belongs
    to checked minutes, which nobody changes here (not even a superuser).
    """

    body_path = "body"
    edit_roles = permissions.MANAGE_COUNCILS
    change_form_template = CHANGE_FORM
    delete_confirmation_template = DELETE_CONFIRMATION

    def _body(self, obj: Model) -> Body:
        for part in filter(None, self.body_path.split("__")):
            obj = getattr(obj, part)
        return obj

    def _locked(self, obj: Model) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        body = self._body(obj)
        return council_permissions.can_manage_body(request.user, body) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def get_actions(self, request):
        # Deleting goes through the record's own page, which lists what goes with it and
        # refuses what belongs to checked minutes.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the version fields guard a save that cannot happen.
        hidden = {"loaded_version", "seen_version"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]


class CouncilAdmin(CouncilRules, ScopedAdmin):
    """A councils admin of records without a version of their own."""


class CouncilVersionedAdmin(CouncilRules, VersionedAdmin):
    """A councils admin of versioned records: a save over a newer one is merged or refused."""

    form = VersionedModelForm


class ReadOnlyRecordAdmin(CouncilAdmin):
    """What happened (a dispatch, an uploaded file's details): read, never written by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CouncilFormSet(RowChoicesOnce, SafeInlineFormSet):
    """Rows of a council page."""


class CouncilVersionedFormSet(RowChoicesOnce, VersionedInlineFormSet):
    """Versioned rows of a council page."""


class CouncilInline(RowWidgets, CouncilChoices, ScopedInline):
    """A row on a council page, following the page's permissions."""

    formset = CouncilFormSet


class CouncilVersionedInline(RowWidgets, CouncilChoices, VersionedInline):
    """A versioned row on a council page, saved only if nobody saved it since it was shown."""

    form = VersionedModelForm
    formset = CouncilVersionedFormSet


# --- Bodies and seats ----------------------------------------------------------------------


class SeatInline(CouncilInline):
    model = Seat
    fields = ["function", "organisation", "role", "order"]
    autocomplete_fields = ["organisation"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row names its organisation by path: read all of them in one recursive query.
        with_paths = Prefetch("organisation", queryset=Organisation.objects.with_paths())
        return super().get_queryset(request).prefetch_related(with_paths)


class SubBodyInline(CouncilVersionedInline):
    """The groups under a body, such as a council's styrgrupp."""

    model = Body
    fk_name = "parent"
    fields = ["name", "kind", "organisation"]
    autocomplete_fields = ["organisation"]
    show_change_link = True
    verbose_name = _("grupp under organet")
    verbose_name_plural = _("grupper under organet")

    def get_queryset(self, request):
        # Each row names its organisation by path: read all of them in one recursive query.
        with_paths = Prefetch("organisation", queryset=Organisation.objects.with_paths())
        return super().get_queryset(request).prefetch_related(with_paths)


@admin.register(Body)
class BodyAdmin(CouncilVersionedAdmin):
    body_path = ""
    owner_path = "organisation"
    list_display = ["name", "kind", "organisation", "parent", "min_meetings_per_year"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    list_organisation_paths = ("organisation",)
    search_fields = ["name", "organisation__name", "mandate", "tasks"]
    autocomplete_fields = ["organisation", "parent"]
    inlines = [SeatInline, SubBodyInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "organisation", "parent", "is_public"]}),
        (_("Uppdrag"), {"fields": ["mandate", "tasks", "reports_to"]}),
        (
            _("Arbetsformer"),
            {
                "fields": [
                    ("min_meetings_per_year", "notice_days"),
                    ("record", "adjusters_count"),
                    "minutes_kept_at",
                    "distribution_list",
                ]
            },
        ),
    ]


class SeatHoldingInline(CouncilInline):
    model = SeatHolding
    fields = ["person", "starts_on", "ends_on"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seat", "person__organisation")


@admin.register(Seat)
class SeatAdmin(CouncilAdmin):
    owner_path = "body__organisation"
    list_display = ["function", "role", "organisation", "body"]
    list_filter = ["role"]
    list_select_related = ["body"]
    list_organisation_paths = ("organisation",)
    search_fields = ["function", "body__name", "organisation__name"]
    autocomplete_fields = ["body", "organisation"]
    fields = ["body", "function", "organisation", "role", "order"]
    inlines = [SeatHoldingInline]
    autocomplete_select_related = ["organisation"]  # a seat found is named with it


@admin.register(SeatHolding)
class SeatHoldingAdmin(CouncilAdmin):
    body_path = "seat__body"
    owner_path = "seat__body__organisation"
    list_display = ["person", "seat", "starts_on", "ends_on"]
    list_select_related = ["person__organisation", "seat__organisation"]
    search_fields = ["person__name", "seat__function", "seat__body__name"]
    autocomplete_fields = ["seat", "person"]
    fields = ["seat", "person", "starts_on", "ends_on"]


@admin.register(StandingItem)
class StandingItemAdmin(CouncilAdmin):
    owner_path = "body__organisation"
    list_display = ["title", "body", "rule", "nth", "kind"]
    list_filter = ["rule", "kind"]
    list_select_related = ["body"]
    search_fields = ["title", "body__name", "text"]
    autocomplete_fields = ["body"]
    fields = [
        "body",
        "title",
        ("kind", "proposal_to"),
        "presenter",
        ("rule", "nth"),
        "order",
        "text",
    ]


# --- Meetings and minutes ------------------------------------------------------------------


class MeetingRowRules:
    """A record of a meeting: locked with the meeting's minutes."""

    body_path = "meeting__body"
    owner_path = "meeting__body__organisation"

    def _locked(self, obj: Model) -> bool:
        return obj.meeting.is_locked


class AgendaItemInline(CouncilVersionedInline):
    model = AgendaItem
    form = AgendaItemForm
    fields = ["order", "title", "kind", "proposal_to", "presenter", "paragraph", "case_number"]
    show_change_link = True


class AttendanceInline(CouncilInline):
    model = Attendance
    form = OpenMinutesForm
    fields = ["seat", "person", "status", "substitute", "guest_name", "guest_organisation"]
    autocomplete_fields = ["person", "substitute"]

    def get_queryset(self, request):
        related = ["seat__organisation", "person__organisation", "substitute__organisation"]
        return super().get_queryset(request).select_related(*related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        meeting_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "seat":
            # The seats of this meeting's body, not of every body she manages; a new meeting
            # has none until it is saved with its body.
            seats = _manageable_choices(request.user, Seat)
            kwargs["queryset"] = seats.filter(body__meetings=meeting_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChangeRequestInline(CouncilInline):
    """The adjusters' change requests and the secretary's answers: made and answered on the
    site (councils/services/minutes.py), only read here."""

    model = ChangeRequest
    fields = readonly_fields = [
        "item",
        "requested_by",
        "made_at",
        "text",
        "answer",
        "answered_by",
        "answered_at",
    ]

    def get_queryset(self, request):
        related = ["item", "requested_by", "answered_by"]
        return super().get_queryset(request).select_related(*related)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# What the notice, the checking and the registration record: set by those workflows only.
MEETING_WORKFLOW_FIELDS = [
    "status",
    "notice_sent_at",
    "notice_late",
    "checked_on",
    "case_number",
    "registered_on",
    "posted_on",
]


@admin.register(Meeting)
class MeetingAdmin(CouncilVersionedAdmin):
    owner_path = "body__organisation"
    form = MeetingForm
    list_display = ["__str__", "starts_at", "status", "case_number"]
    list_filter = ["status"]
    list_select_related = ["body"]
    search_fields = ["body__name", "place", "case_number"]
    autocomplete_fields = ["body"]
    autocomplete_select_related = ["body"]  # a meeting found is named with it
    inlines = [AgendaItemInline, AttendanceInline, ChangeRequestInline]
    readonly_fields = MEETING_WORKFLOW_FIELDS
    fieldsets = [
        (None, {"fields": ["body", "place", ("starts_at", "ends_at"), "remote_link"]}),
        (_("Protokoll"), {"fields": ["minutes_opening"]}),
        (_("Förlopp"), {"fields": MEETING_WORKFLOW_FIELDS}),
    ]

    def _locked(self, obj: Meeting) -> bool:
        return obj.is_locked


@admin.register(AgendaItem)
class AgendaItemAdmin(MeetingRowRules, CouncilVersionedAdmin):
    form = AgendaItemForm
    list_display = ["__str__", "meeting", "kind", "case_number"]
    list_filter = ["kind"]
    list_select_related = ["meeting__body"]
    search_fields = ["title", "text", "case_number", "meeting__body__name"]
    autocomplete_fields = ["meeting", "standing_item", "plans", "measures"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meeting",
                    "title",
                    ("kind", "proposal_to"),
                    "order",
                    "presenter",
                    "standing_item",
                ]
            },
        ),
        (_("Ärendet"), {"fields": ["text", "case_number", "plans", "measures"]}),
        (_("Protokoll"), {"fields": ["paragraph", "note", "decision"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})


@admin.register(Attendance)
class AttendanceAdmin(MeetingRowRules, CouncilAdmin):
    form = OpenMinutesForm
    list_display = ["__str__", "meeting", "seat"]
    list_filter = ["status"]
    list_select_related = ["meeting__body", "person__organisation", "seat__organisation"]
    search_fields = ["person__name", "guest_name", "seat__function", "meeting__body__name"]
    autocomplete_fields = ["meeting", "seat", "person", "substitute"]
    fields = [
        "meeting",
        "seat",
        "person",
        "status",
        "substitute",
        "guest_name",
        "guest_organisation",
    ]


@admin.register(MinutesCheck)
class MinutesCheckAdmin(MeetingRowRules, CouncilAdmin):
    """Who is appointed to check the minutes; the checking itself is done on the site."""

    form = OpenMinutesForm
    list_display = ["__str__", "meeting", "checked_at", "on_paper"]
    list_filter = ["role", "on_paper"]
    list_select_related = ["meeting__body", "person__organisation"]
    search_fields = ["person__name", "meeting__body__name"]
    autocomplete_fields = ["meeting", "person"]
    fields = ["meeting", "person", "role", "checked_at", "on_paper", "recorded_by"]
    readonly_fields = ["checked_at", "on_paper", "recorded_by"]

    def _locked(self, obj: MinutesCheck) -> bool:
        # A checking done is a record of what happened, even before the minutes lock.
        return obj.checked_at is not None or obj.meeting.is_locked


@admin.register(Amendment)
class AmendmentAdmin(MeetingRowRules, CouncilAdmin):
    """Corrections of checked minutes: made here or on the site, never changed afterwards."""

    form = AmendmentForm
    list_display = ["__str__", "meeting", "made_by", "made_at"]
    list_select_related = ["meeting__body", "made_by"]
    search_fields = ["what", "why", "meeting__body__name"]
    autocomplete_fields = ["meeting", "item"]
    fields = ["meeting", "item", "what", "why", "made_by", "made_at"]
    readonly_fields = ["made_by", "made_at"]

    def _locked(self, obj: Amendment) -> bool:
        return True  # what was corrected, why and by whom stays as it was written

    def save_model(self, request, obj: Amendment, form, change) -> None:
        obj.made_by = request.user
        super().save_model(request, obj, form, change)


class DispatchRecipientInline(CouncilInline):
    """Who a dispatch went to, and her personal links with their uses (never their secret):
    read only, as the dispatch (its admin refuses every change, so its inlines do too)."""

    model = DispatchRecipient
    fields = readonly_fields = ["name", "function", "email", "person", "outcome", "links"]

    def get_queryset(self, request):
        links = Prefetch(
            "links",
            queryset=DownloadLink.objects.select_related("attachment", "revoked_by")
            .prefetch_related(Prefetch("uses", DownloadUse.objects.order_by("used_at", "id")))
            .order_by("attachment__name", "id"),
        )
        return super().get_queryset(request).select_related("person").prefetch_related(links)

    @admin.display(description=_("länkar och nedladdningar"))
    def links(self, recipient: DispatchRecipient) -> str:
        texts = [(_link_text(link),) for link in recipient.links.all()]
        return format_html_join("", "<p>{}</p>", texts) if texts else "–"


def _link_text(link: DownloadLink) -> str:
    """Describe a personal link: its file, till when, revoked by whom, and each use."""
    parts = [link.attachment.name, _("gäller till %(date)s") % {"date": _moment(link.expires_at)}]
    if link.revoked_at:
        revoked = {"date": _moment(link.revoked_at), "user": link.revoked_by or "–"}
        parts.append(_("återkallad %(date)s av %(user)s") % revoked)
    uses = [f"{_moment(u.used_at)} ({u.address or '–'})" for u in link.uses.all()]
    parts.append(_("hämtad: %(uses)s") % {"uses": ", ".join(uses)} if uses else _("inte hämtad"))
    return "; ".join(str(part) for part in parts)


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "j F Y H.i")


@admin.register(Dispatch)
class DispatchAdmin(MeetingRowRules, ReadOnlyRecordAdmin):
    list_display = ["__str__", "meeting", "sent_by", "late"]
    list_filter = ["kind", "late"]
    list_select_related = ["meeting__body", "sent_by"]
    search_fields = ["meeting__body__name"]
    fields = readonly_fields = [
        "meeting",
        "kind",
        "sent_at",
        "sent_by",
        "late",
        "documents",
        "attachments_as_links",
    ]
    inlines = [DispatchRecipientInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyRecordAdmin):
    """An attachment's details; the file itself is uploaded and read on the site."""

    body_path = "item__meeting__body"
    owner_path = "item__meeting__body__organisation"
    list_display = ["name", "item", "content_type", "size", "uploaded_at"]
    list_select_related = ["item"]
    search_fields = ["name", "item__title"]
    fields = readonly_fields = [
        "item",
        "name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
