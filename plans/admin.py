"""The Swedish admin for organisations, plans and their parts, scoped by role."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import models, router
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import permissions
from plans.forms import (
    VERSION_FIELDS,
    AsciiDecimalField,
    AsciiIntegerField,
    IdChoiceField,
    IdMultipleChoiceField,
    SwedishAmountField,
    VersionedModelForm,
    format_kronor,
    is_id,
)
from plans.models import (
    PATH_SEPARATOR,
    Account,
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
    Versioned,
)
from plans.selectors import budget_table
from plans.services import (
    StaleVersionError,
    changes_since,
    locked,
    user_delete,
    versioned_delete,
    versioned_save,
)

admin.site.site_header = _("Folkhälsa – administration")
admin.site.site_title = _("Folkhälsa")
admin.site.index_title = _("Planer, aktörer och budget")
# The whole width for the tables: the grid of lines × funders fits 1280 px without the sidebar.
admin.site.enable_nav_sidebar = False


# Numbers typed in forms: ASCII digits only (Python's int() also reads Arabic-Indic digits).
ASCII_NUMBERS = {
    models.IntegerField: {"form_class": AsciiIntegerField},
    models.DecimalField: {"form_class": AsciiDecimalField},
}


class SafeAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows a typed value that cannot be an id as nothing chosen."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """A multiple autocomplete that shows values that cannot be ids as nothing chosen."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class FormRules:
    """The form fields of every admin page and inline: numbers typed with 0–9, and chosen ids
    that answer with a form error, never a server error, whatever is posted."""

    formfield_overrides = ASCII_NUMBERS

    # An inline builds one form for each row the browser says it sends; a count typed by hand
    # would have the server build Django's 2,000 forms for each inline of the page. Rows
    # beyond this are refused with Django's own message ("skicka som mest … formulär").
    max_rows = 300

    def get_formset(self, request, obj=None, **kwargs):
        limit = max(self.max_rows, self.get_max_num(request, obj) or 0)
        kwargs.setdefault("max_num", min(self.get_max_num(request, obj) or limit, limit))
        kwargs.setdefault("absolute_max", limit)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            widget = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs.setdefault("widget", widget)
        kwargs.setdefault("form_class", IdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            widget = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("widget", widget)
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Changelist parameters that are not filters on stored values.
NOT_FILTERS = {"q", "o", "p", "e", "_popup", "_to_field", "_changelist_filters"}


def _refuse_numbers_beyond_ids(request) -> None:
    """Answer 400 to a list filter holding a number no id can have (SQLite raises on it)."""
    for key, values in request.GET.lists():
        if key in NOT_FILTERS:
            continue
        for item in (part for value in values for part in value.split(",")):
            digits = item.strip().lstrip("-")
            if digits.isascii() and digits.isdigit() and not is_id(digits):
                raise BadRequest(_("Filtret innehåller ett tal som är för stort."))


class SafeInlineFormSet(BaseInlineFormSet):
    """An inline formset that refuses, with form errors, what would break at the database."""

    def initial_form_count(self) -> int:
        # A negative count posted by hand would slice the queryset with a negative index.
        return max(0, super().initial_form_count())

    def clean(self) -> None:
        super().clean()
        errors = self._existing_rows_posted_as_new()
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or form.errors:
                continue
            try:
                # The row's link to the page's record is left out of the form's own checks,
                # so a duplicate of a row not shown here would reach the database.
                form.instance.validate_constraints()
            except ValidationError as error:
                errors += error.messages
        if errors:
            raise ValidationError(errors)

    def _existing_rows_posted_as_new(self) -> list[str]:
        """Refuse a new row that names an existing row's id: saved, it would copy that row.

        A lowered INITIAL_FORMS posted by hand turns the shown rows into new ones.
        """
        pk_name = self.model._meta.pk.name
        new_rows = self.forms[self.initial_form_count() :]
        if any(getattr(form, "cleaned_data", {}).get(pk_name) for form in new_rows):
            return [_("En ny rad kan inte vara en rad som redan finns. Ladda om sidan.")]
        return []


# A field whose name holds one of these is a secret (calendar tokens, password hashes): the admin
# never filters, searches or sorts on it, so its value cannot be read back one guess at a time.
SECRET_WORDS = ("token", "secret", "password")


def names_secret(path: str) -> bool:
    """Return whether a lookup, search or ordering path goes through a secret field."""
    return any(word in part.lower() for part in path.split("__") for word in SECRET_WORDS)


def _refuse_secret_lookups(request) -> None:
    """Answer 400 to a list filter on a secret field, directly or through a relation."""
    if any(names_secret(key) for key in request.GET if key not in NOT_FILTERS):
        raise BadRequest(_("Listan kan inte filtreras på ett hemligt fält."))


class RulesAdmin(FormRules):
    """What every admin of ours shares, so the views Django and its add-ons bring obey our rules.

    Object pages of records outside the user's reach answer 404; history pages only read;
    changelist filters go only through the filters the page offers.
    """

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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's page of an old version accepts a POST of the whole form and saves
        # it, bypassing change permission; an old version is only ever read.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not is_id(version_id):
            raise Http404(_("Versionen finns inte."))
        self._object_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        _refuse_numbers_beyond_ids(request)
        _refuse_secret_lookups(request)
        self._refuse_secret_ordering(request)
        return super().changelist_view(request, extra_context)

    def _refuse_secret_ordering(self, request) -> None:
        """Answer 400 to sorting the list by a column that shows a secret field."""
        columns = list(self.get_list_display(request))
        for part in request.GET.get("o", "").split("."):
            index = part.lstrip("-")
            if not (index.isascii() and index.isdigit() and int(index) < len(columns)):
                continue  # Django ignores what names no column
            column = columns[int(index)]
            name = column if isinstance(column, str) else column.__name__
            order = getattr(getattr(self, name, column), "admin_order_field", name)
            if names_secret(name) or names_secret(str(order)):
                raise BadRequest(_("Listan kan inte sorteras på ett hemligt fält."))

    def get_search_fields(self, request):
        return [f for f in super().get_search_fields(request) if not names_secret(f)]

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        """Refuse filters through reverse relations the page does not offer as filters.

        Django lets `?plans__isnull=False` through as a "local" lookup, which would reveal
        which organisations own plans the user may not read.
        """
        if names_secret(lookup):
            return False
        first = lookup.split("__", 1)[0]
        try:
            field = self.model._meta.get_field(first)
        except FieldDoesNotExist:
            return super().lookup_allowed(lookup, value, request)
        if field.auto_created and not field.concrete or field.many_to_many:
            offered = {f[0] if isinstance(f, tuple | list) else f for f in self.list_filter}
            if not any(
                lookup == o or lookup.startswith(f"{o}__") for o in offered if isinstance(o, str)
            ):
                return False
        return super().lookup_allowed(lookup, value, request)


class ScopedAdmin(RulesAdmin, SimpleHistoryAdmin):
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
            if "queryset" in kwargs:
                pass  # the page has chosen its own, narrower choices
            elif db_field.related_model in limits:
                kwargs["queryset"] = db_field.related_model.objects.filter(
                    **limits[db_field.related_model]
                )
            elif db_field.name == self.owner_path:
                # The field that decides who owns the record: only the user's own reach.
                kwargs["queryset"] = Organisation.objects.filter(pk__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Offer people of the user's organisations, and those already chosen; visible tags."""
        if db_field.related_model is Tag:
            kwargs["queryset"] = permissions.visible_tags(request.user)
        if db_field.related_model is Person and not request.user.is_superuser:
            readable = self._orgs(request, permissions.READ)
            object_id = request.resolver_match.kwargs.get("object_id")
            chosen = {f"{db_field.related_query_name()}__pk": object_id} if object_id else {}
            visible = Q(organisation__in=readable) | (Q(**chosen) if chosen else Q(pk__in=[]))
            kwargs["queryset"] = Person.objects.filter(visible).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class VisibleTagsFilter(admin.RelatedFieldListFilter):
    """The tag filter of a list: only tags the user may see (not another's draft's tags)."""

    def field_choices(self, field, request, model_admin):
        return [(tag.pk, str(tag)) for tag in permissions.visible_tags(request.user)]


class ScopedInline(FormRules, admin.TabularInline):
    """An inline that follows the permissions of the page it sits on."""

    extra = 0
    formset = SafeInlineFormSet

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
        fields = [f for f in fieldsets[0][1]["fields"] if f not in VERSION_FIELDS]
        fieldsets[0][1]["fields"] = [*fields, *VERSION_FIELDS]
        return fieldsets

    def save_model(self, request, obj, form, change) -> None:
        # An existing record is saved in save_related, once it is known whether its rows changed.
        if not change:
            versioned_save(instance=obj, expected_version=1, user=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        if change:
            # Rows that carry no version of their own (responsibilities, the budget grid) are
            # guarded by this record's version: changing them is a change of the record, and
            # they are not merged, so they are checked against the version she loaded.
            rows = any(fs.has_changed() for fs in formsets if not issubclass(fs.model, Versioned))
            loaded = form.cleaned_data["loaded_version"]
            versioned_save(
                instance=form.instance,
                expected_version=loaded if rows else form.expected_version(),
                user=request.user,
                m2m=form.m2m_values(),
                rows_changed=rows,
            )
        super().save_related(request, form, formsets, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as error:
            # The transaction has been rolled back; the page is shown again with a GET.
            for line in error.describe():
                self.message_user(request, line, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def get_actions(self, request):
        # Deleting goes through the record's own page: it lists what goes with it and checks
        # that nobody changed the record since it was shown.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (StaleVersionError, ValidationError) as error:
            lines = error.describe() if isinstance(error, StaleVersionError) else error.messages
            for line in [_("Inget togs bort."), *lines]:
                self.message_user(request, line, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def delete_model(self, request, obj) -> None:
        try:
            loaded = int(request.POST.get("loaded_version", ""))
        except ValueError:
            raise ValidationError(_("Formuläret saknar versionsuppgift. Ladda om sidan.")) from None
        versioned_delete(instance=obj, expected_version=loaded)


def _managed_organisations(request):
    """Return the organisations the user administers (with their units): her choices for the
    organisation of a role, an account or a new unit."""
    managed = permissions.organisations_for(request.user, permissions.MANAGE_USERS)
    return Organisation.objects.filter(pk__in=managed)


class ManagedOrganisationChoices:
    """Offer as the record's organisation only those the user administers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = _managed_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Organisations, people and roles -------------------------------------------------------


class PeopleFormSet(SafeInlineFormSet):
    """People rows: one linked to a plan (a contact, say) is deleted on its own page only."""

    def clean(self) -> None:
        super().clean()
        linked = [
            str(form.instance)
            for form in self.deleted_forms
            if form.instance.pk is not None and _dependants(form.instance, links=True)
        ]
        if linked:
            message = _(
                "%(people)s är kopplade till planer och tas inte bort här. Ta bort dem på "
                "personens egen sida, där du ser allt som försvinner med dem."
            )
            raise ValidationError(message % {"people": ", ".join(linked)})


class PersonInline(ScopedInline):
    """The organisation's people: for those with a role there (names and e-mail addresses)."""

    model = Person
    fields = ["name", "title", "email"]
    formset = PeopleFormSet

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs.update(_manageable_user_choices(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Only the roles of accounts she manages: another organisation's user she could not
        # choose again, and so could not save the row.
        roles = super().get_queryset(request)
        if request.user.is_superuser:
            return roles
        return roles.filter(user__in=permissions.manageable_users(request.user))

    def has_view_permission(self, request, obj=None) -> bool:
        if isinstance(obj, Organisation):
            return permissions.can_manage_organisation(request.user, obj)
        return _manages(request, None)  # asked without a page when the rows are read

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission


class TreeChangeList(ChangeList):
    """A change list in the tree's order unless the user sorts by a column."""

    def _get_default_ordering(self) -> list[str]:
        return list(self.model_admin.tree_ordering)


class TreeOrderAdmin(admin.ModelAdmin):
    """An admin whose queryset carries tree fields (django-tree-queries) to order the list.

    The order is the change list's default rather than `ordering`, because Django also orders
    related choices by `get_ordering()`, on querysets without tree fields.
    """

    tree_ordering = ["tree_ordering"]
    # The total without filters would walk the whole tree once more on every page.
    show_full_result_count = False

    def get_changelist(self, request, **kwargs) -> type[ChangeList]:
        return TreeChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return TreePaginator(queryset, per_page, orphans, allow_empty_first_page)


class TreePaginator(Paginator):
    """Count the rows without the recursive query: the number does not depend on the order."""

    @cached_property
    def count(self) -> int:
        # order_by() clones first: without_tree_fields() changes the query in place.
        return self.object_list.order_by().without_tree_fields().count()


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin, TreeOrderAdmin):
    owner_path = "pk"
    edit_roles = permissions.MANAGE_USERS
    list_display = ["path_display", "parent_path", "kind", "municipality_code"]
    list_filter = ["kind"]
    search_fields = ["name", "parent__name", "municipality_code"]
    autocomplete_fields = ["parent"]
    inlines = [PersonInline, OrganisationRoleInline]

    @admin.display(description=_("organisation"), ordering="tree_ordering")
    def path_display(self, obj: Organisation) -> str:
        # An em space per level: the list reads as the tree it is.
        return format_html("{}{}", "\u2003" * obj.tree_depth, obj.name)

    @admin.display(description=_("ingår i"))
    def parent_path(self, obj: Organisation) -> str:
        return PATH_SEPARATOR.join(map(str, obj.tree_names[:-1]))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = _managed_organisations(request)
            kwargs["required"] = True  # only superusers create top-level organisations
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _owner_id(self, obj) -> int:
        return obj.pk

    def get_queryset(self, request):
        # Organisation names are public: everyone with a role may look them up and pick
        # them as partners or funders. Changing one is for its administrators.
        return Organisation.objects.with_paths()

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.has_any_role(request.user)

    def _moves(self, request, obj: Organisation | None) -> bool:
        """Return whether the user may place the organisation under another one.

        An administrator moves units within her reach; her own organisation (or one above it)
        stays where it is, or she could hand it to another municipality.
        """
        if request.user.is_superuser or obj is None:
            return True
        return obj.parent_id in self._orgs(request, permissions.MANAGE_USERS)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if self._moves(request, obj) else [*readonly, "parent"]

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_delete_permission(request)
        # An organisation that has owned plans stays, so their history stays readable to its
        # members; it is renamed or moved instead.
        owned_plans = Plan.history.filter(owner_id=obj.pk).exists()
        return (
            not owned_plans
            and self._moves(request, obj)
            and self.has_change_permission(request, obj)
        )

    def history_view(self, request, object_id, extra_context=None):
        self._members_only(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._members_only(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _members_only(self, request, object_id) -> None:
        """Refuse the history (who changed what) to all but the organisation's members."""
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is not None and not permissions.can_read_organisation_history(request.user, obj.pk):
            raise PermissionDenied


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    owner_path = "organisation"
    list_display = ["name", "title", "organisation", "email"]
    search_fields = ["name", "title", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]

    def get_exclude(self, request, obj=None):
        # The account a person logs in with (to see her meetings and check minutes) is linked
        # by those who manage accounts; others do not even see the choice.
        return [] if _manages(request, None) else ["user"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        linked = obj is not None and obj.user_id is not None
        if linked and not permissions.can_manage_user(request.user, obj.user):
            readonly.append("user")  # linked by another organisation's administrator
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = permissions.manageable_users(request.user)
            kwargs["error_messages"] = {
                "invalid_choice": _(
                    "Kontot hör till en organisation som du inte administrerar. Be den "
                    "organisationens administratör, eller en superanvändare, att koppla kontot."
                )
            }
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Role)
class RoleAdmin(ManagedOrganisationChoices, ScopedAdmin):
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
        if db_field.name == "user":
            kwargs.update(_manageable_user_choices(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _manageable_user_choices(request) -> dict:
    """Return the choices of a role's user: accounts whose home organisation she manages."""
    return {
        "queryset": permissions.manageable_users(request.user),
        "error_messages": {
            "invalid_choice": _(
                "Användaren hör till en organisation som du inte administrerar. Be den "
                "organisationens administratör, eller en superanvändare, att ge rollen."
            )
        },
    }


class UserRoleInline(ManagedOrganisationChoices, FormRules, admin.TabularInline):
    """A user's roles; an organisation administrator sees and hands out those in her reach."""

    model = Role
    fields = ["organisation", "kind"]
    autocomplete_fields = ["organisation"]
    extra = 0
    formset = SafeInlineFormSet

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation__in=_managed_organisations(request))

    def has_view_permission(self, request, obj=None) -> bool:
        return _manages(request, obj)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission


class AccountInline(ManagedOrganisationChoices, FormRules, admin.StackedInline):
    """The user's home organisation: its administrators manage the account."""

    model = Account
    fields = ["organisation"]
    autocomplete_fields = ["organisation"]
    formset = SafeInlineFormSet
    can_delete = False
    min_num = max_num = 1

    def has_view_permission(self, request, obj=None) -> bool:
        return _manages(request, obj)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _manages(request, account_user: User | None) -> bool:
    """Return whether the user manages the account, or (without one) any accounts at all."""
    user = request.user
    if account_user is not None:
        return permissions.can_manage_user(user, account_user)
    return user.is_superuser or bool(permissions.organisations_for(user, permissions.MANAGE_USERS))


class AccountCreationForm(AdminUserCreationForm):
    """A new account: user name, password and the home organisation it belongs to."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        label=_("Hemorganisation"),
        help_text=_("Organisationen vars administratörer hanterar kontot."),
    )

    # The organisations the creating user may choose; set on a class made for her request,
    # never on this shared class's fields.
    organisation_choices = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.organisation_choices is not None:
            self.fields["organisation"].queryset = self.organisation_choices

    def _save_m2m(self) -> None:
        # Called by save() and, when the admin saves with commit=False, by save_m2m().
        super()._save_m2m()
        Account.objects.create(user=self.instance, organisation=self.cleaned_data["organisation"])


class FolkhalsaUserAdmin(RulesAdmin, UserAdmin):
    """Users and their roles. An account belongs to a home organisation; its administrators
    (and superusers) manage it. A user who has made changes is deactivated, never deleted,
    so history always names who did what."""

    inlines = [AccountInline, UserRoleInline]
    add_form = AccountCreationForm
    add_fieldsets = [
        (
            None,
            {"fields": ["username", "organisation", "usable_password", "password1", "password2"]},
        )
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personuppgifter"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Behörighet"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Viktiga datum"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_queryset(self, request):
        return permissions.manageable_users(request.user)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and not request.user.is_superuser:
            choices = {"organisation_choices": _managed_organisations(request)}
            form = type(form.__name__, (form,), choices)
        return form

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "last_login", "date_joined"]

    def has_module_permission(self, request) -> bool:
        return _manages(request, None)

    def has_view_permission(self, request, obj=None) -> bool:
        return _manages(request, obj)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission

    def user_change_password(self, request, id, form_url=""):
        self._object_or_404(request, id)
        return super().user_change_password(request, id, form_url)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        self._object_or_404(request, object_id)
        user = self.get_object(request, admin.utils.unquote(object_id))
        if not self.has_delete_permission(request, user):
            raise PermissionDenied
        return self._delete_or_deactivate(request, [user])

    def delete_queryset(self, request, queryset) -> None:
        self._delete_or_deactivate(request, list(queryset))

    def _delete_or_deactivate(self, request, users: list[User]) -> HttpResponseRedirect:
        """Delete each account, or deactivate it when history names it; refuse oneself."""
        for user in users:
            try:
                deleted = user_delete(user=user, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            text = (
                _("Kontot %(user)s togs bort.")
                if deleted
                else _(
                    "Kontot %(user)s inaktiverades i stället för att tas bort: historiken "
                    "visar ändringar som användaren har gjort."
                )
            )
            self.message_user(request, text % {"user": user.username}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:auth_user_changelist"))


# Access is decided by roles in organisations (plans/permissions.py), not by Django's groups and
# model permissions: those pages and fields would only suggest otherwise.
admin.site.unregister(Group)
admin.site.unregister(User)
admin.site.register(User, FolkhalsaUserAdmin)


@admin.register(TargetArea, GlobalGoal)
class ReferenceAdmin(RulesAdmin, admin.ModelAdmin):
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
        return permissions.visible_tags(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.has_any_role(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(self._orgs(request, self.edit_roles))

    def history_view(self, request, object_id, extra_context=None):
        self._superusers_only(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._superusers_only(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _superusers_only(self, request, object_id) -> None:
        """Refuse a shared tag's history to all but superusers: it names everyone's users."""
        self._object_or_404(request, object_id)
        if not request.user.is_superuser:
            raise PermissionDenied

    def has_change_permission(self, request, obj=None) -> bool:
        # Tags are shared by every organisation: renaming one is for superusers only.
        return request.user.is_superuser


# --- Plans --------------------------------------------------------------------------------


class VersionedInlineFormSet(SafeInlineFormSet):
    """Save or delete each row only if nobody saved that row since the page was opened."""

    def save_existing(self, form, obj, commit=True):
        record = form.save(commit=False)
        # The request's user is recorded in the history by simple_history's middleware.
        versioned_save(
            instance=record,
            expected_version=form.expected_version(),
            user=None,
            m2m=form.m2m_values(),
        )
        return record

    def clean(self) -> None:
        super().clean()
        errors = []
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                errors += _refusal_to_delete_row(form)
        if errors:
            raise ValidationError(errors)


def _refusal_to_delete_row(form: VersionedModelForm) -> list[str]:
    """Return why the row ticked for deletion may not go: changed since shown, or not empty."""
    record = form.instance
    model = type(record)
    rows = locked(model.objects.filter(pk=record.pk), action="Deleting a row")
    current = rows.values_list("version", flat=True).first()
    loaded = form.cleaned_data.get("loaded_version")
    if current is not None and loaded != current:
        lines = StaleVersionError(changes_since(record, loaded or 0)).describe()
        return [
            _("%(record)s har ändrats sedan du öppnade sidan och togs inte bort.")
            % {"record": record},
            *lines,
        ]
    if _dependants(record):
        return [
            _(
                "%(record)s innehåller andra poster och tas inte bort här. Ta bort det på dess "
                "egen sida, där du ser allt som försvinner med det."
            )
            % {"record": record}
        ]
    return []


def _dependants(record: models.Model, *, links: bool = False) -> int:
    """Return how many other records deleting this one would delete with it (and, with
    `links`, the many-to-many links it would drop, such as a contact person's)."""
    collector = NestedObjects(using=router.db_for_write(type(record)))
    collector.collect([record])
    collected = sum(
        len(objs) for model, objs in collector.data.items() if links or not model._meta.auto_created
    )
    return collected - 1


class VersionedInline(ScopedInline):
    """An inline of versioned rows: each row carries the version it was shown with."""

    form = VersionedModelForm
    formset = VersionedInlineFormSet

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in VERSION_FIELDS]
        return [*fields, *VERSION_FIELDS]


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
        return FocusArea.objects.in_document_order()


@admin.register(FocusArea)
class FocusAreaAdmin(VersionedAdmin, DocumentOrderAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan__kind"]
    list_select_related = ["plan"]
    search_fields = ["title", "number", "plan__title", "background", "current_state"]
    autocomplete_fields = ["plan", "parent", "coordinator", "contacts"]
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(VersionedAdmin):
    owner_path = "focus_area__plan__owner"
    list_display = ["number", "title", "focus_area"]
    list_select_related = ["focus_area__parent__parent"]
    search_fields = ["title", "focus_area__title", "focus_area__plan__title"]
    autocomplete_fields = ["focus_area"]


class ResponsibilityFormSet(SafeInlineFormSet):
    """A measure's organisations: at most one lead actor, counted over the rows posted
    together (the database's rule sees only one row at a time)."""

    def clean(self) -> None:
        super().clean()
        leads = [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and form.cleaned_data.get("role") == Responsibility.Role.LEAD
        ]
        if len(leads) > 1:
            raise ValidationError(_("En insats har högst en huvudaktör."))


class ResponsibilityInline(ScopedInline):
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


# --- Budgets ------------------------------------------------------------------------------


class BudgetFunderInline(ScopedInline):
    model = BudgetFunder
    fields = ["organisation", "order", "rate_per_inhabitant", "population", "share", "grant"]
    readonly_fields = ["grant"]

    @admin.display(description=_("bidrag (kr)"))
    def grant(self, obj: BudgetFunder) -> str:
        return format_kronor(obj.grant) if obj.grant is not None else "–"

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
            existing = {a.funder_id: a for a in self.instance.amounts.all()}
        for funder in self.funders:
            stored = existing.get(funder.pk)
            self.fields[f"amount_{funder.pk}"] = _amount_field(
                funder.organisation.name, stored.amount if stored else None
            )
            self.fields[f"outcome_{funder.pk}"] = _amount_field(
                _("Utfall: %(funder)s") % {"funder": funder.organisation.name},
                stored.outcome if stored else None,
            )

    def save(self, commit: bool = True) -> BudgetLine:
        line = super().save(commit=commit)
        if commit:
            self.save_amounts()
        return line

    def save_amounts(self) -> None:
        """Write the cells of this line: a cell with neither budget nor outcome is removed;
        an outcome without a budget stands beside a budget of 0."""
        for funder in self.funders:
            value = self.cleaned_data.get(f"amount_{funder.pk}")
            outcome = self.cleaned_data.get(f"outcome_{funder.pk}")
            if value is None and outcome is None:
                BudgetAmount.objects.filter(line=self.instance, funder=funder).delete()
            else:
                BudgetAmount.objects.update_or_create(
                    line=self.instance,
                    funder=funder,
                    defaults={"amount": value or Decimal(0), "outcome": outcome},
                )


def _amount_field(label: str, initial: Decimal | None) -> SwedishAmountField:
    """Return a cell of the budget grid: kronor as Swedes write them, never negative."""
    return SwedishAmountField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        initial=initial,
    )


class BudgetLineInline(ScopedInline):
    model = BudgetLine
    form = BudgetLineForm
    readonly_fields = ["line_total", "line_difference"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("amounts")

    @admin.display(description=_("summa (kr)"))
    def line_total(self, obj: BudgetLine) -> str:
        return format_kronor(sum((a.amount for a in obj.amounts.all()), Decimal(0)))

    @admin.display(description=_("utfall − budget (kr)"))
    def line_difference(self, obj: BudgetLine) -> str:
        cells = [a for a in obj.amounts.all() if a.outcome is not None]
        if not cells:
            return "–"
        return format_kronor(sum((a.outcome - a.amount for a in cells), Decimal(0)))

    def get_formset(self, request, obj=None, **kwargs):
        funders = list(obj.funders.select_related("organisation")) if obj else []
        form = type("BudgetLineGridForm", (BudgetLineForm,), {"funders": funders})
        kwargs["form"] = form
        # Only model fields go to the factory; the amount fields are added by the form.
        kwargs["fields"] = BudgetLineForm.Meta.fields
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        funders = list(obj.funders.all()) if obj else []
        amounts = [f"amount_{f.pk}" for f in funders]
        outcomes = [f"outcome_{f.pk}" for f in funders]
        return [
            "name",
            "kind",
            "focus_area",
            "order",
            *amounts,
            "line_total",
            *outcomes,
            "line_difference",
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "focus_area":
            budget_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = FocusArea.objects.filter(plan__budgets__pk=budget_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budget)
class BudgetAdmin(VersionedAdmin):
    list_display = ["__str__", "year", "plan", "total_display"]
    list_filter = ["year"]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__title"]
    autocomplete_fields = ["plan"]
    inlines = [BudgetFunderInline, BudgetLineInline]
    readonly_fields = ["totals"]
    fields = ["plan", "year", "title", "totals"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The total in the same query as the rows, not three queries per budget.
        total = Subquery(
            BudgetAmount.objects.filter(line__budget=OuterRef("pk"))
            .values("line__budget")
            .annotate(sum=Sum("amount"))
            .values("sum")
        )
        return super().get_queryset(request).annotate(total=total)

    @admin.display(description=_("totalt (kr)"))
    def total_display(self, obj: Budget) -> str:
        return format_kronor(obj.total or Decimal(0))

    @admin.display(description=_("summor"))
    def totals(self, obj: Budget) -> str:
        if obj.pk is None:
            return "–"
        table = budget_table(budget=obj)
        cells = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            (
                (funder.organisation.name, _budget_and_outcome(total, outcome))
                for funder, total, outcome in zip(
                    table.funders, table.funder_totals, table.outcome_totals, strict=True
                )
            ),
        )
        return format_html(
            "<table>{}<tr><th scope='row'>{}</th><td>{}</td></tr></table>",
            cells,
            _("Totalt"),
            f"{format_kronor(table.total)} kr",
        )


def _budget_and_outcome(total: Decimal, outcome) -> str:
    """Return a funder's budget, and its outcome with the difference once there is one."""
    if outcome.outcome is None:
        return f"{format_kronor(total)} kr"
    return _("%(budget)s kr, utfall %(outcome)s kr (skillnad %(difference)s kr)") % {
        "budget": format_kronor(total),
        "outcome": format_kronor(outcome.outcome),
        "difference": format_kronor(outcome.difference),
    }
