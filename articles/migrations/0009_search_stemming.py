from django.db import migrations, models

from articles import search


def refresh_index(apps, schema_editor):
    """The stored search columns, stemmed with Dutch corrections, and their version."""
    search.index_refresh(using=schema_editor.connection.alias, apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_live_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchStemming',
            fields=[
                ('language', models.CharField(max_length=10, primary_key=True, serialize=False)),
                ('version', models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(refresh_index, migrations.RunPython.noop),
    ]
