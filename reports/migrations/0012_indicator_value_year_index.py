from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_published_documents_rendered_once"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="indicatorvalue",
            index=models.Index(fields=["year"], name="indicator_value_year"),
        ),
    ]
