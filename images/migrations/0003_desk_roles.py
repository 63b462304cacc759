"""The desk's roles may use the image library: Writers and Publishers upload, edit and delete
images (deletion is refused while one is in use); Translators edit them for their texts (alt
text and title per language)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def crud(*models):
    return [f"{verb}_{model}" for model in models for verb in ("add", "change", "delete", "view")]


ROLES = {
    "Writer": [*crud("image", "imagetext"), "view_rendition"],
    "Publisher": [*crud("image", "imagetext"), "view_rendition"],
    "Translator": ["view_image", "change_image", *crud("imagetext"), "view_rendition"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="images", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="images"))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0002_dutch_labels"),
        ("articles", "0003_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
