"""Scheduled changes to live entries: live documents get a validity window, and a change
waiting for its time is a pinned revision with that time."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def open_windows(apps, schema_editor):
    LiveDocument = apps.get_model("articles", "LiveDocument")
    LiveDocument.objects.update(valid_from=F("published_at"))


def keep_what_is_visible(apps, schema_editor):
    """Back to one document per entry and language: the one the public sees now (changes
    still waiting are dropped, those whose time passed stay)."""
    LiveDocument = apps.get_model("articles", "LiveDocument")
    now = django.utils.timezone.now()
    LiveDocument.objects.filter(valid_until__lte=now).delete()
    LiveDocument.objects.filter(valid_from__gt=now).exclude(valid_from=F("published_at")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_live_revision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduledChange",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="scheduled_change",
                        serialize=False,
                        to="articles.liveentry",
                    ),
                ),
                ("at", models.DateTimeField(help_text="When it goes live.")),
                ("significant", models.BooleanField(default=False)),
                ("scheduled_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="livedocument",
            name="unique_live_language",
        ),
        migrations.RemoveConstraint(
            model_name="livedocument",
            name="unique_live_slug",
        ),
        migrations.AddField(
            model_name="livedocument",
            name="valid_from",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When the public starts seeing this document: the entry's publication time, or a scheduled change's time.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="livedocument",
            name="valid_until",
            field=models.DateTimeField(
                blank=True,
                help_text="When a scheduled change replaces it (empty: never).",
                null=True,
            ),
        ),
        migrations.RunPython(open_windows, keep_what_is_visible),
        migrations.AlterField(
            model_name="publishevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit_for_review", "Submitted for review"),
                    ("return_to_draft", "Sent back to draft"),
                    ("publish", "Published"),
                    ("unpublish", "Unpublished"),
                    ("archive", "Archived"),
                    ("reopen", "Reopened from archive"),
                    ("submit_changes", "Changes submitted for review"),
                    ("publish_changes", "Changes published"),
                    ("discard_changes", "Changes discarded"),
                    ("schedule_changes", "Changes scheduled"),
                    ("reschedule_changes", "Scheduled changes moved"),
                    ("cancel_scheduled_changes", "Scheduled changes cancelled"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="reason",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("edit", "Edited"),
                    ("restore", "Restored"),
                    ("discard", "Discarded changes"),
                    ("import", "Imported"),
                    ("publish", "Published"),
                    ("schedule", "Scheduled to go live"),
                    ("workflow", "Workflow step"),
                    ("note", "Note"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="livedocument",
            constraint=models.UniqueConstraint(
                fields=("entry", "language", "valid_from"), name="unique_live_language"
            ),
        ),
        migrations.AddConstraint(
            model_name="livedocument",
            constraint=models.UniqueConstraint(
                fields=("language", "slug", "valid_from"), name="unique_live_slug"
            ),
        ),
        migrations.AddField(
            model_name="scheduledchange",
            name="revision",
            field=models.ForeignKey(
                help_text="What goes live: pinned, later edits do not go with it.",
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="articles.revision",
            ),
        ),
        migrations.AddField(
            model_name="scheduledchange",
            name="scheduled_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
