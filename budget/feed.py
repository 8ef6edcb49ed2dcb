"""The budget feeds the diagnostic: recommendation 8's 1 % and budget questions are answered from
the figures entered on the budget pages, for the diagnostic's year.

Why stored answers rather than answers computed when a page is read: the scores, the results page,
the PDF reports, the exports and the backups all read ``Answer`` rows. Writing the derived answers
into those rows — marked ``Answer.source = "budget"``, with a history entry of their own — keeps
every one of them consistent without teaching each reader about the budget. The rows are rewritten
here whenever the figures or the competences change (budget.services), and when a diagnostic is
created or reopened (the diagnostic_opened signal, see budget.receivers). Submitted diagnostics are
never touched: their answers are what was submitted. While an answer comes from the budget, the
questionnaire shows it read-only with its source (diagnostics.questionnaire.answers refuses to
change it); when the figures no longer answer the question, the answer stays as it was and becomes
editable again, so that nothing anyone sees is lost.

What the figures answer (catalogue versions 2026.1 and 2026.2; a question whose kind or options
differ from what is expected is left alone):

- « La collectivité mobilise-t-elle le dispositif … ? » (R8.Q2 eau et assainissement, R8.Q8
  électricité et gaz, R8.Q9 déchets, R8.Q10 mobilité; R8.Q3 déchets ou mobilité in 2026.1): when
  the collectivité holds one of the competences and amounts are committed under it in the year,
  « Oui, chaque année » if amounts were committed the year before too, else « Oui,
  ponctuellement ». Nothing committed does not answer the question (its use may be « à
  l'étude », which figures cannot tell). When every competence of the question is held by
  another body, the answer is « Non concerné ».
- « Quels services publics la collectivité exerce-t-elle elle-même … ? » (R8.Q7): once the
  competences page says who holds each of the five.
- « Quel est le budget annuel consacré à l'AEICT ? » (R8.Q6): the year's total by source (own
  budget, 1 % committed, co-funding; staff excluded, as the question asks), once the budget by
  source of the year is entered.

R8.Q4 (sources « au cours des trois dernières années ») stays typed: a year's figures cannot say
what was used in the two years before.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from budget import calculations as calc
from budget.enums import Holder, Mechanism
from budget.models import BudgetYear, Competence, MechanismYear
from budget.selectors import competences_of, year_budget
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import AnswerChangeKind, AnswerSource, DiagnosticStatus
from diagnostics.models import Answer, AnswerChange, Diagnostic
from diagnostics.question_kinds import kind_of
from recommendations.enums import QuestionKind

RECOMMENDATION = 8
# The mechanisms each « 1 % » question asks about.
MECHANISM_QUESTIONS: dict[str, tuple[str, ...]] = {
    "R8.Q2": (calc.WATER, calc.SANITATION),
    "R8.Q3": (calc.WASTE, calc.MOBILITY),  # catalogue 2026.1
    "R8.Q8": (calc.ENERGY,),
    "R8.Q9": (calc.WASTE,),
    "R8.Q10": (calc.MOBILITY,),
}
COMPETENCES_QUESTION = "R8.Q7"
BUDGET_QUESTION = "R8.Q6"
DERIVED_CODES = frozenset({*MECHANISM_QUESTIONS, COMPETENCES_QUESTION, BUDGET_QUESTION})
# Positions of the options of a « 1 % » question: no, under study, now and then, every year.
_OCCASIONALLY, _EVERY_YEAR = 2, 3


@dataclass(frozen=True)
class Figures:
    """What the derivation reads for one year: three or four queries."""

    year: int
    competences: dict[str, Competence]
    committed: dict[str, object]  # mechanism → committed in the year (Decimal or None)
    committed_before: dict[str, object]  # the year before
    total: object  # the year's total by source (Decimal), None without a budget by source


def read_figures(collectivite, year: int) -> Figures:
    competences = competences_of(collectivite)
    committed, before = {}, {}
    for figure in MechanismYear.objects.for_collectivite(collectivite).filter(
        year__in=(year, year - 1)
    ):
        (committed if figure.year == year else before)[figure.mechanism] = figure.committed
    total = None
    if BudgetYear.objects.for_collectivite(collectivite).filter(year=year).exists():
        total = year_budget(collectivite, year).totals.total
    return Figures(year, competences, committed, before, total)


def _mechanism_state(question, options, figures: Figures, mechanisms) -> dict | None:
    if question.kind != QuestionKind.CHOICE or len(options) != 4:
        return None
    holders = [figures.competences[m].holder for m in mechanisms]
    held = [m for m, holder in zip(mechanisms, holders, strict=True) if holder == Holder.SELF]
    if not held:
        if question.allows_not_applicable and all(h == Holder.OTHER for h in holders):
            return {"value": None, "not_applicable": True}
        return None
    if not any(figures.committed.get(m) for m in held):
        return None
    every_year = any(figures.committed_before.get(m) for m in held)
    return {"value": options[_EVERY_YEAR if every_year else _OCCASIONALLY].pk}


def _competences_state(question, options, figures: Figures) -> dict | None:
    if question.kind != QuestionKind.MULTI or len(options) != 6 or not options[5].exclusive:
        return None
    holders = [figures.competences[m].holder for m in Mechanism.values]
    if Holder.NOT_SAID in holders:
        return None
    held = [o.pk for o, h in zip(options, holders, strict=False) if h == Holder.SELF]
    return {"value": held or [options[5].pk]}


def _budget_state(question, figures: Figures) -> dict | None:
    if question.kind != QuestionKind.NUMBER or figures.total is None:
        return None
    return {"value": kind_of(question).stored(figures.total)}


def derived_states(data, figures: Figures, *, collectivite_kind: str | None) -> dict[int, dict]:
    """The answers the figures give, by question id: {"value", "not_applicable"}."""
    states = {}
    for question in data.questions_by_rec.get(RECOMMENDATION, []):
        if question.code not in DERIVED_CODES:
            continue
        if question.applies_to_kinds and collectivite_kind not in question.applies_to_kinds:
            continue
        options = data.options_by_question.get(question.pk, [])
        if question.code in MECHANISM_QUESTIONS:
            state = _mechanism_state(question, options, figures, MECHANISM_QUESTIONS[question.code])
        elif question.code == COMPETENCES_QUESTION:
            state = _competences_state(question, options, figures)
        else:
            state = _budget_state(question, figures)
        if state is not None:
            states[question.pk] = {"value": None, "not_applicable": False, **state}
    return states


@transaction.atomic
def sync_diagnostic(diagnostic: Diagnostic, *, by, when: datetime | None = None) -> int:
    """Write the answers the budget gives to one diagnostic not submitted; returns how many
    changed. Answers the figures no longer give stay as they are, editable again."""
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if diagnostic.status == DiagnosticStatus.SUBMITTED or not diagnostic.year:
        return 0
    data = catalogue_data(diagnostic.catalogue_id)
    if not any(q.code in DERIVED_CODES for q in data.questions_by_rec.get(RECOMMENDATION, [])):
        return 0
    collectivite = diagnostic.collectivite
    states = derived_states(
        data, read_figures(collectivite, diagnostic.year), collectivite_kind=collectivite.kind
    )
    question_ids = [q.pk for q in data.questions_by_rec[RECOMMENDATION] if q.code in DERIVED_CODES]
    answers = {
        a.question_id: a
        for a in Answer.objects.select_for_update(of=("self",)).filter(
            diagnostic=diagnostic, question_id__in=question_ids
        )
    }
    when = when or timezone.now()
    changed = 0
    for question_id in question_ids:
        answer = answers.get(question_id)
        state = states.get(question_id)
        if state is None:
            if answer is not None and answer.source == AnswerSource.BUDGET:
                answer.source = AnswerSource.TYPED
                answer.save(update_fields=["source"])
            continue
        old = _state(answer)
        new = {**state, "dont_know": False, "comment": answer.comment if answer else ""}
        if answer is not None and answer.source == AnswerSource.BUDGET and old == new:
            continue
        if answer is None:
            answer = Answer(diagnostic=diagnostic, question_id=question_id)
        answer.value = new["value"]
        answer.not_applicable = new["not_applicable"]
        answer.dont_know = False
        answer.source = AnswerSource.BUDGET
        answer.revision += 1
        answer.updated_by = by
        answer.updated_at = when
        answer.needs_confirmation = False
        answer.save()
        AnswerChange.objects.create(
            answer=answer,
            revision=answer.revision,
            changed_by=by,
            changed_at=when,
            old_state=old,
            new_state=new,
            kind=AnswerChangeKind.FROM_BUDGET,
        )
        changed += 1
    if changed and diagnostic.status == DiagnosticStatus.DRAFT:
        Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.IN_PROGRESS)
    return changed


def _state(answer: Answer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "value": answer.value,
        "not_applicable": answer.not_applicable,
        "dont_know": answer.dont_know,
        "comment": answer.comment,
    }


def sync_collectivite(collectivite, *, by) -> int:
    """After the figures or the competences changed: every diagnostic not submitted."""
    open_diagnostics = Diagnostic.objects.for_collectivite(collectivite).exclude(
        status=DiagnosticStatus.SUBMITTED
    )
    when = timezone.now()
    return sum(sync_diagnostic(d, by=by, when=when) for d in open_diagnostics)
