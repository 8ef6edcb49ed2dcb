"""The stress cases of the PDF reports (issue 16): each builds a diagnostic in a given shape.

Each function takes the diagnostic (of the real catalogue), a member of its collectivité and the
catalogue's data, changes them, and returns the diagnostic.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from diagnostics.enums import ActionPriority, ActionStatus
from diagnostics.plan import services as plan_service
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.results.report import build_report

LONG_TEXT = (
    "<b>Texte en gras ?</b> Nous coopérons avec Tanger 🤝🌍 — "
    "التعاون اللامركزي بين المدن "
    + "Un long commentaire, sans retour à la ligne, pour éprouver la mise en page. "
    * 50
)[:3000]


def _answer(diagnostic, question, agent, state):
    save_answer(diagnostic=diagnostic, question=question, by=agent, state=state, base_revision=0)


def answer_all(diagnostic, agent, questions, *, level=0.0, comment=""):
    for question in questions.questions:
        options = questions.options_by_question.get(question.pk, [])
        value = kind_of(question).sample(question, options, level=level)
        _answer(
            diagnostic,
            question,
            agent,
            make_state(value=value, not_applicable=False, comment=comment),
        )


def accept_proposals(diagnostic, agent):
    plan_service.accept_proposals(
        diagnostic=diagnostic, items=plan_service.proposals(build_report(diagnostic), []), by=agent
    )


def add_actions(diagnostic, agent, count, *, priority=ActionPriority.MEDIUM, budget=None):
    recommendations = list(diagnostic.catalogue.recommendations.order_by("number"))
    for index in range(count):
        plan_service.add_action(
            diagnostic=diagnostic,
            by=agent,
            values={
                "title": f"Action {index + 1} du plan, avec un intitulé assez long pour passer "
                "à la ligne",
                "recommendation": recommendations[index % len(recommendations)],
                "owner": "Direction des finances et de la commande publique",
                "deadline_quarter": f"2027-T{index % 4 + 1}",
                "budget_amount": budget if budget is not None else Decimal(1000 + 250 * index),
                "budget_line": "Chapitre 65 — subventions",
                "priority": priority,
            },
        )


def no_answers(diagnostic, agent, questions):
    return diagnostic


def all_not_applicable(diagnostic, agent, questions):
    for question in questions.questions:
        if question.allows_not_applicable:
            state = make_state(value=None, not_applicable=True, comment="")
        else:
            options = questions.options_by_question.get(question.pk, [])
            value = kind_of(question).sample(question, options, level=0.0)
            state = make_state(value=value, not_applicable=False, comment="")
        _answer(diagnostic, question, agent, state)
    return diagnostic


def sixty_actions(diagnostic, agent, questions):
    answer_all(diagnostic, agent, questions, level=0.5)
    add_actions(diagnostic, agent, 20, priority=ActionPriority.HIGH)
    add_actions(diagnostic, agent, 25, priority=ActionPriority.MEDIUM)
    add_actions(diagnostic, agent, 15, priority=ActionPriority.LOW)
    return diagnostic


def ten_high_priority_actions(diagnostic, agent, questions):
    answer_all(diagnostic, agent, questions, level=0.0)
    # 5 500,50 € each: the rows round half up to 5 501 €, the total of ten to 55 005 €.
    add_actions(diagnostic, agent, 10, priority=ActionPriority.HIGH, budget=Decimal("5500.50"))
    return diagnostic


def long_name(diagnostic, agent, questions):
    collectivite = diagnostic.collectivite
    collectivite.name = (
        "Communauté d’agglomération intercommunale des territoires ruraux et urbains "
        "du bassin versant de la Haute-Vallée, de ses affluents et des communes associées "
        "pour la coopération décentralisée européenne"
    )[:200].ljust(200, "x")
    collectivite.save()
    answer_all(diagnostic, agent, questions, level=1.0)
    accept_proposals(diagnostic, agent)
    return diagnostic


def long_texts(diagnostic, agent, questions):
    for question in questions.questions:
        options = questions.options_by_question.get(question.pk, [])
        handler = kind_of(question)
        if question.kind == "text":
            value = LONG_TEXT[:2000]
        else:
            value = handler.sample(question, options, level=0.5)
        _answer(
            diagnostic,
            question,
            agent,
            make_state(value=value, not_applicable=False, comment=LONG_TEXT),
        )
    accept_proposals(diagnostic, agent)
    recommendation = diagnostic.catalogue.recommendations.get(number=1)
    plan_service.add_action(
        diagnostic=diagnostic,
        by=agent,
        values={
            "title": "<b>Jumelage</b> avec Tanger 🤝 — توأمة",
            "recommendation": recommendation,
            "description": LONG_TEXT,
            "owner": "Direction des relations internationales 🌍",
            "priority": ActionPriority.HIGH,
        },
    )
    return diagnostic


def budget_and_partnerships(diagnostic, agent, questions):
    """A year with the budget's figures for the five mechanisms (one over its ceiling, one held by
    a body with a long name), partnerships with long names, and actions done with their cost."""
    from budget.enums import Holder
    from budget.services import save_competences, save_year
    from partnerships.models import Partnership

    year = timezone.localdate().year
    diagnostic.year = year
    diagnostic.save()
    # Answered first: the figures then answer R8's 1 % questions in their place (budget.feed).
    answer_all(diagnostic, agent, questions, level=0.5)
    collectivite = diagnostic.collectivite
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "assainissement": {
                "holder": Holder.OTHER,
                "holder_name": ("Syndicat intercommunal d’assainissement " * 5).strip(),
            },
            "electricite_gaz": {"holder": Holder.SELF},
            "dechets": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.SELF},
        },
        by=agent,
    )
    save_year(
        collectivite=collectivite,
        year=year,
        mechanisms={
            "eau": {"resources": Decimal("4180000"), "committed": Decimal("12500.50")},
            "electricite_gaz": {"resources": Decimal("987654321098.76")},
            "dechets": {"resources": Decimal("2500000"), "committed": Decimal("40000")},
            "mobilite": {
                "resources": Decimal("12500000"),
                "versement_mobilite": Decimal("8000000"),
                "committed": Decimal("50000"),
            },
        },
        sources={"own_budget": Decimal("120000"), "cofunding_eu": Decimal("35000.49")},
        by=agent,
    )
    add_actions(diagnostic, agent, 12, priority=ActionPriority.HIGH)
    for index, action in enumerate(diagnostic.plan_actions.order_by("position")[:8]):
        action.status = ActionStatus.DONE
        action.completed_on = datetime.date(year, 1 + index, 10)
        action.amount_spent = Decimal(900 + 100 * index) if index % 2 else None
        action.save()
    for index in range(12):
        Partnership.objects.create(
            collectivite=collectivite,
            partner_name=f"Partenaire {index} — " + "Communauté urbaine de coopération " * 5,
            country=["MA", "SN", "DE", "PL"][index % 4],
            kind="jumelage",
            signed_on=datetime.date(year - index % 3, 3, 1),
        )
    return diagnostic


CASES = {
    "sans_reponse": no_answers,
    "non_concerne": all_not_applicable,
    "soixante_actions": sixty_actions,
    "dix_actions_hautes": ten_high_priority_actions,
    "nom_long": long_name,
    "textes_longs": long_texts,
    "budget_et_partenariats": budget_and_partnerships,
}
