"""The admin never filters, searches or sorts on a secret field, so no guess reads it back."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from django.urls import reverse

from plans.admin.accounts import FolkhalsaUserAdmin
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        ("auth_user", "password__startswith=pbkdf2"),
        ("auth_user", "password__regex=^p"),
        ("auth_user", "calendar_feed__token__regex=^a"),
        ("plans_role", "user__password__regex=^p"),
        ("councils_body", "calendar_token__regex=^a"),
        ("councils_meeting", "body__calendar_token__regex=^a"),
        ("councils_seat", "body__organisation__roles__user__password__startswith=p"),
    ],
)
def test_list_filter_on_a_secret_field_answers_400(objects, model, lookup):
    url = f"{reverse(f'admin:{model}_changelist')}?{lookup}"
    response = client_for(objects["users"]["root"]).get(url)
    assert response.status_code == 400, url


def test_list_filters_on_ordinary_fields_still_work(objects):
    root = client_for(objects["users"]["root"])
    response = root.get(reverse("admin:auth_user_changelist") + "?is_active__exact=1")
    assert response.status_code == 200
    assert root.get(reverse("admin:auth_user_changelist") + "?q=token").status_code == 200


def test_sorting_by_a_column_showing_a_secret_field_answers_400(superuser):
    user_admin = FolkhalsaUserAdmin(User, admin.site)
    user_admin.list_display = ["username", "password"]
    request = RequestFactory().get("/admin/auth/user/", {"o": "-2.1"})
    request.user = superuser
    with pytest.raises(BadRequest):
        user_admin.changelist_view(request)


def test_secret_fields_are_never_searched(superuser):
    user_admin = FolkhalsaUserAdmin(User, admin.site)
    user_admin.search_fields = ["username", "password", "calendar_feed__token"]
    request = RequestFactory().get("/admin/auth/user/")
    assert user_admin.get_search_fields(request) == ["username"]
