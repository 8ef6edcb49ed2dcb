"""Which questions of a questionnaire page are not asked of the collectivité, and why, in the
words the page shows (the rule itself: diagnostics.scoring.is_asked, in catalogue order)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import CollectiviteKind
from diagnostics.catalogue import CatalogueData
from diagnostics.models import Answer
from diagnostics.questionnaire.answers import describe_value
from diagnostics.selectors import not_asked
from recommendations.enums import QuestionKind
from recommendations.models import Question

# « Cette question concerne les … »
KIND_PLURALS = {
    CollectiviteKind.COMMUNE: gettext_lazy("les communes"),
    CollectiviteKind.EPCI: gettext_lazy("les intercommunalités"),
    CollectiviteKind.METROPOLE: gettext_lazy("les métropoles"),
    CollectiviteKind.DEPARTEMENT: gettext_lazy("les départements"),
    CollectiviteKind.REGION: gettext_lazy("les régions"),
    CollectiviteKind.OTHER: gettext_lazy("les autres collectivités"),
}


def _french_list(items: list[str], word: str) -> str:
    if len(items) == 1:
        return items[0]
    return format_lazy("{} {} {}", ", ".join(items[:-1]), word, items[-1])


def not_asked_reason(
    data: CatalogueData, question: Question, *, collectivite_kind: str | None
) -> str:
    """Why ``question`` is not asked: its kinds when the collectivité's is not one of them, else
    its condition."""
    kinds = list(question.applies_to_kinds or [])
    if kinds and collectivite_kind not in kinds:
        names = [
            str(KIND_PLURALS.get(kind, kind)) for kind in CollectiviteKind.values if kind in kinds
        ]
        return _("Cette question concerne %(kinds)s.") % {"kinds": _french_list(names, _("et"))}
    target = next((q for q in data.questions if q.pk == question.condition_question_id), None)
    if target is None:
        return _("Cette question n’est pas posée à votre collectivité.")
    multi = target.kind == QuestionKind.MULTI
    values = [
        f"“{describe_value(target, [v] if multi else v, data.options_by_id)}”"
        for v in question.condition_values or []
    ]
    accepted = _french_list(values, _("ou"))
    if target.kind == QuestionKind.MULTI:
        return _("Cette question est posée lorsque la réponse à %(code)s comprend %(values)s.") % {
            "code": target.code,
            "values": accepted,
        }
    return _("Cette question est posée lorsque la réponse à %(code)s est %(values)s.") % {
        "code": target.code,
        "values": accepted,
    }


def page_not_asked(
    data: CatalogueData,
    number: int,
    answers: dict[int, Answer],
    *,
    collectivite_kind: str | None,
) -> dict[str, str]:
    """The codes of recommendation ``number``'s questions not asked, with the reason of each.
    ``answers`` holds at least those of data.rule_questions[number]: only the answers of the
    conditions' questions decide."""
    skipped = not_asked(data, answers, collectivite_kind=collectivite_kind)
    return {
        q.code: not_asked_reason(data, q, collectivite_kind=collectivite_kind)
        for q in data.questions_by_rec[number]
        if q.pk in skipped
    }
