"""The "Ny plan" page: a strategist starts a plan for her organisation, empty or as a copy of
a plan she may read, choosing what comes along."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from plans import permissions
from plans.forms import AsciiIntegerField, IdChoiceField, is_id
from plans.models import Plan
from plans.services import COPY_PARTS, copy_parts_missing, plan_start

Kind = Plan.Kind
# The kinds of plan each kind may implement: a verksamhetsplan under a handlingsplan under a
# strategi; a programme (such as an agreement) sits between a strategy and the plans below it.
PARENT_KINDS = {
    Kind.STRATEGY: {Kind.STRATEGY},
    Kind.PROGRAMME: {Kind.STRATEGY},
    Kind.ACTION_PLAN: {Kind.STRATEGY, Kind.PROGRAMME},
    Kind.OPERATIONS_PLAN: {Kind.STRATEGY, Kind.PROGRAMME, Kind.ACTION_PLAN},
}
# The parts she may tick, by their names in `plans.services.COPY_PARTS`.
PART_LABELS = {
    "focus_areas": gettext_lazy("Fokusområden, med delmål och arenor under dem"),
    "results": gettext_lazy("Långsiktigt förväntade resultat"),
    "measures": gettext_lazy("Insatser med ansvariga aktörer, målgrupper och etiketter"),
    "budgets": gettext_lazy("Budgetarnas finansiärer och poster, utan belopp"),
}


def _plan_label(plan: Plan) -> str:
    return f"{plan} – {plan.owner.name}"


class NewPlanForm(forms.ModelForm):
    """A new plan's own fields, and what it copies from which plan."""

    source = IdChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        label=gettext_lazy("Kopia av"),
        empty_label=gettext_lazy("Ingen – börja med en tom plan"),
        help_text=gettext_lazy(
            "Du kan kopiera varje plan du får läsa, t.ex. förra årets verksamhetsplan."
        ),
    )
    parts = forms.MultipleChoiceField(
        choices=list(PART_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Det här följer med från kopian"),
        help_text=gettext_lazy(
            "Koder och nummer behålls. Insatser och resultat följer bara med sina "
            "fokusområden. Insatsernas status och uppföljningens rapporter följer aldrig med, "
            "och den nya planen blir ett utkast. Budgetarna flyttas lika många år som planens "
            "start och får sina finansiärer och poster men inga belopp: ett tidigare års "
            "belopp är inte årets budget."
        ),
    )

    class Meta:
        model = Plan
        fields = ["owner", "kind", "title", "start_year", "end_year", "parent"]
        field_classes = {
            "owner": IdChoiceField,
            "parent": IdChoiceField,
            "start_year": AsciiIntegerField,
            "end_year": AsciiIntegerField,
        }
        help_texts = {
            "owner": gettext_lazy("De organisationer där du får skriva planer."),
            "parent": gettext_lazy(
                "Planen som den nya planen genomför: en verksamhetsplan under en "
                "handlingsplan, en handlingsplan under en strategi."
            ),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        readable = (
            permissions.visible_plans(user)
            .select_related("owner")
            .order_by("owner__name", "owner_id", "-start_year", "title", "pk")
        )
        self.fields["owner"].queryset = permissions.plan_owner_choices(user)
        self.fields["parent"].queryset = readable.exclude(kind=Kind.OPERATIONS_PLAN)
        self.fields["source"].queryset = readable
        for name in ("parent", "source"):
            self.fields[name].label_from_instance = _plan_label

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, parent = cleaned.get("kind"), cleaned.get("parent")
        if kind and parent and parent.kind not in PARENT_KINDS[kind]:
            self.add_error(
                "parent",
                _("En %(kind)s kan inte genomföra en %(parent)s.")
                % {"kind": Kind(kind).label.lower(), "parent": parent.get_kind_display().lower()},
            )
        if cleaned.get("source") and copy_parts_missing(cleaned.get("parts", [])):
            self.add_error(
                "parts",
                _(
                    "Insatser och resultat hör till fokusområden: kryssa i fokusområden "
                    "också, eller kryssa ur insatser och resultat."
                ),
            )
        return cleaned


def _initial(request: HttpRequest) -> dict:
    """Return the form's start: everything ticked; from "?kopia=ID", that plan's kind, owner
    and parent, and the period that follows its own."""
    initial = {"parts": list(COPY_PARTS)}
    pk = request.GET.get("kopia", "")
    source = is_id(pk) and permissions.visible_plans(request.user).filter(pk=pk).first()
    if not source:
        return initial
    span = source.end_year - source.start_year
    initial.update(
        source=source.pk,
        kind=source.kind,
        start_year=source.end_year + 1,
        end_year=source.end_year + 1 + span,
        parent=source.parent_id,
        owner=source.owner_id,
    )
    return initial


# What the message names, in the order it names them; "count" chooses the plural.
MADE_NAMES = {
    "focus_areas": ngettext_lazy("%(count)d fokusområde", "%(count)d fokusområden", "count"),
    "results": ngettext_lazy("%(count)d resultat", "%(count)d resultat", "count"),
    "measures": ngettext_lazy("%(count)d insats", "%(count)d insatser", "count"),
    "actors": ngettext_lazy("%(count)d ansvarig aktör", "%(count)d ansvariga aktörer", "count"),
    "budget_lines": ngettext_lazy("%(count)d budgetpost", "%(count)d budgetposter", "count"),
}


def _made_message(made: Counter) -> str:
    """Return what the new plan was given: "Planen skapades med 3 fokusområden och 12 …"."""
    parts = [name % {"count": made[key]} for key, name in MADE_NAMES.items() if key in made]
    if not parts:
        return _("Planen skapades som ett tomt utkast.")
    return _("Planen skapades med %(parts)s.") % {"parts": get_text_list(parts, _("och"))}


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start a plan; once made, say what it holds and show it."""
    if not permissions.can_start_plans(request.user):
        raise PermissionDenied
    form = NewPlanForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = plan_start(
                plan=form.instance, user=request.user, source=data["source"], parts=data["parts"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _made_message(made))
            return redirect(reverse("plans:plan_detail", args=[form.instance.pk]))
    context = {"form": form, "cancel_url": reverse("plans:home")}
    return render(request, "plans/plan_new.html", context, status=400 if form.errors else 200)
