"""Organisations and focus areas stay trees: nothing is moved below itself."""

import pytest
from django.core.exceptions import ValidationError

from plans.models import FocusArea, Organisation

pytestmark = pytest.mark.django_db


def test_organisation_cannot_be_moved_below_its_own_unit(norberg, library):
    norberg.parent = library
    with pytest.raises(ValidationError, match="kan inte ingå i sig själv eller sina enheter"):
        norberg.full_clean()


def test_organisation_may_move_below_another_organisation(norberg, library, alingsas):
    library.parent = alingsas
    library.full_clean()
    library.save()
    assert Organisation.objects.get(pk=library.pk).path == "Alingsås kommun › Biblioteket"


def test_focus_area_cannot_be_moved_below_its_own_sub_area(draft_plan):
    top = FocusArea.objects.create(plan=draft_plan, number="1", title="Ett")
    child = FocusArea.objects.create(plan=draft_plan, parent=top, number="1", title="Under")
    grandchild = FocusArea.objects.create(plan=draft_plan, parent=child, number="1", title="Djup")
    top.parent = grandchild
    with pytest.raises(ValidationError, match="kan inte ingå i sig självt"):
        top.full_clean()
    grandchild.parent = top
    grandchild.full_clean()
