"""Finding an entry of the official list by name, postcode, code INSEE or SIREN."""

from territories.models import Territory
from territories.services import normalize

LIMIT = 20


def search_territories(query: str, *, limit: int = LIMIT) -> list[Territory]:
    """The entries that match, the most populous first (one query)."""
    query = query.strip()
    entries = Territory.objects.current()
    digits = query.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 9:
            entries = entries.filter(siren=digits)
        elif len(digits) == 5:
            entries = entries.filter(postcodes__contains=digits) | entries.filter(code=digits)
        elif len(digits) >= 2:
            entries = entries.filter(postcodes__startswith=digits) | entries.filter(
                code__startswith=digits
            )
        else:
            return []
    else:
        words = normalize(query)
        if len(words) < 2:
            return []
        entries = entries.filter(search_name__contains=words)
    return list(entries.order_by("-population", "name")[:limit])


def find_territory(key: str) -> Territory | None:
    """The entry named by ``kind:code`` (the value forms and links carry), if it is current."""
    kind, _sep, code = key.partition(":")
    return Territory.objects.current().filter(kind=kind, code=code).first()
