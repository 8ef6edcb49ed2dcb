"""The official list of communes, EPCI, départements and régions (Etalab's data), and which
release of it is loaded."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI à fiscalité propre")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")


class EpciNature(models.TextChoices):
    CC = "CC", _("Communauté de communes")
    CA = "CA", _("Communauté d’agglomération")
    CU = "CU", _("Communauté urbaine")
    METRO = "METRO", _("Métropole")
    # The Métropole de Lyon, a collectivité à statut particulier, has a code of its own.
    MET69 = "MET69", _("Métropole de Lyon")


class TerritoryQuerySet(models.QuerySet):
    def current(self):
        return self.filter(in_current_list=True)


class Territory(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=TerritoryKind.choices)
    # Code INSEE for a commune, a département or a région; the SIREN for an EPCI.
    code = models.CharField(_("code"), max_length=9)
    name = models.CharField(_("nom"), max_length=200)
    # Accent-free, lower-case name that searches compare against (see territories.search).
    search_name = models.CharField(max_length=200, editable=False)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    epci_nature = models.CharField(
        _("nature de l’EPCI"), max_length=5, choices=EpciNature.choices, blank=True
    )
    departement_code = models.CharField(_("département"), max_length=3, blank=True)
    # Space-separated, so that one « contains » finds a postcode.
    postcodes = models.CharField(_("codes postaux"), max_length=400, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # An entry that a later release no longer lists (a merged commune) is kept for the
    # collectivités that point to it, but no longer offered.
    in_current_list = models.BooleanField(_("dans la liste en vigueur"), default=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée de la liste officielle")
        verbose_name_plural = _("liste officielle des collectivités")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_code")
        ]

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        """What forms and links carry to name an entry: « commune:69123 »."""
        return f"{self.kind}:{self.code}"

    @property
    def detail(self) -> str:
        """« SIREN 216901231 · 519 127 habitants · 69001 … »: what tells an entry apart."""
        parts = []
        if self.siren:
            parts.append(_("SIREN %(siren)s") % {"siren": self.siren})
        if self.population is not None:
            parts.append(
                _("%(population)s habitants")
                % {"population": f"{self.population:,}".replace(",", "\u202f")}
            )
        if self.postcodes:
            codes = self.postcodes.split()
            parts.append(" ".join(codes[:3]) + (" …" if len(codes) > 3 else ""))
        return " · ".join(str(p) for p in parts)

    @property
    def label(self) -> str:
        """« Lyon (commune, 69) », « Métropole de Lyon (EPCI) »: tells homonyms apart."""
        kind = self.get_epci_nature_display() if self.epci_nature else self.get_kind_display()
        if self.kind == TerritoryKind.COMMUNE and self.departement_code:
            return f"{self.name} ({kind.lower()}, {self.departement_code})"
        return f"{self.name} ({kind.lower()})"


class TerritoryRelease(models.Model):
    """The release of the official list that was loaded last: one row."""

    package = models.CharField(_("paquet"), max_length=100)
    version = models.CharField(_("version"), max_length=20)
    millesime = models.CharField(_("millésime"), max_length=20)
    loaded_at = models.DateTimeField(_("chargée le"))

    class Meta:
        verbose_name = _("version de la liste officielle")
        verbose_name_plural = _("versions de la liste officielle")

    def __str__(self):
        return f"{self.package} {self.version} ({self.millesime})"
