"""The desk's roles as groups: Writer, Translator, Publisher."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTS = ["articletranslation", "signalbullet", "scorecard", "scorecardrating"]
REFERENCE = ["vendor", "vendortranslation", "topic", "riskarea", "riskframework"]


def crud(models):
    return [f"{verb}_{model}" for model in models for verb in ("add", "change", "delete", "view")]


def view(models):
    return [f"view_{model}" for model in models]


ROLES = {
    "Writer": [
        *crud(["article", *PARTS]),
        "submit_for_review",
        *view(REFERENCE),
        "view_publishevent",
    ],
    "Translator": [
        "view_article",
        "translate_article",
        *crud(["articletranslation"]),
        *view(["signalbullet", "scorecard", "scorecardrating", *REFERENCE]),
        "view_publishevent",
    ],
    "Publisher": [
        *crud(["article", *PARTS]),
        "submit_for_review",
        "review_article",
        "publish_article",
        "archive_article",
        *crud(REFERENCE),
        "view_publishevent",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
