"""Searching the official list: the suggestions of the autocomplete (JSON)."""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from territories.search import search_territories


def territory_payload(territory) -> dict:
    return {
        "key": territory.key,
        "label": territory.label,
        "detail": territory.detail,
    }


@require_safe
def territory_search(request):
    results = search_territories(request.GET.get("q", "")[:100], limit=10)
    return JsonResponse({"results": [territory_payload(t) for t in results]})
