"""The admin pages a library brings, on our rules: the background tasks' results
(django-tasks-db registers them on our site, `admin/django_tasks_database/dbtaskresult/`)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from plans.admin.rules import RulesAdmin


class TaskResultAdmin(RulesAdmin, DBTaskResultAdmin):
    """A task's result: its arguments, return value and traceback name records of every
    organisation, so only superusers read them; nobody adds, changes or deletes one by hand
    (the library's admin allows none of it), so there is no bulk action either."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
