"""Catalogue editing for platform administrators, with versions in use protected."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.catalogue_file import dump_catalogue, normalise_resources, strip_translations
from recommendations.comparison import compare_versions, previous_version
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
from recommendations.selectors import translation_status
from recommendations.services import create_draft_from, export_catalogue, publish_version

TRANSLATION = gettext_lazy("Traduction anglaise")
TRANSLATION_HELP = gettext_lazy(
    "Laissé vide, le texte français s’affiche sur les pages en anglais, marqué comme tel."
)


def english_fields(model) -> list[str]:
    return [f"{name}_en" for name in model.translated_fields]


def _missing_translation_q(model, prefix: str = "") -> Q:
    """Rows with a French text whose English counterpart is blank."""
    condition = Q()
    for name in model.translated_fields:
        condition |= ~Q(**{f"{prefix}{name}": ""}) & Q(**{f"{prefix}{name}_en": ""})
    return condition


class MissingTranslationFilter(admin.SimpleListFilter):
    """« Traduction manquante »: rows (or their questions' levels and options) with a French
    text not yet translated into English."""

    title = gettext_lazy("traduction manquante")
    parameter_name = "traduction_manquante"

    def lookups(self, request, model_admin):
        return [("oui", _("Oui")), ("non", _("Non"))]

    def queryset(self, request, queryset):
        if self.value() not in ("oui", "non"):
            return queryset
        condition = _missing_translation_q(queryset.model)
        if queryset.model is Question:
            condition |= _missing_translation_q(Option, "options__")
        missing = queryset.filter(condition).values("pk")
        if self.value() == "oui":
            return queryset.filter(pk__in=missing)
        return queryset.exclude(pk__in=missing)


IN_USE_MESSAGE = gettext_lazy(
    "Cette version du catalogue est utilisée par au moins un diagnostic : elle ne peut plus être "
    "modifiée. Créez une nouvelle version brouillon à partir de celle-ci."
)
PUBLISHED_MESSAGE = gettext_lazy(
    "Cette version du catalogue est publiée : elle ne se modifie plus, pour que chaque diagnostic "
    "qui la suit pose les mêmes questions. Créez une version brouillon pour la modifier."
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


def _lock_reason(version: CatalogueVersion | None):
    """Why ``version`` can no longer change, or None while it is an unused draft."""
    if version is None:
        return None
    if version.is_in_use:
        return IN_USE_MESSAGE
    if version.status == VersionStatus.PUBLISHED:
        return PUBLISHED_MESSAGE
    return None


def version_label(version: CatalogueVersion) -> str:
    """« 2026.2 brouillon »: the code and the status, which a draft's code may already say."""
    status = version.get_status_display().lower()
    return version.code if status in version.code else f"{version.code} {status}"


def recommendation_label(recommendation: Recommendation) -> str:
    return f"{version_label(recommendation.catalogue)} — {recommendation}"


def question_label(question: Question) -> str:
    text = question.text if len(question.text) <= 60 else question.text[:59] + "…"
    return f"{version_label(question.recommendation.catalogue)} — {question.code} — {text}"


LABELS = {
    CatalogueVersion: lambda version: f"{version_label(version)} — {version.title}",
    Recommendation: recommendation_label,
    Question: question_label,
}
RELATED = {
    CatalogueVersion: [],
    Recommendation: ["catalogue"],
    Question: ["recommendation__catalogue"],
}


def show_versions(field) -> None:
    """Every choice of a catalogue dropdown names its version: after a draft is derived, two
    « R1.Q1 » are told apart."""
    if field is None or field.queryset.model not in LABELS:
        return
    model = field.queryset.model
    field.queryset = field.queryset.select_related(*RELATED[model])
    field.label_from_instance = LABELS[model]


class VersionLabelsMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model in (Recommendation, CatalogueVersion):
            # Content is added to a draft only: a published version is never edited.
            drafts = {"status": VersionStatus.DRAFT}
            if db_field.related_model is Recommendation:
                drafts = {"catalogue__status": VersionStatus.DRAFT}
            if db_field.name != "derived_from":
                field.queryset = field.queryset.filter(**drafts)
        show_versions(field)
        return field


class LockedVersionMixin(VersionLabelsMixin):
    """Read-only display, and refusal of any change, once the version is published or used by a
    diagnostic; the page then offers to derive a draft."""

    def has_change_permission(self, request, obj=None):
        if _lock_reason(_version_of(obj)) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if _lock_reason(_version_of(obj)) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        version = _version_of(obj)
        reason = _lock_reason(version)
        extra_context = extra_context or {}
        if reason is not None:
            messages.warning(request, reason)
            url = reverse("admin:recommendations_catalogueversion_new_draft", args=[version.pk])
            if not isinstance(obj, CatalogueVersion):
                url += "?" + urlencode({"depuis": f"{obj._meta.model_name}:{obj.pk}"})
            extra_context["draft_url"] = url
            if self.has_translate_permission(request):
                extra_context["translate_url"] = reverse(
                    f"admin:recommendations_{obj._meta.model_name}_translate", args=[obj.pk]
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # English texts never change the scores: editors may translate a published version, or
    # one in use, through a form holding the English fields only (translate_view).
    def has_translate_permission(self, request) -> bool:
        return request.user.has_perm(f"recommendations.change_{self.opts.model_name}")

    def get_urls(self):
        return [
            path(
                "<int:pk>/traduire/",
                self.admin_site.admin_view(self.translate_view),
                name=f"recommendations_{self.opts.model_name}_translate",
            ),
            *super().get_urls(),
        ]

    def translate_view(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_translate_permission(request):
            raise PermissionDenied
        fields = english_fields(self.model)
        if self.model is SuggestedAction:
            fields.append("resources")
        form_class = forms.modelform_factory(self.model, form=TranslationForm, fields=fields)
        option_formset_class = (
            forms.inlineformset_factory(
                Question, Option, fields=english_fields(Option), extra=0, can_delete=False
            )
            if self.model is Question
            else None
        )
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=obj)
        options = (
            option_formset_class(
                data, instance=obj, queryset=obj.options.order_by("position", "pk")
            )
            if option_formset_class
            else None
        )
        if data is not None and form.is_valid() and (options is None or options.is_valid()):
            with transaction.atomic():
                form.save()
                if options is not None:
                    options.save()
            messages.success(request, _("Traduction anglaise enregistrée."))
            return HttpResponseRedirect(request.path)
        return TemplateResponse(
            request,
            "admin/recommendations/translate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Traduction anglaise de « %(obj)s »") % {"obj": obj},
                "original": obj,
                "version": _version_of(obj),
                "rows": _translation_rows(form, obj),
                "option_rows": [
                    (option_form, _translation_rows(option_form, option_form.instance))
                    for option_form in options.forms
                ]
                if options is not None
                else [],
                "options": options,
                "has_errors": bool(form.errors) or bool(options and not options.is_valid()),
            },
        )


class TranslationForm(forms.ModelForm):
    """The English fields of a catalogue row; an action's resources may change their
    ``label_en`` only (label and address stay as they are)."""

    def clean_resources(self):
        resources = self.cleaned_data.get("resources") or []
        if not isinstance(resources, list):
            raise ValidationError(_("Les ressources doivent être une liste."))
        cleaned, problems = normalise_resources(resources)
        if problems:
            raise ValidationError(problems)
        before, _problems = normalise_resources(list(self.instance.resources or []))
        if strip_translations(cleaned) != strip_translations(before):
            raise ValidationError(
                _(
                    "Seules les traductions (« label_en ») des ressources peuvent changer ici : "
                    "leurs libellés français et leurs adresses restent ceux de la version."
                )
            )
        return cleaned


def _translation_rows(form, obj) -> list[tuple[str, str, object]]:
    """(French field label, French text, English bound field) for each translated text."""
    rows = [
        (obj._meta.get_field(name).verbose_name, getattr(obj, name), form[f"{name}_en"])
        for name in obj.translated_fields
    ]
    if "resources" in form.fields:
        rows.append((obj._meta.get_field("resources").verbose_name, "", form["resources"]))
    return rows


class LockedInlineMixin(VersionLabelsMixin):
    """Inlines of a locked version can be read, never added to, changed or deleted."""

    def _locked(self, obj):
        return _lock_reason(_version_of(obj)) is not None

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


def _source_object(version: CatalogueVersion, depuis: str | None):
    """The question, préconisation or action of ``version`` named ``model:pk``, if any."""
    models = {
        "question": Question,
        "recommendation": Recommendation,
        "suggestedaction": SuggestedAction,
    }
    model_name, _sep, pk = (depuis or "").partition(":")
    if model_name not in models or not pk.isdigit():
        return None
    obj = models[model_name].objects.filter(pk=pk).first()
    return obj if obj is not None and _version_of(obj) == version else None


def _copy_in(draft: CatalogueVersion, source):
    """The draft's copy of ``source`` (a question, a préconisation or an action)."""
    if isinstance(source, Recommendation):
        return draft.recommendations.filter(number=source.number).first()
    if isinstance(source, Question):
        return Question.objects.filter(
            recommendation__catalogue=draft,
            recommendation__number=source.recommendation.number,
            code=source.code,
        ).first()
    if isinstance(source, SuggestedAction):
        return SuggestedAction.objects.filter(
            recommendation__catalogue=draft,
            recommendation__number=source.recommendation.number,
            title=source.title,
        ).first()
    return None


class VersionInUseFormMixin:
    """Forms under a version refuse to save when that version is in use."""

    def clean(self):
        cleaned = super().clean()
        reason = _lock_reason(self.locked_version())
        if reason is not None:
            raise ValidationError(reason)
        return cleaned


class RecommendationForm(VersionInUseFormMixin, forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = [
            "catalogue",
            "number",
            "short_title",
            "wording",
            "explanation",
            "weight",
            "short_title_en",
            "wording_en",
            "explanation_en",
        ]

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
        help_text=gettext_lazy("Aucun coché : la question est posée à toutes les collectivités."),
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
            "text_en",
            "help_text_en",
            "unit_en",
        ]
        help_texts = {
            "condition_values": gettext_lazy(
                "Les réponses qui font poser la question, telles qu’elles sont enregistrées : "
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
            show_versions(field)

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
                _("Réponses acceptées invalides pour %(code)s : %(allowed)s attendus.")
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


class OptionInline(LockedInlineMixin, admin.StackedInline):
    # Stacked, not tabular: a tabular inline's fields have no label of their own (axe, WCAG 4.1.2).
    model = Option
    formset = OptionInlineFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "label", "score", "exclusive"), "description"]}),
        (TRANSLATION, {"fields": ["label_en", "description_en"]}),
    ]


class QuestionInline(LockedInlineMixin, admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    show_change_link = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("code", "kind", "position"),
                    "text",
                    "help_text",
                    ("weight", "required", "allows_not_applicable", "unit"),
                    "applies_to_kinds",
                    ("condition_question", "condition_values"),
                ]
            },
        ),
        (TRANSLATION, {"fields": [("text_en", "unit_en"), "help_text_en"]}),
    ]


class SuggestedActionInline(LockedInlineMixin, admin.StackedInline):
    model = SuggestedAction
    extra = 0
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "position"),
                    "description",
                    ("question", "owner_service"),
                    "resources",
                ]
            },
        ),
        (TRANSLATION, {"fields": [("title_en", "owner_service_en"), "description_en"]}),
    ]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(LockedVersionMixin, admin.ModelAdmin):
    list_display = ["code", "title", "status", "published_at", "in_use"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    # The status changes through « Publier », which dates the publication, never by hand.
    readonly_fields = [
        "status",
        "derived_from",
        "created_at",
        "published_at",
        "contents",
        "translation",
    ]
    actions = ["make_draft", "publish", "export_yaml"]
    change_form_template = "admin/recommendations/catalogue_change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "title",
                    "status",
                    "derived_from",
                    "created_at",
                    "published_at",
                    "contents",
                ]
            },
        ),
        (TRANSLATION, {"fields": ["title_en", "translation"], "description": TRANSLATION_HELP}),
    ]

    @admin.display(description=gettext_lazy("état de la traduction"))
    def translation(self, obj):
        if obj.pk is None:
            return "—"
        status = translation_status(obj)
        return format_html(
            '{} <a href="{}">{}</a>',
            _("%(translated)s textes sur %(total)s traduits en anglais.")
            % {"translated": status.translated, "total": status.total},
            reverse("admin:recommendations_catalogueversion_translations", args=[obj.pk]),
            _("Voir les textes à traduire"),
        )

    def translations_view(self, request, pk):
        """The version's translation status and the texts still to translate, each linked to
        the form where it is translated."""
        version = get_object_or_404(CatalogueVersion, pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        status = translation_status(version)
        locked = _lock_reason(version) is not None
        rows = []
        for item in status.missing:
            name = item.obj._meta.model_name
            target = item.obj.question if isinstance(item.obj, Option) else item.obj
            view = "translate" if locked else "change"
            rows.append(
                {
                    "kind": item.obj._meta.verbose_name,
                    "name": str(item.obj),
                    "fields": item.labels,
                    "url": reverse(
                        f"admin:recommendations_{target._meta.model_name}_{view}",
                        args=[target.pk],
                    ),
                    "model": name,
                }
            )
        return TemplateResponse(
            request,
            "admin/recommendations/translations.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Traduction anglaise de la version %(code)s") % {"code": version.code},
                "version": version,
                "version_label": version_label(version),
                "status": status,
                "rows": rows,
            },
        )

    @admin.display(description=gettext_lazy("préconisations et questions"))
    def contents(self, obj):
        if obj.pk is None:
            return "—"
        recommendations = obj.recommendations.prefetch_related("questions").order_by("number")
        return format_html(
            '<ol class="version-contents">{}</ol>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a><ul>{}</ul></li>',
                (
                    (
                        reverse("admin:recommendations_recommendation_change", args=[r.pk]),
                        r,
                        format_html_join(
                            "",
                            '<li><a href="{}">{}</a></li>',
                            (
                                (reverse("admin:recommendations_question_change", args=[q.pk]), q)
                                for q in r.questions.all()
                            ),
                        ),
                    )
                    for r in recommendations
                ),
            ),
        )

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
                "<int:pk>/publier/",
                self.admin_site.admin_view(self.publish_view),
                name="recommendations_catalogueversion_publish",
            ),
            path(
                "<int:pk>/comparer/",
                self.admin_site.admin_view(self.compare_view),
                name="recommendations_catalogueversion_compare",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="recommendations_catalogueversion_export",
            ),
            path(
                "<int:pk>/traductions/",
                self.admin_site.admin_view(self.translations_view),
                name="recommendations_catalogueversion_translations",
            ),
            *super().get_urls(),
        ]

    def new_draft_view(self, request, pk):
        """Asks, then derives a draft of the version; the editor lands on the draft's copy of
        the question, préconisation or action they came from (``depuis``), else the draft."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(CatalogueVersion, pk=pk)
        source = _source_object(version, request.POST.get("depuis") or request.GET.get("depuis"))
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/recommendations/new_draft.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": _("Créer une version brouillon"),
                    "version": version,
                    "version_label": version_label(version),
                    "source": source,
                    "depuis": request.GET.get("depuis", ""),
                },
            )
        draft = create_draft_from(version=version)
        messages.success(
            request,
            _("Nouvelle version brouillon « %(code)s » créée : vous pouvez la modifier.")
            % {"code": draft.code},
        )
        copy = _copy_in(draft, source)
        if copy is not None:
            return HttpResponseRedirect(
                reverse(f"admin:recommendations_{copy._meta.model_name}_change", args=[copy.pk])
            )
        return HttpResponseRedirect(
            reverse("admin:recommendations_catalogueversion_change", args=[draft.pk])
        )

    def publish_view(self, request, pk):
        version = get_object_or_404(CatalogueVersion, pk=pk, status=VersionStatus.DRAFT)
        if request.method != "POST" or not self.has_change_permission(request, version):
            raise PermissionDenied
        publish_version(version=version)
        messages.success(request, _("Version « %(code)s » publiée.") % {"code": version.code})
        return HttpResponseRedirect(
            reverse("admin:recommendations_catalogueversion_change", args=[version.pk])
        )

    def compare_view(self, request, pk):
        """What changed since the previous version (or the one chosen), question by question."""
        version = get_object_or_404(CatalogueVersion, pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        others = CatalogueVersion.objects.exclude(pk=version.pk).order_by("-created_at", "-pk")
        chosen = request.GET.get("avec", "")
        if chosen.isdigit():
            other = others.filter(pk=int(chosen)).first()
        else:
            other = previous_version(version)
        comparison = compare_versions(other, version) if other is not None else None
        return TemplateResponse(
            request,
            "admin/recommendations/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Comparer la version %(code)s") % {"code": version.code},
                "version": version,
                "version_label": version_label(version),
                "other": other,
                "others": [(v.pk, version_label(v)) for v in others],
                "unknown_choice": bool(chosen) and other is None,
                "comparison": comparison,
            },
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
    list_display = ["number", "short_title", "version", "weight"]
    list_display_links = ["number", "short_title"]
    list_filter = ["catalogue", MissingTranslationFilter]
    search_fields = ["short_title", "wording", "questions__text"]
    ordering = ["catalogue", "number"]
    list_select_related = ["catalogue"]
    inlines = [QuestionInline, SuggestedActionInline]
    fieldsets = [
        (
            None,
            {"fields": ["catalogue", "number", "short_title", "wording", "explanation", "weight"]},
        ),
        (
            TRANSLATION,
            {
                "fields": ["short_title_en", "wording_en", "explanation_en"],
                "description": TRANSLATION_HELP,
            },
        ),
    ]

    @admin.display(description=gettext_lazy("version"), ordering="catalogue")
    def version(self, obj):
        return version_label(obj.catalogue)


@admin.register(Question)
class QuestionAdmin(LockedVersionMixin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["code", "text", "kind", "weight", "required", "version"]
    list_filter = [
        "recommendation__catalogue",
        "kind",
        "required",
        "recommendation__number",
        MissingTranslationFilter,
    ]
    search_fields = ["code", "text", "help_text"]
    ordering = ["recommendation__catalogue", "recommendation__number", "position"]
    list_select_related = ["recommendation__catalogue"]
    inlines = [OptionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
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
            },
        ),
        (
            TRANSLATION,
            {
                "fields": ["text_en", "help_text_en", "unit_en"],
                "description": TRANSLATION_HELP,
            },
        ),
    ]

    @admin.display(description=gettext_lazy("version"), ordering="recommendation__catalogue")
    def version(self, obj):
        return version_label(obj.recommendation.catalogue)


@admin.register(SuggestedAction)
class SuggestedActionAdmin(LockedVersionMixin, admin.ModelAdmin):
    list_display = ["title", "version", "recommendation", "question", "owner_service"]
    list_filter = ["recommendation__catalogue", "recommendation__number"]
    search_fields = ["title", "description", "owner_service"]
    list_select_related = ["recommendation__catalogue", "question"]
    ordering = ["recommendation__catalogue", "recommendation__number", "position"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "recommendation",
                    "question",
                    "title",
                    "description",
                    "owner_service",
                    "resources",
                    "position",
                ]
            },
        ),
        (
            TRANSLATION,
            {
                "fields": ["title_en", "description_en", "owner_service_en"],
                "description": gettext_lazy(
                    "Laissé vide, le texte français s’affiche sur les pages en anglais, marqué "
                    "comme tel. Les ressources se traduisent dans leur champ : "
                    '{"label": "…", "label_en": "…", "url": "…"}.'
                ),
            },
        ),
    ]

    @admin.display(description=gettext_lazy("version"), ordering="recommendation__catalogue")
    def version(self, obj):
        return version_label(obj.recommendation.catalogue)
