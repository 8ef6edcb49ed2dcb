"""Catalogue editing for platform administrators, with versions in use protected."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.catalogue_file import dump_catalogue
from recommendations.enums import (
    LEVEL_KINDS,
    SCORED_OPTION_KINDS,
    QuestionKind,
    VersionStatus,
    collectivite_kinds,
)
from recommendations.models import (
    CatalogueVersion,
    Option,
    Question,
    Recommendation,
    SuggestedAction,
)
from recommendations.services import create_draft_from, export_catalogue, publish_version

IN_USE_MESSAGE = gettext_lazy(
    "Cette version du catalogue est utilisée par au moins un diagnostic : elle ne peut plus être "
    "modifiée. Créez une nouvelle version brouillon à partir de celle-ci."
)


def _version_of(obj) -> CatalogueVersion | None:
    if obj is None:
        return None
    if isinstance(obj, CatalogueVersion):
        return obj
    if isinstance(obj, Recommendation):
        return obj.catalogue
    if isinstance(obj, (Question, SuggestedAction)):
        return obj.recommendation.catalogue
    return None


class LockedVersionMixin:
    """Read-only display, and refusal of any change, when the version is used by a diagnostic."""

    def has_change_permission(self, request, obj=None):
        version = _version_of(obj)
        if version is not None and version.is_in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        version = _version_of(obj)
        if version is not None and version.is_in_use:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        version = _version_of(obj)
        extra_context = extra_context or {}
        if version is not None and version.is_in_use:
            messages.warning(request, IN_USE_MESSAGE)
            extra_context["draft_url"] = reverse(
                "admin:recommendations_catalogueversion_new_draft", args=[version.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)


class LockedInlineMixin:
    """Inlines of a version in use can be read, never added to, changed or deleted."""

    def _locked(self, obj):
        version = _version_of(obj)
        return version is not None and version.is_in_use

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class VersionInUseFormMixin:
    """Forms under a version refuse to save when that version is in use."""

    def clean(self):
        cleaned = super().clean()
        version = self.locked_version()
        if version is not None and version.is_in_use:
            raise ValidationError(IN_USE_MESSAGE)
        return cleaned


class RecommendationForm(VersionInUseFormMixin, forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["catalogue", "number", "short_title", "wording", "explanation", "weight"]

    def locked_version(self):
        return self.cleaned_data.get("catalogue") or (
            self.instance.catalogue if self.instance.catalogue_id else None
        )


class QuestionForm(VersionInUseFormMixin, forms.ModelForm):
    """A question, with its applicability rule (SCORING.md, method v2) checked as the catalogue
    loader checks it: an earlier question of the same version, accepted answers it can hold."""

    applies_to_kinds = forms.TypedMultipleChoiceField(
        label=gettext_lazy("types de collectivité concernés"),
        choices=collectivite_kinds,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Aucun coché : la question est posée à toutes les collectivités."),
    )

    class Meta:
        model = Question
        fields = [
            "recommendation",
            "code",
            "kind",
            "text",
            "help_text",
            "unit",
            "weight",
            "allows_not_applicable",
            "required",
            "position",
            "applies_to_kinds",
            "condition_question",
            "condition_values",
        ]
        help_texts = {
            "condition_values": gettext_lazy(
                "Les réponses qui font poser la question, telles qu’elles sont enregistrées : "
                "[true] ou [false] pour oui/non, les identifiants des options pour un choix, "
                "les numéros des niveaux (à partir de 0) pour une échelle."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("condition_question")
        if field is not None and self.instance.recommendation_id:
            field.queryset = Question.objects.filter(
                recommendation__catalogue_id=self.instance.recommendation.catalogue_id
            ).exclude(pk=self.instance.pk)

    def locked_version(self):
        recommendation = self.cleaned_data.get("recommendation") or (
            self.instance.recommendation if self.instance.recommendation_id else None
        )
        return recommendation.catalogue if recommendation else None

    def clean(self):
        data = super().clean()
        target = data.get("condition_question")
        # An empty field means no accepted answer (the column holds a list, never null).
        values = data["condition_values"] = data.get("condition_values") or []
        recommendation = data.get("recommendation") or (
            self.instance.recommendation if self.instance.recommendation_id else None
        )
        if target is None:
            if values:
                self.add_error(
                    "condition_values", _("Choisissez d’abord la question dont dépend celle-ci.")
                )
            return data
        if recommendation is not None and (
            target.recommendation.catalogue_id != recommendation.catalogue_id
            or (target.recommendation.number, target.position)
            >= (recommendation.number, data.get("position") or 0)
        ):
            self.add_error(
                "condition_question",
                _(
                    "La condition doit porter sur une question précédente de la même version "
                    "(même préconisation plus haut, ou préconisation de numéro inférieur)."
                ),
            )
            return data
        self._check_values(target, values)
        return data

    def _check_values(self, target: Question, values) -> None:
        if target.kind == QuestionKind.BOOLEAN:
            allowed = {True, False}
            ok = values and all(isinstance(v, bool) for v in values)
        elif target.kind == QuestionKind.SCALE:
            allowed = set(range(target.options.count()))
            ok = values and all(type(v) is int and v in allowed for v in values)
        elif target.kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
            allowed = set(target.options.values_list("pk", flat=True))
            ok = values and all(type(v) is int and v in allowed for v in values)
        else:
            self.add_error(
                "condition_question",
                _("Une condition ne peut porter sur une question de type nombre ou texte."),
            )
            return
        if not isinstance(values, list) or not ok:
            self.add_error(
                "condition_values",
                _("Réponses acceptées invalides pour %(code)s : %(allowed)s attendus.")
                % {"code": target.code, "allowed": ", ".join(map(str, sorted(allowed, key=str)))},
            )


class OptionInlineFormSet(forms.BaseInlineFormSet):
    """A scale needs at least two levels; a choice needs options scored in [0, 1]."""

    def clean(self):
        super().clean()
        kind = self.instance.kind
        if any(form.errors for form in self.forms):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if kind != QuestionKind.MULTI:
            for form in kept:
                if form.cleaned_data.get("exclusive"):
                    form.add_error(
                        "exclusive", _("Seule une option d’un choix multiple peut être exclusive.")
                    )
        if kind in LEVEL_KINDS:
            if len(kept) < 2:
                raise ValidationError(
                    _("Une échelle de maturité doit avoir au moins deux niveaux décrits.")
                )
            for form in kept:
                if not (form.cleaned_data.get("description") or "").strip():
                    form.add_error(
                        "description", _("Chaque niveau d’une échelle doit être décrit.")
                    )
        elif kind in SCORED_OPTION_KINDS:
            if not kept:
                raise ValidationError(_("Un choix doit proposer au moins une option."))
            for form in kept:
                if form.cleaned_data.get("score") is None:
                    form.add_error("score", _("Donnez un score entre 0 et 1 à chaque option."))
        elif kept:
            raise ValidationError(
                _("Une question de type nombre ou texte n’a ni niveaux ni options.")
            )


class OptionInline(LockedInlineMixin, admin.TabularInline):
    model = Option
    formset = OptionInlineFormSet
    extra = 0
    fields = ["position", "label", "description", "score", "exclusive"]


class QuestionInline(LockedInlineMixin, admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    show_change_link = True
    fields = [
        ("code", "kind", "position"),
        "text",
        "help_text",
        ("weight", "required", "allows_not_applicable", "unit"),
        "applies_to_kinds",
        ("condition_question", "condition_values"),
    ]


class SuggestedActionInline(LockedInlineMixin, admin.StackedInline):
    model = SuggestedAction
    extra = 0
    fields = [("title", "position"), "description", ("question", "owner_service"), "resources"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(LockedVersionMixin, admin.ModelAdmin):
    list_display = ["code", "title", "status", "published_at", "in_use"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    readonly_fields = ["derived_from", "created_at", "published_at"]
    actions = ["make_draft", "publish", "export_yaml"]
    change_form_template = "admin/recommendations/catalogue_change_form.html"

    @admin.display(boolean=True, description=gettext_lazy("utilisée"))
    def in_use(self, obj):
        return obj.is_in_use

    def get_urls(self):
        return [
            path(
                "<int:pk>/nouveau-brouillon/",
                self.admin_site.admin_view(self.new_draft_view),
                name="recommendations_catalogueversion_new_draft",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="recommendations_catalogueversion_export",
            ),
            *super().get_urls(),
        ]

    def new_draft_view(self, request, pk):
        if request.method != "POST" or not self.has_add_permission(request):
            return HttpResponseRedirect(
                reverse("admin:recommendations_catalogueversion_changelist")
            )
        version = get_object_or_404(CatalogueVersion, pk=pk)
        draft = create_draft_from(version=version)
        messages.success(
            request,
            _("Nouvelle version brouillon « %(code)s » créée : vous pouvez la modifier.")
            % {"code": draft.code},
        )
        return HttpResponseRedirect(
            reverse("admin:recommendations_catalogueversion_change", args=[draft.pk])
        )

    def export_view(self, request, pk):
        version = get_object_or_404(CatalogueVersion, pk=pk)
        response = HttpResponse(
            dump_catalogue(export_catalogue(version)),
            content_type="application/yaml; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="catalogue-{version.code}.yaml"'
        return response

    @admin.action(description=gettext_lazy("Créer une nouvelle version brouillon à partir de…"))
    def make_draft(self, request, queryset):
        for version in queryset:
            draft = create_draft_from(version=version)
            self.message_user(request, _("Brouillon « %(code)s » créé.") % {"code": draft.code})

    @admin.action(description=gettext_lazy("Publier les versions choisies"))
    def publish(self, request, queryset):
        for version in queryset.filter(status=VersionStatus.DRAFT):
            publish_version(version=version)
        self.message_user(request, _("Versions publiées."))

    @admin.action(description=gettext_lazy("Exporter au format du fichier de données"))
    def export_yaml(self, request, queryset):
        version = queryset.first()
        return self.export_view(request, version.pk)


@admin.register(Recommendation)
class RecommendationAdmin(LockedVersionMixin, admin.ModelAdmin):
    form = RecommendationForm
    list_display = ["number", "short_title", "catalogue", "weight"]
    list_display_links = ["number", "short_title"]
    list_filter = ["catalogue"]
    search_fields = ["short_title", "wording", "questions__text"]
    ordering = ["catalogue", "number"]
    inlines = [QuestionInline, SuggestedActionInline]


@admin.register(Question)
class QuestionAdmin(LockedVersionMixin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["code", "text", "kind", "weight", "required", "recommendation"]
    list_filter = ["recommendation__catalogue", "kind", "required", "recommendation__number"]
    search_fields = ["code", "text", "help_text"]
    ordering = ["recommendation__catalogue", "recommendation__number", "position"]
    list_select_related = ["recommendation__catalogue"]
    inlines = [OptionInline]


@admin.register(SuggestedAction)
class SuggestedActionAdmin(LockedVersionMixin, admin.ModelAdmin):
    list_display = ["title", "recommendation", "question", "owner_service"]
    list_filter = ["recommendation__catalogue", "recommendation__number"]
    search_fields = ["title", "description", "owner_service"]
    list_select_related = ["recommendation__catalogue", "question"]
