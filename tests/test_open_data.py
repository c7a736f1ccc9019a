"""The open-data catalogue (DCAT-AP-SE 3) and its CSV files: every property DCAT-AP-SE makes
mandatory, and the recommended ones we fill, read back from both serialisations; only what
anonymous visitors read (no draft, no archived version, no indicator of a draft); each
organisation's licence on its files; CSV files a Swedish spreadsheet opens; 404 to everyone for
what is not public; a fixed number of queries whatever the catalogue holds.

The properties are those of DIGG's examples `exempel/obligatoriskt.ttl` and `rekommenderat.ttl`
and the profile's templates (diggsweden/DCAT-AP-SE, version 3).
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from councils.models import Body
from councils.selectors import STOCKHOLM
from folkhalsa.open_data import DCATAP, catalogue_content, catalogue_graph
from plans.models import FocusArea, Measure, Organisation, Plan, Responsibility
from reports.models import Indicator, IndicatorValue, PublishedFollowUp, Sex, Source
from tests.conftest import client_for
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db

SITE = "https://folkhalsa.example.se"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
HEAL = URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")
PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
SYNTAXES = {"jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE
    settings.SITE_OPERATOR = "Folkhälsoförbundet"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "webb@folkhalsa.example.se"


def _published(plan: Plan, year: int, **fields) -> PublishedFollowUp:
    return PublishedFollowUp.objects.create(
        plan=plan,
        year=year,
        content={},
        pdf=b"%PDF-1.7",
        published_at=datetime.datetime(year + 1, 3, 1, 9, tzinfo=STOCKHOLM),
        **fields,
    )


def _indicator(
    owner: Organisation, name: str, area: FocusArea, *values, kpi: str = "N00957"
) -> Indicator:
    indicator = Indicator.objects.create(
        owner=owner, name=name, unit="dagar", source=Source.KOLADA, kolada_kpi=kpi
    )
    indicator.focus_areas.add(area)
    for year, sex, value in values:
        IndicatorValue.objects.create(
            indicator=indicator,
            area_code="1962",
            area_name="Norberg",
            year=year,
            sex=sex,
            value=value,
            source=Source.KOLADA,
        )
    return indicator


def _measure(plan: Plan, area: FocusArea, code: str, title: str, **fields) -> Measure:
    return Measure.objects.create(plan=plan, focus_area=area, code=code, title=title, **fields)


@pytest.fixture
def published(norberg, library, alingsas, adopted_plan, draft_plan):
    """Norberg's adopted strategy with measures, a follow-up (and its archived first version),
    a public indicator, and what must stay out: a draft plan and an indicator of it."""
    Plan.objects.filter(pk=adopted_plan.pk).update(
        adopted_on=datetime.date(2022, 6, 13), adopted_by="Kommunfullmäktige"
    )
    area = FocusArea.objects.create(plan=adopted_plan, number="2", title="Det tidiga livet")
    first = _measure(adopted_plan, area, "2A", "Föräldraträffar", target_year=2025, order=1)
    first.status = Measure.Status.ONGOING
    first.save()
    Responsibility.objects.create(
        measure=first, organisation=library, role=Responsibility.Role.RESPONSIBLE
    )
    Responsibility.objects.create(
        measure=first, organisation=alingsas, role=Responsibility.Role.PARTNER
    )
    _measure(adopted_plan, area, "2B", '=HYPERLINK("x")', order=2)
    current = _published(adopted_plan, 2024)
    _published(adopted_plan, 2024, replaced_by=current, reason="Rättat ett år")
    public = _indicator(
        norberg,
        "Ohälsotal",
        area,
        (2023, Sex.TOTAL, Decimal("31.9")),
        (2022, Sex.WOMEN, Decimal("35.25")),
    )
    draft_area = FocusArea.objects.create(plan=draft_plan, number="1", title="Utkastets område")
    private = _indicator(
        norberg, "Utkastets indikator", draft_area, (2023, Sex.TOTAL, 1), kpi="N00001"
    )
    return {
        "plan": adopted_plan,
        "draft": draft_plan,
        "follow_up": current,
        "archived": PublishedFollowUp.objects.exclude(pk=current.pk).get(),
        "indicator": public,
        "private_indicator": private,
        "measures": [first],
    }


def _graph(url: str, syntax: str, user=None) -> Graph:
    cache.clear()  # the site's catalogue is kept a while (tested below)
    response = client_for(user).get(url)
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content.decode("utf-8"), format=SYNTAXES[syntax])
    return graph


def _site_graph(syntax: str = "rdf") -> Graph:
    return _graph(reverse(f"open_data_catalogue_{syntax}"), syntax)


def _organisation_graph(organisation: Organisation, syntax: str = "rdf") -> Graph:
    return _graph(reverse(f"organisation_catalogue_{syntax}", args=[organisation.pk]), syntax)


def _one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def _has(graph: Graph, subject, *predicates) -> None:
    for predicate in predicates:
        assert list(graph.objects(subject, predicate)), (subject, predicate)


def _swedish(graph: Graph, subject, predicate) -> str:
    texts = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    swedish = [str(t) for t in texts if t.language == "sv"]
    assert swedish, (subject, predicate)
    return swedish[0]


def _datasets(graph: Graph) -> dict[str, URIRef]:
    """Return the catalogue's datasets by their Swedish title."""
    return {_swedish(graph, d, DCTERMS.title): d for d in graph.subjects(RDF.type, DCAT.Dataset)}


def _check_agent(graph: Graph, agent) -> None:
    assert isinstance(agent, URIRef)  # no blank node: the portal merges publishers by address
    assert (agent, RDF.type, FOAF.Agent) in graph
    _has(graph, agent, FOAF.name)
    assert str(_one(graph, agent, DCTERMS.type)).startswith("http://purl.org/adms/publishertype/")


def _check_contact(graph: Graph, contact) -> None:
    assert isinstance(contact, URIRef)
    assert (contact, RDF.type, VCARD.Organization) in graph
    _has(graph, contact, VCARD.fn)
    assert str(_one(graph, contact, VCARD.hasEmail)).startswith("mailto:")


@pytest.mark.parametrize("syntax", ["jsonld", "rdf"])
def test_the_catalogue_reads_back_with_every_mandatory_property(published, syntax):
    graph = _site_graph(syntax)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalogue) == SITE + "/oppna-data/katalog.rdf"
    assert _swedish(graph, catalogue, DCTERMS.title)
    assert _swedish(graph, catalogue, DCTERMS.description)
    assert _one(graph, catalogue, DCTERMS.license) == CC0
    _check_agent(graph, _one(graph, catalogue, DCTERMS.publisher))
    assert str(_one(graph, _one(graph, catalogue, DCTERMS.publisher), FOAF.name)) == (
        "Folkhälsoförbundet"
    )
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert datasets == set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 3  # the plan, its follow-up, the public indicator
    for dataset in datasets:
        assert isinstance(dataset, URIRef)
        assert _swedish(graph, dataset, DCTERMS.title)
        assert _swedish(graph, dataset, DCTERMS.description)
        _check_agent(graph, _one(graph, dataset, DCTERMS.publisher))
        _check_contact(graph, _one(graph, dataset, DCAT.contactPoint))
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            assert isinstance(distribution, URIRef)
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert str(_one(graph, distribution, DCAT.accessURL)).startswith(SITE + "/")
            assert "/" in str(_one(graph, distribution, DCTERMS.format))  # a media type


@pytest.mark.parametrize("syntax", ["jsonld", "rdf"])
def test_the_catalogue_fills_the_recommended_properties(published, syntax):
    graph = _site_graph(syntax)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    _has(graph, catalogue, DCTERMS.issued, DCTERMS.modified, FOAF.homepage, DCTERMS.language)
    _has(graph, catalogue, DCTERMS.spatial, DCAT.themeTaxonomy)
    assert str(_one(graph, catalogue, DCTERMS.issued)) == "2022-06-13"  # the plan's adoption
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        _has(graph, dataset, DCAT.keyword, DCAT.landingPage, DCTERMS.spatial, DCTERMS.temporal)
        assert HEAL in set(graph.objects(dataset, DCAT.theme))
        assert _one(graph, dataset, DCTERMS.accessRights) == PUBLIC
        period = _one(graph, dataset, DCTERMS.temporal)
        _has(graph, period, DCAT.startDate, DCAT.endDate)
        for distribution in graph.objects(dataset, DCAT.distribution):
            _has(graph, distribution, DCTERMS.title, DCAT.mediaType, DCATAP.availability)
            _one(graph, distribution, DCTERMS.license)
    datasets = _datasets(graph)
    plan = datasets["Strategi för folkhälsoarbetet 2022–2026"]
    assert str(_one(graph, plan, DCTERMS.issued)) == "2022-06-13"
    period = _one(graph, plan, DCTERMS.temporal)
    assert str(_one(graph, period, DCAT.startDate)) == "2022-01-01"
    assert str(_one(graph, period, DCAT.endDate)) == "2026-12-31"
    follow_up = datasets["Uppföljning 2024: Strategi för folkhälsoarbetet 2022–2026"]
    assert str(_one(graph, follow_up, DCTERMS.issued)) == "2025-03-01"
    indicator_period = _one(graph, datasets["Ohälsotal"], DCTERMS.temporal)
    assert str(_one(graph, indicator_period, DCAT.startDate)) == "2022-01-01"
    assert str(_one(graph, indicator_period, DCAT.endDate)) == "2023-12-31"
    publisher = _one(graph, plan, DCTERMS.publisher)
    assert str(_one(graph, publisher, FOAF.name)) == "Norbergs kommun"
    assert str(_one(graph, publisher, DCTERMS.type)).endswith("/LocalAuthority")


def _files(graph: Graph, dataset) -> dict[str, URIRef]:
    """Return the dataset's distributions by the address they are fetched at."""
    return {
        str(_one(graph, d, DCAT.accessURL)): d for d in graph.objects(dataset, DCAT.distribution)
    }


def test_each_dataset_offers_its_files(published):
    graph = _site_graph()
    datasets = _datasets(graph)
    plan, follow_up = published["plan"], published["follow_up"]
    plan_files = _files(graph, datasets[plan.title])
    pdf = plan_files[SITE + reverse("reports:plan_pdf", args=[plan.pk])]
    assert str(_one(graph, pdf, DCTERMS.format)) == "application/pdf"
    assert str(_one(graph, pdf, DCAT.downloadURL)) == SITE + f"/planer/{plan.pk}/plan.pdf"
    csv_file = plan_files[SITE + f"/oppna-data/planer/{plan.pk}/insatser.csv"]
    assert str(_one(graph, csv_file, DCTERMS.format)) == "text/csv"
    follow_up_files = _files(graph, datasets[f"Uppföljning 2024: {plan.title}"])
    assert SITE + f"/uppfoljningar/{follow_up.pk}.pdf" in follow_up_files
    docx = follow_up_files[SITE + f"/uppfoljningar/{follow_up.pk}.docx"]
    assert "wordprocessingml" in str(_one(graph, docx, DCTERMS.format))
    indicator = published["indicator"]
    indicator_files = _files(graph, datasets["Ohälsotal"])
    assert SITE + f"/oppna-data/indikatorer/{indicator.pk}/varden.csv" in indicator_files


def test_the_api_is_a_data_service_its_json_files_are_served_by(published):
    graph = _site_graph()
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert _swedish(graph, service, DCTERMS.title)
    assert str(_one(graph, service, DCAT.endpointURL)) == SITE + reverse("api:api-root")
    assert str(_one(graph, service, DCAT.endpointDescription)) == SITE + reverse("api-schema")
    assert str(_one(graph, service, DCTERMS.format)) == "application/json"
    _check_agent(graph, _one(graph, service, DCTERMS.publisher))
    _check_contact(graph, _one(graph, service, DCAT.contactPoint))
    assert _one(graph, service, DCTERMS.accessRights) == PUBLIC
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert _one(graph, catalogue, DCAT.service) == service
    plan = published["plan"]
    plan_files = _files(graph, _datasets(graph)[plan.title])
    json_file = plan_files[SITE + reverse("api:plan-detail", kwargs={"pk": plan.pk})]
    assert _one(graph, json_file, DCAT.accessService) == service
    assert str(_one(graph, json_file, DCTERMS.format)) == "application/json"
    assert set(graph.objects(service, DCAT.servesDataset)) == set(
        graph.subjects(RDF.type, DCAT.Dataset)
    )
    assert SITE + reverse("api:measure-list") + f"?plan={plan.pk}" in plan_files
    # Every JSON file answers anyone, without an account.
    served = list(graph.subjects(DCAT.accessService, service))
    assert len(served) == 4  # the plan, its measures, the follow-up, the indicator
    client = client_for(None)
    for distribution in served:
        address = str(_one(graph, distribution, DCAT.accessURL)).removeprefix(SITE)
        response = client.get(address, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, address
        assert response["Content-Type"].startswith("application/json")


def test_drafts_archived_versions_and_indicators_of_drafts_are_left_out(published):
    graph = _site_graph()
    text = graph.serialize(format="nt")
    draft, archived = published["draft"], published["archived"]
    assert draft.title not in text
    assert f"/planer/{draft.pk}/" not in text
    assert f"/uppfoljningar/{archived.pk}." not in text
    assert "Utkastets indikator" not in text
    assert f"/indikatorer/{published['private_indicator'].pk}/" not in text


def test_a_corrected_follow_up_is_the_same_dataset_with_new_files(published):
    old = published["follow_up"]
    graph = _site_graph()
    (dataset,) = (d for t, d in _datasets(graph).items() if t.startswith("Uppföljning 2024"))
    assert SITE + f"/uppfoljningar/{old.pk}.pdf" in _files(graph, dataset)
    new = _published(published["plan"], 2025)
    PublishedFollowUp.objects.filter(pk=old.pk).update(replaced_by=new)
    PublishedFollowUp.objects.filter(pk=new.pk).update(year=2024, reason="Rättad siffra")
    graph = _site_graph()
    (again,) = (d for t, d in _datasets(graph).items() if t.startswith("Uppföljning 2024"))
    assert again == dataset
    files = _files(graph, again)
    assert SITE + f"/uppfoljningar/{new.pk}.pdf" in files
    assert SITE + f"/uppfoljningar/{old.pk}.pdf" not in files


def test_each_organisations_licence_is_on_its_files(published, alingsas):
    Organisation.objects.filter(pk=alingsas.pk).update(
        data_licence=Organisation.DataLicence.CC0, data_contact_email="oppnadata@alingsas.se"
    )
    Plan.objects.create(
        owner=alingsas,
        kind=Plan.Kind.PROGRAMME,
        title="Folkhälsoprogram för Alingsås",
        start_year=2024,
        end_year=2027,
        status=Plan.Status.ADOPTED,
    )
    graph = _site_graph()
    datasets = _datasets(graph)
    licences = {
        title: {_one(graph, d, DCTERMS.license) for d in graph.objects(dataset, DCAT.distribution)}
        for title, dataset in datasets.items()
    }
    assert licences.pop("Folkhälsoprogram för Alingsås") == {CC0}
    assert set(map(frozenset, licences.values())) == {frozenset({CC_BY})}  # Norberg's default
    contact = _one(graph, datasets["Folkhälsoprogram för Alingsås"], DCAT.contactPoint)
    assert str(_one(graph, contact, VCARD.hasEmail)) == "mailto:oppnadata@alingsas.se"


def test_its_administrator_chooses_the_licence_and_contact_in_the_admin(published, norberg, diana):
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    client = client_for(diana)
    form = page_form(client.get(url))
    assert form.data()["data_licence"] == ["cc-by-4.0"]  # the default until she chooses
    data = form.data(data_licence="cc0-1.0", data_contact_email="oppnadata@norberg.se")
    assert client.post(url, data).status_code == 302
    graph = _organisation_graph(norberg)
    dataset = _datasets(graph)[published["plan"].title]
    licences = {_one(graph, d, DCTERMS.license) for d in graph.objects(dataset, DCAT.distribution)}
    assert licences == {CC0}
    contact = _one(graph, dataset, DCAT.contactPoint)
    assert str(_one(graph, contact, VCARD.hasEmail)) == "mailto:oppnadata@norberg.se"
    assert norberg.history.order_by("-history_id").first().history_user == diana


def test_without_an_address_of_its_own_the_contact_is_the_site_operator(published):
    graph = _site_graph()
    contact = _one(graph, _datasets(graph)["Ohälsotal"], DCAT.contactPoint)
    assert str(_one(graph, contact, VCARD.hasEmail)) == "mailto:webb@folkhalsa.example.se"
    assert str(_one(graph, contact, VCARD.fn)) == "Folkhälsoförbundet"


@pytest.mark.parametrize("syntax", ["jsonld", "rdf"])
def test_an_organisations_catalogue_is_its_own(published, norberg, alingsas, syntax):
    Plan.objects.create(
        owner=alingsas,
        kind=Plan.Kind.PROGRAMME,
        title="Folkhälsoprogram för Alingsås",
        start_year=2024,
        end_year=2027,
        status=Plan.Status.ADOPTED,
    )
    graph = _organisation_graph(norberg, syntax)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalogue) == SITE + f"/oppna-data/organisationer/{norberg.pk}/katalog.rdf"
    assert "Norbergs kommun" in _swedish(graph, catalogue, DCTERMS.title)
    publisher = _one(graph, catalogue, DCTERMS.publisher)
    _check_agent(graph, publisher)
    assert str(_one(graph, publisher, FOAF.name)) == "Norbergs kommun"
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == 3
    assert {_one(graph, d, DCTERMS.publisher) for d in datasets} == {publisher}
    assert "Alingsås" not in graph.serialize(format="nt")


def test_a_units_publisher_type_is_its_municipalitys(published, library):
    area = FocusArea.objects.get(title="Det tidiga livet")
    _indicator(library, "Utlån per invånare", area, (2023, Sex.TOTAL, 7))
    graph = _organisation_graph(library)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    publisher = _one(graph, catalogue, DCTERMS.publisher)
    assert str(_one(graph, publisher, FOAF.name)) == "Norbergs kommun › Biblioteket"
    assert str(_one(graph, publisher, DCTERMS.type)).endswith("/LocalAuthority")


def _csv(url: str) -> tuple[list[str], list[list[str]], bytes]:
    response = client_for(None).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    return rows[0], rows[1:], body


def test_a_plans_measures_download_as_csv(published, alingsas):
    plan = published["plan"]
    header, rows, body = _csv(reverse("open_data_plan_measures", args=[plan.pk]))
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads å, ä and ö as UTF-8
    assert header == [
        "Nr",
        "Insats",
        "Fokusområde",
        "Huvudaktör",
        "Ansvarig",
        "Samverkan",
        "Målår",
        "Läge i planen",
    ]
    assert rows == [
        [
            "2A",
            "Föräldraträffar",
            "2 Det tidiga livet",
            "",
            "Norbergs kommun › Biblioteket",
            "Alingsås kommun",
            "2025",
            "Pågående/förankrad",
        ],
        ["2B", '\'=HYPERLINK("x")', "2 Det tidiga livet", "", "", "", "", ""],
    ]


def test_an_indicators_values_download_as_csv_with_decimal_commas(published):
    indicator = published["indicator"]
    header, rows, _body = _csv(reverse("open_data_indicator_values", args=[indicator.pk]))
    assert header[:6] == ["År", "Tertial", "Områdeskod", "Område", "Kön (T/K/M)", "Värde"]
    assert rows == [
        ["2022", "", "1962", "Norberg", "K", "35,25", "dagar", "Kolada, N00957", "", ""],
        ["2023", "", "1962", "Norberg", "T", "31,9", "dagar", "Kolada, N00957", "", ""],
    ]


def test_what_is_not_public_is_404_to_everyone(published, alingsas, alice, charlie):
    _body = Body.objects.create(organisation=alingsas, name="Folkhälsorådet", is_public=True)
    addresses = [
        reverse("open_data_plan_measures", args=[published["draft"].pk]),
        reverse("open_data_indicator_values", args=[published["private_indicator"].pk]),
        # Alingsås publishes a public body, but no dataset.
        reverse("organisation_open_data", args=[alingsas.pk]),
        reverse("organisation_catalogue_rdf", args=[alingsas.pk]),
        reverse("organisation_catalogue_jsonld", args=[alingsas.pk]),
    ]
    for user in (None, alice, charlie):
        for address in addresses:
            assert client_for(user).get(address).status_code == 404, (user, address)


def test_the_answers_say_what_they_are_and_may_be_cached(published, norberg):
    client = client_for(None)
    expected = {
        reverse("open_data_catalogue_jsonld"): "application/ld+json; charset=utf-8",
        reverse("open_data_catalogue_rdf"): "application/rdf+xml; charset=utf-8",
        reverse("organisation_catalogue_jsonld", args=[norberg.pk]): "application/ld+json",
        reverse("organisation_catalogue_rdf", args=[norberg.pk]): "application/rdf+xml",
        reverse("open_data_plan_measures", args=[published["plan"].pk]): "text/csv",
    }
    for address, content_type in expected.items():
        response = client.get(address)
        assert response["Content-Type"].startswith(content_type)
        assert "public" in response["Cache-Control"]
        assert "max-age=300" in response["Cache-Control"]
    assert client.post(reverse("open_data_catalogue_rdf")).status_code == 405
    # The pages carry the visitor's menu (her name when logged in): no shared cache keeps them.
    for page in (reverse("open_data"), reverse("organisation_open_data", args=[norberg.pk])):
        assert "public" not in client.get(page).get("Cache-Control", "")


def test_the_open_data_page_lists_the_organisations_with_their_licence(published, alingsas):
    response = client_for(None).get(reverse("open_data"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("open_data_catalogue_rdf") in page
    assert reverse("organisation_open_data", args=[published["plan"].owner_id]) in page
    assert "CC BY 4.0" in page
    assert "Alingsås" not in page  # nothing published as open data


def test_the_organisation_page_says_how_to_register_the_catalogue(published, norberg):
    response = client_for(None).get(reverse("organisation_open_data", args=[norberg.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{SITE}/oppna-data/organisationer/{norberg.pk}/katalog.rdf" in page
    assert "admin.dataportal.se" in page
    assert "CC BY 4.0" in page
    assert "webb@folkhalsa.example.se" in page  # no address of its own: the operator's
    assert published["plan"].title in page
    assert published["draft"].title not in page
    organisation_page = client_for(None).get(reverse("organisation", args=[norberg.pk]))
    assert reverse("organisation_open_data", args=[norberg.pk]) in organisation_page.text


def _queries(address: str) -> int:
    cache.clear()
    client = client_for(None)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _more(norberg, alingsas) -> None:
    """Add a second adopted plan with measures, follow-ups, an indicator, another publisher."""
    plan = Plan.objects.create(
        owner=norberg,
        kind=Plan.Kind.ACTION_PLAN,
        title="Handlingsplan 2025",
        start_year=2025,
        end_year=2025,
        status=Plan.Status.ADOPTED,
        revised_on=datetime.date(2025, 9, 1),
    )
    plan.target_areas.set([1, 2])
    area = FocusArea.objects.create(plan=plan, number="1", title="Skolan")
    for code in ("1A", "1B", "1C"):
        measure = _measure(plan, area, code, f"Insats {code}")
        Responsibility.objects.create(
            measure=measure, organisation=alingsas, role=Responsibility.Role.LEAD
        )
    _published(plan, 2025)
    _indicator(norberg, "Andel som röker", area, (2024, Sex.MEN, Decimal("11.5")), kpi="N00002")
    other = Plan.objects.create(
        owner=alingsas,
        kind=Plan.Kind.STRATEGY,
        title="Alingsås strategi",
        start_year=2023,
        end_year=2030,
        status=Plan.Status.ADOPTED,
    )
    _published(other, 2023)


def test_the_queries_do_not_grow_with_the_catalogue(published, norberg, alingsas):
    plan = published["plan"]
    addresses = [
        reverse("open_data_catalogue_rdf"),
        reverse("organisation_catalogue_jsonld", args=[norberg.pk]),
        reverse("organisation_open_data", args=[norberg.pk]),
        reverse("open_data"),
        reverse("open_data_plan_measures", args=[plan.pk]),
        reverse("open_data_indicator_values", args=[published["indicator"].pk]),
    ]
    before = [_queries(address) for address in addresses]
    _more(norberg, alingsas)
    for measure in ("2C", "2D"):
        created = _measure(plan, FocusArea.objects.get(title="Det tidiga livet"), measure, "X")
        Responsibility.objects.create(
            measure=created, organisation=alingsas, role=Responsibility.Role.LEAD
        )
    IndicatorValue.objects.create(
        indicator=published["indicator"],
        area_code="0000",
        area_name="Riket",
        year=2023,
        value=Decimal("28.1"),
        source=Source.KOLADA,
    )
    after = [_queries(address) for address in addresses]
    assert after == before
    graph = catalogue_graph(catalogue_content())
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 8


def test_the_sites_catalogue_is_made_once_while_it_may_be_cached(published, norberg):
    address = reverse("open_data_catalogue_rdf")
    assert _queries(address) > 0
    client = client_for(None)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    assert len(captured) == 0


def test_no_blank_node_names_a_catalogue_dataset_file_publisher_or_contact(published):
    graph = _site_graph()
    kinds = [DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, FOAF.Agent]
    kinds.append(VCARD.Organization)
    for kind in kinds:
        for subject in graph.subjects(RDF.type, kind):
            assert not isinstance(subject, BNode), kind
            assert str(subject).startswith(SITE + "/"), subject
