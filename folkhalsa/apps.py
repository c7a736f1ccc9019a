from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class FolkhalsaConfig(AppConfig):
    """The project's own app: commands that span the other apps, such as loading the demo."""

    name = "folkhalsa"
    verbose_name = _("Folkhälsa")


class AdminConfig(DjangoAdminConfig):
    """Django's admin on our site class (folkhalsa/admin_site.py)."""

    default_site = "folkhalsa.admin_site.AdminSite"
