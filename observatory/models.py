"""The observatory keeps no data of its own: this model only carries its permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_PERMISSION = "observatory.view_observatory"
GROUP_NAME = "Observatoire"


class Observatory(models.Model):
    """No table: ``observatory.view_observatory`` opens the national observatory. Superusers have
    it; a network such as France urbaine gets it through the « Observatoire » group."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_observatory", _("Consulter l’observatoire national"))]
        verbose_name = _("observatoire national")

    def __str__(self):
        return str(self._meta.verbose_name)
