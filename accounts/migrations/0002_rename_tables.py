"""Give the accounts tables their own names, and their content types to the accounts app."""

from django.db import migrations

MOVED = ["user", "collectivite", "membership", "invitation"]


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label="accounts", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="diagnostics", model=model).update(
            app_label="accounts"
        )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label="diagnostics", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="accounts", model=model).update(
            app_label="diagnostics"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('diagnostics', '0002_move_accounts_models'),
    ]

    operations = [
        migrations.AlterModelTable(name='collectivite', table=None),
        migrations.AlterModelTable(name='user', table=None),
        migrations.AlterModelTable(name='membership', table=None),
        migrations.AlterModelTable(name='invitation', table=None),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
