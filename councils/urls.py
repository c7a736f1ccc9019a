"""The council pages: bodies, meetings, minutes, documents and the public notice board."""

from django.urls import path

from councils import views

app_name = "councils"

urlpatterns: list = [
    # Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings).
    path("organ/", views.body_list, name="body_list"),
    path("organ/ny/", views.body_create, name="body_create"),
    path("organ/<int:pk>/", views.body_detail, name="body_detail"),
    path("organ/<int:pk>/andra/", views.body_edit, name="body_edit"),
    path("organ/<int:pk>/platser/", views.body_seats, name="body_seats"),
    path("organ/<int:pk>/staende-punkter/", views.body_standing_items, name="body_standing_items"),
    path("organ/<int:pk>/motesserie/", views.meeting_series, name="meeting_series"),
    path("platser/<int:pk>/andra/", views.seat_edit, name="seat_edit"),
    path("platser/<int:pk>/innehavare/", views.seat_holder_add, name="seat_holder_add"),
    path("innehav/<int:pk>/avsluta/", views.seat_holding_end, name="seat_holding_end"),
    path("staende-punkter/<int:pk>/andra/", views.standing_item_edit, name="standing_item_edit"),
    path(
        "staende-punkter/<int:pk>/ta-bort/",
        views.standing_item_delete,
        name="standing_item_delete",
    ),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:pk>/arenden/ny/", views.agenda_item_create, name="agenda_item_create"),
    path("moten/<int:pk>/narvaro/", views.meeting_attendance_edit, name="meeting_attendance"),
    path("arenden/<int:pk>/andra/", views.agenda_item_edit, name="agenda_item_edit"),
    path("arenden/<int:pk>/ta-bort/", views.agenda_item_delete, name="agenda_item_delete"),
    path("arenden/<int:pk>/flytta/", views.agenda_item_move, name="agenda_item_move"),
    path("arenden/<int:pk>/bilagor/", views.attachment_upload, name="attachment_upload"),
    path("bilagor/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("bilagor/<int:pk>/ta-bort/", views.attachment_delete, name="attachment_delete"),
    # Minutes, checking, amendments, registration, notice board, public pages (wt-minutes).
    # PDFs, notice and minutes by e-mail, calendars (wt-documents).
]
