from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# django-axes ships no Swedish: its app, models and columns are named here, in our catalogue.
AXES_APP_NAME = _("Inloggningsspärr")
AXES_MODEL_NAMES = {
    "accessattempt": (_("inloggningsförsök"), _("inloggningsförsök")),
    "accesslog": (_("inloggningslogg"), _("inloggningsloggar")),
    "accessfailurelog": (_("misslyckad inloggning"), _("misslyckade inloggningar")),
    "accessattemptexpiration": (_("spärrtid"), _("spärrtider")),
}
AXES_FIELD_NAMES = {
    "user_agent": _("webbläsare"),
    "ip_address": _("IP-adress"),
    "username": _("användarnamn"),
    "http_accept": _("HTTP Accept"),
    "path_info": _("sökväg"),
    "attempt_time": _("tidpunkt"),
    "locked_out": _("spärrad"),
    "get_data": _("GET-data"),
    "post_data": _("POST-data"),
    "failures_since_start": _("misslyckade inloggningar"),
    "logout_time": _("utloggad"),
    "session_hash": _("sessionsnyckelns hash (sha256)"),
    "expires_at": _("upphör"),
    "access_attempt": _("inloggningsförsök"),
}


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Planer och aktörer")

    def ready(self) -> None:
        name_axes_in_swedish()


def name_axes_in_swedish() -> None:
    """Give django-axes' app, models and fields Swedish names (translated like ours)."""
    if not apps.is_installed("axes"):
        return
    config = apps.get_app_config("axes")
    config.verbose_name = AXES_APP_NAME
    for model in config.get_models():
        names = AXES_MODEL_NAMES.get(model._meta.model_name)
        if names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names
        for field in model._meta.fields:
            if field.name in AXES_FIELD_NAMES:
                field.verbose_name = AXES_FIELD_NAMES[field.name]
