"""The public pages (the notice board, public bodies' coming meetings and checked minutes) and
"Mina möten"."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from councils import selectors
from councils.models import CalendarFeed
from councils.views.minutes import minutes_context

NOTICES_PER_PAGE = 50


def notice_board(request: HttpRequest) -> HttpResponse:
    """Show the announcements of checked minutes that are up today, a page at a time, found by
    the organisation's or the body's name (public)."""
    text = _search_text(request)
    announcements = selectors.notice_board(text=text)
    page = Paginator(announcements, NOTICES_PER_PAGE).get_page(request.GET.get("sida"))
    context = {"page": page, "query": text, "today": timezone.localdate()}
    return render(request, "councils/notice_board.html", context)


PUBLIC_MINUTES_PER_PAGE = 25


def public_minutes_list(request: HttpRequest) -> HttpResponse:
    """List the checked minutes of public bodies, newest first, found by the organisation's or
    the body's name (public)."""
    text = _search_text(request)
    minutes = selectors.public_minutes_list(text=text)
    page = Paginator(minutes, PUBLIC_MINUTES_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "councils/public_minutes_list.html", {"page": page, "query": text})


def _search_text(request: HttpRequest) -> str:
    """Return what she searched for (`q`), as far as a search takes it."""
    return request.GET.get("q", "").strip()[:200]


@require_safe
def public_body_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a public body's coming meetings with their agenda once the notice is sent, its
    calendar feed and its latest checked minutes (public, the same for everyone); 404 for a
    body that is not public, whoever asks (members read the body's own page)."""
    body = get_object_or_404(selectors.public_bodies().select_related("organisation"), pk=pk)
    show_all = request.GET.get("kommande") == "alla"
    page = selectors.public_body_page(body=body, today=timezone.localdate(), show_all=show_all)
    return render(request, "councils/public_body_meetings.html", {"public": page})


def public_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Show checked minutes of a public body with their amendments (public); others 404."""
    meeting = get_object_or_404(selectors.public_minutes_list(), pk=pk)
    context = minutes_context(meeting)
    return render(request, "councils/public_minutes.html", context)


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """Show her coming meetings and the minutes waiting for her check."""
    mine = selectors.my_meetings(user=request.user)
    context = {
        "mine": mine,
        "calendar_open": selectors.calendar_feed_open(user=request.user, on=timezone.localdate()),
        "calendar": CalendarFeed.objects.filter(user=request.user).first(),
    }
    return render(request, "councils/my_meetings.html", context)
