"""Store the record of minutes checked before records existed, built as checking builds it."""

from django.db import migrations
from django.utils import timezone

LOCKED_STATUSES = ("justerat", "diariefort")


def record_checked_minutes(apps, schema_editor):
    """Store the record of minutes checked before records existed, built as checking builds it.

    The content comes from the application's own function (councils.selectors), so it reads the
    current models: it runs only where checked minutes exist, after every migration of this
    change (each app's latest at the time), so the tables hold what today's models read.
    """
    Meeting = apps.get_model("councils", "Meeting")
    MinutesRecord = apps.get_model("councils", "MinutesRecord")
    checked = list(
        Meeting.objects.filter(status__in=LOCKED_STATUSES, minutes_record__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not checked:
        return
    from councils import models as current
    from councils.selectors import minutes_record_content

    now = timezone.now()
    for meeting in current.Meeting.objects.filter(pk__in=checked).order_by("pk"):
        MinutesRecord.objects.create(
            meeting_id=meeting.pk, content=minutes_record_content(meeting=meeting), made_at=now
        )


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0005_dates_in_range"),
        ("plans", "0008_dates_in_range"),
        ("reports", "0003_dates_in_range"),
    ]

    operations = [
        migrations.RunPython(record_checked_minutes, migrations.RunPython.noop),
    ]
