"""Workflows of the follow-up: importing indicator values from Kolada."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Organisation
from reports.kolada import KoladaClient, KoladaError, KoladaValue, Kpi
from reports.models import COUNTRY_CODE, Indicator, IndicatorValue, Source

# The fields an import sets on a value; a value whose fields are all equal is left alone.
IMPORTED_FIELDS = ("organisation_id", "area_name", "value", "status", "source")


@dataclass
class IndicatorImport:
    """What an import did to one indicator."""

    indicator: Indicator
    created: bool = False
    renamed: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0

    def describe(self) -> str:
        """Return one Swedish line for the user."""
        if self.created:
            what = _("Indikatorn %(name)s (%(kpi)s) skapades för %(owner)s.")
        elif self.renamed:
            what = _("Indikatorn %(name)s (%(kpi)s) för %(owner)s fick Koladas uppgifter.")
        else:
            what = _("Indikatorn %(name)s (%(kpi)s) för %(owner)s.")
        counts = _(
            "%(new)s nya värden, %(changed)s ändrade, %(unchanged)s oförändrade; "
            "%(missing)s saknas i Kolada."
        )
        names = {"name": self.indicator.name, "kpi": self.indicator.kolada_kpi}
        names["owner"] = self.indicator.owner.name
        numbers = {k: getattr(self, k) for k in ("new", "changed", "unchanged", "missing")}
        return f"{what % names} {counts % numbers}"


@dataclass
class KoladaImport:
    """What an import did, per indicator."""

    indicators: list[IndicatorImport] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(i.new + i.changed + i.created + i.renamed for i in self.indicators)


def indicator_values_import_kolada(
    *,
    kpis: list[str],
    municipalities: list[str],
    years: list[int],
    owner: Organisation | None = None,
    user: User | None = None,
) -> KoladaImport:
    """Import Kolada's figures for the key figures, areas and years, all or nothing.

    Without an owner, each organisation whose municipality code is asked for gets an indicator
    per key figure with its own figures and those of the areas no organisation has (the county,
    the country). With an owner, its indicator gets the figures of every area asked for.
    Everything is fetched before anything is written, so a failure leaves nothing half-imported.
    """
    areas = _area_organisations(municipalities)
    owners = _owners(municipalities, areas, owner)
    with KoladaClient() as kolada:
        metadata = kolada.kpis(kpis)
        names = kolada.areas(municipalities)
        figures = kolada.values(kpis=kpis, areas=municipalities, years=years)
    result = KoladaImport()
    with transaction.atomic():
        for organisation, codes in owners:
            for kpi in kpis:
                chosen = [f for f in figures if f.kpi == kpi and f.area_code in codes]
                done = _import_indicator(organisation, metadata[kpi], user=user)
                _import_values(done, chosen, areas=areas, names=names, user=user)
                result.indicators.append(done)
    return result


def _area_organisations(codes: list[str]) -> dict[str, Organisation]:
    """Return the organisation of each area code that has one; a top-level one first."""
    found: dict[str, Organisation] = {}
    candidates = Organisation.objects.filter(municipality_code__in=codes).order_by(
        F("parent").asc(nulls_first=True), "pk"
    )
    for organisation in candidates:
        found.setdefault(organisation.municipality_code, organisation)
    return found


def _owners(
    codes: list[str], areas: dict[str, Organisation], owner: Organisation | None
) -> list[tuple[Organisation, list[str]]]:
    """Return each owner with the area codes its indicators get."""
    if owner is not None:
        return [(owner, codes)]
    comparisons = [code for code in codes if code not in areas or code == COUNTRY_CODE]
    owners = [(areas[code], [code, *comparisons]) for code in codes if code in areas]
    if not owners:
        raise KoladaError(
            _(
                "Ingen organisation i Folkhälsa har kommunkoden %(codes)s. Ange kommunkoden på "
                "organisationen först, så att värdena får en ägare."
            )
            % {"codes": ", ".join(codes)}
        )
    return owners


def _import_indicator(owner: Organisation, kpi: Kpi, *, user: User | None) -> IndicatorImport:
    """Return the owner's indicator for the key figure, created or given Kolada's title."""
    indicator = Indicator.objects.filter(owner=owner, kolada_kpi=kpi.id).first()
    if indicator is None:
        indicator = Indicator(
            owner=owner,
            kolada_kpi=kpi.id,
            source=Source.KOLADA,
            name=kpi.title[:300],
            description=kpi.description,
            split_by_sex=kpi.divided_by_gender,
        )
        _save(indicator, user)
        return IndicatorImport(indicator=indicator, created=True)
    if (indicator.name, indicator.split_by_sex) == (kpi.title[:300], kpi.divided_by_gender):
        return IndicatorImport(indicator=indicator)
    indicator.name, indicator.split_by_sex = kpi.title[:300], kpi.divided_by_gender
    _save(indicator, user)
    return IndicatorImport(indicator=indicator, renamed=True)


def _import_values(
    done: IndicatorImport,
    figures: list[KoladaValue],
    *,
    areas: dict[str, Organisation],
    names: dict[str, str],
    user: User | None,
) -> None:
    """Store the figures on the indicator: new ones created, changed ones updated, no others."""
    stored = {
        (v.area_code, v.year, v.sex): v for v in done.indicator.values.filter(tertial__isnull=True)
    }
    now = timezone.now()
    for figure in figures:
        wanted = _fields(figure, areas=areas, names=names)
        done.missing += wanted["value"] is None
        record = stored.get((figure.area_code, figure.year, figure.gender))
        if record is not None and all(getattr(record, k) == wanted[k] for k in IMPORTED_FIELDS):
            done.unchanged += 1
            continue
        if record is None:
            record = IndicatorValue(
                indicator=done.indicator, area_code=figure.area_code, year=figure.year
            )
            record.sex = figure.gender
            done.new += 1
        else:
            done.changed += 1
        for name, value in wanted.items():
            setattr(record, name, value)
        record.imported_at = now
        _save(record, user)


def _fields(figure: KoladaValue, *, areas: dict[str, Organisation], names: dict) -> dict:
    """Return the stored fields of a figure; a figure Kolada lacks is stored as missing."""
    organisation = areas.get(figure.area_code)
    return {
        "organisation_id": organisation.pk if organisation else None,
        "area_name": names[figure.area_code][:200],
        "value": figure.value,
        "status": IndicatorValue.Status.MISSING if figure.value is None else "",
        "source": Source.KOLADA,
    }


def _save(record, user: User | None) -> None:
    """Save the record with the user named in its history."""
    if user is not None and user.is_authenticated:
        record._history_user = user
    record.save()
