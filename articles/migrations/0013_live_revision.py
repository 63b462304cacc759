"""The live version refers to the revision it was published from (it kept its number)."""

import django.db.models.deletion
from django.db import migrations, models


def numbers_to_revisions(apps, schema_editor):
    LiveEntry = apps.get_model("articles", "LiveEntry")
    Revision = apps.get_model("articles", "Revision")
    entries = list(LiveEntry.objects.only("pk", "revision"))
    ids = dict(
        ((article_id, number), pk)
        for article_id, number, pk in Revision.objects.filter(
            article_id__in=[e.pk for e in entries]
        ).values_list("article_id", "number", "pk")
    )
    for entry in entries:
        entry.published_revision_id = ids.get((entry.pk, entry.revision))
    LiveEntry.objects.bulk_update(entries, ["published_revision"], batch_size=1000)


def revisions_to_numbers(apps, schema_editor):
    LiveEntry = apps.get_model("articles", "LiveEntry")
    entries = list(LiveEntry.objects.select_related("published_revision", "article"))
    for entry in entries:
        revision = entry.published_revision
        entry.revision = revision.number if revision else entry.article.version
    LiveEntry.objects.bulk_update(entries, ["revision"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_drop_content_history")]

    operations = [
        # Nullable first, so that migrating back can add the number again before filling it.
        migrations.AlterField(
            model_name="liveentry",
            name="revision",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="liveentry",
            name="published_revision",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="articles.revision",
            ),
        ),
        migrations.RunPython(numbers_to_revisions, revisions_to_numbers),
        migrations.RemoveField(model_name="liveentry", name="revision"),
        migrations.RenameField(
            model_name="liveentry", old_name="published_revision", new_name="revision"
        ),
        migrations.AlterField(
            model_name="liveentry",
            name="revision",
            field=models.ForeignKey(
                help_text="The entry's revision published: what is live.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="articles.revision",
            ),
        ),
    ]
