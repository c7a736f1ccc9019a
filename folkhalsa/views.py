"""The project's own pages for refusals: CSRF failure and login lock-out."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain in the interface language that the form could not be sent; offer a way back."""
    return render(request, "403_csrf.html", status=403)


def lockout(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """Tell a locked-out user, in the interface language, when she can try again."""
    context = {"hours": settings.AXES_COOLOFF_TIME}
    return render(request, "registration/lockout.html", context, status=429)
