"""Give every existing user with a role a home organisation: the organisation of the first role."""

from django.db import migrations


def assign_home_organisations(apps, schema_editor) -> None:
    Account = apps.get_model("plans", "Account")
    Role = apps.get_model("plans", "Role")
    has_account = Account.objects.values("user_id")
    first_roles = Role.objects.exclude(user_id__in=has_account).order_by("user_id", "pk")
    seen: set[int] = set()
    for role in first_roles:
        if role.user_id not in seen:
            seen.add(role.user_id)
            Account.objects.create(user_id=role.user_id, organisation_id=role.organisation_id)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_accounts_home_organisation")]

    operations = [migrations.RunPython(assign_home_organisations, migrations.RunPython.noop)]
