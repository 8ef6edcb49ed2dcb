"""`manage.py check --deploy`: the legal pages need to know who runs the platform."""

from django.conf import settings
from django.core import checks

REQUIRED = (
    "PLATFORM_OPERATOR",
    "PLATFORM_OPERATOR_ADDRESS",
    "PUBLICATION_DIRECTOR",
    "HOSTING_PROVIDER",
)


@checks.register(checks.Tags.security, deploy=True)
def platform_identity(app_configs, **kwargs):
    problems = []
    missing = [name for name in REQUIRED if not getattr(settings, name, "")]
    if missing:
        problems.append(
            checks.Warning(
                "Mentions légales incomplètes : renseignez " + ", ".join(missing) + ".",
                hint="La loi n° 2004-575 (LCEN, article 6) impose d’identifier l’éditeur, le "
                "directeur de la publication et l’hébergeur.",
                id="aeict.W001",
            )
        )
    if settings.CONTACT_EMAIL.endswith(".localhost"):
        problems.append(
            checks.Warning(
                "CONTACT_EMAIL garde son adresse d’exemple.",
                hint="Indiquez l’adresse où les utilisateurs peuvent écrire.",
                id="aeict.W002",
            )
        )
    return problems
