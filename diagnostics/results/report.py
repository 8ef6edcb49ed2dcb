"""The read model of a diagnostic's results, shared by the results pages, exports and PDF."""

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aeict.languages import is_english
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ActionPriority
from diagnostics.formatting import score as score_display
from diagnostics.models import Answer, Diagnostic
from diagnostics.questionnaire.answers import describe_state, state_of
from diagnostics.registry import registry_answers, registry_display
from diagnostics.results import comparisons
from diagnostics.results.radar import RadarAxis, RadarTexts, radar_svg
from diagnostics.scoring import (
    DiagnosticResult,
    QuestionResult,
    RecommendationResult,
    State,
    round_half_up,
)
from diagnostics.selectors import answers_by_question, score_answers
from recommendations.models import Question, Recommendation, SuggestedAction

STRONG_VALUE = Fraction(2, 3)
WEAK_VALUE = Fraction(1, 3)


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    result: QuestionResult
    display: str

    @property
    def value_percent(self) -> int | None:
        return round_half_up(self.result.value * 100) if self.result.value is not None else None


@dataclass
class Section:
    recommendation: Recommendation
    result: RecommendationResult
    questions: list[QuestionRow]
    actions: list[SuggestedAction]
    delta: float | None = None
    peer_mean: float | None = None
    peer_median: float | None = None
    priority_rank: int | None = None

    @property
    def number(self) -> int:
        return self.recommendation.number

    previous_score: float | None = None

    @property
    def delta_points(self) -> int | None:
        """The change in displayed points, so that a reader can check it from the two figures."""
        if self.delta is None:
            return None
        return round_half_up(self.result.score) - round_half_up(self.previous_score)

    @property
    def direction(self) -> str | None:
        """« hausse », « baisse » or « stable », on displayed (rounded) figures."""
        points = self.delta_points
        if points is None:
            return None
        return "hausse" if points > 0 else "baisse" if points < 0 else "stable"

    @property
    def strengths(self) -> list[QuestionRow]:
        return [
            row
            for row in self.questions
            if row.result.value is not None and row.result.value >= STRONG_VALUE
        ]

    @property
    def gaps(self) -> list[QuestionRow]:
        return [
            row
            for row in self.questions
            if row.result.value is not None and row.result.value <= WEAK_VALUE
        ]

    @property
    def dont_know_sentence(self) -> str:
        return dont_know_sentence(self)

    @property
    def scored_questions(self) -> list[QuestionRow]:
        return [row for row in self.questions if row.question.is_scored]

    @property
    def informative_questions(self) -> list[QuestionRow]:
        return [row for row in self.questions if not row.question.is_scored]


@dataclass
class Report:
    diagnostic: Diagnostic
    result: DiagnosticResult
    sections: list[Section]
    evolution: comparisons.Evolution | None
    peers: comparisons.PeerFigures | None
    priorities: list[Section] = field(default_factory=list)
    strengths: list[Section] = field(default_factory=list)
    proposed_actions: list[tuple[Section, SuggestedAction]] = field(default_factory=list)

    @property
    def proposed_by_section(self) -> list[Section]:
        """Sections with proposed actions, in the order of the proposals (priority rank first)."""
        numbers = dict.fromkeys(section.number for section, _action in self.proposed_actions)
        return [self.section(number) for number in numbers]

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    @property
    def provisional(self) -> bool:
        return not self.diagnostic.is_submitted

    @property
    def peer_scope(self) -> str | None:
        """The sentence saying which collectivités the peer figures come from."""
        if self.peers is None:
            return None
        return comparisons.peer_scope_sentence(self.peers, kind=self.diagnostic.collectivite.kind)

    @property
    def dont_know_sections(self) -> list[Section]:
        """The recommendations with « Je ne sais pas » answers, in catalogue order."""
        return [s for s in self.sections if s.result.dont_know]

    @property
    def overall_delta(self) -> float | None:
        if self.evolution is None or self.evolution.previous_overall is None:
            return None
        if self.result.overall is None:
            return None
        return float(self.result.overall) - self.evolution.previous_overall

    @property
    def overall_change_points(self) -> int | None:
        """The change of the overall score as the pages and the PDF print it: the difference of
        the two displayed integers, so that « 52 » after « 47 » reads « +5 points »."""
        if self.overall_delta is None:
            return None
        return round_half_up(self.result.overall) - round_half_up(self.evolution.previous_overall)

    @property
    def key_figures(self) -> list[QuestionRow]:
        return [row for s in self.sections for row in s.informative_questions]

    def radar_svg(self, *, id_prefix: str = "radar", size: int = 480, for_print=False) -> str:
        """The radar of the ten scores; ``for_print``: each label with its value, and the
        ten values in the title too (the PDF's alternative text of the figure)."""
        axes = [
            RadarAxis(
                number=s.number,
                label=s.recommendation.localized("short_title"),
                score=float(s.result.score) if s.result.score is not None else None,
                value_label=str(score_display(s.result.score)) if for_print else None,
            )
            for s in self.sections
        ]
        comparison = (
            [self.peers.medians.get(s.number) for s in self.sections] if self.peers else None
        )
        return radar_svg(
            axes,
            title=_("Scores des dix préconisations, sur 100"),
            comparison=comparison,
            id_prefix=id_prefix,
            size=size,
            alt_in_title=for_print,
            texts=radar_texts(),
        )


def radar_texts() -> RadarTexts:
    """The radar's words and punctuation in the active language."""
    french = not is_english()
    return RadarTexts(
        not_evaluated=_("non évaluée"),
        not_available=_("non disponible"),
        own_series=_("Votre collectivité"),
        comparison=_("Médiane des collectivités comparables"),
        out_of_100=_("%(value)s sur 100"),
        decimal_mark=formats.get_format("DECIMAL_SEPARATOR"),
        colon="\u00a0: " if french else ": ",
        separator="\u00a0; " if french else "; ",
    )


def _display(question, answer, result: QuestionResult, options_lookup) -> str:
    """The answer as the results and the report show it, by the question's state."""
    if result.state == State.NOT_ASKED:
        return _("Question non posée à cette collectivité")
    if result.state == State.DONT_KNOW:
        return _("Je ne sais pas")
    if answer is None:
        return _("Sans réponse")
    return describe_state(question, state_of(answer), options_lookup)


def dont_know_sentence(section: "Section") -> str:
    """« 3 réponses “Je ne sais pas” en préconisation 8 »."""
    count = section.result.dont_know
    return ngettext(
        "%(count)s réponse “Je ne sais pas” en préconisation %(number)s",
        "%(count)s réponses “Je ne sais pas” en préconisation %(number)s",
        count,
    ) % {"count": count, "number": section.number}


def build_report(diagnostic: Diagnostic, *, with_comparisons: bool = True) -> Report:
    data = catalogue_data(diagnostic.catalogue_id, with_actions=True)
    answers = answers_by_question(diagnostic)
    result = score_answers(data, answers, diagnostic=diagnostic)
    evolution = comparisons.previous_submitted(diagnostic) if with_comparisons else None
    peers = comparisons.peer_figures(diagnostic) if with_comparisons else None
    options_lookup = data.options_by_id
    actions_by_id = {a.pk: a for a in data.actions}
    actions_by_rec: dict[int, list[SuggestedAction]] = {}
    for action_id in result.proposed_actions:
        action = actions_by_id[action_id]
        actions_by_rec.setdefault(action.recommendation.number, []).append(action)
    # Informative questions the partnerships registry answers (a diagnostic not yet submitted).
    registry = registry_answers(
        diagnostic,
        [q for rec in data.recommendations for q in data.questions_by_rec[rec.number]],
        whole_catalogue=True,
    )
    sections = []
    for rec in data.recommendations:
        rec_result = result.recommendation(rec.number)
        question_results = {qr.question_id: qr for qr in rec_result.questions}
        rows = [
            QuestionRow(
                question=q,
                answer=answers.get(q.pk),
                result=question_results[q.pk],
                display=registry_display(registry[q.code])
                if q.code in registry
                else _display(q, answers.get(q.pk), question_results[q.pk], options_lookup),
            )
            for q in data.questions_by_rec[rec.number]
        ]
        section = Section(
            recommendation=rec,
            result=rec_result,
            questions=rows,
            actions=actions_by_rec.get(rec.number, []),
        )
        if evolution is not None:
            section.delta = evolution.delta(rec.number, rec_result.score)
            section.previous_score = evolution.previous_scores.get(rec.number)
        if peers is not None:
            section.peer_mean = peers.means.get(rec.number)
            section.peer_median = peers.medians.get(rec.number)
        sections.append(section)
    by_number = {s.number: s for s in sections}
    for rank, number in enumerate(result.priorities, start=1):
        by_number[number].priority_rank = rank
    return Report(
        diagnostic=diagnostic,
        result=result,
        sections=sections,
        evolution=evolution,
        peers=peers,
        priorities=[by_number[n] for n in result.priorities],
        strengths=[by_number[n] for n in result.strengths],
        proposed_actions=[
            (by_number[actions_by_id[a].recommendation.number], actions_by_id[a])
            for a in result.proposed_actions
        ],
    )


def default_priority(report: Report, number: int) -> str:
    """The priority a suggested action of recommendation ``number`` takes in the plan: high for
    the three priorities (and a recommendation the report does not know), low from 50 points,
    medium otherwise."""
    section = report.section(number)
    if section is None or section.priority_rank is not None:
        return ActionPriority.HIGH
    score = section.result.score
    if score is not None and score >= 50:
        return ActionPriority.LOW
    return ActionPriority.MEDIUM
