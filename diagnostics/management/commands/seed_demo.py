"""manage.py seed_demo: demo collectivités, accounts for every role, diagnostics to look at, and
(manage.py seed_demo_budget) the budget of the main collectivité's international action.

Idempotent: existing accounts, collectivités and diagnostics are kept as they are.
"""

import random

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from accounts.enums import CollectiviteKind, Role
from accounts.models import Collectivite, Membership, User
from accounts.siren import siren_with_key
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import (
    make_state,
    save_answer,
)
from diagnostics.selectors import not_asked
from diagnostics.services import submit_diagnostic
from recommendations.models import CatalogueVersion

DEMO_PASSWORD = "demo-aeict-2026"


MAIN = ("Ville de Val-d’Armor (démo)", CollectiviteKind.COMMUNE, "21000001", 48_500)
OTHER = (
    "Communauté d’agglomération des Deux-Rives (démo)",
    CollectiviteKind.EPCI,
    "24000002",
    120_000,
)
PEERS = [
    ("Ville de Saint-Aubin-les-Ponts (démo)", "21000101", 35_200),
    ("Ville de Montclair (démo)", "21000102", 61_000),
    ("Ville de Bellerive (démo)", "21000103", 27_800),
    ("Ville de Haute-Combe (démo)", "21000104", 52_300),
    ("Ville de Port-Joli (démo)", "21000105", 44_100),
    ("Ville de Lavandières (démo)", "21000106", 39_900),
]


def _random_state(question, options, rng, maturity):
    if question.allows_not_applicable and rng.random() < 0.1:
        return make_state(value=None, not_applicable=True, comment="")
    value = kind_of(question).sample(question, options, level=maturity, rng=rng)
    if value is None and question.required:
        # A multi-choice drawn with nothing ticked: the demo submits, so it needs an answer.
        value = kind_of(question).sample(question, options, level=maturity)
    return make_state(value=value, not_applicable=False, comment="")


class Command(BaseCommand):
    help = "Crée les données de démonstration (collectivités, comptes, diagnostics)."

    def handle(self, *args, **options):
        catalogue = CatalogueVersion.objects.latest_published()
        if catalogue is None:
            raise CommandError("Chargez d’abord le catalogue : manage.py loadcatalogue")
        # Last year's diagnostic on the first published version, as it was then: the demo shows a
        # diagnostic that keeps its catalogue beside the ones on the latest version.
        first = CatalogueVersion.objects.published().order_by("published_at", "pk").first()
        with transaction.atomic():
            accounts = self._seed(catalogue, first)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for email, description in accounts:
            self.stdout.write(f"  {email:<34} {description}")

    def _user(self, email, full_name, *, staff=False):
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "is_staff": staff, "is_superuser": staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _collectivite(self, name, kind, eight, population):
        collectivite, _ = Collectivite.objects.get_or_create(
            siren=siren_with_key(eight),
            defaults={"name": name, "kind": kind, "population": population},
        )
        return collectivite

    def _seed(self, catalogue, first):
        accounts = []
        self._user("admin@aeict.localhost", "Administratrice de la plateforme", staff=True)
        accounts.append(("admin@aeict.localhost", "administratrice de la plateforme (/admin/)"))

        main = self._collectivite(*MAIN)
        people = [
            ("referent@val-darmor.localhost", "Claire Martin", Role.REFERENT),
            ("agent1@val-darmor.localhost", "Karim Benali", Role.AGENT),
            ("agent2@val-darmor.localhost", "Sophie Le Goff", Role.AGENT),
            ("elu@val-darmor.localhost", "Jean Dupré", Role.ELU),
        ]
        members = {}
        for email, full_name, role in people:
            user = self._user(email, full_name)
            Membership.objects.get_or_create(user=user, collectivite=main, defaults={"role": role})
            members[role] = user
            accounts.append((email, f"{Role(role).label} — {main.name}"))

        other = self._collectivite(*OTHER)
        outsider = self._user("referent@deux-rives.localhost", "Paul Keller")
        Membership.objects.get_or_create(
            user=outsider, collectivite=other, defaults={"role": Role.REFERENT}
        )
        accounts.append(("referent@deux-rives.localhost", f"Référent AEICT — {other.name}"))

        data = catalogue_data(catalogue.pk, with_actions=True)
        first_data = catalogue_data(first.pk, with_actions=True)
        referent = members[Role.REFERENT]
        self._diagnostic(main, first, first_data, "Diagnostic 2025", referent, 0.35, submit=True)
        self._diagnostic(main, catalogue, data, "Diagnostic 2026", referent, 0.5, submit=False)
        # The budget app adds its own demo data (by the command's name: this app never imports
        # it); its figures answer R8's budget questions of the 2026 diagnostic.
        call_command("seed_demo_budget", stdout=self.stdout)
        for index, (name, eight, population) in enumerate(PEERS):
            peer = self._collectivite(name, CollectiviteKind.COMMUNE, eight, population)
            self._diagnostic(
                peer, catalogue, data, "Diagnostic 2026", None, 0.3 + index * 0.08, submit=True
            )
        return accounts

    def _diagnostic(self, collectivite, catalogue, data, title, by, maturity, *, submit):
        year = int(title.rsplit(" ", 1)[-1])
        # Run again, or on a database whose diagnostics predate years: keep what is there.
        existing = Diagnostic.objects.filter(collectivite=collectivite).filter(
            Q(year=year) | Q(title=title)
        )
        if existing.exists():
            return existing.order_by("-year", "pk").first()
        diagnostic = Diagnostic.objects.create(
            collectivite=collectivite, catalogue=catalogue, title=title, year=year, created_by=by
        )
        rng = random.Random(f"{collectivite.siren}-{title}")
        questions = data.questions
        if not submit:
            questions = [q for q in questions if q.recommendation.number <= 6]
        answers = {}
        for question in questions:
            # In catalogue order, a question's rule only depends on the answers already given.
            if question.pk in not_asked(data, answers, collectivite_kind=collectivite.kind):
                continue
            state = _random_state(
                question, data.options_by_question.get(question.pk, []), rng, maturity
            )
            answer, _changed = save_answer(
                diagnostic=diagnostic, question=question, by=by, state=state, base_revision=0
            )
            if answer is not None:
                answers[question.pk] = answer
        if submit:
            submit_diagnostic(diagnostic=diagnostic, by=by)
        elif diagnostic.status == DiagnosticStatus.DRAFT:
            diagnostic.status = DiagnosticStatus.IN_PROGRESS
            diagnostic.save(update_fields=["status"])
        return diagnostic
