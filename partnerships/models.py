"""The registry of a collectivité's international partnerships, and its history."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Collectivite
from partnerships.enums import PartnershipEventKind, PartnershipKind, PartnershipState


class PartnershipQuerySet(models.QuerySet):
    def for_collectivite(self, collectivite):
        return self.filter(collectivite=collectivite)


class Partnership(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collectivite = models.ForeignKey(
        Collectivite,
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    partner_name = models.CharField(_("partenaire étranger"), max_length=200)
    country = CountryField(_("pays"))
    partner_area = models.CharField(_("région ou ville"), max_length=200, blank=True)
    kind = models.CharField(_("type de partenariat"), max_length=20, choices=PartnershipKind)
    # Codes of partnerships.enums.Theme and FundingSource, validated by the form.
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    renewed_on = models.DateField(_("renouvelé le"), null=True, blank=True)
    ended_on = models.DateField(_("terminé le"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=PartnershipState, default=PartnershipState.ACTIF
    )
    co_partners = models.ManyToManyField(
        "territories.Territory",
        verbose_name=_("collectivités françaises partenaires"),
        blank=True,
        related_name="+",
    )
    territory_actors = models.TextField(_("acteurs du territoire associés"), blank=True)
    yearly_budget = models.DecimalField(
        _("budget annuel (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_sources = models.JSONField(_("financements"), default=list, blank=True)
    convention_url = models.URLField(_("convention ou délibération (lien)"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        ordering = ["country", "partner_name"]

    def __str__(self):
        return f"{self.partner_name} ({self.country.name})"


class PartnershipEvent(models.Model):
    """One change to a collectivité's registry: who did what, to which partnership, when."""

    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="partnership_events"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    partner_name = models.CharField(_("partenaire"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=20, choices=PartnershipEventKind)
    # The labels of the fields that changed, for an update.
    changed_fields = models.JSONField(_("champs modifiés"), default=list, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement du registre")
        verbose_name_plural = _("historique du registre")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collectivite", "-created_at"], name="partnership_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.partner_name}"


class FinderProfile(models.Model):
    """Whether a collectivité's active partnerships show in the other collectivités' finder.

    No row, or ``visible`` off, means hidden: being found is something the référent opts into.
    """

    collectivite = models.OneToOneField(
        Collectivite, on_delete=models.CASCADE, related_name="finder_profile"
    )
    visible = models.BooleanField(_("visible des autres collectivités"), default=False)
    contact_email = models.EmailField(_("adresse de contact affichée"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visibilité dans la recherche de partenaires")
        verbose_name_plural = _("visibilités dans la recherche de partenaires")

    def __str__(self):
        return f"{self.collectivite} — {'visible' if self.visible else 'masquée'}"
