"""URLs of the follow-up pages: indicators, rounds and reports, the yearly PDF, exports."""

from django.urls import path

from reports import dashboard, follow_up_text, views

app_name = "reports"

urlpatterns = [
    path("indikatorer/", views.indicator_list, name="indicator_list"),
    path("indikatorer/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    # Follow-up rounds and measure reports.
    path("uppfoljning/", views.followup_home, name="followup_home"),
    path("uppfoljning/mina-insatser/", views.my_reports, name="my_reports"),
    path("planer/<int:pk>/uppfoljning/ny/", views.round_create, name="round_create"),
    path("uppfoljning/<int:pk>/", views.round_detail, name="round_detail"),
    path("uppfoljning/<int:pk>/paminn/", views.round_remind, name="round_remind"),
    path("uppfoljning/<int:pk>/stang/", views.round_close_view, name="round_close"),
    path("rapporter/<int:pk>/", views.report_edit, name="report_edit"),
    path("rapporter/<int:pk>/granska/", views.report_review_view, name="report_review"),
    # The yearly follow-up: preview, publish, read what was published.
    path("planer/<int:pk>/uppfoljning/", views.plan_follow_up, name="plan_follow_up"),
    path("planer/<int:pk>/oversikt/", dashboard.plan_dashboard, name="plan_dashboard"),
    path(
        "planer/<int:pk>/uppfoljning/<int:year>.pdf",
        views.follow_up_preview,
        name="follow_up_preview",
    ),
    path(
        "planer/<int:pk>/uppfoljning/<int:year>.docx",
        views.follow_up_preview_docx,
        name="follow_up_preview_docx",
    ),
    path(
        "planer/<int:pk>/uppfoljning/<int:year>/text/",
        follow_up_text.follow_up_text_edit,
        name="follow_up_text",
    ),
    path(
        "planer/<int:pk>/uppfoljning/<int:year>/publicera/",
        views.follow_up_publish_view,
        name="follow_up_publish",
    ),
    path("uppfoljningar/<int:pk>.pdf", views.published_pdf, name="published_pdf"),
    path("uppfoljningar/<int:pk>.docx", views.published_docx, name="published_docx"),
    path("uppfoljningar/<int:pk>/jamfor/", views.published_compare, name="published_compare"),
    # Exports.
    path("planer/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("planer/<int:pk>/insatser.xlsx", views.plan_measures_xlsx, name="plan_measures_xlsx"),
]
