"""An account with no role yet (just created, or all roles taken away) sees what anyone sees."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_account_without_roles_reads_the_public_plans(adopted_plan, draft_plan):
    newcomer = User.objects.create_user("ny", password="ett-långt-testlösenord")
    page = client_for(newcomer).get(reverse("plans:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert adopted_plan.title in text and draft_plan.title not in text
