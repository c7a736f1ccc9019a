"""A measure's actors on its own page: its lead actor (at most one), the responsible and the
partners, chosen among the plan owner's own organisations, or anywhere in the country by a
search (a GET form, so it works without JavaScript)."""

from collections.abc import Iterable

from django import forms
from django.db.models import Case, Q, QuerySet, When
from django.forms.models import inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from plans.forms import IdChoiceField, OneLeadActor, name_widget
from plans.models import PATH_SEPARATOR, Measure, Organisation, Responsibility

SEARCH = "sok"
PREFIX = "aktorer"
MAX_FOUND = 30


class ActorForm(forms.ModelForm):
    """One actor of the measure: an organisation and its part."""

    class Meta:
        model = Responsibility
        fields = ["organisation", "role", "cooperation"]
        field_classes = {"organisation": IdChoiceField}

    def __init__(self, *args, organisations: QuerySet, choices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # what a posted id is checked against
        field.choices = choices  # read once for every row
        # Cells of a table, under its column heads: each named with its row.
        row = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for each in self.fields.values():
            label = _("%(field)s, aktör %(row)s") % {"field": each.label, "row": row}
            name_widget(each.widget, capfirst(label))


class ActorFormSet(OneLeadActor, forms.BaseInlineFormSet):
    """The measure's actors, a row each, with two empty rows to add more."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields and index is not None:
            label = _("Ta bort aktör %(row)s") % {"row": index + 1}
            name_widget(form.fields["DELETE"].widget, label)


ActorRows = inlineformset_factory(
    Measure,
    Responsibility,
    form=ActorForm,
    formset=ActorFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    absolute_max=60,
)


def organisation_choices(
    measure: Measure, term: str, named: Iterable[int] = ()
) -> QuerySet[Organisation]:
    """Return the organisations she may choose: the plan owner's own tree first (in the tree's
    order), then those already on the measure and those her search finds elsewhere (or, from
    the API, those the JSON names: as the page's search, any organisation in the country)."""
    own = list(Organisation.objects.below([measure.plan.owner_id]).values_list("pk", flat=True))
    elsewhere = Q(pk__in=measure.responsibilities.values("organisation")) | Q(pk__in=list(named))
    if term:
        found = Organisation.objects.filter(name__icontains=term).exclude(pk__in=own)
        elsewhere |= Q(pk__in=list(found.order_by("name").values_list("pk", flat=True)[:MAX_FOUND]))
    mine = Case(When(pk__in=own, then=0), default=1)
    return (
        Organisation.objects.with_paths()
        .filter(Q(pk__in=own) | elsewhere)
        .annotate(elsewhere=mine)
        .order_by("elsewhere", "tree_ordering")
    )


INDENT = "\u00a0" * 3  # a level of the owner's tree in a choice's text


def grouped_choices(organisations: list[Organisation], owner: Organisation) -> list:
    """Return the organisations as a choice's options: the plan owner's own tree under its name,
    each indented by its level below the owner, then the others with their whole path."""
    own = [org for org in organisations if not org.elsewhere]
    depth = min((len(org.tree_names) for org in own), default=1)
    groups = [("", "---------")]
    if own:
        groups.append(
            (
                owner.name,
                [(org.pk, INDENT * (len(org.tree_names) - depth) + org.name) for org in own],
            )
        )
    others = [
        (org.pk, PATH_SEPARATOR.join(map(str, org.tree_names)))
        for org in organisations
        if org.elsewhere
    ]
    if others:
        groups.append((str(_("Andra organisationer")), others))
    return groups


def actor_rows(data, measure: Measure, term: str, named: Iterable[int] = ()) -> ActorFormSet:
    """Return the formset of the measure's actors, its choices read once."""
    organisations = organisation_choices(measure, term, named)
    choices = grouped_choices(list(organisations), owner=measure.plan.owner)
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = None  # posted without the rows: they are not changed
    rows = ActorRows(
        data,
        instance=measure,
        prefix=PREFIX,
        form_kwargs={"organisations": organisations, "choices": choices},
    )
    rows.search_term = term
    rows.found = [o for o in organisations if o.elsewhere and term.casefold() in o.name.casefold()]
    return rows


def actor_data(measure: Measure, actors: list[dict]) -> dict[str, object]:
    """Return the actors' rows as the page posts them, for actors given as a whole list (the
    API): a row already there keeps its id (changed if its organisation's part changed), one not
    in the list is deleted, and the others are added."""
    existing = list(measure.responsibilities.order_by("pk"))
    wanted = {actor["organisation"]: actor for actor in actors}
    added = [
        actor
        for actor in actors
        if actor["organisation"] not in {row.organisation_id for row in existing}
    ]
    data: dict[str, object] = {
        f"{PREFIX}-TOTAL_FORMS": len(existing) + len(added),
        f"{PREFIX}-INITIAL_FORMS": len(existing),
    }
    rows = [(row, wanted.get(row.organisation_id)) for row in existing]
    rows += [(None, actor) for actor in added]
    for index, (row, actor) in enumerate(rows):
        field = f"{PREFIX}-{index}-"
        source = actor or {
            "organisation": row.organisation_id,
            "role": row.role,
            "cooperation": row.cooperation,
        }
        data |= {
            field + "organisation": source["organisation"],
            field + "role": source["role"],
            field + "cooperation": source.get("cooperation") or "",
            field + "measure": measure.pk,
        }
        if row is not None:
            data[field + "id"] = row.pk
            if actor is None:
                data[field + "DELETE"] = "on"
    return data


ACTORS_HELP = _(
    "Välj bland planägarens egna organisationer. En organisation någon annanstans i landet söker "
    "du fram ovanför formuläret innan du ändrar något (sökningen laddar om sidan). En insats har "
    "högst en huvudaktör; samverkansformen anges för samverkansparter."
)
