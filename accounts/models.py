"""People, collectivités, their members and the invitations to join them."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import AS_ROLE, AccessRequestStatus, CollectiviteKind, MemberEventKind, Role
from accounts.siren import has_valid_key

EMAIL_TAKEN = _(
    "Un compte existe déjà avec cette adresse électronique (les majuscules n’y changent rien)."
)


def normalize_email_address(email: str) -> str:
    """The one spelling under which an address is stored, looked up and compared."""
    return email.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=normalize_email_address(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # Log-in forms, the admin's among them, and createsuperuser look people up here.
        return super().get_by_natural_key(normalize_email_address(username))

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; platform administrators are staff. Logs in with an e-mail address."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("administrateur de la plateforme"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # The language of the interface the person chose (settings.LANGUAGES), applied at sign-in
    # and used for the mails they receive; blank: never chosen (the browser's, else French).
    language = models.CharField(
        _("langue de l’interface"), max_length=8, blank=True, choices=settings.LANGUAGES
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            # Addresses are stored lower-cased; this holds even for a write that forgets to.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=EMAIL_TAKEN,
            )
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        if self.email:
            self.email = normalize_email_address(self.email)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name


def validate_siren(value: str) -> None:
    """A SIREN is 9 digits whose Luhn checksum is valid."""
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(_("Le SIREN doit comporter exactement 9 chiffres."), code="format")
    if not has_valid_key(value):
        raise ValidationError(
            _("Ce SIREN n’est pas valide (la clé de contrôle ne correspond pas)."), code="checksum"
        )


class Collectivite(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=CollectiviteKind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # The entry of the official list it was created from: kind and population follow it.
    official = models.OneToOneField(
        "territories.Territory",
        verbose_name=_("entrée de la liste officielle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collectivite",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Membership(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    collectivite = models.ForeignKey(
        Collectivite,
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "collectivite"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} — {self.collectivite} ({self.get_role_display()})"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor revoked; expired ones included, so that they can be resent."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.collectivite}"

    @property
    def as_role(self) -> str:
        """« en tant qu’agent », « en tant que référent AEICT »…"""
        return AS_ROLE[Role(self.role)]

    @property
    def expires_at(self):
        return self.created_at + timedelta(seconds=settings.INVITATION_MAX_AGE)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class MemberEventQuerySet(models.QuerySet):
    def for_collectivite(self, collectivite):
        return self.filter(collectivite=collectivite)


class MemberEvent(models.Model):
    """One change to a collectivité's members or invitations: who did what, to whom, when."""

    collectivite = models.ForeignKey(
        Collectivite,
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="member_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=30, choices=MemberEventKind.choices)
    target_email = models.EmailField(_("adresse concernée"))
    target_name = models.CharField(_("personne concernée"), max_length=150, blank=True)
    old_role = models.CharField(_("ancien rôle"), max_length=20, choices=Role.choices, blank=True)
    new_role = models.CharField(_("nouveau rôle"), max_length=20, choices=Role.choices, blank=True)
    details = models.CharField(_("précisions"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    objects = MemberEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement des membres")
        verbose_name_plural = _("journal des membres")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collectivite", "-created_at"], name="member_event_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.target_email}"


class AccessRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=AccessRequestStatus.PENDING)


class AccessRequest(models.Model):
    """A collectivité asking for an account on the platform, which an administrator reviews:
    accepting creates the collectivité (or takes the one with that SIREN) and invites the person
    as its référent; refusing tells them why. Either way they are told by e-mail."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collectivite_name = models.CharField(_("nom de la collectivité"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    kind = models.CharField(_("type"), max_length=20, choices=CollectiviteKind.choices)
    full_name = models.CharField(_("prénom et nom"), max_length=150)
    job_title = models.CharField(_("fonction"), max_length=150)
    email = models.EmailField(_("adresse électronique professionnelle"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(
        _("état"),
        max_length=20,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    collectivite = models.ForeignKey(
        Collectivite,
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
    )

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d’accès")
        verbose_name_plural = _("demandes d’accès")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.collectivite_name} — {self.full_name}"

    @property
    def is_pending(self) -> bool:
        return self.status == AccessRequestStatus.PENDING


def format_siret(siret: str) -> str:
    """« 214 401 093 00015 »: the SIREN in groups of three, then the establishment's number."""
    if len(siret) != 14:
        return siret
    return "\u00a0".join([siret[0:3], siret[3:6], siret[6:9], siret[9:]])


class ProConnectIdentity(models.Model):
    """The ProConnect identity (issuer and subject) a person confirmed as theirs, and the SIRET
    of the establishment ProConnect last gave for it, shown to référents as information."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="proconnect_identity",
    )
    issuer = models.CharField(_("émetteur"), max_length=255)
    subject = models.CharField(_("identifiant ProConnect"), max_length=255)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    created_at = models.DateTimeField(_("associée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("identité ProConnect")
        verbose_name_plural = _("identités ProConnect")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_proconnect_identity")
        ]

    def __str__(self):
        return f"{self.user} ({self.subject})"

    @property
    def siret_display(self) -> str:
        return format_siret(self.siret)
