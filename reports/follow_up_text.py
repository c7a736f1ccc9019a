"""The strategist's words in the yearly follow-up: the summary and an analysis per focus area,
written on one page with the measure owners' reports and the figures beside her; saved as
drafts with versions and history, and shown in the PDF (preview and published) as written."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms.models import inlineformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from plans.forms import IdChoiceField, SafeInlineFormSet, VersionedModelForm
from plans.models import FocusArea, Plan
from plans.services import locked
from plans.views import edit_page, saved_message
from reports.documents import follow_up_document
from reports.models import AreaAnalysis, FollowUpText
from reports.views import edited_plan


class FollowUpTextForm(VersionedModelForm):
    class Meta:
        model = FollowUpText
        fields = ["summary", "case_number", "received_by", "received_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class AreaAnalysisForm(forms.ModelForm):
    """A focus area's analysis: its three texts; the area is fixed by the page."""

    class Meta:
        model = AreaAnalysis
        fields = ["focus_area", "went_well", "deviations", "next_steps"]
        field_classes = {"focus_area": IdChoiceField}
        widgets = {
            "focus_area": forms.HiddenInput,
            "went_well": forms.Textarea(attrs={"rows": 4}),
            "deviations": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, areas=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = areas  # the plan's top focus areas only


def top_areas(plan: Plan) -> list[FocusArea]:
    """Return the plan's focus areas at the top of its tree: those the report analyses."""
    return [a for a in FocusArea.objects.of_plan(plan.pk) if a.parent_id is None]


def area_rows(data, text: FollowUpText, areas: list[FocusArea], reported: dict | None = None):
    """Return a form per top focus area, in the plan's order: the saved analysis, or an empty
    one for the area (written only once she types something); each with the area's measures
    as the year's report shows them (`reported`: the document's areas by id)."""
    saved = {a.focus_area_id: a for a in text.areas.all()} if text.pk else {}
    missing = [area for area in areas if area.pk not in saved]
    rows = inlineformset_factory(
        FollowUpText,
        AreaAnalysis,
        form=AreaAnalysisForm,
        formset=SafeInlineFormSet,
        extra=len(missing),
        can_delete=False,
        max_num=len(areas),
        absolute_max=len(areas),
        validate_max=True,
    )
    queryset = (
        AreaAnalysis.objects.filter(text=text).select_related("focus_area")
        if text.pk
        else AreaAnalysis.objects.none()
    )
    formset = rows(
        data,
        instance=text,
        prefix="omraden",
        queryset=queryset,
        initial=[{"focus_area": area.pk} for area in missing],
        form_kwargs={"areas": FocusArea.objects.filter(pk__in=[a.pk for a in areas])},
    )
    names = {area.pk: area for area in areas}
    for form in formset.forms:
        area_id = form.instance.focus_area_id or form.initial.get("focus_area")
        form.area = names.get(area_id)
        form.measures = (reported or {}).get(area_id, {}).get("measures", [])
    formset.forms.sort(key=lambda f: areas.index(f.area) if f.area in areas else len(areas))
    return formset


@login_required
def follow_up_text_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Write the year's summary and focus-area analyses; back to the year's report once saved."""
    plan = edited_plan(request, pk, year)
    with transaction.atomic():
        # Two first saves of the year's text wait for each other: the second finds the first.
        locked(Plan.objects.filter(pk=plan.pk), action="Writing a follow-up's text").get()
        text = FollowUpText.objects.filter(plan=plan, year=year).first() or FollowUpText(
            plan=plan, year=year
        )
        areas = top_areas(plan)
        content = follow_up_document(plan=plan, year=year)
        reported = {a["id"]: a for a in content["areas"]}
        context = {
            "plan": plan,
            "year": year,
            "summary": content["summary"],
            "cancel_url": reverse("reports:plan_follow_up", args=[plan.pk]) + "#arsrapport",
        }
        page, written = edit_page(
            request,
            FollowUpTextForm,
            text,
            "reports/follow_up_text.html",
            context,
            rows=lambda data: area_rows(data, text, areas, reported),
        )
    if page is not None:
        return page
    saved_message(request, written, _("Uppföljningens text"))
    return redirect(reverse("reports:plan_follow_up", args=[plan.pk]) + "#arsrapport")
