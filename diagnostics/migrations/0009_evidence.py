# Evidence per answer: links and files (issue 12).

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diagnostics', '0008_answer_dont_know'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='diagnosticevent',
            name='kind',
            field=models.CharField(choices=[('cree', 'Créé'), ('renomme', 'Renommé'), ('soumis', 'Soumis'), ('rouvert', 'Rouvert'), ('archive', 'Archivé'), ('desarchive', 'Désarchivé'), ('supprime', 'Supprimé'), ('justificatif_ajoute', 'Justificatif ajouté'), ('justificatif_retire', 'Justificatif retiré')], max_length=20, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='Evidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('lien', 'Lien'), ('fichier', 'Fichier')], max_length=10, verbose_name='nature')),
                ('label', models.CharField(max_length=200, verbose_name='intitulé')),
                ('url', models.URLField(blank=True, max_length=2000, validators=[django.core.validators.URLValidator(message='Indiquez une adresse web commençant par https:// ou http://.', schemes=['http', 'https'])], verbose_name='lien')),
                ('file', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='fichier')),
                ('original_name', models.CharField(blank=True, max_length=255, verbose_name='nom du fichier')),
                ('content_type', models.CharField(blank=True, max_length=120, verbose_name='type du fichier')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='taille (octets)')),
                ('added_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='ajouté le')),
                ('carried_from_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='reprise de l’année')),
                ('added_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ajouté par')),
                ('diagnostic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='diagnostics.diagnostic')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='recommendations.question')),
            ],
            options={
                'verbose_name': 'justificatif',
                'verbose_name_plural': 'justificatifs',
                'ordering': ['added_at', 'pk'],
                'indexes': [models.Index(fields=['diagnostic', 'question'], name='evidence_question_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('file', ''), ('kind', 'lien'), models.Q(('url', ''), _negated=True)), models.Q(('kind', 'fichier'), ('url', ''), models.Q(('file', ''), _negated=True)), _connector='OR'), name='evidence_link_or_file')],
            },
        ),
    ]
