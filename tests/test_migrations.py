"""The models and the migrations agree."""

import pytest
from django.core.management import call_command

from plans.models import GlobalGoal, TargetArea


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_national_target_areas_and_global_goals_are_loaded():
    assert TargetArea.objects.count() == 8 and GlobalGoal.objects.count() == 17
    assert TargetArea.objects.get(number=6).name == "Levnadsvanor"
    assert GlobalGoal.objects.get(number=3).name == "Hälsa och välbefinnande"
