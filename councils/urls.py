"""The council pages: bodies, meetings, minutes, documents and the public notice board."""

from django.urls import path  # noqa: F401

from councils import views  # noqa: F401

app_name = "councils"

urlpatterns: list = [
    # Bodies, seats, the year's meetings, agenda, attachments, attendance (wt-meetings).
    # Minutes, checking, amendments, registration, notice board, public pages (wt-minutes).
    # PDFs, notice and minutes by e-mail, calendars (wt-documents).
]
