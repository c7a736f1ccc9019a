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
    path("moten/<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("moten/<int:pk>/justera/", views.minutes_check, name="minutes_check"),
    path(
        "moten/<int:pk>/begar-andring/",
        views.change_request_create,
        name="change_request_create",
    ),
    path("moten/<int:pk>/andringsbegaranden/", views.change_requests, name="change_requests"),
    path(
        "moten/<int:pk>/justera-pa-papper/",
        views.minutes_paper_check,
        name="minutes_paper_check",
    ),
    path("moten/<int:pk>/rattelse/", views.minutes_amend, name="minutes_amend"),
    path("moten/<int:pk>/diariefor/", views.minutes_register, name="minutes_register"),
    path("moten/<int:pk>/anslag/", views.notice_board_post, name="notice_board_post"),
    path("anslagstavla/", views.notice_board, name="notice_board"),
    path("protokoll/", views.public_minutes_list, name="public_minutes_list"),
    path("organ/<int:pk>/moten/", views.public_body_meetings, name="public_body_meetings"),
    path("protokoll/<int:pk>/", views.public_minutes, name="public_minutes"),
    path("mina-moten/", views.my_meetings, name="my_meetings"),
    # PDFs, notice and minutes by e-mail, calendars (wt-documents).
    path("moten/<int:pk>/kallelse.pdf", views.notice_pdf, name="notice_pdf"),
    path("moten/<int:pk>/protokoll.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("arenden/<int:pk>/utdrag.pdf", views.extract_pdf, name="extract_pdf"),
    path("moten/<int:pk>/skicka-kallelse/", views.notice_send, name="notice_send"),
    path("moten/<int:pk>/skicka-protokoll/", views.minutes_send, name="minutes_send"),
    path("moten/<int:pk>/mote.ics", views.meeting_ics, name="meeting_ics"),
    path("kalender/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "mina-moten/ny-kalenderadress/", views.calendar_feed_renew_view, name="calendar_feed_renew"
    ),
    # Personal download links of a dispatch: fetched without an account, revoked by managers.
    path("hamta/<slug:token>/", views.download_link, name="download_link"),
    path(
        "utskick/<int:pk>/aterkalla-lankar/",
        views.download_links_revoke_view,
        name="download_links_revoke",
    ),
]
