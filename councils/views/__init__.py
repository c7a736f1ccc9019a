"""The council pages, one module per part; `councils/urls.py` reads them from here."""

from councils.views.attachments import attachment_delete, attachment_download, attachment_upload
from councils.views.attendance import meeting_attendance_edit
from councils.views.bodies import (
    body_create,
    body_detail,
    body_edit,
    body_list,
    body_seats,
    body_standing_items,
    seat_edit,
    seat_holder_add,
    seat_holding_end,
    standing_item_delete,
    standing_item_edit,
)
from councils.views.calendars import calendar_feed, calendar_feed_renew_view, meeting_ics
from councils.views.documents import extract_pdf, minutes_pdf, minutes_send, notice_pdf, notice_send
from councils.views.downloads import download_link, download_links_revoke_view
from councils.views.meetings import (
    agenda_item_create,
    agenda_item_delete,
    agenda_item_edit,
    agenda_item_move,
    meeting_detail,
    meeting_edit,
    meeting_series,
)
from councils.views.minutes import (
    change_request_create,
    change_requests,
    minutes,
    minutes_amend,
    minutes_check,
    minutes_paper_check,
    minutes_register,
    notice_board_post,
)
from councils.views.public import (
    my_meetings,
    notice_board,
    public_body_meetings,
    public_minutes,
    public_minutes_list,
)

__all__ = [
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_item_move",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "body_create",
    "body_detail",
    "body_edit",
    "body_list",
    "body_seats",
    "body_standing_items",
    "calendar_feed",
    "calendar_feed_renew_view",
    "change_request_create",
    "change_requests",
    "download_link",
    "download_links_revoke_view",
    "extract_pdf",
    "meeting_attendance_edit",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "meeting_series",
    "minutes",
    "minutes_amend",
    "minutes_check",
    "minutes_paper_check",
    "minutes_pdf",
    "minutes_register",
    "minutes_send",
    "my_meetings",
    "notice_board",
    "notice_board_post",
    "notice_pdf",
    "notice_send",
    "public_body_meetings",
    "public_minutes",
    "public_minutes_list",
    "seat_edit",
    "seat_holder_add",
    "seat_holding_end",
    "standing_item_delete",
    "standing_item_edit",
]
