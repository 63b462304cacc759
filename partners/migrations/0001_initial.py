"""Partner keys move from the ``cms`` app to this one, keeping their table.

The rows stay where they are (``cms_partnerkey``): this app takes the model over in Django's
state only, so an existing database changes nothing but the content type's app (which keeps
the permissions granted on partner keys and the admin's history of them), and processes of the
previous release keep working while this one migrates. A fresh database gets the table from
``cms.0001_initial``, as before.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source, target):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if not content_types.filter(app_label=target, model="partnerkey").exists():
        content_types.filter(app_label=source, model="partnerkey").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="cms", target="partners")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="partners", target="cms")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cms', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PartnerKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='Who the key is for, e.g. the partner.', max_length=120)),
                        ('prefix', models.CharField(editable=False, max_length=16, unique=True)),
                        ('key_hash', models.CharField(editable=False, max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ],
                    options={
                        'ordering': ['name', 'created_at'],
                        'db_table': 'cms_partnerkey',
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
