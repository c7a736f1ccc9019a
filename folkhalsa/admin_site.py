"""The admin site: Django's, whose searches offer only what the field's form would accept from
the user, and name each choice as its model's admin says, so a focus area found by its title
shows which plan it belongs to."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet


class LabelledAutocompleteView(AutocompleteJsonView):
    """An autocomplete answer limited to the choices of the form it fills, 20 a page, whose
    text is the admin's `autocomplete_label(obj)` if it has one (read with the relations in
    its `autocomplete_select_related`, not with a query per choice).

    Django searches the target admin's whole queryset: a strategist typing in an indicator's
    measures would be offered every measure of the country she may read, though the form then
    refuses all but her own plans'. Here the search is narrowed to the queryset the source
    field's form field has for her (the admin's or inline's `formfield_for_foreignkey` or
    `formfield_for_manytomany`); a field that is no autocomplete of ours answers 403.
    """

    def process_request(self, request):
        answer = super().process_request(request)
        self.source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return answer

    def get_queryset(self) -> QuerySet:
        found = super().get_queryset()
        related = getattr(self.model_admin, "autocomplete_select_related", ())
        if related:  # select_related() without names would follow every relation
            found = found.select_related(*related)
        choices = [_plain(c) for c in self._form_choices()]
        if not choices:
            raise PermissionDenied
        if any(not c.query.where for c in choices):
            return found  # one of its forms offers every record the search finds
        within = Q()
        for queryset in choices:
            within |= Q(pk__in=queryset.values("pk"))
        return found.filter(within)

    def _form_choices(self) -> list[QuerySet]:
        """Return the choices the field's form field has for the user, on each page that
        offers the field as an autocomplete."""
        request, field = self.request, self.source_field
        choices = []
        for owner in self._source_admins():
            if field.name not in owner.get_autocomplete_fields(request):
                continue
            if field.many_to_many:
                form_field = owner.formfield_for_manytomany(field, request)
            else:
                form_field = owner.formfield_for_foreignkey(field, request)
            if form_field is not None:
                choices.append(form_field.queryset)
        return choices

    def _source_admins(self) -> list:
        """Return the admins and inlines whose forms edit the source model."""
        found = []
        for model, model_admin in self.admin_site._registry.items():
            if model is self.source_model:
                found.append(model_admin)
            for inline in model_admin.inlines:
                if inline.model is self.source_model:
                    found.append(inline(model, self.admin_site))
        return found

    def serialize_result(self, obj, to_field_name) -> dict:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


def _plain(choices: QuerySet) -> QuerySet:
    """Return the choices without a tree's recursive query (django-tree-queries): as a filter
    only their ids count, and the recursion would walk the whole tree. Form choices filter on
    stored columns (a tree query's own `tree_filter` is repeated as a plain filter)."""
    if hasattr(choices, "without_tree_fields"):
        # order_by() clones first: without_tree_fields() changes the query in place.
        return choices.order_by().without_tree_fields()
    return choices


class AdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteView.as_view(admin_site=self)(request)
