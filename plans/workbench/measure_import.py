"""The site's "Importera insatser": upload a spreadsheet, read the preview, confirm.

The parsed rows wait in her session between the preview and the confirmation (no file is kept,
nothing to upload twice); the confirmation names the preview's fingerprint, so she applies the
file she saw, and the import re-checks every row under the plan's lock before it writes.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans import permissions
from plans.measure_import import (
    ImportFileError,
    ImportRefused,
    Preview,
    Sheet,
    import_measures,
    preview_import,
    read_sheet,
)
from plans.models import Plan
from plans.views import _visible_plan

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SESSION_KEY = "measure_import"


class MeasureImportForm(forms.Form):
    """The spreadsheet to import: read and checked as a whole here, row by row in the preview."""

    file = forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy(
            "Excel (.xlsx) eller CSV (UTF-8 eller Windows-1252, komma eller semikolon), högst "
            "2 MB. Första raden är rubriker."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self) -> Sheet:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är större än 2 MB. Dela upp den i flera filer."))
        try:
            return read_sheet(upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error


class MeasureImportConfirmForm(forms.Form):
    """Her confirmation of the preview she read, and of the new organisations it names."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    create_organisations = forms.BooleanField(
        required=False, label=gettext_lazy("Skapa de nya organisationerna")
    )


@login_required
def measures_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a spreadsheet of measures, show the preview, and apply it once she confirms."""
    plan = _visible_plan(request, pk)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    if request.method == "POST" and "digest" in request.POST:
        return _confirm(request, plan)
    form = MeasureImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["file"]
        try:
            preview = preview_import(plan=plan, sheet=sheet)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[SESSION_KEY] = {"plan": plan.pk, "sheet": sheet.to_json()}
            confirm = MeasureImportConfirmForm(initial={"digest": sheet.digest})
            return _preview_page(request, plan, preview, confirm)
    status = 400 if form.errors else 200
    return render(request, "plans/measure_import.html", {"plan": plan, "form": form}, status=status)


def _confirm(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Apply the previewed file; show the preview again with what stops it."""
    confirm = MeasureImportConfirmForm(request.POST)
    stored = request.session.get(SESSION_KEY) or {}
    sheet = Sheet.from_json(stored["sheet"]) if stored.get("plan") == plan.pk else None
    if not confirm.is_valid() or sheet is None or confirm.cleaned_data["digest"] != sheet.digest:
        expired = _("Förhandsvisningen finns inte längre. Ladda upp filen igen.")
        context = {"plan": plan, "form": MeasureImportForm(), "expired": expired}
        return render(request, "plans/measure_import.html", context, status=400)
    try:
        preview = import_measures(
            plan=plan,
            sheet=sheet,
            user=request.user,
            create_organisations=confirm.cleaned_data["create_organisations"],
        )
    except ImportRefused as error:
        return _preview_page(request, plan, error.preview, confirm, refusals=error.messages)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Importen är sparad: %(new)s nya och %(changed)s ändrade insatser.")
        % {"new": len(preview.created), "changed": len(preview.changed)},
    )
    return redirect(reverse("plans:plan_detail", args=[plan.pk]) + "#insatser-rubrik")


def _preview_page(
    request: HttpRequest,
    plan: Plan,
    preview: Preview,
    confirm: MeasureImportConfirmForm,
    refusals: list[str] | None = None,
) -> HttpResponse:
    context = {
        "plan": plan,
        "preview": preview,
        "confirm": confirm,
        "refusals": refusals or [],
        "blocked": bool(preview.errors),
    }
    status = 400 if refusals or preview.errors else 200
    return render(request, "plans/measure_import_preview.html", context, status=status)
