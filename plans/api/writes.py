"""Writes of a plan's parts through the workbench's forms and services, under each record's
version: `PlanItemWrites` (create, update, destroy) and what the viewsets share."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework import status as http_status
from rest_framework.response import Response

from folkhalsa.api import (
    checked_payload,
    expected_version,
    form_data,
    form_write,
    refuse_stale,
)
from plans import permissions
from plans.models import (
    Plan,
    Result,
)
from plans.services import (
    plan_item_add,
    plan_item_delete,
    versioned_save_with_rows,
)


class PlanItemWrites:
    """create, update (PUT and PATCH) and destroy through the workbench's forms and services.

    `add_form(data, plan=…)` adds an item (`plan_item_add`); `edit_form(data, instance=…)`
    changes one against its version; a delete names the version it removes.
    """

    add_form: type | None = None
    edit_form: type
    create_serializer: type | None = None
    edit_serializer: type

    def plan_of(self, payload: dict) -> Plan:
        raise NotImplementedError

    def editable(self, instance) -> bool:
        return permissions.can_edit_plan(self.request.user, self._plan(instance))

    def _plan(self, instance) -> Plan:
        if isinstance(instance, Plan):
            return instance
        if isinstance(instance, Result):
            return instance.focus_area.plan
        return instance.plan

    def nothing_shown(self) -> dict:
        """The representation's fields, each empty: what a create may send back."""
        return dict.fromkeys(self.get_serializer().fields)

    def represent(self, instance) -> dict:
        fresh = self.get_queryset().filter(pk=instance.pk).first()
        return self.get_serializer(fresh).data if fresh is not None else {}

    def _writable(self):
        instance = self.get_object()  # 404 unless she reads it
        if not self.editable(instance):
            raise exceptions.PermissionDenied(_("Du får inte ändra i planen."))
        return instance

    def _edit(self, instance, payload: dict, version: int, *, partial: bool) -> None:
        """Save the edit form filled from the JSON (inside the caller's transaction)."""
        user = self.request.user
        fresh = type(instance).objects.get(pk=instance.pk)
        payload = dict(payload)
        rows = self.rows(fresh, payload)  # takes the rows' field out of the payload
        unbound = self.edit_form(instance=fresh, **self.form_kwargs())
        data = form_data(unbound, payload, partial=partial)
        data["loaded_version"] = str(version)
        form = self.edit_form(data, instance=fresh, **self.form_kwargs())

        def save(form):
            invalid = [formset for formset in rows if not formset.is_valid()]
            if invalid:
                raise exceptions.ValidationError(_rows_errors(invalid))
            form.save(commit=False)
            written = versioned_save_with_rows(form=form, formsets=rows, user=user)
            for formset in rows:
                formset.save()
            return written

        form_write(form=form, save=save)

    def rows(self, instance, payload: dict) -> list:
        """Return the formsets of rows saved with the record (its actors), bound to the JSON."""
        return []

    def form_kwargs(self) -> dict:
        return {}

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self._writable()
        payload = checked_payload(
            self.edit_serializer, request.data, partial=partial, shown=self.represent(instance)
        )
        version = expected_version(request, request.data if isinstance(request.data, dict) else {})
        with transaction.atomic():
            refuse_stale(instance, version, user=request.user, represent=self.represent)
            self._edit(instance, payload, version, partial=partial)
        return Response(self.represent(instance))

    def create(self, request, *args, **kwargs):
        if self.add_form is None:
            raise exceptions.MethodNotAllowed(request.method)
        payload = checked_payload(
            self.create_serializer, request.data, partial=False, shown=self.nothing_shown()
        )
        plan = self.plan_of(payload)
        if not permissions.can_edit_plan(request.user, plan):
            raise exceptions.PermissionDenied(_("Du får inte ändra i planen."))
        add_fields = set(self.add_form.base_fields)
        adding = {name: value for name, value in payload.items() if name in add_fields}
        editing = {name: value for name, value in payload.items() if name not in add_fields}
        with transaction.atomic():
            unbound = self.add_form(plan=plan)
            form = self.add_form(form_data(unbound, adding, partial=False), plan=plan)
            item = form_write(
                form=form,
                save=lambda form: plan_item_add(item=form.instance, user=request.user) or form,
            ).instance
            if editing:
                self._edit(item, editing, 1, partial=True)
        return Response(self.represent(item), status=http_status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        instance = self._writable()
        version = expected_version(request)
        with transaction.atomic():
            refuse_stale(instance, version, user=request.user, represent=self.represent)
            form_write(
                form=NothingToCheck(),
                save=lambda _form: plan_item_delete(item=instance, expected_version=version),
            )
        return Response(status=http_status.HTTP_204_NO_CONTENT)


def _rows_errors(formsets: list) -> dict:
    """Return the rows' errors as the API answers them: per row, per field."""
    errors: dict[str, list] = {}
    for formset in formsets:
        name = formset.api_field
        messages = [str(m) for m in formset.non_form_errors()]
        for index, row in enumerate(formset.errors):
            for field, texts in row.items():
                messages += [f"{index + 1}. {field}: {text}" for text in texts]
        errors[name] = messages
    return errors


class NothingToCheck:
    """A form with nothing to check, for a service that validates itself."""

    errors: dict = {}

    def is_valid(self) -> bool:
        return True


def readable_plan(user, pk: object, field: str) -> Plan:
    """Return the plan the JSON names, if she reads it; 400 naming the field otherwise."""
    plan = permissions.visible_plans(user).filter(pk=pk).select_related("owner").first()
    if plan is None:
        raise exceptions.ValidationError({field: [_("Planen finns inte eller är inte din.")]})
    return plan


# --- Plans, focus areas, results ------------------------------------------------------------
