"""The admin for indicators, with their values and targets, on the rules of plans/admin/rules.py."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans import permissions
from plans.admin.rules import FormRules, ScopedAdmin
from plans.forms import SafeInlineFormSet, is_id
from plans.models import FocusArea, Measure
from reports.models import Indicator, IndicatorTarget, IndicatorValue


class IndicatorRowInline(FormRules, admin.TabularInline):
    """Rows of an indicator: seen by its readers, changed by its editors."""

    extra = 0
    formset = SafeInlineFormSet

    def _indicator_admin(self):
        return self.admin_site._registry[Indicator]

    def has_view_permission(self, request, obj=None) -> bool:
        return self._indicator_admin().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._indicator_admin().has_change_permission(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class IndicatorValueInline(IndicatorRowInline):
    model = IndicatorValue
    # A region's indicator holds a value per municipality, year and sex.
    max_rows = 1000
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
    list_select_related = ["owner"]
    search_fields = ["name", "kolada_kpi", "survey", "owner__name"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["focus_areas", "measures"]
    inlines = [IndicatorTargetInline, IndicatorValueInline]
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
        (_("Följer upp"), {"fields": ["focus_areas", "measures"]}),
    ]

    def get_actions(self, request):
        # Deleting an indicator deletes its values: on its own page, which lists them.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Offer focus areas and measures of plans she may edit, and those already linked
        that she may read."""
        if db_field.related_model in (FocusArea, Measure) and not request.user.is_superuser:
            model = db_field.related_model
            editable = self._orgs(request, self.edit_roles)
            object_id = request.resolver_match.kwargs.get("object_id")
            linked = model.objects.filter(
                indicators__pk=object_id if is_id(object_id) else 0,
                plan__in=permissions.visible_plans(request.user),
            ).values("pk")
            # Focus areas in document order, with their numbers read in the same query.
            choices = (
                FocusArea.objects.in_document_order() if model is FocusArea else Measure.objects
            )
            kwargs["queryset"] = choices.filter(Q(plan__owner__in=editable) | Q(pk__in=linked))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
