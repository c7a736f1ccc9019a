"""The Swedish admin for organisations, plans and their parts, scoped by role."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import permissions
from plans.forms import VersionedModelForm
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
    Role,
    Tag,
    TargetArea,
)
from plans.selectors import budget_table
from plans.services import StaleVersionError, versioned_save

admin.site.site_header = _("Folkhälsa – administration")
admin.site.site_title = _("Folkhälsa")
admin.site.index_title = _("Planer, aktörer och budget")


class HiddenOutsideReach:
    """Answer 404 for an object page whose object is not in the admin's queryset."""

    def _object_or_404(self, request, object_id) -> None:
        if self.get_object(request, admin.utils.unquote(object_id)) is None:
            raise Http404(_("Posten finns inte eller så saknar du behörighet."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


class ScopedAdmin(HiddenOutsideReach, SimpleHistoryAdmin):
    """An admin whose rows belong to an organisation through `owner_path`.

    Reading needs any role in the owning organisation; changing needs one of `edit_roles`.
    Objects outside the user's reach answer 404, as if they did not exist.
    """

    owner_path = "plan__owner"
    edit_roles = permissions.EDIT_PLANS

    def _orgs(self, request, roles) -> set[int]:
        return permissions.organisations_for(request.user, roles)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.owner_path}__in": self._orgs(request, permissions.READ)})

    def _owner_id(self, obj) -> int:
        for part in self.owner_path.split("__"):
            obj = getattr(obj, part)
        return obj.pk

    def has_module_permission(self, request) -> bool:
        return permissions.has_any_role(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return permissions.has_any_role(request.user)
        return self._owner_id(obj) in self._orgs(request, permissions.READ)

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        editable = self._orgs(request, self.edit_roles)
        return bool(editable) if obj is None else self._owner_id(obj) in editable

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(self._orgs(request, self.edit_roles))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only plans, focus areas and owning organisations the user may edit."""
        if not request.user.is_superuser:
            editable = self._orgs(request, self.edit_roles)
            limits = {
                Plan: {"owner__in": editable},
                FocusArea: {"plan__owner__in": editable},
                Result: {"focus_area__plan__owner__in": editable},
                Budget: {"plan__owner__in": editable},
            }
            if db_field.related_model in limits:
                kwargs["queryset"] = db_field.related_model.objects.filter(
                    **limits[db_field.related_model]
                )
            elif db_field.name == self.owner_path:
                # The field that decides who owns the record: only the user's own reach.
                kwargs["queryset"] = Organisation.objects.filter(pk__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Offer people of the user's organisations, and those already chosen."""
        if db_field.related_model is Person and not request.user.is_superuser:
            readable = self._orgs(request, permissions.READ)
            object_id = request.resolver_match.kwargs.get("object_id")
            chosen = {f"{db_field.related_query_name()}__pk": object_id} if object_id else {}
            visible = Q(organisation__in=readable) | (Q(**chosen) if chosen else Q(pk__in=[]))
            kwargs["queryset"] = Person.objects.filter(visible).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(admin.TabularInline):
    """An inline that follows the permissions of the page it sits on."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class VersionedAdmin(ScopedAdmin):
    """An admin whose form carries the version it started from, so no update is lost."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(opts)) for name, opts in super().get_fieldsets(request, obj)]
        fields = [f for f in fieldsets[0][1]["fields"] if f != "loaded_version"]
        fieldsets[0][1]["fields"] = [*fields, "loaded_version"]
        return fieldsets

    def save_model(self, request, obj, form, change) -> None:
        versioned_save(instance=obj, expected_version=form.expected_version(), user=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as error:
            # The form's locked check makes this rare; the transaction has been rolled back.
            for line in error.describe():
                self.message_user(request, line, messages.ERROR)
            return HttpResponseRedirect(request.path)


# --- Organisations, people and roles -------------------------------------------------------


class PersonInline(ScopedInline):
    """The organisation's people: for those with a role there (names and e-mail addresses)."""

    model = Person
    fields = ["name", "title", "email"]

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        readable = permissions.organisations_for(request.user, permissions.READ)
        return obj is not None and obj.pk in readable


class OrganisationRoleInline(ScopedInline):
    """Users' roles in the organisation: seen and handed out by its administrators only."""

    model = Role
    fields = ["user", "kind"]
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None) -> bool:
        if isinstance(obj, Organisation):
            return permissions.can_manage_organisation(request.user, obj)
        return request.user.is_superuser

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    owner_path = "pk"
    edit_roles = permissions.MANAGE_USERS
    list_display = ["path_display", "kind", "municipality_code"]
    list_filter = ["kind"]
    search_fields = ["name", "parent__name", "municipality_code"]
    autocomplete_fields = ["parent"]
    inlines = [PersonInline, OrganisationRoleInline]

    @admin.display(description=_("organisation"), ordering="name")
    def path_display(self, obj: Organisation) -> str:
        return obj.path

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=self._orgs(request, permissions.MANAGE_USERS)
            )
            kwargs["required"] = True  # only superusers create top-level organisations
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _owner_id(self, obj) -> int:
        return obj.pk

    def get_queryset(self, request):
        # Organisation names are public: everyone with a role may look them up and pick
        # them as partners or funders. Changing one is for its administrators.
        return SimpleHistoryAdmin.get_queryset(self, request).select_related("parent__parent")

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.has_any_role(request.user)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    owner_path = "organisation"
    list_display = ["name", "title", "organisation", "email"]
    search_fields = ["name", "title", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(Role)
class RoleAdmin(ScopedAdmin):
    owner_path = "organisation"
    edit_roles = permissions.MANAGE_USERS
    list_display = ["user", "kind", "organisation"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def get_queryset(self, request):
        qs = SimpleHistoryAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation__in=self._orgs(request, permissions.MANAGE_USERS))

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=self._orgs(request, permissions.MANAGE_USERS)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserRoleInline(admin.TabularInline):
    """A user's roles; an organisation administrator sees and hands out those in her reach."""

    model = Role
    fields = ["organisation", "kind"]
    autocomplete_fields = ["organisation"]
    extra = 0

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        managed = permissions.organisations_for(request.user, permissions.MANAGE_USERS)
        return qs.filter(organisation__in=managed)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            managed = permissions.organisations_for(request.user, permissions.MANAGE_USERS)
            kwargs["queryset"] = Organisation.objects.filter(pk__in=managed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None) -> bool:
        return _manages_users(request)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission


def _manages_users(request) -> bool:
    """Return whether the user is a superuser or an administrator somewhere."""
    user = request.user
    return user.is_superuser or bool(permissions.organisations_for(user, permissions.MANAGE_USERS))


class FolkhalsaUserAdmin(HiddenOutsideReach, UserAdmin):
    """Users and their roles. Organisation administrators manage the users of their own
    organisations (and new users with no role yet), never superusers or others' users."""

    inlines = [UserRoleInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        managed = permissions.organisations_for(request.user, permissions.MANAGE_USERS)
        outside = Role.objects.exclude(organisation__in=managed).values("user")
        return qs.filter(is_superuser=False).exclude(pk__in=outside)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def has_module_permission(self, request) -> bool:
        return _manages_users(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _manages_users(request)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission

    def user_change_password(self, request, id, form_url=""):
        self._object_or_404(request, id)
        return super().user_change_password(request, id, form_url)


admin.site.unregister(User)
admin.site.register(User, FolkhalsaUserAdmin)


@admin.register(TargetArea, GlobalGoal)
class ReferenceAdmin(admin.ModelAdmin):
    """The national target areas and global goals: read by all, changed by superusers."""

    list_display = ["number", "name"]
    search_fields = ["name"]

    def has_module_permission(self, request) -> bool:
        return permissions.has_any_role(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.has_any_role(request.user)


@admin.register(Tag)
class TagAdmin(ScopedAdmin):
    search_fields = ["name"]

    def get_queryset(self, request):
        return SimpleHistoryAdmin.get_queryset(self, request)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.has_any_role(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(self._orgs(request, self.edit_roles))

    def has_change_permission(self, request, obj=None) -> bool:
        # Tags are shared by every organisation: renaming one is for superusers only.
        return request.user.is_superuser


# --- Plans --------------------------------------------------------------------------------


class VersionedInlineFormSet(BaseInlineFormSet):
    """Save each changed row only if nobody saved that row since the page was opened."""

    def save_existing(self, form, obj, commit=True):
        record = form.save(commit=False)
        # The request's user is recorded in the history by simple_history's middleware.
        versioned_save(instance=record, expected_version=form.expected_version(), user=None)
        form.save_m2m()
        return record


class VersionedInline(ScopedInline):
    """An inline of versioned rows: each row carries the version it was shown with."""

    form = VersionedModelForm
    formset = VersionedInlineFormSet

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != "loaded_version"] + [
            "loaded_version"
        ]


class FocusAreaInline(VersionedInline):
    model = FocusArea
    fields = ["number", "title", "parent", "order"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = FocusArea.objects.filter(plan_id=plan_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    owner_path = "owner"
    list_display = ["title", "kind", "owner", "start_year", "end_year", "status"]
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


class ResultInline(VersionedInline):
    model = Result
    fields = ["number", "title"]
    show_change_link = True


@admin.register(FocusArea)
class FocusAreaAdmin(VersionedAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan__kind", ("plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "number", "plan__title", "background", "current_state"]
    autocomplete_fields = ["plan", "parent", "coordinator", "contacts"]
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(VersionedAdmin):
    owner_path = "focus_area__plan__owner"
    list_display = ["number", "title", "focus_area"]
    list_filter = [("focus_area__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "focus_area__title"]
    autocomplete_fields = ["focus_area"]


class ResponsibilityInline(ScopedInline):
    model = Responsibility
    fields = ["organisation", "role", "cooperation"]
    autocomplete_fields = ["organisation"]


@admin.register(Measure)
class MeasureAdmin(VersionedAdmin):
    list_display = ["code", "title_short", "focus_area", "status", "target_year"]
    list_display_links = ["code", "title_short"]
    list_filter = [
        "status",
        "approach",
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "title", "description", "target_group", "expected_result"]
    autocomplete_fields = ["plan", "focus_area", "result", "tags"]
    inlines = [ResponsibilityInline]
    list_select_related = ["focus_area__parent"]
    fieldsets = [
        (None, {"fields": ["plan", "focus_area", "result", ("code", "order"), "title"]}),
        (_("Innehåll"), {"fields": ["description", "target_group", "expected_result"]}),
        (
            _("Genomförande"),
            {"fields": [("target_year", "start_year", "end_year"), "status", "approach", "tags"]},
        ),
    ]

    @admin.display(description=_("insats"), ordering="title")
    def title_short(self, obj: Measure) -> str:
        return obj.title if len(obj.title) <= 90 else obj.title[:87] + "…"


# --- Budgets ------------------------------------------------------------------------------


class BudgetFunderInline(ScopedInline):
    model = BudgetFunder
    fields = ["organisation", "order"]
    autocomplete_fields = ["organisation"]


class BudgetLineForm(forms.ModelForm):
    """A budget line with one amount field per funder of the budget, like the table."""

    funders: list[BudgetFunder] = []

    class Meta:
        model = BudgetLine
        fields = ["name", "kind", "focus_area", "order"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {a.funder_id: a.amount for a in self.instance.amounts.all()}
        for funder in self.funders:
            self.fields[f"amount_{funder.pk}"] = forms.DecimalField(
                label=funder.organisation.name,
                required=False,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
                initial=existing.get(funder.pk),
                error_messages={"min_value": _("Beloppet kan inte vara negativt.")},
            )

    def save(self, commit: bool = True) -> BudgetLine:
        line = super().save(commit=commit)
        if commit:
            self.save_amounts()
        return line

    def save_amounts(self) -> None:
        """Write the amount cells of this line: a blank cell removes the amount."""
        for funder in self.funders:
            value = self.cleaned_data.get(f"amount_{funder.pk}")
            if value is None:
                BudgetAmount.objects.filter(line=self.instance, funder=funder).delete()
            else:
                BudgetAmount.objects.update_or_create(
                    line=self.instance, funder=funder, defaults={"amount": value}
                )


class BudgetLineInline(ScopedInline):
    model = BudgetLine
    form = BudgetLineForm

    def get_formset(self, request, obj=None, **kwargs):
        funders = list(obj.funders.select_related("organisation")) if obj else []
        form = type("BudgetLineGridForm", (BudgetLineForm,), {"funders": funders})
        kwargs["form"] = form
        # Only model fields go to the factory; the amount fields are added by the form.
        kwargs["fields"] = BudgetLineForm.Meta.fields
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        funders = list(obj.funders.all()) if obj else []
        return ["name", "kind", "focus_area", "order"] + [f"amount_{f.pk}" for f in funders]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "focus_area":
            budget_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = FocusArea.objects.filter(plan__budgets__pk=budget_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budget)
class BudgetAdmin(VersionedAdmin):
    list_display = ["__str__", "year", "plan", "total_display"]
    list_filter = ["year", ("plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "plan__title"]
    autocomplete_fields = ["plan"]
    inlines = [BudgetFunderInline, BudgetLineInline]
    readonly_fields = ["totals"]
    fields = ["plan", "year", "title", "totals"]

    @admin.display(description=_("totalt (kr)"))
    def total_display(self, obj: Budget) -> str:
        return f"{budget_table(budget=obj).total:,.0f}".replace(",", " ")

    @admin.display(description=_("summor"))
    def totals(self, obj: Budget) -> str:
        if obj.pk is None:
            return "–"
        table = budget_table(budget=obj)
        cells = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            (
                (funder.organisation.name, f"{total:,.0f} kr".replace(",", " "))
                for funder, total in zip(table.funders, table.funder_totals, strict=True)
            ),
        )
        return format_html(
            "<table>{}<tr><th scope='row'>{}</th><td>{}</td></tr></table>",
            cells,
            _("Totalt"),
            f"{table.total:,.0f} kr".replace(",", " "),
        )
