"""What changed between two catalogue versions, préconisation by préconisation and question by
question: the two versions are compared in the data file's form (``export_catalogue``)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.catalogue_file import EN, strip_translations
from recommendations.enums import QuestionKind
from recommendations.models import CatalogueVersion
from recommendations.services import export_catalogue

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

QUESTION_FIELDS = {
    "text": gettext_lazy("Texte"),
    "help_text": gettext_lazy("Aide"),
    "kind": gettext_lazy("Type de réponse"),
    "unit": gettext_lazy("Unité"),
    "weight": gettext_lazy("Poids"),
    "required": gettext_lazy("Obligatoire"),
    "allows_not_applicable": gettext_lazy("« Non concerné » possible"),
    "applies_to": gettext_lazy("Collectivités concernées"),
    "asked_when": gettext_lazy("Condition"),
    "options": gettext_lazy("Options"),
    "text_en": gettext_lazy("Texte (anglais)"),
    "help_text_en": gettext_lazy("Aide (anglais)"),
    "unit_en": gettext_lazy("Unité (anglais)"),
}
RECOMMENDATION_FIELDS = {
    "short_title": gettext_lazy("Titre court"),
    "wording": gettext_lazy("Énoncé"),
    "explanation": gettext_lazy("Explication"),
    "weight": gettext_lazy("Poids"),
    "actions": gettext_lazy("Actions suggérées"),
    "short_title_en": gettext_lazy("Titre court (anglais)"),
    "wording_en": gettext_lazy("Énoncé (anglais)"),
    "explanation_en": gettext_lazy("Explication (anglais)"),
}
# Lists whose items hold translated texts: a change in their English texts alone is shown as
# the list of those texts, flagged as a translation.
_LISTS_WITH_TEXTS = {"options": "label", "actions": "title"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    # Only an English text changed: the scores and the French pages stay the same.
    translation_only: bool = False


@dataclass
class ItemChange:
    """A question (``code``) or a préconisation (``code`` is « R1 »…) added, removed or changed."""

    code: str
    status: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def translation_only(self) -> bool:
        return (
            self.status == CHANGED
            and bool(self.fields)
            and all(f.translation_only for f in self.fields)
        )

    @property
    def status_label(self) -> str:
        if self.translation_only:
            return _("Traduction modifiée")
        return {ADDED: _("Ajoutée"), REMOVED: _("Supprimée"), CHANGED: _("Modifiée")}[self.status]


@dataclass
class Comparison:
    old: CatalogueVersion
    new: CatalogueVersion
    recommendations: list[ItemChange]
    questions: list[ItemChange]

    @property
    def counts(self) -> dict[str, int]:
        return {
            status: sum(1 for q in self.questions if q.status == status)
            for status in (ADDED, REMOVED, CHANGED)
        }


def previous_version(version: CatalogueVersion) -> CatalogueVersion | None:
    """The version this one was derived from, else the one created just before it."""
    if version.derived_from_id:
        return version.derived_from
    return (
        CatalogueVersion.objects.exclude(pk=version.pk)
        .filter(created_at__lte=version.created_at, pk__lt=version.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def _number(value) -> str:
    """« 3 », « 0,5 »: no trailing zeros, a decimal comma."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def _show(key: str, value) -> str:
    """A value of the data file as an editor reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if key == "options":
        return "\n".join(
            o["label"] + (f" ({_number(o['score'])})" if o.get("score") is not None else "")
            for o in value
        )
    if key == "actions":
        return "\n".join(a["title"] for a in value)
    if key == "kind":
        return str(QuestionKind(value).label) if value in QuestionKind.values else str(value)
    if key == "applies_to":
        return ", ".join(value)
    if key == "asked_when":
        return _condition(value)
    if isinstance(value, (float, Decimal)):
        return _number(value)
    return str(value)


def _condition(asked_when: dict) -> str:
    target = asked_when["question"]
    if "is" in asked_when:
        return _("si %(q)s vaut « %(v)s »") % {
            "q": target,
            "v": _yes_no(asked_when["is"]),
        }
    if "levels" in asked_when:
        levels = ", ".join(str(v) for v in asked_when["levels"])
        return _("si %(q)s est au niveau %(v)s") % {"q": target, "v": levels}
    options = ", ".join(str(v) for v in asked_when["options"])
    return _("si %(q)s a l’option %(v)s") % {"q": target, "v": options}


def _english_list(key: str, items) -> str:
    """The English texts of options or actions, one a line (— where one is missing)."""
    name = _LISTS_WITH_TEXTS[key]
    return "\n".join(item.get(name + EN) or "—" for item in items or []) or "—"


def _field_changes(before: dict, after: dict, fields: dict) -> list[FieldChange]:
    changes = []
    for key, label in fields.items():
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if key.endswith(EN):
            changes.append(FieldChange(str(label), _show(key, was), _show(key, now), True))
        elif key in _LISTS_WITH_TEXTS and strip_translations(was) == strip_translations(now):
            changes.append(
                FieldChange(
                    _("%(label)s (anglais)") % {"label": label},
                    _english_list(key, was),
                    _english_list(key, now),
                    True,
                )
            )
        else:
            changes.append(FieldChange(str(label), _show(key, was), _show(key, now)))
    return changes


def compare_versions(old: CatalogueVersion, new: CatalogueVersion) -> Comparison:
    before, after = export_catalogue(old), export_catalogue(new)
    recs_before = {r["number"]: r for r in before["recommendations"]}
    recs_after = {r["number"]: r for r in after["recommendations"]}
    recommendations = []
    for number in sorted(recs_before.keys() | recs_after.keys()):
        was, now = recs_before.get(number), recs_after.get(number)
        code = f"R{number}"
        if was is None:
            recommendations.append(ItemChange(code, ADDED, now["short_title"]))
        elif now is None:
            recommendations.append(ItemChange(code, REMOVED, was["short_title"]))
        elif changes := _field_changes(was, now, RECOMMENDATION_FIELDS):
            recommendations.append(ItemChange(code, CHANGED, now["short_title"], changes))

    def questions_of(content):
        return {q["code"]: q for r in content["recommendations"] for q in r["questions"]}

    q_before, q_after = questions_of(before), questions_of(after)
    order = [q["code"] for r in after["recommendations"] for q in r["questions"]]
    order += [code for code in q_before if code not in q_after]
    questions = []
    for code in sorted(order, key=_code_key):
        was, now = q_before.get(code), q_after.get(code)
        if was is None:
            # A new question: what it holds, its empty fields left out.
            filled = [f for f in _field_changes({}, now, QUESTION_FIELDS) if f.after != "—"]
            questions.append(ItemChange(code, ADDED, now["text"], filled))
        elif now is None:
            questions.append(ItemChange(code, REMOVED, was["text"]))
        elif changes := _field_changes(was, now, QUESTION_FIELDS):
            questions.append(ItemChange(code, CHANGED, now["text"], changes))
    return Comparison(old, new, recommendations, questions)


def _code_key(code: str):
    """« R2.Q10 » after « R2.Q9 », and « R10 » after « R9 »."""
    parts = code.replace("R", "").split(".Q")
    return tuple(int(p) if p.isdigit() else 0 for p in parts)
