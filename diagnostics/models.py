"""Diagnostics: answers and their history, stored scores, plan actions, report files."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics.deadlines import deadline_text
from diagnostics.enums import (
    ActionPriority,
    ActionStatus,
    AnswerChangeKind,
    AnswerSource,
    DiagnosticEventKind,
    DiagnosticStatus,
    EvidenceKind,
    ReportStatus,
    ReportVariant,
)

FIRST_YEAR = 2000

# Evidence links are web pages: no ftp, no javascript:, no data:.
validate_web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Indiquez une adresse web commençant par https:// ou http://."),
)
LAST_YEAR = 2100


class DiagnosticQuerySet(models.QuerySet):
    def for_user(self, user):
        """Diagnostics of the collectivités the user is a member of: the only way in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(collectivite__memberships__user=user)

    def for_collectivite(self, collectivite):
        return self.filter(collectivite=collectivite)

    def submitted(self):
        return self.filter(status=DiagnosticStatus.SUBMITTED)


class Diagnostic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collectivite = models.ForeignKey(
        "accounts.Collectivite",
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="diagnostics",
    )
    catalogue = models.ForeignKey(
        "recommendations.CatalogueVersion",
        verbose_name=_("version du catalogue"),
        on_delete=models.PROTECT,
        related_name="diagnostics",
    )
    title = models.CharField(_("titre"), max_length=200)
    # The exercise the diagnostic reviews: one diagnostic per collectivité and year. None only for
    # diagnostics made before years existed whose year another diagnostic already had.
    year = models.PositiveSmallIntegerField(
        _("année"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("rouvert le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rouvert par"),
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    # The submitted diagnostic it started from (see diagnostics.carry), that diagnostic's year,
    # and the codes of the questions that changed since and so started empty.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("repris du diagnostic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried_from_year = models.PositiveSmallIntegerField(
        _("reprise de l’année"), null=True, blank=True
    )
    uncarried_questions = models.JSONField(default=list, blank=True, editable=False)
    # The collectivité's latest submitted diagnostic on its catalogue, by (submitted_at, pk): the
    # one peers are compared with. Kept by the submission and reopen services (and the import).
    is_latest_submitted = models.BooleanField(
        _("dernier soumis de la collectivité"), default=False, editable=False
    )
    # Scores stored at submission (see diagnostics.services.submit_diagnostic).
    overall_score = models.FloatField(_("score global"), null=True, blank=True)
    method_version = models.CharField(max_length=10, blank=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["collectivite", "status", "catalogue", "submitted_at"],
                name="diagnostic_latest_idx",
            ),
            models.Index(fields=["catalogue", "status"], name="diagnostic_catalogue_idx"),
        ]
        constraints = [
            # At most one per collectivité and catalogue; also the index of the peer query.
            models.UniqueConstraint(
                fields=["catalogue", "collectivite"],
                condition=models.Q(is_latest_submitted=True),
                name="one_latest_submitted",
            ),
            # NULL years (legacy diagnostics) never collide, on SQLite as on PostgreSQL.
            models.UniqueConstraint(
                fields=["collectivite", "year"], name="one_diagnostic_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.collectivite}"

    @property
    def is_submitted(self) -> bool:
        return self.status == DiagnosticStatus.SUBMITTED

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class DiagnosticEventQuerySet(models.QuerySet):
    def for_diagnostic(self, diagnostic):
        return self.filter(diagnostic=diagnostic)


class DiagnosticEvent(models.Model):
    """One step in a diagnostic's life: who created, renamed, submitted, reopened (and why),
    archived or deleted it, and when. Kept after the diagnostic's deletion."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        verbose_name=_("diagnostic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    collectivite = models.ForeignKey(
        "accounts.Collectivite",
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="diagnostic_events",
    )
    kind = models.CharField(_("action"), max_length=20, choices=DiagnosticEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("titre du diagnostic"), max_length=200)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    details = models.CharField(_("précisions"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    objects = DiagnosticEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d’un diagnostic")
        verbose_name_plural = _("historique des diagnostics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["diagnostic", "-created_at"], name="diagnostic_event_recent")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"


class RecommendationScore(models.Model):
    """A recommendation's score stored at submission; None when « Non évaluée »."""

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="recommendation_scores"
    )
    number = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "number"], name="unique_stored_score")
        ]

    def __str__(self):
        return f"{self.diagnostic_id} · {self.number} : {self.score}"


class Answer(models.Model):
    """The current answer to one question of one diagnostic; ``revision`` grows with each change."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "recommendations.Question", on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    # « Je ne sais pas » (method v2): answered for completeness, worth 0 in the score; exclusive
    # with a value and with « Non concerné ».
    dont_know = models.BooleanField(_("« Je ne sais pas »"), default=False)
    comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0, validators=[MinValueValidator(0)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Carried over from the collectivité's previous diagnostic (see diagnostics.carry): the answer
    # it was copied from and that diagnostic's year, and whether someone has confirmed it since.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from_year = models.PositiveSmallIntegerField(
        _("reprise de l’année"), null=True, blank=True
    )
    needs_confirmation = models.BooleanField(_("à confirmer"), default=False)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # « budget » when the answer is derived from the budget's figures (see budget.feed): it is then
    # read-only in the questionnaire, and rewritten whenever those figures change.
    source = models.CharField(
        _("origine"), max_length=10, blank=True, default="", choices=AnswerSource.choices
    )

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "question"], name="unique_answer")
        ]

    def __str__(self):
        return f"{self.question_id} : {self.value}"

    @property
    def is_given(self) -> bool:
        return self.not_applicable or self.dont_know or self.value not in (None, "", [])


class StateChange(models.Model):
    """One change of a tracked object: who, when, its state before and after."""

    revision = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_state = models.JSONField(null=True)
    new_state = models.JSONField()

    class Meta:
        abstract = True
        ordering = ["-revision"]


class AnswerChange(StateChange):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(
        _("nature"),
        max_length=12,
        choices=AnswerChangeKind.choices,
        default=AnswerChangeKind.CHANGED,
    )

    class Meta(StateChange.Meta):
        constraints = [
            models.UniqueConstraint(fields=["answer", "revision"], name="unique_answer_revision")
        ]

    def __str__(self):
        return f"{self.answer_id} · r{self.revision}"


class EvidenceQuerySet(models.QuerySet):
    def for_diagnostic(self, diagnostic):
        return self.filter(diagnostic=diagnostic)


class Evidence(models.Model):
    """A link or a file backing the answer to one question of one diagnostic.

    Attached to the diagnostic and the question, not to the Answer row: that row only exists once
    someone has saved a value, and evidence may come first. Files go through the storage API
    under a random name (see diagnostics.evidence); the name the person gave is kept for the
    download only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(
        "recommendations.Question", on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("nature"), max_length=10, choices=EvidenceKind.choices)
    label = models.CharField(_("intitulé"), max_length=200)
    url = models.URLField(_("lien"), max_length=2000, blank=True, validators=[validate_web_url])
    file = models.FileField(_("fichier"), blank=True, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    content_type = models.CharField(_("type du fichier"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    # Copied from the collectivité's previous diagnostic (see diagnostics.carry).
    carried_from_year = models.PositiveSmallIntegerField(
        _("reprise de l’année"), null=True, blank=True
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        ordering = ["added_at", "pk"]
        indexes = [models.Index(fields=["diagnostic", "question"], name="evidence_question_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EvidenceKind.LINK, file="") & ~models.Q(url="")
                    | models.Q(kind=EvidenceKind.FILE, url="") & ~models.Q(file="")
                ),
                name="evidence_link_or_file",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def is_file(self) -> bool:
        return self.kind == EvidenceKind.FILE


PRIORITY_ORDER = {ActionPriority.HIGH: 0, ActionPriority.MEDIUM: 1, ActionPriority.LOW: 2}


class PlanAction(models.Model):
    """An action of a diagnostic's plan: proposed from the catalogue, or added by the team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="plan_actions"
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("préconisation servie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_action = models.ForeignKey(
        "recommendations.SuggestedAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    owner = models.CharField(_("porteur (service ou personne)"), max_length=200, blank=True)
    deadline_date = models.DateField(_("échéance (date)"), null=True, blank=True)
    deadline_quarter = models.CharField(_("échéance (trimestre)"), max_length=7, blank=True)
    budget_amount = models.DecimalField(
        _("montant (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_line = models.CharField(_("ligne budgétaire"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.TO_START
    )
    # What the action became, for the yearly report: when it was carried out, what it cost.
    completed_on = models.DateField(_("réalisée le"), null=True, blank=True)
    amount_spent = models.DecimalField(
        _("montant dépensé (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    priority = models.CharField(
        _("priorité"), max_length=10, choices=ActionPriority.choices, default=ActionPriority.MEDIUM
    )
    position = models.PositiveIntegerField(default=0)
    dismissed = models.BooleanField(_("écartée"), default=False)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Carried over, not done, from the plan of the collectivité's previous diagnostic.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from_year = models.PositiveSmallIntegerField(
        _("reprise de l’année"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions du plan")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "suggested_action"],
                condition=models.Q(suggested_action__isnull=False),
                name="unique_suggested_action_in_plan",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def deadline_display(self) -> str:
        return deadline_text(self.deadline_date, self.deadline_quarter)


class PlanActionChange(StateChange):
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="changes")

    def __str__(self):
        return f"{self.action_id} · r{self.revision}"


class ReportFile(models.Model):
    """A generated PDF, cached under the hash of everything it shows."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="reports")
    variant = models.CharField(max_length=10, choices=ReportVariant.choices)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(upload_to="rapports/", blank=True, max_length=255)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last time its requester's status page asked how the generation goes (see requester_left).
    last_polled_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "variant", "content_hash"], name="unique_report_version"
            )
        ]

    def __str__(self):
        return f"{self.diagnostic_id} {self.variant} {self.content_hash[:8]}"

    def requester_left(self) -> bool:
        """Whether whoever asked for the report had left its status page when it was finished.

        The page polls at least every 5 seconds while the report is generated; no sign of its
        requester (the request itself, or a poll) in the REQUESTER_AWAY_AFTER before the end
        means the page was closed, and a mail should tell them instead.
        """
        if self.finished_at is None:
            return False
        asked = self.queued_at or self.created_at
        seen = max(asked, self.last_polled_at) if self.last_polled_at else asked
        return self.finished_at - seen > REQUESTER_AWAY_AFTER


REQUESTER_AWAY_AFTER = timedelta(seconds=15)


class DashboardVisit(models.Model):
    """When a person last looked at the dashboard, and since when its current visit lists the
    changes (the end of the previous visit); see diagnostics.changes.record_visit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="dashboard_visit",
    )
    last_seen_at = models.DateTimeField()
    changes_since = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id} {self.last_seen_at:%Y-%m-%d %H:%M}"


class AssignmentQuerySet(models.QuerySet):
    def for_diagnostic(self, diagnostic):
        return self.filter(diagnostic=diagnostic)


class Assignment(models.Model):
    """Who is expected to answer a recommendation of a diagnostic, or one of its questions.

    ``recommendation_number`` is always set, the question's for a single question, so that a
    recommendation's assignments are read in one filter."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="assignments")
    recommendation_number = models.PositiveSmallIntegerField(_("préconisation"))
    question = models.ForeignKey(
        "recommendations.Question",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne assignée"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("le"), default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignation")
        verbose_name_plural = _("assignations")
        ordering = ["recommendation_number", "question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "recommendation_number"],
                condition=models.Q(question__isnull=True),
                name="one_assignee_per_recommendation",
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "question"],
                condition=models.Q(question__isnull=False),
                name="one_assignee_per_question",
            ),
        ]

    def __str__(self):
        target = self.question_id or f"R{self.recommendation_number}"
        return f"{self.diagnostic_id} · {target} → {self.assignee_id}"


class ReminderSent(models.Model):
    """A day's reminder to a diagnostic's assignees: at most one per diagnostic and day, whether
    the référent asked for it or the scheduled command sent it."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("jour"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "day"], name="one_reminder_per_day")
        ]

    def __str__(self):
        return f"{self.diagnostic_id} {self.day}"


class QuestionComment(models.Model):
    """One message of the short thread under a question of a diagnostic. The answer's own comment
    (Answer.comment) stays its note, part of the answer's versioned state; the thread is the
    conversation around it, kept as it was written (never edited)."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(
        "recommendations.Question", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("commentaire"), max_length=2000)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["diagnostic", "question", "created_at"], name="comment_thread_idx")
        ]

    def __str__(self):
        return f"{self.question_id} · {self.author_id} : {self.text[:40]}"


class YearlyReportPage(models.Model):
    """The inhabitants' page of a diagnostic's yearly report (recommendation 5): a public page at
    /bilan/<collectivité>/<year>/, unpublished until the référent publishes it, showing only what
    they ticked."""

    diagnostic = models.OneToOneField(
        Diagnostic, on_delete=models.CASCADE, related_name="yearly_page"
    )
    published = models.BooleanField(_("publiée"), default=False)
    show_actions = models.BooleanField(_("les actions réalisées"), default=True)
    show_partnerships = models.BooleanField(_("les partenariats"), default=True)
    show_costs = models.BooleanField(_("ce que cela a coûté, en totaux"), default=True)
    show_cost_details = models.BooleanField(
        _("le détail des coûts, par action et par source de financement"), default=False
    )
    # The référent's own words; empty: the plain-language text made from the year's figures.
    text = models.TextField(_("texte de présentation"), blank=True, max_length=3000)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("page du bilan pour les habitants")
        verbose_name_plural = _("pages du bilan pour les habitants")

    def __str__(self):
        return f"{self.diagnostic_id} {'publiée' if self.published else 'non publiée'}"
