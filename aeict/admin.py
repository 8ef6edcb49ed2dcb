"""Admin pieces shared by the apps."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Diagnostics and invitations change through the application's own flows only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
