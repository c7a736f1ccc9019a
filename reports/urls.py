"""URLs of the follow-up pages."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("indikatorer/", views.indicator_list, name="indicator_list"),
    path("indikatorer/<int:pk>/", views.indicator_detail, name="indicator_detail"),
]
