"""Load the eight national target areas (Riksdagen 2018) and the 17 global goals."""

from django.db import migrations

TARGET_AREAS = [
    "Det tidiga livets villkor",
    "Kunskaper, kompetenser och utbildning",
    "Arbete, arbetsförhållanden och arbetsmiljö",
    "Inkomster och försörjningsmöjligheter",
    "Boende och närmiljö",
    "Levnadsvanor",
    "Kontroll, inflytande och delaktighet",
    "En jämlik och hälsofrämjande hälso- och sjukvård",
]

GLOBAL_GOALS = [
    "Ingen fattigdom",
    "Ingen hunger",
    "Hälsa och välbefinnande",
    "God utbildning för alla",
    "Jämställdhet",
    "Rent vatten och sanitet för alla",
    "Hållbar energi för alla",
    "Anständiga arbetsvillkor och ekonomisk tillväxt",
    "Hållbar industri, innovationer och infrastruktur",
    "Minskad ojämlikhet",
    "Hållbara städer och samhällen",
    "Hållbar konsumtion och produktion",
    "Bekämpa klimatförändringarna",
    "Hav och marina resurser",
    "Ekosystem och biologisk mångfald",
    "Fredliga och inkluderande samhällen",
    "Genomförande och globalt partnerskap",
]


def load(apps, schema_editor):
    for model_name, names in (("TargetArea", TARGET_AREAS), ("GlobalGoal", GLOBAL_GOALS)):
        model = apps.get_model("plans", model_name)
        for number, name in enumerate(names, start=1):
            model.objects.update_or_create(number=number, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("plans", "TargetArea").objects.all().delete()
    apps.get_model("plans", "GlobalGoal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
