"""The admin for indicators, with their values and targets, on the rules of plans/admin/rules.py."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans import permissions
from plans.admin.rules import FormRules, RowChoicesFormSet, RowWidgets, ScopedAdmin
from plans.forms import is_id
from plans.models import Candidate, FocusArea, Measure
from reports.models import Indicator, IndicatorTarget, IndicatorValue

# An indicator's values on its own page, as rows to edit, up to this many; a region's indicator
# holds a value per municipality, year and sex, and those are read and changed in the list of
# values, filtered on the indicator, a page at a time. Forty rows of seven fields keep the page
# (the admin's templates draw every field of every row) under half a second.
VALUES_ON_INDICATOR_PAGE = 40


class IndicatorRowInline(FormRules, admin.TabularInline):
    """Rows of an indicator: seen by its readers, changed by its editors."""

    extra = 0
    formset = RowChoicesFormSet

    def _indicator_admin(self):
        return self.admin_site._registry[Indicator]

    def has_view_permission(self, request, obj=None) -> bool:
        return self._indicator_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._indicator_admin().has_change_permission(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class IndicatorValueInline(RowWidgets, IndicatorRowInline):
    """The values of an indicator with few of them; each row's organisation is named from the
    row as read, not with a query per row."""

    model = IndicatorValue
    fields = [
        "area_code",
        "area_name",
        "organisation",
        "year",
        "tertial",
        "sex",
        "value",
        "status",
        "source",
        "respondents",
        "response_rate",
        "imported_at",
    ]
    readonly_fields = ["imported_at"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class IndicatorTargetInline(IndicatorRowInline):
    model = IndicatorTarget
    fields = ["year", "sex", "value"]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    owner_path = "owner"
    list_display = ["name", "owner", "source", "kolada_kpi", "split_by_sex"]
    list_filter = ["source", "direction"]
    list_select_related = []
    list_organisation_paths = ("owner",)
    search_fields = ["name", "kolada_kpi", "survey", "owner__name"]
    # Searched, never listed whole: a country holds some 90 000 measures.
    autocomplete_fields = ["owner", "focus_areas", "measures"]
    inlines = [IndicatorTargetInline, IndicatorValueInline]
    readonly_fields = ["values_link"]
    fieldsets = [
        (None, {"fields": ["name", "owner", "description", "unit", "direction"]}),
        (
            _("Källa"),
            {
                "fields": [
                    "source",
                    "kolada_kpi",
                    "survey",
                    "split_by_sex",
                    "women_label",
                    "men_label",
                ]
            },
        ),
        (_("Följer upp"), {"fields": ["focus_areas", "measures", "candidates"]}),
        (_("Värden"), {"fields": ["values_link"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """Leave out the prioritisations' areas where the indicator is linked to one she cannot
        read: she would see its title, and saving would drop the link she was not shown."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None or not self._hidden_candidates(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "candidates"]})
            for name, options in fieldsets
        ]

    def _hidden_candidates(self, request, obj: Indicator) -> bool:
        readable = permissions.readable_prioritisations(request.user)
        return obj.candidates.exclude(prioritisation__in=readable).exists()

    def get_actions(self, request):
        # Deleting an indicator deletes its values: on its own page, which lists them.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_inlines(self, request, obj):
        if obj is not None and _value_count(obj) > VALUES_ON_INDICATOR_PAGE:
            return [IndicatorTargetInline]  # the values in their own list (`values_link`)
        return self.inlines

    @admin.display(description=_("värden"))
    def values_link(self, obj: Indicator) -> str:
        if obj.pk is None:
            return _("Värdena läggs till när indikatorn är sparad.")
        count = _value_count(obj)
        text = ngettext(
            "%(count)s värde, i listan över indikatorvärden",
            "%(count)s värden, i listan över indikatorvärden",
            count,
        ) % {"count": count}
        url = reverse("admin:reports_indicatorvalue_changelist")
        return format_html('<a href="{}?indicator__id__exact={}">{}</a>', url, obj.pk, text)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Offer focus areas and measures of plans she may edit, and those already linked
        that she may read; each named without a query of its own."""
        model = db_field.related_model
        if model in (FocusArea, Measure):
            # A focus area's number is read from its parents (three levels in one query).
            choices = model.objects.select_related(*LABEL_RELATIONS[model])
            if not request.user.is_superuser:
                editable = self._orgs(request, self.edit_roles)
                object_id = request.resolver_match.kwargs.get("object_id")
                linked = model.objects.filter(
                    indicators__pk=object_id if is_id(object_id) else 0,
                    plan__in=permissions.visible_plans(request.user),
                ).values("pk")
                choices = choices.filter(Q(plan__owner__in=editable) | Q(pk__in=linked))
            kwargs["queryset"] = choices
        if model is Candidate:
            # Candidates of the prioritisations she may change, and those already linked that
            # she reads: a handful per organisation, so a plain list rather than a search.
            choices = model.objects.select_related("prioritisation").order_by(
                "prioritisation__title", "theme__number", "pk"
            )
            if not request.user.is_superuser:
                editable = self._orgs(request, permissions.EDIT_PLANS)
                object_id = request.resolver_match.kwargs.get("object_id")
                linked = model.objects.filter(
                    indicators__pk=object_id if is_id(object_id) else 0,
                    prioritisation__in=permissions.readable_prioritisations(request.user),
                ).values("pk")
                choices = choices.filter(Q(prioritisation__owner__in=editable) | Q(pk__in=linked))
            kwargs["queryset"] = choices
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda c: f"{c.prioritisation.title}: {c}"
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


LABEL_RELATIONS = {FocusArea: ["parent__parent"], Measure: []}


def _value_count(indicator: Indicator) -> int:
    """Return how many values the indicator has, counted once per page."""
    if not hasattr(indicator, "value_count"):
        indicator.value_count = indicator.values.count()
    return indicator.value_count


class YearFilter(admin.SimpleListFilter):
    """The values of a year: every year from the first to the last, read at the two ends of
    an index (listing the distinct years would read every value of the country)."""

    title = _("år")
    parameter_name = "year__exact"  # as the field's own filter named it

    def lookups(self, request, model_admin) -> list[tuple[int, str]]:
        span = model_admin.get_queryset(request).aggregate(first=Min("year"), last=Max("year"))
        if span["first"] is None:
            return []
        return [(year, str(year)) for year in range(span["first"], span["last"] + 1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) <= 4):
            raise IncorrectLookupParameters(value)
        return queryset.filter(year=int(value))


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedAdmin):
    """Every indicator's values, a page at a time: on the indicators' rules (read by those
    with a role in the indicator's owner, changed by its editors)."""

    owner_path = "indicator__owner"
    list_display = ["__str__", "indicator", "area_code", "year", "tertial", "sex", "value"]
    list_display_links = ["__str__"]
    # Bounded choices only: a filter on the indicator or organisation would list the country.
    list_filter = [YearFilter, "sex", "source"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name", "=area_code", "area_name"]
    autocomplete_fields = ["indicator", "organisation"]
    ordering = ["indicator_id", "area_code", "year", "tertial", "sex", "pk"]
    # Counting some 120 000 values on every page tells nobody anything.
    show_full_result_count = False
    fields = ["indicator", *IndicatorValueInline.fields]
    readonly_fields = ["imported_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator" and not request.user.is_superuser:
            editable = self._orgs(request, self.edit_roles)
            kwargs["queryset"] = Indicator.objects.filter(owner__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
