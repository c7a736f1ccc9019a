"""The plan editor: the plan's focus areas (nested: delmål › arena), results and measures as
one tree she edits. She adds items, moves one up or down among its siblings, and moves one
under another focus area. Every action is a form posting to the page and, once saved, a
redirect back to the item's anchor; a refusal shows the page again with the reason."""

import json
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import permissions
from plans.forms import AsciiIntegerField, FocusAreaForm, IdChoiceField, ResultForm, is_id
from plans.models import FocusArea, Measure, Plan, Result
from plans.services import (
    StaleVersionError,
    next_area_number,
    next_measure_code,
    next_result_number,
    plan_item_add,
    plan_item_delete,
    plan_item_move,
    plan_item_step,
)
from plans.views import edit_page, saved_message

# The kinds of item by the name their anchors and posted references start with.
KINDS = {"fokusomrade": FocusArea, "resultat": Result, "insats": Measure}
KIND_NAMES = {model: name for name, model in KINDS.items()}


def anchor(item: FocusArea | Result | Measure) -> str:
    """Return the item's fragment id on the editor page, e.g. "insats-12"."""
    return f"{KIND_NAMES[type(item)]}-{item.pk}"


def _area_label(area: FocusArea) -> str:
    return f"{area.full_number} {area.title}".strip()


def _result_label(result: Result) -> str:
    title = Truncator(result.title).chars(60)
    return _("%(area)s, resultat %(number)s: %(title)s") % {
        "area": result.focus_area.number or result.focus_area.title,
        "number": result.number,
        "title": title,
    }


def _plan_areas(plan: Plan) -> QuerySet[FocusArea]:
    return FocusArea.objects.of_plan(plan.pk)


def _plan_results(plan: Plan) -> QuerySet[Result]:
    return (
        Result.objects.filter(focus_area__plan=plan)
        .select_related("focus_area")
        .order_by("focus_area__order", "focus_area_id", "number", "pk")
    )


def _area_choice(queryset, *, required: bool, empty_label=None) -> IdChoiceField:
    choice = IdChoiceField(queryset=queryset, required=required, empty_label=empty_label)
    choice.label_from_instance = _area_label
    return choice


class AreaAddForm(forms.ModelForm):
    """A new focus area, at the top or under another."""

    class Meta:
        model = FocusArea
        fields = ["title", "parent", "number"]
        help_texts = {"number": gettext_lazy("Lämnas numret tomt får området nästa lediga.")}

    def __init__(self, *args, plan: Plan, under: FocusArea | None = None, **kwargs) -> None:
        super().__init__(*args, instance=FocusArea(plan=plan), **kwargs)
        self.fields["parent"] = _area_choice(
            _plan_areas(plan), required=False, empty_label=_("Inget – överst i planen")
        )
        self.fields["parent"].label = _("Ingår i")
        parent_id = under.pk if under else None
        self.initial.update(parent=parent_id, number=next_area_number(plan.pk, parent_id))


class ResultAddForm(forms.ModelForm):
    """A new long-term result under a focus area."""

    class Meta:
        model = Result
        fields = ["title", "focus_area", "number"]
        field_classes = {"number": AsciiIntegerField}
        help_texts = {"number": gettext_lazy("Lämnas numret tomt får resultatet nästa lediga.")}
        widgets = {"title": forms.TextInput}

    def __init__(self, *args, plan: Plan, under: FocusArea | None = None, **kwargs) -> None:
        super().__init__(*args, instance=Result(), **kwargs)
        self.fields["focus_area"] = _area_choice(_plan_areas(plan), required=True)
        self.fields["focus_area"].label = _("Fokusområde")
        self.fields["number"].required = False
        if under is not None:
            self.initial.update(focus_area=under.pk, number=next_result_number(under.pk))


class MeasureAddForm(forms.ModelForm):
    """A new measure under a focus area, and under one of its results if she chooses."""

    class Meta:
        model = Measure
        fields = ["title", "code", "focus_area", "result"]
        help_texts = {
            "code": gettext_lazy(
                "Lämnas koden tom får insatsen nästa lediga: fokusområdets nummer och en "
                "bokstav, t.ex. 1A, 1B."
            )
        }
        widgets = {"title": forms.TextInput}

    def __init__(self, *args, plan: Plan, under: FocusArea | None = None, **kwargs) -> None:
        super().__init__(*args, instance=Measure(plan=plan), **kwargs)
        if under is not None:
            self.initial.update(focus_area=under.pk, code=next_measure_code(under))
        self.fields["focus_area"] = _area_choice(_plan_areas(plan), required=True)
        self.fields["focus_area"].label = _("Fokusområde")
        self.fields["result"] = IdChoiceField(
            queryset=_plan_results(plan),
            required=False,
            label=_("Långsiktigt förväntat resultat"),
            empty_label=_("Inget – direkt under fokusområdet"),
        )
        self.fields["result"].label_from_instance = _result_label


# The forms that add an item, by the action they post.
ADD_FORMS = {"fokusomrade": AreaAddForm, "resultat": ResultAddForm, "insats": MeasureAddForm}


class ItemForm(forms.Form):
    """An item of the plan as she loaded it: its reference ("insats-12") and version."""

    post = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.item = None

    def clean_post(self) -> FocusArea | Result | Measure:
        self.item = find_item(self.plan, self.cleaned_data["post"])
        if self.item is None:
            raise ValidationError(_("Posten finns inte i planen. Ladda om sidan."))
        return self.item


class StepForm(ItemForm):
    """Move a focus area or measure one place up or down, past the neighbour her page showed
    above it ("ovan") or below it ("nedan"), each with its version; empty where it showed none."""

    steg = forms.ChoiceField(choices=[("upp", "upp"), ("ned", "ned")])
    ovan = forms.CharField(widget=forms.HiddenInput, required=False)
    ovan_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    nedan = forms.CharField(widget=forms.HiddenInput, required=False)
    nedan_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def clean_post(self):
        item = super().clean_post()
        if isinstance(item, Result):
            raise ValidationError(_("Resultat ordnas efter sina nummer."))
        return item

    def clean(self) -> dict:
        cleaned = super().clean()
        side = "ovan" if cleaned.get("steg") == "upp" else "nedan"
        reference, version = cleaned.get(side), cleaned.get(f"{side}_version")
        self.passing = None
        if reference:
            neighbour = find_item(self.plan, reference)
            if neighbour is None or version is None:
                raise ValidationError(
                    _("Posten bredvid finns inte längre i planen. Ladda om sidan.")
                )
            self.passing = (neighbour, version)
        return cleaned

    def step(self) -> int:
        return -1 if self.cleaned_data["steg"] == "upp" else 1


class MoveForm(ItemForm):
    """Move an item under another focus area; a measure also under another result."""

    till = IdChoiceField(queryset=FocusArea.objects.none(), required=False)
    resultat = IdChoiceField(queryset=Result.objects.none(), required=False)

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["till"] = _area_choice(
            _plan_areas(plan), required=False, empty_label=_("Inget – överst i planen")
        )
        self.fields["till"].label = _("Till fokusområde")
        self.fields["resultat"].queryset = _plan_results(plan)
        self.fields["resultat"].label = _("Under resultat (bara för insatser)")
        self.fields["resultat"].empty_label = _("Inget – direkt under fokusområdet")
        self.fields["resultat"].label_from_instance = _result_label

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            self.item is not None
            and not isinstance(self.item, FocusArea)
            and not cleaned.get("till")
        ):
            self.add_error("till", _("Välj fokusområdet som posten ska flyttas till."))
        return cleaned

    def target(self) -> dict[str, object]:
        """Return the fields the move changes on the item."""
        area = self.cleaned_data["till"]
        if isinstance(self.item, FocusArea):
            return {"parent": area}
        if isinstance(self.item, Result):
            return {"focus_area": area}
        return {"focus_area": area, "result": self.cleaned_data["resultat"]}


def find_item(plan: Plan, reference: str) -> FocusArea | Result | Measure | None:
    """Return the plan's item named by a reference such as "insats-12"; None if there is none."""
    kind, _dash, pk = reference.partition("-")
    model = KINDS.get(kind)
    if model is None or not is_id(pk):
        return None
    in_plan = {"focus_area__plan": plan} if model is Result else {"plan": plan}
    return model.objects.filter(pk=pk, **in_plan).first()


def what_goes_with(item: FocusArea | Result | Measure) -> list[tuple[int, str]]:
    """Return what deleting the item deletes with it, as (count, name) per kind of record,
    as the admin's delete page lists it."""
    collector = NestedObjects(using=router.db_for_write(type(item)))
    collector.collect([item])
    counts = []
    for model, records in collector.data.items():
        count = len(records) - (model is type(item))
        if count and not model._meta.auto_created:
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            counts.append((count, str(name)))
    return sorted(counts, key=lambda c: c[1])


@dataclass
class AreaNode:
    """A focus area on the editor page: its own measures first (under no result), then each
    result with its measures."""

    area: FocusArea
    level: int
    groups: list[tuple[Result | None, list[Measure]]] = field(default_factory=list)


def editor_tree(plan: Plan) -> list[AreaNode]:
    """Return the plan's focus areas in document order with their results and measures: three
    queries, whatever the plan's size."""
    nodes = {
        area.pk: AreaNode(area, level=min(3 + area.tree_depth, 6), groups=[(None, [])])
        for area in _plan_areas(plan).only(
            "pk", "plan_id", "parent_id", "number", "title", "order", "version"
        )
    }
    groups = {area_id: node.groups[0][1] for area_id, node in nodes.items()}
    by_result: dict[int, list[Measure]] = {}
    for result in Result.objects.filter(focus_area__plan=plan).order_by("number", "pk"):
        by_result[result.pk] = []
        nodes[result.focus_area_id].groups.append((result, by_result[result.pk]))
    measures = (
        Measure.objects.filter(plan=plan)
        .only("pk", "focus_area_id", "result_id", "code", "title", "order", "version")
        .order_by("order", "code", "pk")
    )
    for measure in measures:
        measure.edit_url = reverse("plans:measure_edit", args=[measure.pk])
        if measure.result_id:
            by_result[measure.result_id].append(measure)
        else:
            groups[measure.focus_area_id].append(measure)
    _link_neighbours([node.area for node in nodes.values()], key=lambda area: area.parent_id)
    for node in nodes.values():
        for _result, group in node.groups:
            _link_neighbours(group)
    return list(nodes.values())


def _link_neighbours(items: list, key=lambda item: None) -> None:
    """Give each item the sibling shown above and below it (`above`, `below`; None at the
    ends): its ↑ and ↓ post the one they pass, so a step from a stale page is refused.
    Items in document order; siblings are those with the same `key`."""
    last: dict[object, object] = {}
    for item in items:
        item.above, item.below = last.get(key(item)), None
        if item.above is not None:
            item.above.below = item
        last[key(item)] = item


def _editor_url(plan: Plan, item=None) -> str:
    url = reverse("plans:plan_editor", args=[plan.pk])
    return url + "#" + anchor(item) if item is not None else url


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    """Return the plan if she may edit it: 404 if she may not read it, 403 if only read it."""
    plan = get_object_or_404(permissions.visible_plans(request.user).select_related("owner"), pk=pk)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


@dataclass
class Back:
    """Where the page goes once an action is saved: the item's anchor, and (in place) the
    element the keyboard lands on."""

    anchor: str
    focus: str


def _back_to(item: FocusArea | Result | Measure | None, focus: str = "") -> Back:
    if item is None:
        return Back("trad-rubrik", "trad-rubrik")
    ref = anchor(item)
    return Back(ref, focus or (f"{ref}-rubrik" if isinstance(item, FocusArea) else ref))


def _page(plan: Plan, query) -> dict:
    """Return the editor's page as the query asks for it: the focus area the forms add to (the
    first unless she chose one, with its next free numbers and code filled in), and the item
    being moved or deleted, if any."""
    under = find_item(plan, "fokusomrade-" + query.get("under", ""))
    first = under or _plan_areas(plan).first()
    moving = find_item(plan, query.get("flytta", ""))
    return {
        "plan": plan,
        "forms": {
            "fokusomrade": AreaAddForm(plan=plan, prefix="fokusomrade", under=under),
            "resultat": ResultAddForm(plan=plan, prefix="resultat", under=first),
            "insats": MeasureAddForm(plan=plan, prefix="insats", under=first),
        },
        "moving": moving,
        "move_form": _move_form(plan, moving) if moving else None,
        "deleting": find_item(plan, query.get("ta-bort", "")),
        "errors": [],
    }


def _opened(page: dict, query) -> str:
    """Return what the keyboard lands on when a part of the page opens in place."""
    if page["move_form"]:
        return "flytta-rubrik"
    if page["deleting"]:
        return "ta-bort-rubrik"
    return "ny-rubrik" if "under" in query else ""


def _refused(page: dict, action: str) -> str:
    """Return the id of the summary that says why the action was refused."""
    if page["errors"]:
        return "fel"
    return "flytta-fel" if action == "flytta" else f"{action}-fel"


@login_required
def plan_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the plan's tree with its forms; a POST adds, moves or deletes an item and goes
    back to it, or shows the page again with why it was refused (nothing written).

    In place (htmx), the page answers a saved action with the page itself, the keyboard
    landing on the item (HX-Trigger "fokusera", static/js/plan.js); without JavaScript with
    a redirect to the item's anchor."""
    plan = _editable_plan(request, pk)
    in_place = request.headers.get("HX-Request") == "true"
    page = _page(plan, request.GET)
    focus, status = _opened(page, request.GET), 200
    if request.method == "POST":
        action = request.POST.get("atgard", "")
        handle = ACTIONS.get(action)
        back = None
        if handle is None:
            page["errors"] = [_("Okänd åtgärd. Ladda om sidan och försök igen.")]
        else:
            back = handle(request, plan, action, page)
        if back is not None and not in_place:
            return redirect(_editor_url(plan) + "#" + back.anchor)
        if back is not None:
            page, focus = _page(plan, {}), back.focus
        else:
            focus, status = _refused(page, action), 400
    deleting = page["deleting"]
    page.update(
        editor_url=_editor_url(plan),
        csrf_input=csrf_input(request),  # once: a tag per item's form costs at 2,000 measures
        tree=editor_tree(plan),
        measure_move=isinstance(page["moving"], Measure),
        moving_ref=anchor(page["moving"]) if page["moving"] else "",
        deleting_ref=anchor(deleting) if deleting else "",
        goes_with=what_goes_with(deleting) if deleting else [],
    )
    response = render(request, "plans/plan_editor.html", page, status=status)
    if in_place:
        if focus:
            response["HX-Trigger-After-Settle"] = json.dumps({"fokusera": {"id": focus}})
        if request.method == "POST" and status == 200:
            response["HX-Push-Url"] = page["editor_url"]  # the item's question is answered
    return response


def _add(request: HttpRequest, plan: Plan, action: str, page: dict) -> Back | None:
    form = ADD_FORMS[action](request.POST, plan=plan, prefix=action)
    page["forms"][action] = form
    if form.is_valid() and _try(form, lambda: plan_item_add(item=form.instance, user=request.user)):
        messages.success(request, _("%(item)s lades till.") % {"item": _name(form.instance)})
        return _back_to(form.instance)
    return None


def _step(request: HttpRequest, plan: Plan, action: str, page: dict) -> Back | None:
    form = StepForm(request.POST, plan=plan)
    moved = []
    if form.is_valid() and _try(form, lambda: moved.append(_move(request, form))):
        if moved[0]:
            messages.success(request, _("%(item)s flyttades.") % {"item": _name(form.item)})
        else:
            messages.info(request, _("%(item)s står redan där.") % {"item": _name(form.item)})
        # In place the keyboard stays on the button she pressed.
        return _back_to(form.item, focus=f"{form.cleaned_data['steg']}-{anchor(form.item)}")
    page["errors"] = _action_errors(form)
    return None


def _move_to(request: HttpRequest, plan: Plan, action: str, page: dict) -> Back | None:
    form = MoveForm(request.POST, plan=plan)
    valid = form.is_valid()
    page.update(move_form=form, moving=form.item)  # the form shows why it was refused
    if valid and _try(form, lambda: _move(request, form)):
        messages.success(request, _("%(item)s flyttades.") % {"item": _name(form.item)})
        return _back_to(form.item)
    return None


def _delete(request: HttpRequest, plan: Plan, action: str, page: dict) -> Back | None:
    form = ItemForm(request.POST, plan=plan)
    if form.is_valid() and _try(
        form,
        lambda: plan_item_delete(item=form.item, expected_version=form.cleaned_data["version"]),
    ):
        messages.success(request, _("%(item)s togs bort.") % {"item": _name(form.item)})
        return _back_to(_parent(form.item))
    page["errors"] = _action_errors(form)
    return None


# What each posted "atgard" does.
ACTIONS = {
    **dict.fromkeys(ADD_FORMS, _add),
    "steg": _step,
    "flytta": _move_to,
    "ta-bort": _delete,
}


def _move_form(plan: Plan, item) -> MoveForm:
    """Return the form that moves the item, filled with where it is now and its version."""
    if isinstance(item, FocusArea):
        initial = {"till": item.parent_id}
    else:
        initial = {"till": item.focus_area_id, "resultat": getattr(item, "result_id", None)}
    form = MoveForm(plan=plan, initial={"post": anchor(item), "version": item.version, **initial})
    if isinstance(item, FocusArea):
        # Not under itself or an area below it.
        below = [area.pk for area in _plan_areas(plan).below([item.pk])]
        form.fields["till"].queryset = _plan_areas(plan).exclude(pk__in=below)
    return form


def _move(request: HttpRequest, form: StepForm | MoveForm) -> bool:
    """Move the form's item; return whether it moved (a step past the end does not). After a
    move under another area, `form.item` is the item as saved (its number may be new there)."""
    item, version = form.item, form.cleaned_data["version"]
    if isinstance(form, StepForm):
        return plan_item_step(
            item=item,
            expected_version=version,
            step=form.step(),
            passing=form.passing,
            user=request.user,
        )
    form.item = plan_item_move(
        item=item, expected_version=version, to=form.target(), user=request.user
    )
    return True


def _action_errors(form: ItemForm) -> list[str]:
    """Return why an action on an item was refused, for the summary at the top of the page
    (a move's own fields show theirs in its form)."""
    hidden = ("post", "version", "steg", "ovan", "ovan_version", "nedan", "nedan_version")
    return [*form.non_field_errors(), *(e for name in hidden for e in form.errors.get(name, []))]


def _parent(item: FocusArea | Result | Measure) -> FocusArea | None:
    """Return the focus area the item sits in: where the page goes back to once it is gone."""
    return item.parent if isinstance(item, FocusArea) else item.focus_area


def _try(form: forms.Form, action) -> bool:
    """Run the save; a refusal becomes the form's error (the transaction wrote nothing)."""
    try:
        action()
    except StaleVersionError as error:
        form.add_error(None, [str(error), *error.describe()])
    except ValidationError as error:
        form.add_error(None, error.messages)
    else:
        return True
    return False


def _name(item: FocusArea | Result | Measure) -> str:
    if isinstance(item, FocusArea):
        return _("Fokusområde %(name)s") % {"name": _area_label(item)}
    if isinstance(item, Result):
        return _("Resultat %(number)s") % {"number": item.number}
    return _("Insats %(code)s") % {"code": item.code}


# --- Editing a focus area or result: a page of its own, back to the editor once saved --------


@login_required
def focus_area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a focus area's number, texts, coordinator and contacts."""
    area = _editable_item(request, FocusArea, pk)
    return _item_page(request, FocusAreaForm, area, _("Ändra fokusområde %(name)s"))


@login_required
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a long-term expected result's number and text."""
    result = _editable_item(request, Result, pk)
    return _item_page(request, ResultForm, result, _("Ändra resultat %(name)s"))


def _editable_item(request: HttpRequest, model: type, pk: int) -> FocusArea | Result:
    """Return the item if she may edit its plan: 404 if she may not read it, 403 if only read."""
    plan_path = "focus_area__plan" if model is Result else "plan"
    visible = permissions.visible_plans(request.user)
    item = get_object_or_404(
        model.objects.select_related(f"{plan_path}__owner"), pk=pk, **{f"{plan_path}__in": visible}
    )
    plan = item.focus_area.plan if model is Result else item.plan
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return item


def _item_page(request: HttpRequest, form_class: type, item, heading: str) -> HttpResponse:
    plan = item.focus_area.plan if isinstance(item, Result) else item.plan
    name = _area_label(item) if isinstance(item, FocusArea) else str(item.number)
    back = _editor_url(plan, item)
    context = {"plan": plan, "heading": heading % {"name": name}, "cancel_url": back}
    page, written = edit_page(request, form_class, item, "plans/plan_item_form.html", context)
    if page is not None:
        return page
    saved_message(request, written, _name(item))
    return redirect(back)
