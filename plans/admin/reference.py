"""The reference data: national target areas, global goals and the shared tags."""

from django.contrib import admin
from django.core.exceptions import (
    PermissionDenied,
)

from plans import permissions
from plans.admin.rules import (
    RulesAdmin,
    ScopedAdmin,
)
from plans.models import (
    GlobalGoal,
    Tag,
    TargetArea,
)


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
