"""The open-data pages: what is published, the catalogues (JSON-LD and RDF/XML), the CSV files,
and each organisation's page on registering its catalogue with Sveriges dataportal.

The same answer for everyone, logged in or not: only what anonymous visitors read is here, and
anything else (a draft plan, an indicator of no published plan, an organisation publishing no
dataset) is 404 to all, so caches may keep the answer a while.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from folkhalsa.open_data import (
    LICENCES,
    catalogue_content,
    catalogue_graph,
    open_data_organisations,
    organisation_catalogue_iri,
    public_indicators,
    serialise,
    site_url,
)
from folkhalsa.open_data_csv import indicator_values_csv, plan_measures_csv
from folkhalsa.public_selectors import public_plans
from plans.models import Organisation

ORGANISATIONS_PER_PAGE = 50
# The catalogue changes when a plan is adopted or a follow-up published: a portal harvesting
# once a day and a visitor's browser may keep it a few minutes.
PUBLIC_SECONDS = 300
CONTENT_TYPES = {
    "jsonld": "application/ld+json; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
}
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# The files only: the pages carry the visitor's menu (her name when logged in).
public = cache_control(public=True, max_age=PUBLIC_SECONDS)


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """Say what is published as open data, where the catalogue is, and who publishes."""
    ids = open_data_organisations().values_list("pk", flat=True)
    page = Paginator(ids, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("sida"))
    organisations = Organisation.objects.with_paths().at(page).order_by("name", "pk")
    context = {"operator": settings.SITE_OPERATOR, "page": page, "organisations": organisations}
    return render(request, "open_data/index.html", context)


def _catalogue_response(graph_bytes: bytes, syntax: str) -> HttpResponse:
    return HttpResponse(graph_bytes, content_type=CONTENT_TYPES[syntax])


@require_safe
@public
def catalogue(request: HttpRequest, syntax: str) -> HttpResponse:
    """Return the site's catalogue, published by the site's operator."""
    # At national size the whole catalogue is some 100,000 statements, seconds of CPU to
    # write: each process keeps it as long as browsers may. Nothing in it turns private
    # meanwhile (an adopted plan stays public; a published follow-up is only ever replaced).
    key = f"open_data:catalogue:{syntax}"
    content = cache.get(key)
    if content is None:
        content = serialise(catalogue_graph(catalogue_content()), syntax)
        cache.set(key, content, PUBLIC_SECONDS)
    return _catalogue_response(content, syntax)


def _open_data_organisation(pk: int) -> Organisation:
    """Return the organisation if it has a dataset in the catalogue; 404 otherwise."""
    return get_object_or_404(open_data_organisations(), pk=pk)


@require_safe
@public
def organisation_catalogue(request: HttpRequest, pk: int, syntax: str) -> HttpResponse:
    """Return the organisation's own catalogue, the one it registers with the data portal."""
    organisation = _open_data_organisation(pk)
    content = catalogue_content(organisation=organisation)
    graph = catalogue_graph(content, organisation=organisation)
    return _catalogue_response(serialise(graph, syntax), syntax)


@require_safe
def organisation_open_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Explain step by step how the organisation registers its catalogue with dataportal.se."""
    organisation = _open_data_organisation(pk)
    content = catalogue_content(organisation=organisation)
    context = {
        "organisation": content.publishers.get(organisation.pk, organisation),
        "content": content,
        "licence_url": str(LICENCES[organisation.data_licence]),
        "catalogue_rdf": str(organisation_catalogue_iri(organisation)),
        "catalogue_jsonld": site_url(reverse("organisation_catalogue_jsonld", args=[pk])),
        "operator": settings.SITE_OPERATOR,
        "operator_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "open_data/organisation.html", context)


def _csv_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_safe
@public
def plan_measures(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an adopted plan's measures as CSV (404 for a draft, to everyone)."""
    plan = get_object_or_404(public_plans(), pk=pk)
    name = f"insatser-{slugify(plan.title)[:60] or plan.pk}"
    return _csv_response(plan_measures_csv(plan), name)


@require_safe
@public
def indicator_values(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a public indicator's values as CSV (404 for one of no published plan)."""
    indicator = get_object_or_404(public_indicators(), pk=pk)
    name = f"varden-{slugify(indicator.name)[:60] or indicator.pk}"
    return _csv_response(indicator_values_csv(indicator), name)
