"""Collectivités created from the official list, and kept in step with it on each reload."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.enums import CollectiviteKind
from accounts.models import Collectivite, validate_siren
from territories.models import EpciNature, Territory, TerritoryKind

KIND_OF_TERRITORY = {
    TerritoryKind.COMMUNE: CollectiviteKind.COMMUNE,
    TerritoryKind.EPCI: CollectiviteKind.EPCI,
    TerritoryKind.DEPARTEMENT: CollectiviteKind.DEPARTEMENT,
    TerritoryKind.REGION: CollectiviteKind.REGION,
}
METROPOLES = frozenset({EpciNature.METRO, EpciNature.MET69})


def collectivite_kind(territory: Territory) -> str:
    if territory.kind == TerritoryKind.EPCI and territory.epci_nature in METROPOLES:
        return CollectiviteKind.METROPOLE
    return KIND_OF_TERRITORY[TerritoryKind(territory.kind)]


class CollectiviteRefused(Exception):
    """The entry cannot become a collectivité; ``message`` says why, in French, and ``field``
    names the form field it belongs to (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def create_collectivite_from_territory(*, territory: Territory, siren: str = "") -> Collectivite:
    """A new collectivité for ``territory``; ``siren`` is asked only when the list has none
    (départements and régions)."""
    if Collectivite.objects.filter(official=territory).exists():
        raise CollectiviteRefused(
            _("%(name)s a déjà son espace sur la plateforme.") % {"name": territory.name}
        )
    siren = territory.siren or siren.strip()
    if not siren:
        raise CollectiviteRefused(
            _("La liste officielle ne donne pas le SIREN de cette collectivité : saisissez-le."),
            field="siren",
        )
    try:
        validate_siren(siren)
    except Exception as error:  # ValidationError, with its French message
        raise CollectiviteRefused(" ".join(error.messages), field="siren") from None
    if Collectivite.objects.filter(siren=siren).exists():
        raise CollectiviteRefused(
            _("Une collectivité de la plateforme a déjà le SIREN %(siren)s.") % {"siren": siren},
            field="siren" if not territory.siren else None,
        )
    try:
        with transaction.atomic():
            return Collectivite.objects.create(
                name=territory.name,
                kind=collectivite_kind(territory),
                siren=siren,
                population=territory.population,
                official=territory,
            )
    except IntegrityError:  # created by someone else meanwhile
        raise CollectiviteRefused(
            _("%(name)s a déjà son espace sur la plateforme.") % {"name": territory.name}
        ) from None


def refresh_from_official_list() -> int:
    """Give the collectivités linked to the list the kind and population it says; return how
    many changed (none are written when nothing changed)."""
    changed = []
    for collectivite in Collectivite.objects.filter(official__isnull=False).select_related(
        "official"
    ):
        kind = collectivite_kind(collectivite.official)
        population = collectivite.official.population
        if (collectivite.kind, collectivite.population) != (kind, population):
            collectivite.kind, collectivite.population = kind, population
            changed.append(collectivite)
    Collectivite.objects.bulk_update(changed, ["kind", "population"], batch_size=500)
    return len(changed)
