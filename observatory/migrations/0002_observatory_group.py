"""The « Observatoire » group: the permission to read the national observatory, no other.

An account of a network (France urbaine…) is put in this group by a platform administrator. Run
again, it sets the same permission.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Observatoire"


def create_group(apps, schema_editor):
    # On a fresh database, permissions are only created after every migration has run.
    app_config = apps.get_app_config("observatory")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="observatory", codename="view_observatory"
        )
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("observatory", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
