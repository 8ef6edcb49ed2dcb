"""The official list, read-only: it changes only through load_territories."""

from django.contrib import admin

from aeict.admin import ReadOnlyAdmin
from territories.models import Territory, TerritoryRelease


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "epci_nature", "code", "siren", "population"]
    list_filter = ["kind", "epci_nature", "in_current_list"]
    search_fields = ["name", "siren", "code", "postcodes"]


@admin.register(TerritoryRelease)
class TerritoryReleaseAdmin(ReadOnlyAdmin):
    list_display = ["package", "version", "millesime", "loaded_at"]
