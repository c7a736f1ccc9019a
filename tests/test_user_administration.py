"""An organisation's administrator manages its users and their roles, and nobody else's."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import Account, Role
from tests.conftest import client_for
from tests.html_forms import main_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def norberg_admin(norberg) -> User:
    user = User.objects.create_user("nora", password="x" * 12, is_staff=True)
    Role.objects.create(user=user, organisation=norberg, kind=Role.Kind.ADMINISTRATOR)
    Account.objects.create(user=user, organisation=norberg)
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


def test_new_account_belongs_to_the_organisation_chosen_for_it(norberg_admin, norberg, alingsas):
    url = reverse("admin:auth_user_add")
    form = {
        "username": "ny",
        "organisation": norberg.pk,
        "usable_password": "true",
        "password1": "Ett-långt-lösenord-7",
        "password2": "Ett-långt-lösenord-7",
    }
    assert client_for(norberg_admin).post(url, form).status_code == 302
    assert User.objects.get(username="ny").account.organisation == norberg
    response = client_for(norberg_admin).post(
        url, {**form, "username": "annan", "organisation": alingsas.pk}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="annan").exists()


def test_account_of_another_organisation_cannot_be_managed(norberg_admin, alingsas):
    """An account another organisation just created, with no role yet, is not hers."""
    newcomer = User.objects.create_user("nykomling", password="x" * 12)
    Account.objects.create(user=newcomer, organisation=alingsas)
    client = client_for(norberg_admin)
    for name in ("change", "password_change", "delete"):
        assert client.get(reverse(f"admin:auth_user_{name}", args=[newcomer.pk])).status_code == 404
    client.post(
        reverse("admin:auth_user_password_change", args=[newcomer.pk]),
        {"password1": "Kapat-lösenord-99", "password2": "Kapat-lösenord-99"},
    )
    newcomer.refresh_from_db()
    assert newcomer.check_password("x" * 12)


def test_account_without_a_home_organisation_is_for_superusers_only(norberg_admin):
    orphan = User.objects.create_user("föräldralös", password="x" * 12)
    url = reverse("admin:auth_user_change", args=[orphan.pk])
    assert client_for(norberg_admin).get(url).status_code == 404


def test_role_for_a_user_of_another_organisation_is_refused_with_a_message(
    norberg_admin, norberg, charlie, superuser
):
    url = reverse("admin:plans_role_add")
    for outsider in (charlie, superuser):
        form = {"user": outsider.pk, "organisation": norberg.pk, "kind": Role.Kind.READER}
        response = client_for(norberg_admin).post(url, form)
        assert response.status_code == 200
        assert "hör till en organisation som du inte administrerar" in response.content.decode()
        assert not Role.objects.filter(user=outsider, organisation=norberg).exists()


def test_user_who_made_changes_is_deactivated_not_deleted(superuser, alice, measure):
    from plans.services import versioned_save

    measure.title = "Ändrad av alice"
    versioned_save(instance=measure, expected_version=measure.version, user=alice)
    response = client_for(superuser).post(
        reverse("admin:auth_user_delete", args=[alice.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert measure.history.latest("history_id").history_user == alice


def test_user_who_made_no_changes_is_deleted(superuser, bob):
    client_for(superuser).post(reverse("admin:auth_user_delete", args=[bob.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=bob.pk).exists()


def test_deleting_oneself_is_refused_with_a_message(diana):
    response = client_for(diana).post(
        reverse("admin:auth_user_delete", args=[diana.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "Du kan inte ta bort ditt eget konto." in response.content.decode()
    assert User.objects.filter(pk=diana.pk, is_active=True).exists()


def test_administrator_saves_her_own_organisation(diana, norberg):
    url = reverse("admin:plans_organisation_change", args=[norberg.pk])
    client = client_for(diana)
    form = main_form(client.get(url).content.decode())
    assert client.post(url, form.data(name="Norbergs kommun (ny)")).status_code == 302
    norberg.refresh_from_db()
    assert norberg.name == "Norbergs kommun (ny)" and norberg.parent is None


def test_one_administrators_choices_do_not_narrow_the_superusers(
    norberg_admin, superuser, alingsas
):
    assert client_for(norberg_admin).get(reverse("admin:auth_user_add")).status_code == 200
    page = client_for(superuser).get(reverse("admin:auth_user_add"))
    # The organisation is searched (an autocomplete), so the form's own choices are asked.
    assert alingsas in page.context["adminform"].form.fields["organisation"].queryset
