import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# What each desk role may do with notes and with readers' feedback (corrections become notes).
GRANTS = {
    "Writer": [
        ("articles", ["add_note", "change_note", "delete_note", "view_note"]),
        ("feedback", ["view_feedback", "change_feedback"]),
    ],
    "Translator": [("articles", ["change_note", "view_note"])],
    "Publisher": [
        ("articles", ["add_note", "change_note", "delete_note", "view_note"]),
        ("feedback", ["view_feedback", "change_feedback"]),
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for app_label, codenames in grants:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_notes"),
        ("feedback", "0004_public_id_unique_and_dedupe_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="note",
            field=models.ForeignKey(
                blank=True,
                help_text="The note on the entry the desk wrote from this feedback.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="feedback",
                to="articles.note",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
