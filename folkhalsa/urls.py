"""Root URLs: the admin, login and each app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from folkhalsa.views import accessibility_statement, favicon

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("sprak/", set_language, name="set_language"),
    path("tillganglighet/", accessibility_statement, name="accessibility_statement"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("councils.urls")),
    path("", include("reports.urls")),
    path("", include("plans.urls")),
]
