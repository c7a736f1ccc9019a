"""The admin: the administrators' tool for organisations, accounts, reference data, and plans.

`rules` holds what every app's admin stands on (councils and reports import it); the other
modules register one subject's admins each.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from plans.admin import accounts, budgets, organisations, plans, reference  # noqa: F401 (registers)

admin.site.site_header = _("Folkhälsa – administration")
admin.site.site_title = _("Folkhälsa")
admin.site.index_title = _("Planer, aktörer och budget")
# The whole width for the tables: the grid of lines × funders fits 1280 px without the sidebar.
admin.site.enable_nav_sidebar = False
