"""The open-data addresses under `oppna-data/` (folkhalsa/open_data_views.py)."""

from django.urls import path

from folkhalsa import open_data_views as views

urlpatterns = [
    path("", views.open_data, name="open_data"),
    path(
        "katalog.jsonld",
        views.catalogue,
        {"syntax": "jsonld"},
        name="open_data_catalogue_jsonld",
    ),
    path("katalog.rdf", views.catalogue, {"syntax": "rdf"}, name="open_data_catalogue_rdf"),
    path(
        "organisationer/<int:pk>/",
        views.organisation_open_data,
        name="organisation_open_data",
    ),
    path(
        "organisationer/<int:pk>/katalog.jsonld",
        views.organisation_catalogue,
        {"syntax": "jsonld"},
        name="organisation_catalogue_jsonld",
    ),
    path(
        "organisationer/<int:pk>/katalog.rdf",
        views.organisation_catalogue,
        {"syntax": "rdf"},
        name="organisation_catalogue_rdf",
    ),
    path("planer/<int:pk>/insatser.csv", views.plan_measures, name="open_data_plan_measures"),
    path(
        "indikatorer/<int:pk>/varden.csv",
        views.indicator_values,
        name="open_data_indicator_values",
    ),
]
