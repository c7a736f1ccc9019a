"""The rules every app's admin stands on: safe widgets and numbers, refusals of what would
break at the database, scoping by role (`ScopedAdmin`), versioned saves (`VersionedAdmin`)
and lists in a tree's order. `councils` and `reports` build their admins on these."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.models import User
from django.core.exceptions import (
    BadRequest,
    FieldDoesNotExist,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import models, router
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import permissions
from plans.forms import (
    VERSION_FIELDS,
    AsciiDecimalField,
    AsciiIntegerField,
    IdChoiceField,
    IdMultipleChoiceField,
    SafeInlineFormSet,
    VersionedModelForm,
    is_id,
    name_widget,
)
from plans.models import (
    Budget,
    FocusArea,
    Organisation,
    Person,
    Plan,
    Result,
    Tag,
)
from plans.services import (
    StaleVersionError,
    changes_since,
    locked,
    versioned_delete,
    versioned_save,
    versioned_save_with_rows,
)

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


def chosen_plan(request) -> int | None:
    """Return the plan chosen on an add page (posted, or ?plan= in the address) if she may
    edit it; None otherwise."""
    chosen = request.POST.get("plan") or request.GET.get("plan")
    if not is_id(chosen):
        return None
    plan = Plan.objects.filter(pk=int(chosen)).first()
    return plan.pk if plan and permissions.can_edit_plan(request.user, plan) else None


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
        formset = super().get_formset(request, obj, **kwargs)
        # A row's fields stand under the table's column heads, without labels of their own.
        for field in formset.form.base_fields.values():
            name_widget(field.widget, field.label)
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, forms.MultiWidget):
            name_widget(field.widget, field.label)  # a date and a time, under one label
        return field

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


def with_organisation_paths(rows: list[models.Model], relations: tuple[str, ...]) -> list:
    """Give the rows the organisations they name through the relations, with their paths, read
    in one query that walks up from those organisations only (not the country's tree)."""
    ids = {getattr(row, f"{relation}_id") for row in rows for relation in relations}
    found = {o.pk: o for o in Organisation.objects.with_paths().at(ids - {None})}
    for row in rows:
        for relation in relations:
            setattr(row, relation, found.get(getattr(row, f"{relation}_id")))
    return rows


class RulesAdmin(FormRules):
    """What every admin of ours shares, so the views Django and its add-ons bring obey our rules.

    Object pages of records outside the user's reach answer 404; history pages only read;
    changelist filters go only through the filters the page offers. Lists are paged without
    counting every row the user may read (a country's measures, values and meetings), and
    organisations a row names by their paths are read for the page in one query.
    """

    show_full_result_count = False
    # Relations to organisations each row of the list names by its path (`Organisation.path`):
    # read for the whole page in one recursive query, not one per row. Leave them out of
    # `list_select_related`, which would read them without their paths.
    list_organisation_paths: tuple[str, ...] = ()

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.list_organisation_paths:
            changelist.result_list = with_organisation_paths(
                list(changelist.result_list), self.list_organisation_paths
            )
        return changelist

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


# --- Rows of an inline: choices read once for the page, not once per row -------------


class RowAutocompleteSelect(SafeAutocompleteSelect):
    """An autocomplete in an inline's row that names its chosen record from the row as read
    for the page (`known`), not with a query per row."""

    known: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if is_id(v)]
        if self.known is None or not all(v in self.known for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in chosen:
            options.append(self.create_option(name, pk, self.known[pk], True, len(options)))
        return [(None, options, 0)]


class RowChoicesOnce:
    """Read the choices of an inline's rows once for the page: a select's options are shared
    by the rows, and an autocomplete names the record its row already holds."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.widget.is_hidden:
                continue  # the row's own id is a hidden choice among the page's rows
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            if isinstance(widget, RowAutocompleteSelect):
                chosen = getattr(form.instance, name, None) if form.instance.pk else None
                widget.known = {str(chosen.pk): field.label_from_instance(chosen)} if chosen else {}
            else:
                field.choices = widget.choices = self._shared_choices(name, field)

    def _shared_choices(self, name: str, field: forms.ModelChoiceField) -> list:
        shared = self.__dict__.setdefault("_row_choices", {})
        if name not in shared:
            shared[name] = list(field.choices)
        return shared[name]


class RowWidgets:
    """An inline whose autocompletes name their records without a query per row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = RowAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowChoicesFormSet(RowChoicesOnce, SafeInlineFormSet):
    """Rows of an inline whose choices are read once for the page."""


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
            versioned_save_with_rows(form=form, formsets=formsets, user=request.user)
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
    if dependants(record):
        return [
            _(
                "%(record)s innehåller andra poster och tas inte bort här. Ta bort det på dess "
                "egen sida, där du ser allt som försvinner med det."
            )
            % {"record": record}
        ]
    return []


def dependants(record: models.Model, *, links: bool = False) -> int:
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


# --- An organisation administrator's reach --------------------------------------------


def managed_organisations(request):
    """Return the organisations the user administers (with their units): her choices for the
    organisation of a role, an account or a new unit."""
    managed = permissions.organisations_for(request.user, permissions.MANAGE_USERS)
    return Organisation.objects.filter(pk__in=managed)


class ManagedOrganisationChoices:
    """Offer as the record's organisation only those the user administers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = managed_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def manageable_user_choices(request) -> dict:
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


def manages_accounts(request, account_user: User | None) -> bool:
    """Return whether the user manages the account, or (without one) any accounts at all."""
    user = request.user
    if account_user is not None:
        return permissions.can_manage_user(user, account_user)
    return user.is_superuser or bool(permissions.organisations_for(user, permissions.MANAGE_USERS))
