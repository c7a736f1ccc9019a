"""Root URLs: the admin, login and each app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from folkhalsa import api_urls, public_pages
from folkhalsa.account import account, api_token_revoke
from folkhalsa.documents import document_status
from folkhalsa.health import health
from folkhalsa.my_work import my_work_view
from folkhalsa.notifications import notification_settings
from folkhalsa.views import accessibility_statement, favicon

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("sprak/", set_language, name="set_language"),
    path("tillganglighet/", accessibility_statement, name="accessibility_statement"),
    path("favicon.ico", favicon, name="favicon"),
    path("halsa/", health, name="health"),  # for a load balancer
    # Open data (folkhalsa/open_data_urls.py): the DCAT-AP-SE catalogues and the CSV files.
    path("oppna-data/", include("folkhalsa.open_data_urls")),
    # Whether a document being made is ready: what its progress page asks (folkhalsa/documents.py).
    path("dokument/<str:token>/status/", document_status, name="document_status"),
    # The REST API and its description (folkhalsa/api_urls.py).
    path("api/", include("folkhalsa.api_urls", namespace="api")),
    *api_urls.schema_urlpatterns,
    path("konto/", account, name="account"),
    path("konto/api-nycklar/<int:pk>/aterkalla/", api_token_revoke, name="api_token_revoke"),
    path("mitt-arbete/", my_work_view, name="my_work"),
    path("mitt-arbete/aviseringar/", notification_settings, name="notification_settings"),
    # The public face (folkhalsa/public_pages.py): start page, organisations, public calendars.
    path("", public_pages.start, name="start"),
    path("organisationer/<int:pk>/", public_pages.organisation_detail, name="organisation"),
    path(
        "organisationer/<int:pk>/kontakt/",
        public_pages.organisation_contact,
        name="organisation_contact",
    ),
    path("organ/<int:pk>/kalender.ics", public_pages.body_calendar, name="body_calendar"),
    path("", include("folkhalsa.year_wheel_urls")),  # the årshjul
    path("", include("councils.urls")),
    path("", include("reports.urls")),
    path("", include("plans.urls")),
]
