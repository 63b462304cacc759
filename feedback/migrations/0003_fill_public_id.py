import uuid

from django.db import migrations


def give_each_row_a_public_id(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    for feedback in Feedback.objects.filter(public_id__isnull=True).only("pk"):
        feedback.public_id = uuid.uuid4()
        feedback.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0002_feedback_public_id"),
    ]

    operations = [
        migrations.RunPython(give_each_row_a_public_id, migrations.RunPython.noop),
    ]
