"""The council pages: bodies, meetings, minutes, documents and the public notice board."""

from django.urls import path

from councils import views

app_name = "councils"

urlpatterns: list = [
    # Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings).
    # Minutes, checking, amendments, registration, notice board, public pages (wt-minutes).
    path("moten/<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("moten/<int:pk>/justera/", views.minutes_check, name="minutes_check"),
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
        "organ/<int:pk>/ny-kalendernyckel/",
        views.calendar_token_renew,
        name="calendar_token_renew",
    ),
]
