"""Middleware of the project itself."""

from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    """Speak the language the user chose (the language cookie), else Swedish.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: Swedish is the
    interface language, and many municipal computers run browsers set to English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


class RefuseNulCharactersMiddleware:
    """Answer 400 to a request whose query or form data holds a NUL character; a session cookie
    holding one is no session.

    PostgreSQL cannot store or compare text with NUL, so a search or filter holding one would
    end in a server error; no form of ours has a use for it. A session cookie is sent by the
    browser on every request, so refusing it would lock the visitor out until it expires: she
    gets an empty session instead, and the session middleware removes the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest(_("Förfrågan innehåller ett otillåtet tecken (NUL)."))
        if "\x00" in request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""):
            # Replaced before anything reads it: the session is loaded lazily, on first use.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        return self.get_response(request)


def _holds_nul(data: QueryDict) -> bool:
    """Return whether any key or value of the data holds a NUL character."""
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
