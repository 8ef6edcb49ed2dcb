"""E-mail addresses stored lower-cased, and unique whatever their case.

Existing addresses are lower-cased first. If two accounts have addresses that differ only by
case, the migration refuses and changes nothing: a person has to choose which account stays.
"""

from django.core.management.base import CommandError
from django.db import migrations, models
import django.db.models.functions.text


def _normalize(email):
    # The same rule as accounts.models.normalize_email_address, frozen here as migrations are.
    return email.strip().lower()


def lower_case_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    db = schema_editor.connection.alias
    by_address = {}
    for pk, email in User.objects.using(db).order_by("email").values_list("pk", "email"):
        by_address.setdefault(_normalize(email), []).append(f"{email} (compte n°\u00a0{pk})")
    duplicates = {address: accounts for address, accounts in by_address.items() if len(accounts) > 1}
    if duplicates:
        lines = "\n".join(
            f"  - {address}\u00a0: " + ", ".join(accounts)
            for address, accounts in sorted(duplicates.items())
        )
        raise CommandError(
            "Des comptes ont la même adresse électronique à la casse près\u00a0: les adresses "
            "deviennent uniques sans tenir compte des majuscules, et cette migration ne choisit "
            "pas à votre place le compte à garder.\n"
            f"{lines}\n"
            "Rien n’a été modifié. Pour chaque adresse, gardez un seul compte\u00a0: dans "
            "l’administration (Comptes et collectivités › Utilisateurs), reportez si besoin ses "
            "appartenances aux collectivités sur le compte gardé, puis supprimez l’autre compte "
            "ou donnez-lui une autre adresse. Relancez ensuite «\u00a0manage.py migrate\u00a0»."
        )
    for model in (User, Invitation):
        for pk, email in model.objects.using(db).values_list("pk", "email"):
            if email != _normalize(email):
                model.objects.using(db).filter(pk=pk).update(email=_normalize(email))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_rename_tables'),
    ]

    operations = [
        migrations.RunPython(lower_case_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower('email'),
                name='accounts_user_email_ci_unique',
                violation_error_message='Un compte existe déjà avec cette adresse électronique (les majuscules n’y changent rien).',
            ),
        ),
    ]
