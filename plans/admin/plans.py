"""The admin of plans, their focus areas, results and measures (the site's plan pages are
the strategist's tool; this is the administrators')."""

from django.contrib import admin
from django.core.paginator import Page
from django.db.models import Count, Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from plans import permissions
from plans.admin.rules import (
    RowChoicesOnce,
    RowWidgets,
    SafeInlineFormSet,
    ScopedInline,
    TreeOrderAdmin,
    TreePaginator,
    VersionedAdmin,
    VersionedInline,
    VersionedInlineFormSet,
    chosen_plan,
)
from plans.forms import OneLeadActor
from plans.models import (
    FocusArea,
    Measure,
    Organisation,
    Plan,
    Responsibility,
    Result,
)


class VisibleTagsFilter(admin.RelatedFieldListFilter):
    """The tag filter of a list: only tags the user may see (not another's draft's tags)."""

    def field_choices(self, field, request, model_admin):
        return [(tag.pk, str(tag)) for tag in permissions.visible_tags(request.user)]


class FocusAreaFormSet(VersionedInlineFormSet):
    """The plan's focus-area rows; the parent choices are read once, not once per row."""

    @cached_property
    def parent_choices(self) -> list[tuple[object, str]]:
        areas = FocusArea.objects.of_plan(self.instance.pk or 0)
        return [("", "---------"), *((area.pk, str(area)) for area in areas)]

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["parent"].choices = self.parent_choices


class FocusAreaInline(VersionedInline):
    model = FocusArea
    formset = FocusAreaFormSet

    class Media:
        css = {"all": ["css/admin.css"]}

    fields = ["number", "title", "parent", "order"]
    show_change_link = True

    def get_queryset(self, request):
        plan_id = request.resolver_match.kwargs.get("object_id") or 0
        return super().get_queryset(request).in_document_order().tree_filter(plan_id=plan_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = FocusArea.objects.filter(plan_id=plan_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    owner_path = "owner"
    list_display = ["title", "kind", "owner", "start_year", "end_year", "status"]
    list_select_related = []
    list_organisation_paths = ("owner",)
    list_filter = ["kind", "status", "start_year"]
    search_fields = ["title", "owner__name", "vision", "purpose"]
    autocomplete_fields = ["owner", "parent"]
    filter_horizontal = ["target_areas", "global_goals"]
    inlines = [FocusAreaInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "owner", "parent", ("start_year", "end_year")]}),
        (_("Innehåll"), {"fields": ["vision", "purpose"]}),
        (_("Beslut"), {"fields": ["status", "adopted_by", "adopted_on", "revised_on"]}),
        (_("Koppling"), {"fields": ["target_areas", "global_goals"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_delete_permission(request)
        return permissions.can_delete_plan(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Any plan she may read, such as the region's adopted strategy; never a draft
            # of another organisation, not even its title.
            kwargs["queryset"] = permissions.visible_plans(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ResultInline(VersionedInline):
    model = Result
    fields = ["number", "title"]
    show_change_link = True


class DocumentOrderAdmin(TreeOrderAdmin):
    """Focus areas read as a tree, so the list shows each plan in the document's order."""

    tree_ordering = ["plan_id", "tree_ordering"]

    def get_queryset(self, request):
        return FocusArea.objects.in_document_order().select_related("plan")

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return PlanPagePaginator(queryset, per_page, orphans, allow_empty_first_page)


class PlanPagePaginator(TreePaginator):
    """Page focus areas listed plan by plan, walking the tree of the page's plans only.

    The rows of each plan are counted in one query; the plans those counts place on the page
    are the only ones the recursive query reads, not the focus areas of a whole country.
    """

    @cached_property
    def plan_counts(self) -> list[tuple[int, int]]:
        rows = self.object_list.order_by().without_tree_fields().values_list("plan_id")
        return list(rows.annotate(rows=Count("pk")).order_by("plan_id"))

    @cached_property
    def count(self) -> int:
        return sum(rows for _, rows in self.plan_counts)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int):
        """Return the rows from bottom to top, reading the tree of their plans only."""
        listed = self.object_list
        if tuple(listed.query.order_by[:2]) != ("plan_id", "tree_ordering"):
            return listed[bottom:top]  # sorted by a column: the whole tree, as Django would
        plans, before, seen = [], 0, 0
        for plan_id, rows in self.plan_counts:
            if seen + rows > bottom and seen < top:
                before = before if plans else seen
                plans.append(plan_id)
            seen += rows
        within = listed.all().tree_filter(plan_id__in=plans)
        return within[bottom - before : top - before]


@admin.register(FocusArea)
class FocusAreaAdmin(VersionedAdmin, DocumentOrderAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan__kind"]
    list_select_related = ["plan"]
    search_fields = ["title", "number", "plan__title", "background", "current_state"]
    autocomplete_fields = ["plan", "parent", "coordinator", "contacts"]
    inlines = [ResultInline]

    def autocomplete_label(self, obj: FocusArea) -> str:
        """Name a focus area found by search with its plan: "1 Föräldraskapsstöd" is in many."""
        return f"{obj.plan.title}: {obj}"


@admin.register(Result)
class ResultAdmin(VersionedAdmin):
    owner_path = "focus_area__plan__owner"
    list_display = ["number", "title", "focus_area"]
    list_select_related = ["focus_area__parent__parent", "focus_area__plan"]
    # An index covers this order (`result_list_order`), so a page of a country's results
    # needs no sort.
    ordering = ["number", "pk"]
    search_fields = ["title", "focus_area__title", "focus_area__plan__title"]
    autocomplete_fields = ["focus_area"]

    def get_queryset(self, request):
        # The list and the search's labels alike (a list applies its own only to a queryset
        # that has none).
        return super().get_queryset(request).select_related(*self.list_select_related)

    def autocomplete_label(self, obj: Result) -> str:
        """Name a result found by search with its plan and focus area's number."""
        return f"{obj.focus_area.plan.title}: {obj.focus_area.number} › {obj}"


class ResponsibilityFormSet(OneLeadActor, RowChoicesOnce, SafeInlineFormSet):
    """A measure's organisations, as on the site's measure page: at most one lead actor."""


class ResponsibilityInline(RowWidgets, ScopedInline):
    model = Responsibility
    formset = ResponsibilityFormSet
    fields = ["organisation", "role", "cooperation"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        # Each row names its organisation by path: read all of them in one recursive query.
        with_paths = Prefetch("organisation", queryset=Organisation.objects.with_paths())
        return super().get_queryset(request).prefetch_related(with_paths)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.with_paths()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Measure)
class MeasureAdmin(VersionedAdmin):
    # Methods, not the foreign keys themselves: Django keeps those on one line (too wide).
    list_display = [
        "code",
        "title_short",
        "plan_title",
        "focus_area_short",
        "status",
        "target_year",
    ]
    list_display_links = ["code", "title_short"]
    # Choices and the few tags only: a filter listing every plan in the country helps nobody;
    # the search finds a plan by its title, and the plan page links to its measures.
    list_filter = ["status", "approach", ("tags", VisibleTagsFilter)]
    search_fields = [
        "code",
        "title",
        "plan__title",
        "description",
        "target_group",
        "expected_result",
    ]
    # An index covers this order, so a page of 87 000 measures needs no sort.
    ordering = ["plan_id", "order", "code", "pk"]
    autocomplete_fields = ["plan", "focus_area", "result", "tags"]
    autocomplete_select_related = ["plan"]  # for `autocomplete_label`
    # Once the plan is known (the measure's own, or ?plan= on the add page, or the plan
    # posted), the focus area and result are chosen among that plan's only, in the document's
    # order; before, the search names each with its plan.
    plan_bound_fields = ("focus_area", "result")
    inlines = [ResponsibilityInline]
    list_select_related = ["plan", "focus_area__parent__parent"]
    fieldsets = [
        (None, {"fields": ["plan", "focus_area", "result", ("code", "order"), "title"]}),
        (_("Innehåll"), {"fields": ["description", "target_group", "expected_result"]}),
        (
            _("Genomförande"),
            {"fields": [("target_year", "start_year", "end_year"), "status", "approach", "tags"]},
        ),
    ]

    def autocomplete_label(self, obj: Measure) -> str:
        """Name a measure found by search with its plan: "1A1 Läsombud" is in many."""
        return f"{obj.plan.title}: {obj}"

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.measure_plan_id = obj.plan_id if obj else chosen_plan(request)
        return super().get_form(request, obj, change, **kwargs)

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if getattr(request, "measure_plan_id", None):
            return [name for name in fields if name not in self.plan_bound_fields]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        plan_id = getattr(request, "measure_plan_id", None)
        if plan_id and db_field.name == "focus_area":
            kwargs["queryset"] = FocusArea.objects.of_plan(plan_id)
        elif plan_id and db_field.name == "result":
            kwargs["queryset"] = Result.objects.filter(focus_area__plan_id=plan_id).order_by(
                "focus_area__order", "focus_area__number", "number", "pk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("insats"), ordering="title")
    def title_short(self, obj: Measure) -> str:
        return _shorten(obj.title, 90)

    @admin.display(description=_("plan"))
    def plan_title(self, obj: Measure) -> str:
        return obj.plan.title

    @admin.display(description=_("fokusområde"))
    def focus_area_short(self, obj: Measure) -> str:
        return _shorten(str(obj.focus_area), 60)


def _shorten(text: str, length: int) -> str:
    """Return the text cut at the length with an ellipsis, for a list column."""
    return text if len(text) <= length else text[: length - 1] + "…"
