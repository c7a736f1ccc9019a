"""The admin of user accounts: an organisation's administrators manage its users' roles."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import (
    PermissionDenied,
    ValidationError,
)
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans import permissions
from plans.admin.rules import (
    FormRules,
    ManagedOrganisationChoices,
    RowChoicesFormSet,
    RowWidgets,
    RulesAdmin,
    SafeAutocompleteSelect,
    SafeInlineFormSet,
    managed_organisations,
    manages_accounts,
)
from plans.models import (
    Account,
    Organisation,
    Role,
)
from plans.services import (
    user_delete,
)


class UserRoleInline(RowWidgets, ManagedOrganisationChoices, FormRules, admin.TabularInline):
    """A user's roles; an organisation administrator sees and hands out those in her reach."""

    model = Role
    fields = ["organisation", "kind"]
    autocomplete_fields = ["organisation"]
    extra = 0
    formset = RowChoicesFormSet  # each organisation named from its row, not a query per row

    def get_queryset(self, request):
        # Each row names its organisation by path: read all of them in one recursive query.
        with_paths = Prefetch("organisation", queryset=Organisation.objects.with_paths())
        qs = super().get_queryset(request).prefetch_related(with_paths)
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation__in=managed_organisations(request))

    def has_view_permission(self, request, obj=None) -> bool:
        return manages_accounts(request, obj)

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
        return manages_accounts(request, obj)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AccountCreationForm(AdminUserCreationForm):
    """A new account: user name, password and the home organisation it belongs to."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        # Searched, as the account's own page does: a country has some 3 400 organisations.
        widget=SafeAutocompleteSelect(Account._meta.get_field("organisation"), admin.site),
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
            choices = {"organisation_choices": managed_organisations(request)}
            form = type(form.__name__, (form,), choices)
        return form

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "last_login", "date_joined"]

    def has_module_permission(self, request) -> bool:
        return manages_accounts(request, None)

    def has_view_permission(self, request, obj=None) -> bool:
        return manages_accounts(request, obj)

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
