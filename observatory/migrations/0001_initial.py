from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Observatory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "verbose_name": "observatoire national",
                "permissions": [("view_observatory", "Consulter l’observatoire national")],
                "managed": False,
                "default_permissions": (),
            },
        ),
    ]
