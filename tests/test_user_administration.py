"""An organisation's administrator manages its users and their roles, and nobody else's."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def norberg_admin(norberg) -> User:
    user = User.objects.create_user("nora", password="x" * 12, is_staff=True)
    Role.objects.create(user=user, organisation=norberg, kind=Role.Kind.ADMINISTRATOR)
    return user


def test_administrator_sees_her_organisations_users_only(norberg_admin, alice, bob, charlie):
    page = client_for(norberg_admin).get(reverse("admin:auth_user_changelist")).content.decode()
    assert ">alice<" in page and ">bob<" in page and ">charlie<" not in page
    outsider = reverse("admin:auth_user_change", args=[charlie.pk])
    assert client_for(norberg_admin).get(outsider).status_code == 404
    password = reverse("admin:auth_user_password_change", args=[charlie.pk])
    assert client_for(norberg_admin).get(password).status_code == 404


def test_administrator_gives_a_role_in_her_organisation(norberg_admin, library, bob):
    url = reverse("admin:plans_role_add")
    form = {"user": bob.pk, "organisation": library.pk, "kind": Role.Kind.READER}
    assert client_for(norberg_admin).post(url, form).status_code == 302
    assert Role.objects.filter(user=bob, kind=Role.Kind.READER, organisation=library).exists()


def test_administrator_cannot_give_a_role_elsewhere(norberg_admin, alingsas, bob):
    url = reverse("admin:plans_role_add")
    form = {"user": bob.pk, "organisation": alingsas.pk, "kind": Role.Kind.STRATEGIST}
    response = client_for(norberg_admin).post(url, form)
    assert response.status_code == 200
    assert not Role.objects.filter(organisation=alingsas, user=bob).exists()


def test_administrator_cannot_make_a_superuser(norberg_admin, bob):
    url = reverse("admin:auth_user_change", args=[bob.pk])
    page = client_for(norberg_admin).get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()


def test_strategist_cannot_manage_users(alice):
    assert client_for(alice).get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client_for(alice).get(reverse("admin:plans_role_add")).status_code == 403
