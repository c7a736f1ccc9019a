"""The project's own pages: refusals (CSRF failure, login lock-out), the accessibility statement
every page links to, and the site's icon."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain in the interface language that the form could not be sent; offer a way back."""
    return render(request, "403_csrf.html", status=403)


def lockout(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """Tell a locked-out user, in the interface language, when she can try again."""
    context = {"hours": settings.AXES_COOLOFF_TIME}
    return render(request, "registration/lockout.html", context, status=429)


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tillgänglighetsredogörelse) in DIGG's model: how accessible
    the site is, what is not yet, how to report a barrier, supervision, and how it was tested."""
    context = {
        "operator": settings.SITE_OPERATOR,
        "email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "phone": settings.ACCESSIBILITY_CONTACT_PHONE,
        "assessed_on": settings.ACCESSIBILITY_ASSESSED_ON,
        "updated_on": settings.ACCESSIBILITY_UPDATED_ON,
    }
    return render(request, "accessibility_statement.html", context)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Answer the browsers that ask for /favicon.ico with the site's icon (an SVG)."""
    return redirect(static("img/favicon.svg"), permanent=True)
