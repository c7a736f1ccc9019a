"""Organisations, plans and everything a plan holds: focus areas, results, measures, budgets."""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.query import TreeQuerySet

from folkhalsa.fields import LongTextField, SingleLineCharField
from folkhalsa.validators import validate_date_in_range, validate_logo, validate_single_line

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2200)]
PATH_SEPARATOR = " › "


# The nodes a tree read needs when it starts from given ones: every node below them (walking
# down `parent_id`) and, for their paths, every node above them up to the top. Two recursive
# CTEs seeded with the given ids, inside the one query: django-tree-queries' own recursion then
# walks only these rows (its rank table, `tree_filter`), never the whole table. Quoted names and
# UNION (which also stops at a cycle) read the same on SQLite and PostgreSQL.
_DOWN = """__down(id) AS (
    SELECT "{pk}" FROM "{table}" WHERE "{pk}" IN ({seeds})
    UNION SELECT T."{pk}" FROM "{table}" T JOIN __down ON T."parent_id" = __down.id)"""
_UP = """__up(id, parent_id) AS (
    SELECT "{pk}", "parent_id" FROM "{table}" WHERE "{pk}" IN ({seeds})
    UNION SELECT T."{pk}", T."parent_id" FROM "{table}" T JOIN __up ON T."{pk}" = __up.parent_id)"""


def _reach(model: type[models.Model], ids: list[int], *, down: bool) -> RawSQL:
    """Return a subquery of the ids of the given nodes, their ancestors and (`down`) their
    descendants."""
    names = {
        "pk": model._meta.pk.column,
        "table": model._meta.db_table,
        "seeds": ", ".join(["%s"] * len(ids)),
    }
    if down:
        ctes, select = [_DOWN, _UP], "SELECT id FROM __down UNION SELECT id FROM __up"
        params = ids * 2
    else:
        ctes, select, params = [_UP], "SELECT id FROM __up", ids
    sql = "WITH RECURSIVE " + ", ".join(cte.format(**names) for cte in ctes) + " " + select
    return RawSQL(sql, params)


class SubtreeQuerySet(TreeQuerySet):
    """A tree read through recursive queries (django-tree-queries), never a loop: the one
    helper of every hierarchy (organisations, focus areas, bodies).

    `below` and `at` start from the nodes they are given: the recursion visits those nodes, the
    nodes below them (`below`) and the nodes above them, whatever the size of the tree. Their
    tree fields (`tree_path`, `tree_depth`, `tree_names`, …) are as from the top of the tree.
    """

    def below(self, root_ids: Iterable[int]) -> "SubtreeQuerySet":
        """Return the nodes with one of the given ones at or above them."""
        root_ids = sorted(set(root_ids))
        if not root_ids:
            # Still with the tree fields, so callers may read `tree_path` of no rows.
            return self.with_tree_fields().none()
        within = Q()
        for pk in root_ids:
            within |= Q(tree_path__contains=pk)
        reach = _reach(self.model, root_ids, down=True)
        return self._chain().tree_filter(pk__in=reach).filter(within)

    def at(self, ids: Iterable[int]) -> "SubtreeQuerySet":
        """Return the given nodes with their tree fields; the recursion walks up from them only."""
        ids = sorted(set(ids))
        if not ids:
            return self.with_tree_fields().none()
        reach = _reach(self.model, ids, down=False)
        return self._chain().tree_filter(pk__in=reach).filter(pk__in=ids)


class OrganisationQuerySet(SubtreeQuerySet):
    """Organisations: a municipality or region and its units."""

    def with_paths(self) -> "OrganisationQuerySet":
        """Annotate each organisation with its names from the top down (`tree_names`)."""
        return self.with_tree_fields().tree_fields(tree_names="name")


class Organisation(models.Model):
    """An actor: a municipality, a region, an authority or one of their units."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Kommun")
        REGION = "region", _("Region")
        LANSSTYRELSE = "lansstyrelse", _("Länsstyrelse")
        POLIS = "polis", _("Polis")
        CIVILSAMHALLE = "civilsamhalle", _("Civilsamhälle")
        NARINGSLIV = "naringsliv", _("Näringsliv")
        AKADEMI = "akademi", _("Akademi")
        ANNAN = "annan", _("Annan")
        ENHET = "enhet", _("Förvaltning eller enhet")
        SAMVERKAN = "samverkan", _("Samverkan")

    class DataLicence(models.TextChoices):
        CC_BY = "cc-by-4.0", _("CC BY 4.0: fritt att använda med angivande av källa")
        CC0 = "cc0-1.0", _("CC0 1.0: fritt att använda utan villkor")

    name = SingleLineCharField(_("namn"), max_length=200)
    kind = SingleLineCharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.ANNAN)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ingår i"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    municipality_code = SingleLineCharField(
        _("kommunkod"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{4}\Z", _("Kommunkoden är fyra siffror, t.ex. 1962."))],
        help_text=_("SCB:s fyrsiffriga kommunkod, för kommuner."),
    )
    logo = models.FileField(
        _("logotyp"),
        upload_to="logotyper/",
        max_length=200,
        blank=True,
        validators=[validate_logo],
        help_text=_(
            "PNG eller SVG, högst 300 kB. Står på försättsbladet till planens uppföljning."
        ),
    )
    # The organisation's public contact and privacy page (organisationer/<id>/kontakt/).
    contact_text = LongTextField(
        _("kontaktuppgifter"),
        blank=True,
        help_text=_(
            "Visas på organisationens offentliga kontaktsida: vem man vänder sig till med frågor "
            "om planerna, uppföljningen och mötena, med e-post, telefon och adress."
        ),
    )
    privacy_text = LongTextField(
        _("personuppgifter"),
        blank=True,
        help_text=_(
            "Visas på kontaktsidan: hur organisationen behandlar personuppgifter på webbplatsen, "
            "rättslig grund, hur länge uppgifterna sparas och vem som är dataskyddsombud."
        ),
    )
    # Open data (folkhalsa/open_data.py): the licence of everything the organisation publishes
    # in the catalogue. CC BY 4.0 by default, though DIGG recommends CC0: a licence cannot be
    # taken back once data has been released under it, so the default must be the one an
    # organisation can later loosen to CC0, never rights given away that nobody chose to give.
    data_licence = SingleLineCharField(
        _("licens för öppna data"),
        max_length=20,
        choices=DataLicence.choices,
        default=DataLicence.CC_BY,
        help_text=_(
            "Gäller planerna, uppföljningarna och indikatorerna organisationen publicerar som "
            "öppna data. Digg rekommenderar CC0. En licens kan inte dras tillbaka för data som "
            "redan har hämtats, så byt bara från CC BY 4.0 till CC0, inte tvärtom."
        ),
    )
    data_contact_email = models.EmailField(
        _("e-post för frågor om öppna data"),
        blank=True,
        validators=[validate_single_line],
        help_text=_(
            "Står som kontaktpunkt i organisationens datakatalog, till exempel "
            "oppnadata@kommun.se. Lämnas den tom anges webbplatsens kontaktadress."
        ),
    )
    # A collaboration (samverkan) is made of whole organisations that keep their own roles: a
    # role in a member counts as the same role in the collaboration (plans.permissions).
    members = models.ManyToManyField(
        "self",
        verbose_name=_("medlemmar"),
        through="CollaborationMember",
        through_fields=("collaboration", "member"),
        symmetrical=False,
        blank=True,
        related_name="collaborations",
    )
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        # Lists of bodies, meetings and their rows, plans and indicators are ordered by their
        # organisation's name: a page is read through this index, not sorted over a country.
        indexes = [models.Index(fields=["name"], name="organisation_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="organisation_unique_name_in_parent",
                violation_error_message=_("Det finns redan en enhet med det namnet här."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="organisation_unique_top_level_name",
                violation_error_message=_("Det finns redan en organisation med det namnet."),
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        """Return the names from the top organisation down to this one."""
        names = getattr(self, "tree_names", None)
        if names is None:
            if self.parent_id is None:
                return self.name
            if self.pk is None:
                parent = self.parent.path if self.parent_id else ""
                return f"{parent}{PATH_SEPARATOR}{self.name}" if parent else self.name
            # One recursive query, whatever the depth; lists annotate `tree_names` instead.
            stored = Organisation.objects.with_paths().at([self.pk]).first()
            names = [*stored.tree_names[:-1], self.name] if stored else [self.name]
            self.tree_names = names
        return PATH_SEPARATOR.join(map(str, names))

    def clean(self) -> None:
        """Refuse a parent that is the organisation itself or one of its own units."""
        if self.pk is None or self.parent_id is None:
            return
        if Organisation.objects.below([self.pk]).filter(pk=self.parent_id).exists():
            raise ValidationError(
                {"parent": _("En organisation kan inte ingå i sig själv eller sina enheter.")}
            )


class CollaborationMember(models.Model):
    """An organisation taking part in a collaboration (samverkan) as a whole member."""

    collaboration = models.ForeignKey(
        Organisation,
        verbose_name=_("samverkan"),
        on_delete=models.CASCADE,
        related_name="member_rows",
        limit_choices_to={"kind": Organisation.Kind.SAMVERKAN},
    )
    member = models.ForeignKey(
        Organisation,
        verbose_name=_("medlem"),
        on_delete=models.PROTECT,
        related_name="collaboration_rows",
        limit_choices_to={"parent__isnull": True},
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlem i samverkan")
        verbose_name_plural = _("medlemmar i samverkan")
        ordering = ["collaboration", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "member"],
                name="collaboration_member_unique",
                violation_error_message=_("Organisationen är redan medlem i samverkan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} i {self.collaboration.name}"

    def clean(self) -> None:
        """A collaboration's members are other top-level organisations, not collaborations."""
        collaboration = self.collaboration if self.collaboration_id else None
        member = self.member if self.member_id else None
        if collaboration is not None and collaboration.kind != Organisation.Kind.SAMVERKAN:
            raise ValidationError(
                {"collaboration": _("Bara en organisation av typen samverkan har medlemmar.")}
            )
        if member is not None and (
            member.pk == self.collaboration_id
            or member.kind == Organisation.Kind.SAMVERKAN
            or member.parent_id is not None
        ):
            raise ValidationError(
                {
                    "member": _(
                        "En medlem är en hel organisation (inte en enhet eller en annan samverkan)."
                    )
                }
            )


class Person(models.Model):
    """A named person at an organisation: contact, owner of a measure, council member."""

    name = SingleLineCharField(_("namn"), max_length=200)
    title = SingleLineCharField(_("titel"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True, validators=[validate_single_line])
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("Kontot personen loggar in med, t.ex. för att se sina möten och justera."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Role(models.Model):
    """A user's role in an organisation; it covers the organisation's units as well."""

    class Kind(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administratör")
        STRATEGIST = "strateg", _("Strateg")
        REPORTER = "rapportor", _("Rapportör")
        SECRETARY = "sekreterare", _("Sekreterare")
        READER = "lasare", _("Läsare")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = SingleLineCharField(_("roll"), max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        ordering = ["organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"],
                name="role_unique",
                violation_error_message=_("Användaren har redan den rollen i organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}, {self.organisation.name}"


class Account(models.Model):
    """The organisation a user account belongs to: only its administrators manage the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="account",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("hemorganisation"),
        on_delete=models.PROTECT,
        related_name="accounts",
        help_text=_("Organisationen vars administratörer hanterar kontot."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("konto")
        verbose_name_plural = _("konton")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation.name})"


class TargetArea(models.Model):
    """One of the eight national public-health target areas (Riksdagen 2018)."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    name = SingleLineCharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("nationellt målområde")
        verbose_name_plural = _("nationella målområden")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class GlobalGoal(models.Model):
    """One of the 17 global goals of Agenda 2030."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    name = SingleLineCharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("globalt mål")
        verbose_name_plural = _("globala mål")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Versioned(models.Model):
    """A record edited by several people; its version guards against lost updates."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def history_owner_id(self) -> int:
        """Return the organisation whose members read the record's history (who changed what)."""
        raise NotImplementedError


class Plan(Versioned):
    """A strategy, action plan, operations plan or programme owned by an organisation."""

    class Kind(models.TextChoices):
        STRATEGY = "strategi", _("Strategi")
        ACTION_PLAN = "handlingsplan", _("Handlingsplan")
        OPERATIONS_PLAN = "verksamhetsplan", _("Verksamhetsplan")
        PROGRAMME = "program", _("Program")

    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        ADOPTED = "antagen", _("Antagen")
        CLOSED = "avslutad", _("Avslutad")
        SUPERSEDED = "ersatt", _("Ersatt")

    # Adopted once, so public: anonymous visitors may read plans in these states.
    PUBLISHED_STATUSES = (Status.ADOPTED, Status.CLOSED, Status.SUPERSEDED)

    owner = models.ForeignKey(
        Organisation, verbose_name=_("ägare"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = SingleLineCharField(_("typ"), max_length=20, choices=Kind.choices)
    title = SingleLineCharField(_("titel"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("startår"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("slutår"), validators=YEAR_VALIDATORS)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("T.ex. strategin som en handlingsplan genomför."),
    )
    vision = LongTextField(_("vision"), blank=True)
    purpose = LongTextField(_("syfte och inledning"), blank=True)
    status = SingleLineCharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    adopted_by = SingleLineCharField(_("antagen av"), max_length=200, blank=True)
    adopted_on = models.DateField(
        _("antagen den"), null=True, blank=True, validators=[validate_date_in_range]
    )
    revised_on = models.DateField(
        _("uppdaterad den"), null=True, blank=True, validators=[validate_date_in_range]
    )
    target_areas = models.ManyToManyField(
        TargetArea, verbose_name=_("nationella målområden"), blank=True
    )
    global_goals = models.ManyToManyField(GlobalGoal, verbose_name=_("globala mål"), blank=True)
    history = HistoricalRecords(m2m_fields=[target_areas, global_goals])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("planer")
        ordering = ["owner__name", "-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_end_not_before_start",
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"

    @property
    def history_owner_id(self) -> int:
        return self.owner_id

    @property
    def is_published(self) -> bool:
        """Return whether anonymous visitors may read the plan."""
        return self.status in self.PUBLISHED_STATUSES

    def clean(self) -> None:
        """Refuse an end before the start, a parent chain that loops back, and a published
        plan turned back into a draft (which would hide it and let it be deleted)."""
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("Slutåret kan inte vara före startåret.")
        if self.status == self.Status.DRAFT and self._stored_status() in self.PUBLISHED_STATUSES:
            errors["status"] = _(
                "En antagen plan kan inte bli ett utkast igen. Avsluta den eller ersätt den med "
                "en ny plan i stället."
            )
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                errors["parent"] = _(
                    "En plan kan inte vara överordnad sig själv, direkt eller via andra planer."
                )
                break
            node = node.parent
        if errors:
            raise ValidationError(errors)

    def _stored_status(self) -> str | None:
        """Return the status as saved, or None for a new plan."""
        if self.pk is None:
            return None
        return Plan.objects.filter(pk=self.pk).values_list("status", flat=True).first()


class FocusAreaQuerySet(SubtreeQuerySet):
    """Focus areas read as a tree (django-tree-queries), in the document's order."""

    def in_document_order(self) -> "FocusAreaQuerySet":
        """Annotate the dotted numbers (`tree_numbers`) and order 1, 2, 2.1, 2.2, 3, …"""
        return (
            self.with_tree_fields()
            .order_siblings_by("order", "number", "pk")
            .tree_fields(tree_numbers="number")
            .order_by("tree_ordering")
        )

    def of_plan(self, plan_id: int) -> "FocusAreaQuerySet":
        """Return the plan's focus areas in document order; the recursion stays in the plan."""
        return self.in_document_order().tree_filter(plan_id=plan_id).filter(plan_id=plan_id)


class FocusArea(Versioned):
    """A focus area, sub-goal or arena of a plan; nested as deep as the document nests."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ingår i"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = SingleLineCharField(_("nummer"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    title = SingleLineCharField(_("rubrik"), max_length=300)
    background = LongTextField(_("bakgrund"), blank=True)
    current_state = LongTextField(_("nuläge"), blank=True)
    direction = LongTextField(_("riktning"), blank=True)
    target_groups = LongTextField(_("prioriterade målgrupper"), blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        verbose_name=_("samordningsansvarig"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_focus_areas",
    )
    contacts = models.ManyToManyField(Person, verbose_name=_("kontaktpersoner"), blank=True)
    history = HistoricalRecords(m2m_fields=[contacts])

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("fokusområde")
        verbose_name_plural = _("fokusområden")
        ordering = ["plan", "order", "number"]

    def __str__(self) -> str:
        return f"{self.full_number} {self.title}".strip()

    @property
    def history_owner_id(self) -> int:
        return self.plan.owner_id

    @property
    def full_number(self) -> str:
        """Return the dotted number from the top focus area down, e.g. "2.3"."""
        annotated = getattr(self, "tree_numbers", None)
        if annotated is not None:
            # The library turns all-digit values into ints.
            return ".".join(str(n) for n in annotated if n not in ("", None))
        numbers, node = [], self
        while node is not None:
            numbers.append(node.number)
            node = node.parent
        return ".".join(n for n in reversed(numbers) if n)

    def clean(self) -> None:
        """Refuse a move to another plan, a parent in another plan, or a loop of parents."""
        if self.pk is not None and self.plan_id is not None:
            stored_plan = FocusArea.objects.filter(pk=self.pk).values_list("plan_id", flat=True)
            if stored_plan.first() not in (None, self.plan_id):
                raise ValidationError(
                    {"plan": _("Ett fokusområde kan inte flyttas till en annan plan.")}
                )
        if self.parent_id is None:
            return
        if self.parent.plan_id != self.plan_id:
            raise ValidationError(
                {"parent": _("Det överordnade fokusområdet hör till en annan plan.")}
            )
        if self.pk is None:
            return
        below_self = FocusArea.objects.of_plan(self.plan_id).below([self.pk])
        if below_self.filter(pk=self.parent_id).exists():
            raise ValidationError({"parent": _("Ett fokusområde kan inte ingå i sig självt.")})


class Result(Versioned):
    """A numbered long-term expected result; measures hang below it."""

    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("fokusområde"), on_delete=models.CASCADE, related_name="results"
    )
    number = models.PositiveIntegerField(_("nummer"))
    title = LongTextField(_("långsiktigt förväntat resultat"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("långsiktigt förväntat resultat")
        verbose_name_plural = _("långsiktigt förväntade resultat")
        ordering = ["number"]
        # The admin's list order (`ResultAdmin.ordering`): a page is read from the index.
        indexes = [models.Index(fields=["number", "id"], name="result_list_order")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def history_owner_id(self) -> int:
        return self.focus_area.plan.owner_id

    def clean(self) -> None:
        """Refuse moving a result that has measures: they would be left in the old area."""
        if self.pk is None or self.focus_area_id is None:
            return
        stored = Result.objects.filter(pk=self.pk).values_list("focus_area_id", flat=True).first()
        if stored not in (None, self.focus_area_id) and self.measures.exists():
            raise ValidationError(
                {
                    "focus_area": _(
                        "Resultatet har insatser och kan inte flyttas; flytta insatserna först."
                    )
                }
            )


class Tag(models.Model):
    """A free tag on measures, such as "Färdplan 2035"."""

    name = SingleLineCharField(_("namn"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("etikett")
        verbose_name_plural = _("etiketter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Measure(Versioned):
    """A measure (insats, åtgärd, erbjudande) of a plan."""

    class Status(models.TextChoices):
        UNSPECIFIED = "", _("Ej angiven")
        ONGOING = "pagaende", _("Pågående/förankrad")
        NEW = "nytt_forslag", _("Nytt förslag")
        DONE = "genomford", _("Genomförd")
        PAUSED = "pausad", _("Pausad")
        CANCELLED = "avbruten", _("Avbruten")

    class Approach(models.TextChoices):
        UNSPECIFIED = "", _("Ej angiven")
        UNIVERSAL = "universell", _("Universell")
        SELECTIVE = "selektiv", _("Selektiv")
        INDICATED = "indikerad", _("Indikerad")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("fokusområde"), on_delete=models.CASCADE, related_name="measures"
    )
    result = models.ForeignKey(
        Result,
        verbose_name=_("långsiktigt förväntat resultat"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
    )
    code = SingleLineCharField(_("kod"), max_length=20, blank=True, help_text=_("T.ex. 5B."))
    order = models.PositiveIntegerField(_("ordning"), default=0)
    title = LongTextField(_("insats"))
    description = LongTextField(_("beskrivning"), blank=True)
    target_group = LongTextField(_("målgrupp"), blank=True)
    expected_result = LongTextField(_("förväntat resultat"), blank=True)
    target_year = models.PositiveSmallIntegerField(
        _("målår"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    # The plan-state (läge i planen), a scale of its own beside the follow-up's assessment.
    status = SingleLineCharField(
        _("läge i planen"), max_length=20, choices=Status.choices, blank=True
    )
    approach = SingleLineCharField(
        _("insatsnivå"), max_length=20, choices=Approach.choices, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("etiketter"), blank=True)
    # The national target areas and global goals the measure serves (a plan's are its own).
    target_areas = models.ManyToManyField(
        TargetArea, verbose_name=_("nationella målområden"), blank=True, related_name="measures"
    )
    global_goals = models.ManyToManyField(
        GlobalGoal, verbose_name=_("globala mål"), blank=True, related_name="measures"
    )
    contacts = models.ManyToManyField(
        Person, verbose_name=_("kontaktpersoner"), blank=True, related_name="measures"
    )
    start_year = models.PositiveSmallIntegerField(
        _("start"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("slut"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    history = HistoricalRecords(m2m_fields=[tags, target_areas, global_goals, contacts])

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["plan", "order", "code"]
        # The admin's list order: a page of a country's measures is read from the index.
        indexes = [models.Index(fields=["plan", "order", "code", "id"], name="measure_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                condition=~Q(code=""),
                name="measure_unique_code_in_plan",
                violation_error_message=_("Det finns redan en insats med den koden i planen."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="measure_end_not_before_start",
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def history_owner_id(self) -> int:
        return self.plan.owner_id

    def clean(self) -> None:
        """Keep the focus area and the result inside the measure's own plan."""
        errors = {}
        if self.focus_area_id and self.plan_id and self.focus_area.plan_id != self.plan_id:
            errors["focus_area"] = _("Fokusområdet hör till en annan plan än insatsen.")
        if (
            self.result_id
            and self.focus_area_id
            and self.result.focus_area_id != self.focus_area_id
        ):
            errors["result"] = _("Resultatet hör till ett annat fokusområde än insatsen.")
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("Slutåret kan inte vara före startåret.")
        if errors:
            raise ValidationError(errors)


class Responsibility(models.Model):
    """An organisation's part in a measure: its lead actor (at most one, seed 002's
    "huvudaktör"), responsible, or partner."""

    class Role(models.TextChoices):
        LEAD = "huvudaktor", _("Huvudaktör")
        RESPONSIBLE = "ansvarig", _("Ansvarig")
        PARTNER = "samverkanspart", _("Samverkanspart")

    # The roles that own the measure: they report on it and are named as its responsible.
    OWNER_ROLES = (Role.LEAD, Role.RESPONSIBLE)

    class Cooperation(models.TextChoices):
        UNSPECIFIED = "", _("Ej angivet")
        PREREQUISITE = "forutsattning", _("Samverkan är en förutsättning")
        DESIRABLE = "onskvard", _("Samverkan är önskvärd")

    measure = models.ForeignKey(
        Measure, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    role = SingleLineCharField(_("roll"), max_length=20, choices=Role.choices)
    cooperation = SingleLineCharField(
        _("samverkan"), max_length=20, choices=Cooperation.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ansvarig aktör")
        verbose_name_plural = _("ansvariga aktörer")
        # The lead actor first, then the responsible, then the partners.
        ordering = [
            models.Case(
                models.When(role="huvudaktor", then=0),
                models.When(role="ansvarig", then=1),
                default=2,
            ),
            "organisation__name",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation"],
                name="responsibility_unique",
                violation_error_message=_("Organisationen finns redan med i insatsen."),
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(role="huvudaktor"),
                name="responsibility_one_lead",
                violation_error_message=_("Insatsen har redan en huvudaktör."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        """Refuse a kind of cooperation on an owner of the measure: it applies to partners."""
        if self.role in self.OWNER_ROLES and self.cooperation:
            raise ValidationError(
                {"cooperation": _("Samverkansformen anges bara för samverkansparter.")}
            )


class Budget(Versioned):
    """The budget of a plan for one year: lines × funders."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    title = SingleLineCharField(_("rubrik"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetar")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="budget_unique_year",
                violation_error_message=_("Planen har redan en budget för det året."),
            ),
        ]

    def __str__(self) -> str:
        return _("Budget %(year)s – %(plan)s") % {"year": self.year, "plan": self.plan.title}

    @property
    def history_owner_id(self) -> int:
        return self.plan.owner_id

    def clean(self) -> None:
        """Refuse a year outside the plan's period."""
        if (
            self.plan_id
            and self.year
            and not (self.plan.start_year <= self.year <= self.plan.end_year)
        ):
            raise ValidationError({"year": _("Året ligger utanför planens period.")})


class BudgetFunder(models.Model):
    """A column of a budget: an organisation that pays (medfinansiär)."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="funders"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("finansiär"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    # A grant paid per inhabitant, such as the state's grant against crime (seed 001).
    rate_per_inhabitant = models.DecimalField(
        _("kronor per invånare"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), _("Beloppet kan inte vara negativt."))],
        help_text=_("För ett bidrag per invånare, t.ex. 21,08 kr."),
    )
    population = models.PositiveIntegerField(
        _("invånare"),
        null=True,
        blank=True,
        help_text=_("Antalet invånare som bidraget räknas på."),
    )
    share = models.PositiveSmallIntegerField(
        _("andel (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, _("Andelen är högst 100 procent."))],
        help_text=_("Den del av bidraget som betalas ut det året, t.ex. 50; tomt för hela."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finansiär")
        verbose_name_plural = _("finansiärer")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "organisation"],
                name="budget_funder_unique",
                violation_error_message=_("Finansiären finns redan i budgeten."),
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__lte=100),
                name="budget_funder_share_at_most_whole",
                violation_error_message=_("Andelen är högst 100 procent."),
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def grant(self) -> Decimal | None:
        """Return the grant per inhabitant for the year: rate × inhabitants × share."""
        if self.rate_per_inhabitant is None or self.population is None:
            return None
        whole = self.rate_per_inhabitant * self.population
        return (whole * self.paid_share / 100).quantize(Decimal("0.01"))

    @property
    def paid_share(self) -> int:
        """Return the per cent of the grant paid this year; the whole unless one is given."""
        return 100 if self.share is None else self.share

    def clean(self) -> None:
        """Refuse a rate without the number of inhabitants, or the other way round."""
        if (self.rate_per_inhabitant is None) != (self.population is None):
            raise ValidationError(
                _("Ange både kronor per invånare och antalet invånare, eller inget av dem.")
            )


class BudgetLine(models.Model):
    """A row of a budget: personnel, overhead, a focus area, a measure or other."""

    class Kind(models.TextChoices):
        PERSONNEL = "personal", _("Personal")
        OVERHEAD = "omkostnad", _("Omkostnader")
        FOCUS_AREA = "fokusomrade", _("Fokusområde")
        MEASURE = "insats", _("Insats")
        OTHER = "ovrigt", _("Övrigt")

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="lines"
    )
    name = SingleLineCharField(_("post"), max_length=200)
    kind = SingleLineCharField(_("typ"), max_length=20, choices=Kind.choices)
    focus_area = models.ForeignKey(
        FocusArea,
        verbose_name=_("fokusområde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("insats"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budgetpost")
        verbose_name_plural = _("budgetposter")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Keep a focus-area or measure line on a focus area or measure of the budget's own
        plan; a line of the plan as a whole names neither."""
        errors = {}
        plan_id = self.budget.plan_id if self.budget_id else None
        if self.focus_area_id and plan_id and self.focus_area.plan_id != plan_id:
            errors["focus_area"] = _("Fokusområdet hör till en annan plan.")
        if self.measure_id and plan_id and self.measure.plan_id != plan_id:
            errors["measure"] = _("Insatsen hör till en annan plan.")
        if self.kind == self.Kind.FOCUS_AREA and not self.focus_area_id:
            errors["focus_area"] = _("Ange vilket fokusområde posten gäller.")
        if self.kind == self.Kind.MEASURE and not self.measure_id:
            errors["measure"] = _("Ange vilken insats posten gäller.")
        if self.measure_id and self.kind != self.Kind.MEASURE:
            errors.setdefault("measure", _("Bara en post av typen Insats gäller en insats."))
        if errors:
            raise ValidationError(errors)


class BudgetAmount(models.Model):
    """One cell of a budget: what a funder puts on a line, in kronor."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("post"), on_delete=models.CASCADE, related_name="amounts"
    )
    funder = models.ForeignKey(
        BudgetFunder, verbose_name=_("finansiär"), on_delete=models.CASCADE, related_name="amounts"
    )
    amount = models.DecimalField(
        _("belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), _("Beloppet kan inte vara negativt."))],
    )
    outcome = models.DecimalField(
        _("utfall (kr)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), _("Utfallet kan inte vara negativt."))],
        help_text=_("Vad finansiären faktiskt betalade på posten under året."),
    )
    # An outcome invented to show the product (the demo): marked "Demo" wherever shown.
    outcome_is_demo = models.BooleanField(_("påhittat utfall (demo)"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("belopp")
        verbose_name_plural = _("belopp")
        constraints = [
            models.UniqueConstraint(fields=["line", "funder"], name="budget_amount_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message=_("Beloppet kan inte vara negativt."),
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__gte=0),
                name="budget_outcome_not_negative",
                violation_error_message=_("Utfallet kan inte vara negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} / {self.funder}: {self.amount}"


# The prioritisation's models live beside its pages and services; the app loads them from here.
from plans.prioritisation.models import (  # noqa: E402, F401
    Candidate,
    Criterion,
    Prioritisation,
    Rater,
    Rating,
    Round,
    Score,
    Theme,
)
