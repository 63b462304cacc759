import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_fill_public_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="feedback",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="The id a reader is shown; random, so it reveals nothing about other rows.",
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="dedupe_key",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="Same client, kind, entry and message in the same time bucket; unique.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.UniqueConstraint(
                condition=models.Q(("dedupe_key", ""), _negated=True),
                fields=("dedupe_key",),
                name="feedback_unique_dedupe_key",
            ),
        ),
    ]
