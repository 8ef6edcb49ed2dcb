"""The informative questions of recommendation 1 that the partnerships registry answers.

While the collectivité keeps a registry (at least one partnership), the number of active
partnerships, of jumelages and the partner countries come from it: the questionnaire shows them
« d’après le registre au … », with a link to the registry, and does not let them be typed. These
questions are not scored, so the figures are read when shown; a submitted diagnostic keeps what
it had. A collectivité without a registry answers them by hand, as before.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.formatting import long_date
from partnerships.figures import RegistryFigures, registry_figures
from recommendations.enums import QuestionKind

# Question code -> (the kind it must have, the figure it shows).
REGISTRY_QUESTIONS = {
    "R1.Q6": (QuestionKind.NUMBER, "active"),
    "R1.Q7": (QuestionKind.NUMBER, "jumelages"),
    "R1.Q8": (QuestionKind.TEXT, "countries"),
}


@dataclass(frozen=True)
class RegistryAnswer:
    value: int | str
    display: str
    as_of: date
    registry_url: str


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _answer(field: str, figures: RegistryFigures) -> tuple[int | str, str]:
    if field == "active":
        n = figures.active
        text = ngettext("%(n)s partenariat actif", "%(n)s partenariats actifs", n)
        return n, text % {"n": formats.number_format(n, force_grouping=True)}
    if field == "jumelages":
        n = figures.jumelages
        text = ngettext("%(n)s jumelage", "%(n)s jumelages", n)
        return n, text % {"n": formats.number_format(n, force_grouping=True)}
    names = ", ".join(sorted(figures.country_names(), key=_sort_key))
    return names, names or _("Aucun partenariat actif")


# The recommendation whose questions the registry answers, by the prefix of their codes: its page
# reads the registry whichever of them this catalogue version keeps, so that the page's number of
# queries does not depend on the catalogue's questions.
REGISTRY_PREFIXES = tuple({code.split(".")[0] + "." for code in REGISTRY_QUESTIONS})


def applies(diagnostic, questions) -> bool:
    """Whether these questions are those of the recommendation the registry feeds."""
    return not diagnostic.is_submitted and any(
        q.code.startswith(REGISTRY_PREFIXES) for q in questions
    )


def registry_answers(diagnostic, questions, *, whole_catalogue=False) -> dict[str, RegistryAnswer]:
    """Code -> the registry's answer, for those of ``questions`` it answers; empty without a
    registry or once the diagnostic is submitted. ``whole_catalogue``: the questions are all the
    catalogue's, and the registry is read whichever they are (a constant number of queries)."""
    if diagnostic.is_submitted or not (whole_catalogue or applies(diagnostic, questions)):
        return {}
    figures = registry_figures(diagnostic.collectivite_id)
    if figures is None:
        return {}
    url = reverse("partnership_list", args=[diagnostic.collectivite.public_id])
    answers = {}
    for question in questions:
        kind, field = REGISTRY_QUESTIONS.get(question.code, (None, None))
        if field is None or question.kind != kind or question.is_scored:
            continue
        value, display = _answer(field, figures)
        answers[question.code] = RegistryAnswer(
            value=value, display=display, as_of=figures.as_of, registry_url=url
        )
    return answers


def registry_display(answer: RegistryAnswer) -> str:
    """The answer as the results and the report show it, with where it comes from."""
    return _("%(answer)s (d’après le registre des partenariats au %(date)s)") % {
        "answer": answer.display,
        "date": long_date(answer.as_of),
    }
