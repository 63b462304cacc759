"""The desk's roles may use releases: Writers and Translators make releases and add, update
and remove their entries; Publishers do everything with them (reviewing, publishing,
scheduling and reverting are decided by the articles' own rights, see
``articles.services.releases``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

ROLES = {
    "Writer": [
        "view_release",
        "add_release",
        "change_release",
        "view_releaseitem",
        "add_releaseitem",
        "delete_releaseitem",
    ],
    "Translator": [
        "view_release",
        "add_release",
        "change_release",
        "view_releaseitem",
        "add_releaseitem",
        "delete_releaseitem",
    ],
    "Publisher": [f"{verb}_{model}" for model in ("release", "releaseitem") for verb in ALL],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    releases = Permission.objects.filter(
        content_type__app_label="articles", content_type__model__in=["release", "releaseitem"]
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*releases)


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_releases")]

    operations = [migrations.RunPython(grant, revoke)]
