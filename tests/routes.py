"""Every named URL of the project, with a concrete address on the standing users' records.

The permission matrix and the fuzz test walk these: a new page joins both by itself.
"""

from dataclasses import dataclass

from django.contrib.admin.options import ModelAdmin
from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    """A named URL pattern with the admin that serves it, if any."""

    name: str
    params: tuple[str, ...]
    model_admin: ModelAdmin | None


def all_routes(resolver: URLResolver | None = None, namespace: str = "") -> list[Route]:
    """Return every named URL pattern under the resolver (the whole project by default)."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
            found += all_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            params = tuple(pattern.pattern.regex.groupindex) or tuple(
                f"arg{i}" for i in range(pattern.pattern.regex.groups)
            )
            model_admin = getattr(pattern.callback, "model_admin", None)
            if model_admin is None and namespace == "admin" and params:
                # simple_history's and the password views are not wrapped with their admin.
                model_admin = _admin_for("_".join(pattern.name.split("_")[:2]))
            found.append(Route(name, params, model_admin))
    return found


def _admin_for(prefix: str) -> ModelAdmin | None:
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if f"{model._meta.app_label}_{model._meta.model_name}" == prefix:
            return model_admin
    return None


# Which record a site URL shows, by the start of its path; plans otherwise.
SITE_RECORDS = {
    "/prioriteringar/omgangar/": "round",
    "/prioriteringar/teman/": "theme",
    "/prioriteringar/atgardsomraden/": "candidate",
    "/prioriteringar/": "prioritisation",
    "/insatser/": "measure",
    "/fokusomraden/": "focusarea",
    "/resultat/": "result",
    "/organisationer/": "organisation",
    "/organ/": "body",
    "/moten/": "meeting",
    "/arenden/": "agendaitem",
    "/bilagor/": "attachment",
    "/uppfoljning/": "followupround",
    "/rapporter/": "measurereport",
    "/uppfoljningar/": "publishedfollowup",
    "/indikatorer/": "indicator",
    "/protokoll/": "meeting",
    "/platser/": "seat",
    "/innehav/": "seatholding",
    "/staende-punkter/": "standingitem",
    "/utskick/": "dispatch",
    # Open data (folkhalsa/open_data_urls.py).
    "/oppna-data/organisationer/": "organisation",
    "/oppna-data/planer/": "plan",
    "/oppna-data/indikatorer/": "indicator",
}
# The year in addresses that take one (a plan's yearly follow-up): within the standing plan.
YEAR = 2025
SITE_NAMESPACES = ("plans:", "councils:", "reports:", "year_wheel:")
# The project's own pages on a record (folkhalsa/public_pages.py), addressed as the apps' are.
PROJECT_RECORD_ROUTES = {"organisation", "organisation_contact", "body_calendar"}
PROJECT_RECORD_ROUTES |= {
    "organisation_open_data",
    "organisation_catalogue_jsonld",
    "organisation_catalogue_rdf",
    "open_data_plan_measures",
    "open_data_indicator_values",
}


def url_for(route: Route, records: dict) -> str | None:
    """Return a concrete URL for the route, or None for routes that take free input."""
    if route.name in {"admin:view_on_site"} or route.name.endswith(":None"):
        return None
    if route.name == "admin:app_list":
        return reverse(route.name, kwargs={"app_label": "plans"})
    if route.model_admin is not None and route.params:
        obj = records[route.model_admin.model._meta.model_name]
        if route.name.endswith("_simple_history"):
            history = obj.history.order_by("-history_id").first()
            return reverse(route.name, args=[obj.pk, history.pk])
        key = "id" if "id" in route.params else "object_id"
        return reverse(route.name, kwargs={key: obj.pk})
    if route.name.startswith("api:"):
        # The REST API: every endpoint and method is tried in tests/test_api_matrix.py.
        return None
    secrets = {
        "api_token_revoke",  # her own key's id (tests/test_account.py tries another's)
        "councils:calendar_feed",
        "year_wheel:feed",
        "councils:download_link",
        "document_status",
    }
    if route.name in secrets:
        # A person's private calendar address, a recipient's download link, a document's status
        # for its reader: a secret, not an id (tests/test_calendar_feeds_per_person.py,
        # tests/test_dispatch_attachments.py, tests/test_document_progress.py).
        return None
    site_page = route.name.startswith(SITE_NAMESPACES) or route.name in PROJECT_RECORD_ROUTES
    if site_page and route.params:
        extra = [YEAR] if route.params[1:] == ("year",) else []
        path = reverse(route.name, args=[1, *extra])
        kind = next((k for prefix, k in SITE_RECORDS.items() if path.startswith(prefix)), "plan")
        return reverse(route.name, args=[records[kind].pk, *extra])
    return reverse(route.name)
