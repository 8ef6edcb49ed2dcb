"""The accounts models, taken over from the diagnostics app without touching the database.

Until this migration, User, Collectivite, Membership and Invitation were models of the diagnostics
app (diagnostics.0001_initial created their tables). This migration only records them in the
accounts app, on the same tables; diagnostics.0002 removes them from the diagnostics app's state and
accounts.0002 renames the tables. An existing database gets this migration recorded by the
`migrate` command of this app (see accounts/management/commands/migrate.py), because Django's
own auth and admin migrations, already applied there, now depend on it.
"""

import accounts.models
import django.contrib.auth.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('diagnostics', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Collectivite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=200, verbose_name='nom')),
                        ('kind', models.CharField(choices=[('commune', 'Commune'), ('epci', 'Intercommunalité / EPCI'), ('metropole', 'Métropole'), ('departement', 'Département'), ('region', 'Région'), ('autre', 'Autre')], max_length=20, verbose_name='type')),
                        ('siren', models.CharField(max_length=9, unique=True, validators=[accounts.models.validate_siren], verbose_name='SIREN')),
                        ('population', models.PositiveIntegerField(blank=True, null=True, verbose_name='population')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                    ],
                    options={
                        'db_table': 'diagnostics_collectivite',
                        'verbose_name': 'collectivité',
                        'verbose_name_plural': 'collectivités',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='User',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('password', models.CharField(max_length=128, verbose_name='password')),
                        ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                        ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                        ('email', models.EmailField(max_length=254, unique=True, verbose_name='adresse électronique')),
                        ('full_name', models.CharField(blank=True, max_length=150, verbose_name='nom complet')),
                        ('is_staff', models.BooleanField(default=False, verbose_name='administrateur de la plateforme')),
                        ('is_active', models.BooleanField(default=True, verbose_name='actif')),
                        ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='inscrit le')),
                        ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                        ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                    ],
                    options={
                        'db_table': 'diagnostics_user',
                        'verbose_name': 'utilisateur',
                        'verbose_name_plural': 'utilisateurs',
                    },
                    managers=[
                        ('objects', accounts.models.UserManager()),
                    ],
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('email', models.EmailField(max_length=254, verbose_name='adresse électronique')),
                        ('role', models.CharField(choices=[('referent', 'Référent AEICT'), ('agent', 'Agent'), ('elu', 'Élu')], max_length=20, verbose_name='rôle')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('collectivite', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='accounts.collectivite')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'diagnostics_invitation',
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('referent', 'Référent AEICT'), ('agent', 'Agent'), ('elu', 'Élu')], max_length=20, verbose_name='rôle')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='depuis le')),
                        ('collectivite', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='accounts.collectivite', verbose_name='collectivité')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='personne')),
                    ],
                    options={
                        'db_table': 'diagnostics_membership',
                        'verbose_name': 'membre',
                        'verbose_name_plural': 'membres',
                        'constraints': [models.UniqueConstraint(fields=('user', 'collectivite'), name='unique_membership')],
                    },
                ),
            ],
        ),
    ]
