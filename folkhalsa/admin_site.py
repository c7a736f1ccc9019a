"""The admin site: Django's, whose searches name each choice as its model's admin says, so a
focus area found by its title shows which plan it belongs to."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteView(AutocompleteJsonView):
    """An autocomplete answer whose text is the admin's `autocomplete_label(obj)` if it has one."""

    def serialize_result(self, obj, to_field_name) -> dict:
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class AdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteView.as_view(admin_site=self)(request)
