from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostics")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from diagnostics.catalogue import clear_catalogue_cache
        from diagnostics.evidence.services import delete_stored_file
        from diagnostics.models import Evidence
        from recommendations import models as catalogue

        for model in [
            catalogue.CatalogueVersion,
            catalogue.Recommendation,
            catalogue.Question,
            catalogue.Option,
            catalogue.SuggestedAction,
        ]:
            for signal in (post_save, post_delete):
                signal.connect(
                    clear_catalogue_cache, sender=model, dispatch_uid=f"catalogue-cache-{model}"
                )
        post_delete.connect(delete_stored_file, sender=Evidence, dispatch_uid="evidence-files")
