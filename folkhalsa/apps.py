from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FolkhalsaConfig(AppConfig):
    """The project's own app: commands that span the other apps, such as loading the demo."""

    name = "folkhalsa"
    verbose_name = _("Folkhälsa")
