"""The REST API's addresses: `/api/v1/` (each app's resources), the OpenAPI schema at
`/api/schema/` and its docs page at `/api/docs/` (folkhalsa/api_docs.py)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from councils import api as councils_api
from folkhalsa.api_docs import api_docs
from plans import api as plans_api
from reports import api as reports_api


class Router(DefaultRouter):
    """The API's router: its root lists the resources; ids are numbers."""

    include_format_suffixes = False


router = Router()
for app in (plans_api, councils_api, reports_api):
    app.register(router)


@csrf_exempt  # any method: a POST to nowhere is as missing as a GET
def not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/v1/ that names nothing (a resource that is not, an id that is not a
    number) answers as the API does, in JSON, not with the site's page."""
    return JsonResponse({"detail": _("Finns inte.")}, status=404)


app_name = "api"
urlpatterns = [path("v1/", include(router.urls)), re_path(r"^v1/", not_found)]

# Outside the `api` namespace: they describe it.
schema_urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
]
