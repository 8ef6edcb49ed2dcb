"""The platform's admin site, and admin pieces shared by the apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Sections only a superuser meets: login throttling, the task queue, the official list's
# releases, groups and permissions. Catalogue editors and platform administrators never do.
TECHNICAL_APPS = frozenset({"auth", "axes", "django_tasks_database", "territories"})


FRENCH_APP_NAMES = {
    "django_tasks_database": _("Tâches en arrière-plan"),
    "axes": _("Tentatives de connexion (django-axes)"),
}
FRENCH_MODEL_NAMES = {
    ("django_tasks_database", "DBTaskResult"): _("Résultats des tâches"),
}


class SuperuserOnlyMixin:
    """A model admin reached by superusers only, whatever permissions a staff member holds."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class AeictAdminSite(admin.AdminSite):
    site_header = _("Administration — Diagnostic AEICT")
    site_title = _("Administration — Diagnostic AEICT")
    index_title = _("Accueil de l’administration")

    def _build_app_dict(self, request, label=None):
        # Third-party apps named in English only: French names, so no section reads
        # « Tasks Database Backend » (superusers are the only ones to see them anyway).
        app_dict = super()._build_app_dict(request, label)
        for app_label, app in app_dict.items():
            if app_label in FRENCH_APP_NAMES:
                app["name"] = FRENCH_APP_NAMES[app_label]
            for model in app.get("models", []):
                key = (app_label, model["object_name"])
                if key in FRENCH_MODEL_NAMES:
                    model["name"] = FRENCH_MODEL_NAMES[key]
        return app_dict

    def register(self, model_or_iterable, admin_class=None, **options):
        # Third-party apps (axes, django_tasks) register their own admins: the technical ones
        # are wrapped here, so that no app has to remember it.
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        )
        for model in models:
            model_admin = admin_class or admin.ModelAdmin
            if model._meta.app_label in TECHNICAL_APPS:
                model_admin = type(model_admin.__name__, (SuperuserOnlyMixin, model_admin), {})
            super().register(model, model_admin, **options)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Diagnostics and invitations change through the application's own flows only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
