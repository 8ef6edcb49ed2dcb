"""The mutualisation finder (recommendation 10): who else works in a country, on a theme.

Only what a visible collectivité agreed to show ever leaves the database: the query names the
fields it reads, so budgets, funding, the partnership's contact and notes cannot reach a page.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_countries.fields import Country

from accounts.enums import CollectiviteKind
from accounts.models import Collectivite
from accounts.size_bands import band_label, population_band
from partnerships.enums import PartnershipKind, PartnershipState, Theme
from partnerships.models import Partnership

# A page of results is enough to start a conversation; the search narrows the rest.
MAX_RESULTS = 200

SHOWN_FIELDS = (
    "public_id",
    "country",
    "partner_area",
    "kind",
    "themes",
    "signed_on",
    "renewed_on",
    "collectivite__name",
    "collectivite__kind",
    "collectivite__population",
    "collectivite__finder_profile__contact_email",
)


@dataclass(frozen=True, kw_only=True)
class FinderResult:
    collectivite_name: str
    collectivite_kind: str
    size: str
    country: Country
    partner_area: str
    kind: str
    themes: list[str]
    signed_on: date | None
    renewed_on: date | None
    contact_email: str


def _size(population: int | None) -> str:
    band = population_band(population)
    return band_label(band) if band else ""


def find_partnerships(
    *, searcher: Collectivite, countries: list[str], theme: str = ""
) -> tuple[list[FinderResult], bool]:
    """Active partnerships of the other visible collectivités; and whether the list was cut."""
    today = timezone.localdate()
    partnerships = (
        Partnership.objects.filter(
            state=PartnershipState.ACTIF,
            collectivite__finder_profile__visible=True,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .exclude(collectivite=searcher)
    )
    if countries:
        partnerships = partnerships.filter(country__in=countries)
    if theme:
        # ``themes__contains`` is refused by SQLite; the JSON text holds each code in quotes, the
        # same on PostgreSQL, and codes come from the closed list of themes.
        partnerships = partnerships.annotate(themes_text=Cast("themes", TextField())).filter(
            themes_text__contains=f'"{Theme(theme).value}"'
        )
    rows = list(
        partnerships.order_by("country", "collectivite__name", "pk").values(*SHOWN_FIELDS)[
            : MAX_RESULTS + 1
        ]
    )
    themes = dict(Theme.choices)
    results = [
        FinderResult(
            collectivite_name=row["collectivite__name"],
            collectivite_kind=CollectiviteKind(row["collectivite__kind"]).label,
            size=_size(row["collectivite__population"]),
            country=Country(code=row["country"]),
            partner_area=row["partner_area"],
            kind=PartnershipKind(row["kind"]).label,
            themes=[str(themes[code]) for code in row["themes"] if code in themes],
            signed_on=row["signed_on"],
            renewed_on=row["renewed_on"],
            contact_email=row["collectivite__finder_profile__contact_email"] or "",
        )
        for row in rows[:MAX_RESULTS]
    ]
    return results, len(rows) > MAX_RESULTS


def finder_url(collectivite: Collectivite) -> str:
    """The finder, filtered on the countries of the collectivité's own active partnerships."""
    url = reverse("partnership_finder", args=[collectivite.public_id])
    query = urlencode([("pays", code) for code in own_partner_countries(collectivite)])
    return f"{url}?{query}" if query else url


def own_partner_countries(collectivite: Collectivite) -> list[str]:
    """The countries of the collectivité's active partnerships, for the pre-filtered link."""
    return sorted(
        set(
            Partnership.objects.for_collectivite(collectivite)
            .filter(state=PartnershipState.ACTIF)
            .values_list("country", flat=True)
        )
    )
