"""The admin of organisations, their people and roles (an organisation administrator's
reach)."""

from django.contrib import admin
from django.core.exceptions import (
    PermissionDenied,
    ValidationError,
)
from django.db.models import Case, When
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import permissions
from plans.admin.rules import (
    ManagedOrganisationChoices,
    RowChoicesFormSet,
    RowWidgets,
    SafeInlineFormSet,
    ScopedAdmin,
    ScopedInline,
    TreeOrderAdmin,
    dependants,
    manageable_user_choices,
    managed_organisations,
    manages_accounts,
)
from plans.models import (
    PATH_SEPARATOR,
    CollaborationMember,
    Organisation,
    Person,
    Plan,
    Role,
)


class PeopleFormSet(SafeInlineFormSet):
    """People rows: one linked to a plan (a contact, say) is deleted on its own page only."""

    def clean(self) -> None:
        super().clean()
        linked = [
            str(form.instance)
            for form in self.deleted_forms
            if form.instance.pk is not None and dependants(form.instance, links=True)
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


class OrganisationRoleInline(RowWidgets, ScopedInline):
    """Users' roles in the organisation: seen and handed out by its administrators only."""

    model = Role
    formset = RowChoicesFormSet  # each user named from the row, not with a query per row
    fields = ["user", "kind"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs.update(manageable_user_choices(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Only the roles of accounts she manages: another organisation's user she could not
        # choose again, and so could not save the row.
        roles = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return roles
        return roles.filter(user__in=permissions.manageable_users(request.user))

    def has_view_permission(self, request, obj=None) -> bool:
        if isinstance(obj, Organisation):
            return permissions.can_manage_organisation(request.user, obj)
        return manages_accounts(request, None)  # asked without a page when the rows are read

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission
    has_delete_permission = has_view_permission


class CollaborationMemberInline(ScopedInline):
    """A collaboration's members: public names, chosen by superusers only. A member's
    administrator administers the collaboration, never the other members, so she does not
    choose who else takes part."""

    model = CollaborationMember
    fk_name = "collaboration"
    fields = ["member"]
    verbose_name = _("medlem")
    verbose_name_plural = _("medlemmar i samverkan (organisationer som äger arbetet tillsammans)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = Organisation.objects.filter(parent__isnull=True).exclude(
                kind=Organisation.Kind.SAMVERKAN
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin, TreeOrderAdmin):
    owner_path = "pk"
    edit_roles = permissions.MANAGE_USERS
    list_display = ["path_display", "parent_path", "kind", "municipality_code"]
    list_filter = ["kind"]
    search_fields = ["name", "parent__name", "municipality_code"]
    autocomplete_fields = ["parent"]
    inlines = [CollaborationMemberInline, PersonInline, OrganisationRoleInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "parent", "municipality_code", "logo"]}),
        (
            _("Offentlig kontaktsida"),
            {
                "fields": ["contact_text", "privacy_text"],
                "description": _(
                    "Texterna visas på organisationens kontaktsida, som organisationens "
                    "offentliga sida länkar till. Lämnas de tomma visas en allmän text."
                ),
            },
        ),
        (
            _("Öppna data"),
            {
                "fields": ["data_licence", "data_contact_email"],
                "description": _(
                    "Antagna planer, publicerade uppföljningar och offentliga indikatorer finns "
                    "i organisationens datakatalog (DCAT-AP-SE), som kan registreras hos "
                    "Sveriges dataportal. Hur det går till står på sidan Öppna data."
                ),
            },
        ),
    ]

    @admin.display(description=_("organisation"), ordering="tree_ordering")
    def path_display(self, obj: Organisation) -> str:
        # An em space per level: the list reads as the tree it is.
        return format_html("{}{}", "\u2003" * obj.tree_depth, obj.name)

    @admin.display(description=_("ingår i"))
    def parent_path(self, obj: Organisation) -> str:
        return PATH_SEPARATOR.join(map(str, obj.tree_names[:-1]))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = managed_organisations(request)
            kwargs["required"] = True  # only superusers create top-level organisations
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _owner_id(self, obj) -> int:
        return obj.pk

    def get_queryset(self, request):
        # Organisation names are public: everyone with a role may look them up and pick
        # them as partners or funders. Changing one is for its administrators.
        return Organisation.objects.with_paths()

    def get_search_results(self, request, queryset, search_term):
        """A search for a choice (a partner, a funder) lists the user's own organisations
        first, then the rest of the country: "Bibliotek" is her own library before others'."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            own = permissions.home_organisations(request.user)
            elsewhere = Case(When(pk__in=own, then=0), default=1)
            queryset = queryset.annotate(elsewhere=elsewhere).order_by("elsewhere", "tree_ordering")
        return queryset, distinct

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

    def get_inlines(self, request, obj):
        collaboration = obj is not None and obj.kind == Organisation.Kind.SAMVERKAN
        return [i for i in self.inlines if i is not CollaborationMemberInline or collaboration]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            obj is not None
            and obj.kind == Organisation.Kind.SAMVERKAN
            and not request.user.is_superuser
        ):
            readonly.append("kind")  # a collaboration stays one: its members decide nothing alone
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
    list_select_related = []
    list_organisation_paths = ("organisation",)
    search_fields = ["name", "title", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]

    def get_exclude(self, request, obj=None):
        # The account a person logs in with (to see her meetings and check minutes) is linked
        # by those who manage accounts; others do not even see the choice.
        return [] if manages_accounts(request, None) else ["user"]

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
    list_select_related = ["user"]
    list_organisation_paths = ("organisation",)
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def get_queryset(self, request):
        qs = SimpleHistoryAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        # Roles of accounts she manages only: in a collaboration, the other members' people
        # hold roles in an organisation she administers, yet their accounts are not hers.
        return qs.filter(
            organisation__in=self._orgs(request, permissions.MANAGE_USERS),
            user__in=permissions.manageable_users(request.user),
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs.update(manageable_user_choices(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
