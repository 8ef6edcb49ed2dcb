"""What the registry says of a collectivité, for the diagnostic's informative questions of
recommendation 1: active partnerships, jumelages, partner countries; and the date of its figures
(the registry's last change)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone
from django_countries.fields import Country

from partnerships.enums import PartnershipKind, PartnershipState
from partnerships.models import Partnership, PartnershipEvent


@dataclass(frozen=True)
class RegistryFigures:
    active: int
    jumelages: int
    countries: list[str]  # ISO codes of the active partnerships, by French name
    as_of: date

    def country_names(self) -> list[str]:
        return [str(Country(code=code).name) for code in self.countries]


def registry_figures(collectivite_id: int) -> RegistryFigures | None:
    """None while the registry holds no partnership: the diagnostic is then answered by hand.

    A jumelage counts while it has not ended, even asleep (the question counts every official
    jumelage, « y compris ceux qui sont peu actifs »). Three queries whatever the registry's size.
    """
    partnerships = Partnership.objects.filter(collectivite_id=collectivite_id)
    totals = partnerships.aggregate(
        every=Count("pk"),
        active=Count("pk", filter=Q(state=PartnershipState.ACTIF)),
        jumelages=Count(
            "pk",
            filter=Q(kind=PartnershipKind.JUMELAGE) & ~Q(state=PartnershipState.TERMINE),
        ),
        changed=Max("updated_at"),
    )
    if not totals["every"]:
        return None
    codes = set(partnerships.filter(state=PartnershipState.ACTIF).values_list("country", flat=True))
    last_event = PartnershipEvent.objects.filter(collectivite_id=collectivite_id).aggregate(
        last=Max("created_at")
    )["last"]
    moment = max(moment for moment in (totals["changed"], last_event) if moment is not None)
    countries = sorted(codes, key=lambda code: str(Country(code=code).name))
    return RegistryFigures(
        active=totals["active"],
        jumelages=totals["jumelages"],
        countries=countries,
        as_of=timezone.localtime(moment).date(),
    )
