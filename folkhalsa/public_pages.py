"""The public face a municipality links to: the start page, an organisation's page with what it
publishes, its contact and privacy page, and a public body's calendar feed.

These pages read across the apps (plans, councils, reports), so they live in the project. They
show what is public only, to everyone alike: an organisation that publishes nothing answers 404
to all but its own members, so an id reveals nothing.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from councils.services import meetings_calendar
from folkhalsa.public_selectors import (
    organisation_page,
    public_bodies,
    public_body_meetings,
    publishing_organisations,
)
from plans import permissions
from plans.models import Organisation

ORGANISATIONS_PER_PAGE = 50


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Say what the site is and whose it is, and list the organisations that publish."""
    ids = publishing_organisations().values_list("pk", flat=True)
    page = Paginator(ids, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("sida"))
    # The page's organisations with their paths, the tree walked up from these only.
    organisations = Organisation.objects.with_paths().at(page).order_by("name", "pk")
    context = {"operator": settings.SITE_OPERATOR, "page": page, "organisations": organisations}
    return render(request, "public/start.html", context)


def _public_organisation(request: HttpRequest, pk: int) -> Organisation:
    """Return the organisation if it publishes something or the user works there; else 404."""
    organisation = get_object_or_404(Organisation.objects.with_paths().at([pk]))
    if _works_there(request, organisation):
        return organisation
    if not publishing_organisations().filter(pk=pk).exists():
        raise Http404
    return organisation


def _works_there(request: HttpRequest, organisation: Organisation) -> bool:
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return True
    return organisation.pk in permissions.organisations_for(user, permissions.READ)


@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what the organisation publishes: plans, follow-ups, meetings, minutes, indicators."""
    organisation = _public_organisation(request, pk)
    context = {"public": organisation_page(organisation=organisation)}
    return render(request, "public/organisation.html", context)


@require_safe
def organisation_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Show whom to ask and how personal data is handled, as the organisation wrote it."""
    organisation = _public_organisation(request, pk)
    return render(request, "public/contact.html", {"organisation": organisation})


@require_safe
def body_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a public body's meetings as a calendar feed (no agenda, no link to join)."""
    body = get_object_or_404(public_bodies().select_related("organisation"), pk=pk)
    name = _("%(body)s, %(organisation)s") % {
        "body": body.name,
        "organisation": body.organisation.name,
    }
    content = meetings_calendar(meetings=public_body_meetings(body=body), name=name, details=False)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="organ-{body.pk}.ics"'
    return response
