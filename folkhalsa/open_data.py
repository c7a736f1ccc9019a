"""The open-data catalogue in DCAT-AP-SE 3 (its CSV files are in `open_data_csv.py`).

What anonymous visitors read is what the catalogue describes, decided in `public_selectors.py`:
each adopted plan (its PDF, JSON from the API, its measures as CSV and JSON), each published
follow-up as published now (PDF, Word, JSON) and each indicator anonymous visitors read (its
values as CSV and JSON). One catalogue for the site, published by the site's operator, and one per
organisation, published by it: that one an organisation registers with Sveriges dataportal.

In two layers, as the PDFs: `catalogue_content` gathers every record in a fixed number of
queries; `catalogue_graph` builds the RDF graph from it without touching the ORM.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from folkhalsa.public_selectors import public_follow_ups, public_plans
from plans.models import Organisation, Plan
from reports.models import Indicator, IndicatorValue, PublishedFollowUp, Source
from reports.permissions import readable_indicators

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
AVAILABILITY = Namespace("http://publications.europa.eu/resource/authority/planned-availability/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
# As DCAT-AP writes media types (http, as the EU vocabularies do).
IANA = "http://www.iana.org/assignments/media-types/"
THEME_TAXONOMY = URIRef("http://publications.europa.eu/resource/authority/data-theme")

# The licences an organisation chooses from, as DIGG writes them (http, with the final slash:
# one identifier per licence, or the portal counts two).
LICENCES = {
    Organisation.DataLicence.CC_BY: URIRef("http://creativecommons.org/licenses/by/4.0/"),
    Organisation.DataLicence.CC0: URIRef("http://creativecommons.org/publicdomain/zero/1.0/"),
}
# The catalogue itself (titles, dates, addresses: facts, hardly a work) is free of conditions,
# so portals may copy it whole, as the European data portal asks of metadata.
CATALOGUE_LICENCE = LICENCES[Organisation.DataLicence.CC0]

# The publisher's type (mandatory in DCAT-AP-SE 3) from ADMS's vocabulary; a unit has the type
# of the nearest organisation above it that is not a unit.
PUBLISHER_TYPES = {
    Organisation.Kind.KOMMUN: PUBLISHER_TYPE.LocalAuthority,
    Organisation.Kind.REGION: PUBLISHER_TYPE.RegionalAuthority,
    Organisation.Kind.LANSSTYRELSE: PUBLISHER_TYPE.RegionalAuthority,
    Organisation.Kind.POLIS: PUBLISHER_TYPE.NationalAuthority,
    Organisation.Kind.CIVILSAMHALLE: PUBLISHER_TYPE.NonGovernmentalOrganisation,
    Organisation.Kind.NARINGSLIV: PUBLISHER_TYPE.Company,
    Organisation.Kind.AKADEMI: PUBLISHER_TYPE["Academia-ScientificOrganisation"],
    Organisation.Kind.ANNAN: PUBLISHER_TYPE.NonProfitOrganisation,
}
# The site is run for municipalities and regions, by one of them or their association.
OPERATOR_TYPE = PUBLISHER_TYPE.LocalAuthority

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "csv": "text/csv",
}
# How much of a plan's purpose describes it in the catalogue: portals show a paragraph.
DESCRIPTION_WORDS = 80


@dataclass
class CatalogueContent:
    """Every record a catalogue describes, with the facts read about them."""

    plans: list[Plan]
    follow_ups: list[PublishedFollowUp]
    indicators: list[Indicator]
    publishers: dict[int, Organisation]
    plan_target_areas: dict[int, list[str]] = field(default_factory=dict)
    indicator_years: dict[int, dict] = field(default_factory=dict)


def public_indicators() -> QuerySet[Indicator]:
    """Return the indicators anonymous visitors read: those of a published plan."""
    return readable_indicators(AnonymousUser())


def open_data_organisations() -> QuerySet[Organisation]:
    """Return the organisations with a dataset in the catalogue, by name (one query)."""
    plans = public_plans().filter(owner=OuterRef("pk"))
    indicators = public_indicators().filter(owner=OuterRef("pk"))
    return Organisation.objects.filter(Exists(plans) | Exists(indicators)).order_by("name", "pk")


def catalogue_content(*, organisation: Organisation | None = None) -> CatalogueContent:
    """Return what the site's catalogue (or one organisation's) describes, in six queries."""
    plans = public_plans().order_by("owner_id", "-start_year", "title", "pk")
    follow_ups = public_follow_ups().select_related("plan")
    indicators = public_indicators().order_by("owner_id", "name", "pk")
    if organisation is not None:
        plans = plans.filter(owner=organisation)
        follow_ups = follow_ups.filter(plan__owner=organisation)
        indicators = indicators.filter(owner=organisation)
    follow_ups = follow_ups.defer("pdf", "docx", "content", "plan__vision", "plan__purpose")
    content = CatalogueContent(
        plans=list(plans.defer("vision")),
        follow_ups=list(follow_ups.order_by("plan__owner_id", "-year", "plan__title", "pk")),
        indicators=list(indicators),
        publishers={},
    )
    content.publishers = _publishers(
        {p.owner_id for p in content.plans}
        | {f.plan.owner_id for f in content.follow_ups}
        | {i.owner_id for i in content.indicators}
    )
    content.plan_target_areas = _target_areas(plans)
    content.indicator_years = _indicator_years(indicators)
    return content


def _publishers(ids: set[int]) -> dict[int, Organisation]:
    """Return the organisations by id, each with the kinds of those above it (`tree_kinds`)."""
    if not ids:
        return {}
    rows = Organisation.objects.with_tree_fields().tree_fields(tree_names="name", tree_kinds="kind")
    return {organisation.pk: organisation for organisation in rows.at(ids)}


def _target_areas(plans: QuerySet[Plan]) -> dict[int, list[str]]:
    """Return the national target areas of each plan, by plan id (the plans as a subquery)."""
    links = Plan.target_areas.through.objects.filter(plan__in=plans.values("pk"))
    names: dict[int, list[str]] = {}
    for plan_id, name in links.order_by("targetarea__number").values_list(
        "plan_id", "targetarea__name"
    ):
        names.setdefault(plan_id, []).append(name)
    return names


def _indicator_years(indicators: QuerySet[Indicator]) -> dict[int, dict]:
    """Return each indicator's first and last year with a value and when it was last fetched."""
    rows = (
        IndicatorValue.objects.filter(indicator__in=indicators.values("pk"))
        .order_by()
        .values("indicator_id")
        .annotate(first=Min("year"), last=Max("year"), imported=Max("imported_at"))
    )
    return {row["indicator_id"]: row for row in rows}


# --- The graph ---------------------------------------------------------------------------


def site_url(path: str) -> str:
    """Return the absolute address of a path on the site (`SITE_URL`, the public address)."""
    return settings.SITE_URL.rstrip("/") + path


def _url(name: str, *args) -> str:
    return site_url(reverse(name, args=args))


def _api_url(name: str, query: str = "", **kwargs) -> str | None:
    """Return the absolute address of an API resource, or None where the API has no such name."""
    try:
        path = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    return site_url(path) + (f"?{query}" if query else "")


def _texts(message: str) -> list[Literal]:
    """Return a fixed text in Swedish, and in English where the catalogue translates it."""
    with translation.override("sv"):
        swedish = _(message)
    with translation.override("en"):
        english = _(message)
    texts = [Literal(swedish, lang="sv")]
    if english != swedish:
        texts.append(Literal(english, lang="en"))
    return texts


def _sv(text: str) -> Literal:
    return Literal(text, lang="sv")


def _date(value: datetime.date | datetime.datetime) -> Literal:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return Literal(value.isoformat(), datatype=XSD.date)


@dataclass
class _File:
    """One distribution of a dataset: a file, or (`api`) its resource in the API."""

    name: str  # the distribution's identifier after its dataset's: "pdf", "insatser-json"
    url: str | None  # None where the API has no such resource
    title: str  # a Swedish message, translated into the English title
    api: bool = False

    @property
    def kind(self) -> str:
        return self.name.rsplit("-", 1)[-1]


@dataclass
class _Site:
    """The addresses every part of a catalogue refers to."""

    operator: URIRef
    operator_contact: URIRef
    service: URIRef | None
    api: str | None


class CatalogueBuilder:
    """Build the RDF graph of a catalogue from its gathered content (no queries)."""

    def __init__(self, content: CatalogueContent) -> None:
        self.content = content
        self.graph = Graph()
        for prefix, namespace in {
            "dcat": DCAT,
            "dcterms": DCTERMS,
            "foaf": FOAF,
            "vcard": VCARD,
            "dcatap": DCATAP,
            "skos": SKOS,
        }.items():
            self.graph.bind(prefix, namespace)
        api = _api_url("api:api-root")
        self.site = _Site(
            operator=URIRef(site_url("/#utgivare")),
            operator_contact=URIRef(_url("open_data") + "#kontakt"),
            service=URIRef(api + "#tjanst") if api else None,
            api=api,
        )
        self.datasets: list[URIRef] = []

    def add(self, subject: URIRef, predicate: URIRef, *objects) -> None:
        """Add the triples of the subject, skipping objects that are None."""
        for obj in objects:
            if obj is not None:
                self.graph.add((subject, predicate, obj))

    def build(self, organisation: Organisation | None = None) -> Graph:
        """Return the site's catalogue, or the organisation's with it as publisher."""
        self._add_operator()
        for publisher in self.content.publishers.values():
            self._add_publisher(publisher)
        for plan in self.content.plans:
            self._add_plan(plan)
        for published in self.content.follow_ups:
            self._add_follow_up(published)
        for indicator in self.content.indicators:
            self._add_indicator(indicator)
        self._add_service()
        if organisation is None:
            self._add_site_catalogue()
        else:
            self._add_organisation_catalogue(organisation)
        return self.graph

    # The catalogue ----------------------------------------------------------------------

    def _add_catalogue(self, catalogue: URIRef, *, publisher: URIRef, homepage: str) -> None:
        g = self.add
        g(catalogue, RDF.type, DCAT.Catalog)
        g(catalogue, DCTERMS.publisher, publisher)
        g(catalogue, DCTERMS.license, CATALOGUE_LICENCE)
        g(catalogue, FOAF.homepage, URIRef(homepage))
        g(catalogue, DCTERMS.language, LANGUAGE.SWE)
        g(catalogue, DCTERMS.spatial, COUNTRY.SWE)
        g(catalogue, DCAT.themeTaxonomy, THEME_TAXONOMY)
        g(catalogue, DCAT.dataset, *self.datasets)
        g(catalogue, DCAT.service, self.site.service)
        dates = self._dates()
        if dates:
            g(catalogue, DCTERMS.issued, _date(min(dates)))
            g(catalogue, DCTERMS.modified, _date(max(dates)))

    def _dates(self) -> list[datetime.date]:
        """Return the dates the records were adopted, revised, published or fetched."""
        dates = [d for p in self.content.plans for d in (p.adopted_on, p.revised_on) if d]
        dates += [timezone.localdate(f.published_at) for f in self.content.follow_ups]
        dates += [
            timezone.localdate(row["imported"])
            for row in self.content.indicator_years.values()
            if row["imported"]
        ]
        return dates

    def _add_site_catalogue(self) -> None:
        # Its address answers with the catalogue itself, as the portal loads a catalogue.
        catalogue = URIRef(_url("open_data_catalogue_rdf"))
        self._add_catalogue(catalogue, publisher=self.site.operator, homepage=_url("start"))
        self.add(catalogue, DCTERMS.title, *_texts(gettext_noop("Folkhälsoarbetet: öppna data")))
        description = gettext_noop(
            "Antagna folkhälsoplaner med sina insatser, publicerade uppföljningar och "
            "indikatorer som kommuner, regioner och andra organisationer publicerar på "
            "webbplatsen Folkhälsa."
        )
        self.add(catalogue, DCTERMS.description, *_texts(description))

    def _add_organisation_catalogue(self, organisation: Organisation) -> None:
        catalogue = organisation_catalogue_iri(organisation)
        homepage = _url("organisation", organisation.pk)
        self._add_catalogue(
            catalogue, publisher=self._publisher_iri(organisation), homepage=homepage
        )
        with translation.override("sv"):
            title = _("Folkhälsoarbetet i %(name)s: öppna data") % {"name": organisation.name}
            description = _(
                "Antagna folkhälsoplaner med sina insatser, publicerade uppföljningar och "
                "indikatorer från %(name)s."
            ) % {"name": organisation.name}
        self.add(catalogue, DCTERMS.title, _sv(title))
        self.add(catalogue, DCTERMS.description, _sv(description))

    # Agents and contacts -----------------------------------------------------------------

    def _add_operator(self) -> None:
        g, operator = self.add, self.site.operator
        g(operator, RDF.type, FOAF.Agent)
        g(operator, FOAF.name, _sv(settings.SITE_OPERATOR))
        g(operator, DCTERMS.type, OPERATOR_TYPE)
        g(operator, FOAF.homepage, URIRef(_url("start")))
        contact = self.site.operator_contact
        g(contact, RDF.type, VCARD.Organization)
        g(contact, VCARD.fn, Literal(settings.SITE_OPERATOR))
        # The operator's public address: the one the accessibility statement gives.
        g(contact, VCARD.hasEmail, URIRef(f"mailto:{settings.ACCESSIBILITY_CONTACT_EMAIL}"))
        g(contact, VCARD.hasURL, URIRef(_url("accessibility_statement")))

    def _publisher_iri(self, organisation: Organisation) -> URIRef:
        return URIRef(_url("organisation", organisation.pk) + "#utgivare")

    def _contact_iri(self, organisation: Organisation) -> URIRef:
        """Return the organisation's contact for open data, else the site operator's."""
        if not organisation.data_contact_email:
            return self.site.operator_contact
        return URIRef(_url("organisation_open_data", organisation.pk) + "#kontakt")

    def _area_iri(self, organisation: Organisation) -> URIRef:
        return URIRef(_url("organisation", organisation.pk) + "#omrade")

    def _add_publisher(self, organisation: Organisation) -> None:
        g, publisher = self.add, self._publisher_iri(organisation)
        g(publisher, RDF.type, FOAF.Agent)
        g(publisher, FOAF.name, _sv(organisation.path))
        g(publisher, DCTERMS.type, publisher_type(organisation))
        g(publisher, FOAF.homepage, URIRef(_url("organisation", organisation.pk)))
        contact = self._contact_iri(organisation)
        if contact != self.site.operator_contact:
            g(contact, RDF.type, VCARD.Organization)
            g(contact, VCARD.fn, Literal(organisation.path))
            g(contact, VCARD.hasEmail, URIRef(f"mailto:{organisation.data_contact_email}"))
            g(contact, VCARD.hasURL, URIRef(_url("organisation_contact", organisation.pk)))
        # The area the organisation's data concern: a municipality by its code from SCB.
        area = self._area_iri(organisation)
        g(area, RDF.type, DCTERMS.Location)
        g(area, SKOS.prefLabel, _sv(organisation.path))
        if organisation.municipality_code:
            g(area, DCTERMS.identifier, Literal(organisation.municipality_code))

    # Datasets ----------------------------------------------------------------------------

    def _add_dataset(
        self,
        dataset: URIRef,
        *,
        organisation: Organisation,
        title: str,
        description: str,
        landing_page: str,
        themes: Iterable[URIRef],
        keywords: Iterable[str],
        period: tuple[int, int] | None,
    ) -> None:
        g = self.add
        self.datasets.append(dataset)
        g(dataset, RDF.type, DCAT.Dataset)
        g(dataset, DCTERMS.title, _sv(title))
        g(dataset, DCTERMS.description, _sv(description))
        g(dataset, DCTERMS.publisher, self._publisher_iri(organisation))
        g(dataset, DCAT.contactPoint, self._contact_iri(organisation))
        g(dataset, DCAT.theme, *themes)
        g(dataset, DCAT.keyword, *(_sv(k) for k in dict.fromkeys(keywords) if k))
        g(dataset, DCAT.landingPage, URIRef(landing_page))
        g(dataset, DCTERMS.spatial, self._area_iri(organisation))
        g(dataset, DCTERMS.language, LANGUAGE.SWE)
        g(dataset, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC)
        if period:
            span = BNode()
            g(dataset, DCTERMS.temporal, span)
            g(span, RDF.type, DCTERMS.PeriodOfTime)
            g(span, DCAT.startDate, Literal(f"{period[0]}-01-01", datatype=XSD.date))
            g(span, DCAT.endDate, Literal(f"{period[1]}-12-31", datatype=XSD.date))
        if self.site.service is not None:
            g(self.site.service, DCAT.servesDataset, dataset)

    def _add_distributions(
        self,
        dataset: URIRef,
        files: list["_File"],
        *,
        organisation: Organisation,
        stable: bool = False,
    ) -> None:
        """Add the dataset's files and its resources in the API (where the API has them)."""
        for file in files:
            if file.url is not None:
                self._add_distribution(dataset, file, organisation=organisation, stable=stable)

    def _add_distribution(
        self, dataset: URIRef, file: "_File", *, organisation: Organisation, stable: bool
    ) -> None:
        g, distribution = self.add, URIRef(f"{dataset}-{file.name}")
        url, kind = file.url, file.kind
        g(dataset, DCAT.distribution, distribution)
        g(distribution, RDF.type, DCAT.Distribution)
        g(distribution, DCTERMS.title, *_texts(file.title))
        g(distribution, DCAT.accessURL, URIRef(url))
        if file.api:
            g(distribution, DCAT.accessService, self.site.service)
        else:
            g(distribution, DCAT.downloadURL, URIRef(url))
        g(distribution, DCTERMS.format, Literal(MEDIA_TYPES[kind]))
        g(distribution, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[kind]))
        g(distribution, DCTERMS.license, LICENCES[organisation.data_licence])
        # A published follow-up's files never change; the rest follow the records.
        availability = AVAILABILITY.STABLE if stable else AVAILABILITY.AVAILABLE
        g(distribution, DCATAP.availability, availability)

    def _add_plan(self, plan: Plan) -> None:
        owner = self.content.publishers[plan.owner_id]
        dataset = URIRef(_url("plans:plan_detail", plan.pk) + "#datamangd")
        with translation.override("sv"):
            facts = _("%(kind)s för %(start)s–%(end)s, antagen av %(owner)s.") % {
                "kind": plan.get_kind_display(),
                "start": plan.start_year,
                "end": plan.end_year,
                "owner": plan.adopted_by or owner.name,
            }
            contents = _("Planens fokusområden och insatser, med ansvariga och målår.")
            keywords = [_("folkhälsa"), plan.get_kind_display().lower()]
        purpose = Truncator(plan.purpose).words(DESCRIPTION_WORDS)
        self._add_dataset(
            dataset,
            organisation=owner,
            title=plan.title,
            description=" ".join(filter(None, [facts, contents, purpose])),
            landing_page=_url("plans:plan_detail", plan.pk),
            themes=[THEME.HEAL, THEME.GOVE],
            keywords=[*keywords, *self.content.plan_target_areas.get(plan.pk, [])],
            period=(plan.start_year, plan.end_year),
        )
        self.add(dataset, DCTERMS.issued, _date(plan.adopted_on) if plan.adopted_on else None)
        self.add(dataset, DCTERMS.modified, _date(plan.revised_on) if plan.revised_on else None)
        files = [
            _File("pdf", _url("reports:plan_pdf", plan.pk), gettext_noop("Planen som PDF")),
            _File(
                "csv", _url("open_data_plan_measures", plan.pk), gettext_noop("Insatserna som CSV")
            ),
            _File(
                "json",
                _api_url("api:plan-detail", pk=plan.pk),
                gettext_noop("Planen som JSON (API)"),
                api=True,
            ),
            _File(
                "insatser-json",
                _api_url("api:measure-list", query=f"plan={plan.pk}"),
                gettext_noop("Insatserna som JSON (API)"),
                api=True,
            ),
        ]
        self._add_distributions(dataset, files, organisation=owner)

    def _add_follow_up(self, published: PublishedFollowUp) -> None:
        plan = published.plan
        owner = self.content.publishers[plan.owner_id]
        # The year's follow-up of the plan, whichever version is published now: a corrected
        # version replaces the files of the same dataset.
        dataset = URIRef(_url("plans:plan_detail", plan.pk) + f"#uppfoljning-{published.year}")
        with translation.override("sv"):
            title = _("Uppföljning %(year)s: %(plan)s") % {
                "year": published.year,
                "plan": plan.title,
            }
            description = _(
                "Den årliga uppföljningen av %(plan)s för %(year)s som %(owner)s publicerade "
                "den: hur insatserna går, avvikelser, indikatorer och budget."
            ) % {"plan": plan.title, "year": published.year, "owner": owner.name}
            keywords = [_("folkhälsa"), _("uppföljning"), str(published.year)]
        self._add_dataset(
            dataset,
            organisation=owner,
            title=title,
            description=description,
            landing_page=_url("plans:plan_detail", plan.pk),
            themes=[THEME.HEAL, THEME.GOVE],
            keywords=keywords,
            period=(published.year, published.year),
        )
        self.add(dataset, DCTERMS.issued, _date(published.published_at))
        files = [
            _File(
                "pdf",
                _url("reports:published_pdf", published.pk),
                gettext_noop("Uppföljningen som PDF"),
            ),
            _File(
                "docx",
                _url("reports:published_docx", published.pk),
                gettext_noop("Uppföljningen som Word-fil"),
            ),
            _File(
                "json",
                _api_url("api:publishedfollowup-detail", pk=published.pk),
                gettext_noop("Uppföljningen som JSON (API)"),
                api=True,
            ),
        ]
        self._add_distributions(dataset, files, organisation=owner, stable=True)

    def _add_indicator(self, indicator: Indicator) -> None:
        owner = self.content.publishers[indicator.owner_id]
        dataset = URIRef(_url("reports:indicator_detail", indicator.pk) + "#datamangd")
        years = self.content.indicator_years.get(indicator.pk)
        with translation.override("sv"):
            unit = _("Enhet: %(unit)s.") % {"unit": indicator.unit} if indicator.unit else ""
            description = indicator.description or _("Indikatorns värden per år, område och kön.")
            keywords = [_("folkhälsa"), _("indikator"), indicator.kolada_kpi, indicator.survey]
        self._add_dataset(
            dataset,
            organisation=owner,
            title=indicator.name,
            description=" ".join(filter(None, [description, unit])),
            landing_page=_url("reports:indicator_detail", indicator.pk),
            themes=[THEME.HEAL, THEME.SOCI],
            keywords=keywords,
            period=(years["first"], years["last"]) if years else None,
        )
        if years and years["imported"]:
            self.add(dataset, DCTERMS.modified, _date(years["imported"]))
        if indicator.source == Source.KOLADA:
            self.add(dataset, DCTERMS.source, URIRef(kolada_kpi_url(indicator.kolada_kpi)))
        files = [
            _File(
                "csv",
                _url("open_data_indicator_values", indicator.pk),
                gettext_noop("Värdena som CSV"),
            ),
            _File(
                "json",
                _api_url("api:indicator-detail", pk=indicator.pk),
                gettext_noop("Indikatorn med värden som JSON (API)"),
                api=True,
            ),
        ]
        self._add_distributions(dataset, files, organisation=owner)

    # The API -----------------------------------------------------------------------------

    def _add_service(self) -> None:
        service = self.site.service
        if service is None:
            return
        g = self.add
        g(service, RDF.type, DCAT.DataService)
        g(service, DCTERMS.title, *_texts(gettext_noop("Folkhälsas API")))
        description = gettext_noop(
            "REST-API med antagna planer och deras insatser, publicerade uppföljningar, "
            "indikatorer och offentliga möten, som JSON. Öppet för alla att läsa utan konto."
        )
        g(service, DCTERMS.description, *_texts(description))
        g(service, DCAT.endpointURL, URIRef(self.site.api))
        schema = _api_url("api-schema")
        g(service, DCAT.endpointDescription, URIRef(schema) if schema else None)
        docs = _api_url("api-docs")
        g(service, DCAT.landingPage, URIRef(docs) if docs else None)
        g(service, DCTERMS.publisher, self.site.operator)
        g(service, DCAT.contactPoint, self.site.operator_contact)
        g(service, DCTERMS.format, Literal(MEDIA_TYPES["json"]))
        g(service, DCAT.theme, THEME.HEAL)
        g(service, DCAT.keyword, *(_texts(gettext_noop("folkhälsa"))))
        g(service, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC)


def publisher_type(organisation: Organisation) -> URIRef:
    """Return the ADMS publisher type of the organisation (of the one above, for a unit)."""
    kinds = getattr(organisation, "tree_kinds", None) or [organisation.kind]
    for kind in reversed(kinds):
        if kind in PUBLISHER_TYPES:
            return PUBLISHER_TYPES[kind]
    return PUBLISHER_TYPE.LocalAuthority  # a unit of nothing: most units are a municipality's


def organisation_catalogue_iri(organisation: Organisation) -> URIRef:
    """Return the identifier of the organisation's own catalogue: the address of its RDF/XML,
    so a catalogue naming it as a part (`dcterms:hasPart`) has the portal load it from there."""
    return URIRef(_url("organisation_catalogue_rdf", organisation.pk))


def kolada_kpi_url(kpi: str) -> str:
    """Return the address of a Kolada KPI's definition in Kolada's open API."""
    return f"{settings.KOLADA_API_URL.rstrip('/')}/kpi/{kpi}"


def catalogue_graph(
    content: CatalogueContent, *, organisation: Organisation | None = None
) -> Graph:
    """Return the catalogue as an RDF graph: the site's, or the organisation's."""
    return CatalogueBuilder(content).build(organisation)


# JSON-LD with the prefixes DCAT-AP-SE's examples use, so the file reads as they do.
JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "dcatap": str(DCATAP),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


def serialise(graph: Graph, syntax: str) -> bytes:
    """Return the graph as JSON-LD ("jsonld") or RDF/XML ("rdf"), in UTF-8."""
    if syntax == "jsonld":
        text = graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1)
    else:
        text = graph.serialize(format="xml")
    return text.encode("utf-8")
