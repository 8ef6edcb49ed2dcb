"""Invitations can be revoked, memberships get a public id for URLs, and the members' journal."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_memberships_a_public_id(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    db = schema_editor.connection.alias
    for membership in Membership.objects.using(db).filter(public_id__isnull=True).only("pk"):
        membership.public_id = uuid.uuid4()
        membership.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_unique_whatever_the_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="révoquée le"),
        ),
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_memberships_a_public_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.CreateModel(
            name="MemberEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("invited", "Invitation envoyée"),
                            ("invitation_resent", "Invitation renvoyée"),
                            ("invitation_revoked", "Invitation révoquée"),
                            ("invitation_accepted", "Invitation acceptée"),
                            ("role_changed", "Rôle modifié"),
                            ("member_removed", "Membre retiré"),
                        ],
                        max_length=30,
                        verbose_name="action",
                    ),
                ),
                (
                    "target_email",
                    models.EmailField(max_length=254, verbose_name="adresse concernée"),
                ),
                (
                    "target_name",
                    models.CharField(blank=True, max_length=150, verbose_name="personne concernée"),
                ),
                (
                    "old_role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("referent", "Référent AEICT"),
                            ("agent", "Agent"),
                            ("elu", "Élu"),
                        ],
                        max_length=20,
                        verbose_name="ancien rôle",
                    ),
                ),
                (
                    "new_role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("referent", "Référent AEICT"),
                            ("agent", "Agent"),
                            ("elu", "Élu"),
                        ],
                        max_length=20,
                        verbose_name="nouveau rôle",
                    ),
                ),
                (
                    "details",
                    models.CharField(blank=True, max_length=200, verbose_name="précisions"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="le")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="auteur",
                    ),
                ),
                (
                    "collectivite",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="member_events",
                        to="accounts.collectivite",
                        verbose_name="collectivité",
                    ),
                ),
            ],
            options={
                "verbose_name": "événement des membres",
                "verbose_name_plural": "journal des membres",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["collectivite", "-created_at"], name="member_event_recent")
                ],
            },
        ),
    ]
