from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0015_organisation_contact_and_privacy"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name"], name="organisation_name"),
        ),
        migrations.AddIndex(
            model_name="result",
            index=models.Index(fields=["number", "id"], name="result_list_order"),
        ),
    ]
