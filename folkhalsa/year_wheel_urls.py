"""The årshjul's addresses (folkhalsa/year_wheel_views.py)."""

from django.urls import path

from folkhalsa import year_wheel_views as views

app_name = "year_wheel"

urlpatterns = [
    path("arshjul/", views.my_year_wheel, name="mine"),
    path(
        "organisationer/<int:pk>/arshjul/",
        views.organisation_year_wheel,
        name="organisation",
    ),
    path("planer/<int:pk>/arshjul/", views.plan_year_wheel, name="plan"),
    path("organ/<int:pk>/arshjul/", views.body_year_wheel, name="body"),
    path("kalender/<slug:token>/arshjul.ics", views.year_wheel_feed, name="feed"),
    path("arshjul/ny-kalenderadress/", views.year_wheel_feed_renew, name="feed_renew"),
]
