"""The admin application, with the platform's own site (aeict.admin.AeictAdminSite)."""

from django.contrib.admin.apps import AdminConfig


class AeictAdminConfig(AdminConfig):
    default_site = "aeict.admin.AeictAdminSite"

    def ready(self):
        super().ready()
        from aeict import languages  # noqa: F401 (connects the sign-in receiver)
