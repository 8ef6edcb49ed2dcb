"""Export one collectivité's complete data as portable JSON, and import it into another database.

Rows refer to each other by natural keys (catalogue version code, question code, option rank,
recommendation number, suggested action, e-mail address, public ids), never by database ids.
"""

import base64
import binascii
import dataclasses
import math
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import EDITOR_ROLES
from accounts.models import Collectivite, Invitation, Membership, User, normalize_email_address
from aeict.text import quoted
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import AnswerChangeKind, DiagnosticStatus, EvidenceKind
from diagnostics.evidence import services as evidence_services
from diagnostics.models import (
    Answer,
    AnswerChange,
    Assignment,
    Diagnostic,
    Evidence,
    PlanAction,
    PlanActionChange,
    QuestionComment,
    RecommendationScore,
)
from diagnostics.plan.fields import ACTION_FIELDS, FIELDS, action_state
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import InvalidAnswerState, make_state
from diagnostics.questionnaire.forms import AnswerForm
from diagnostics.services import flag_latest_submitted
from partnerships.forms import FinderVisibilityForm, PartnershipForm
from partnerships.models import FinderProfile, Partnership, PartnershipEvent
from recommendations.models import (
    CatalogueVersion,
    Option,
    Question,
    Recommendation,
    SuggestedAction,
)

FORMAT = "aeict-collectivite"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class BackupSection:
    """A part of the backup kept by an app above this one (the budget: budget.backup), under its
    own key of the file, so that this module never imports it.

    ``export(collectivite, person)`` returns the JSON-ready part, naming people by the user ids
    that ``person(user_id)`` returns (and records); ``name_people(part, emails)`` then replaces
    those ids by e-mail addresses. ``read(reading, entry)`` checks the file's part as the app's
    pages check it, reporting problems with ``reading.add`` / ``reading.check`` (nothing is
    written while reading), and returns the function that writes it for the new collectivité."""

    key: str
    label: str
    export: Callable
    name_people: Callable
    read: Callable


SECTIONS: list[BackupSection] = []


def register_section(section: BackupSection) -> None:
    if all(existing.key != section.key for existing in SECTIONS):
        SECTIONS.append(section)


class BackupError(Exception):
    """The data cannot be exported or imported; the message says why, in French."""


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _parse_moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        raise ValueError(f"date sans fuseau horaire : {value}")
    return parsed


class _Catalogue:
    """The natural keys of one catalogue version, in both directions."""

    def __init__(self, version: CatalogueVersion):
        self.version = version
        recommendations = Recommendation.objects.filter(catalogue=version)
        self.rec_number = {r.pk: r.number for r in recommendations}
        self.rec_pk = {number: pk for pk, number in self.rec_number.items()}
        questions = Question.objects.filter(recommendation__catalogue=version).order_by(
            "recommendation__number", "position", "pk"
        )
        self.question_by_pk = {q.pk: q for q in questions}
        self.question_by_code = {q.code: q for q in questions}
        if len(self.question_by_code) != len(self.question_by_pk):
            raise BackupError(
                _("La version « %(code)s » du catalogue a des codes de question en double.")
                % {"code": version.code}
            )
        self.question_rank = {pk: rank for rank, pk in enumerate(self.question_by_pk)}
        self.option_rank: dict[int, int] = {}
        self.option_pk: dict[tuple[int, int], int] = {}
        ranks: dict[int, int] = defaultdict(int)
        options = Option.objects.filter(question__recommendation__catalogue=version).order_by(
            "question", "position", "pk"
        )
        for option in options.values_list("pk", "question_id"):
            pk, question_id = option
            rank = ranks[question_id]
            ranks[question_id] += 1
            self.option_rank[pk] = rank
            self.option_pk[(question_id, rank)] = pk
        self.action_key: dict[int, dict] = {}
        self.action_pk: dict[tuple, int] = {}
        actions = SuggestedAction.objects.filter(recommendation__catalogue=version).order_by(
            "recommendation__number", "position", "pk"
        )
        for action in actions:
            key = {
                "recommendation": self.rec_number[action.recommendation_id],
                "position": action.position,
                "title": action.title,
            }
            self.action_key[action.pk] = key
            self.action_pk.setdefault(tuple(key.values()), action.pk)

    def question(self, code) -> Question:
        question = self.question_by_code.get(code) if isinstance(code, str) else None
        if question is None:
            raise ValidationError(
                _("La question %(question)s n’existe pas dans la version « %(code)s ».")
                % {"question": quoted(code), "code": self.version.code}
            )
        return question

    def _rank(self, question: Question, pk) -> int:
        if self.option_pk.get((question.pk, self.option_rank.get(pk))) != pk:
            raise BackupError(
                _("Une réponse à %(question)s désigne une option inconnue (%(value)s).")
                % {"question": question.code, "value": pk}
            )
        return self.option_rank[pk]

    def _pk(self, question: Question, rank) -> int:
        pk = self.option_pk.get((question.pk, rank)) if _is_int(rank) else None
        if pk is None:
            raise ValidationError(
                _("%(value)s n’est le rang d’aucune option de la question.")
                % {"value": quoted(rank)}
            )
        return pk

    def options(self, question: Question) -> list[Option]:
        return catalogue_data(self.version.pk).options_by_question.get(question.pk, [])

    def portable_value(self, question: Question, value):
        if value is None:
            return None
        return kind_of(question).export_value(value, lambda pk: self._rank(question, pk))

    def local_value(self, question: Question, value):
        """The stored value of a backup's value, checked like the question's form: raises
        ValidationError in French."""
        if value is None:
            return None
        handler = kind_of(question)
        stored = handler.import_value(value, lambda rank: self._pk(question, rank))
        if stored is not None:
            handler.validate(question, self.options(question), stored)
        return stored

    def portable_state(self, question: Question, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {**state, "value": self.portable_value(question, state.get("value"))}

    def portable_action_state(self, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {
            ("recommendation" if name == "recommendation_id" else name): (
                self.recommendation_number(value) if name == "recommendation_id" else value
            )
            for name, value in state.items()
        }

    def recommendation_number(self, pk: int | None) -> int | None:
        if pk is None:
            return None
        if pk not in self.rec_number:
            raise BackupError(
                _("Une action du plan sert une préconisation d’une autre version du catalogue.")
            )
        return self.rec_number[pk]

    def recommendation_pk(self, number) -> int:
        if not _is_int(number) or number not in self.rec_pk:
            raise ValidationError(
                _("%(value)s n’est le numéro d’aucune préconisation de la version « %(code)s ».")
                % {"value": quoted(number), "code": self.version.code}
            )
        return self.rec_pk[number]

    def suggested_action_pk(self, key) -> int | None:
        if key is None:
            return None
        if not isinstance(key, dict) or set(key) != {"recommendation", "position", "title"}:
            raise ValidationError(
                _("%(value)s ne désigne pas une action suggérée (recommendation, position, title).")
                % {"value": quoted(key)}
            )
        try:
            pk = self.action_pk.get((key["recommendation"], key["position"], key["title"]))
        except TypeError:  # a list or an object where a number or a text was expected
            pk = None
        if pk is None:
            # Same recommendation and title, at another position.
            pk = next(
                (
                    pk
                    for (number, _position, title), pk in self.action_pk.items()
                    if number == key["recommendation"] and title == key["title"]
                ),
                None,
            )
        if pk is None:
            raise ValidationError(
                _("L’action suggérée %(title)s n’existe pas dans la version « %(code)s ».")
                % {"title": quoted(key["title"]), "code": self.version.code}
            )
        return pk


# Export -----------------------------------------------------------------------------------------


def export_collectivite(collectivite: Collectivite) -> dict:
    """Everything of the collectivité but generated reports, in a JSON-ready dict."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _export(collectivite)


def _export(collectivite: Collectivite) -> dict:
    user_ids: set[int] = set()

    def person(user_id: int | None) -> int | None:
        if user_id is not None:
            user_ids.add(user_id)
        return user_id

    memberships = [
        {"user": person(m.user_id), "role": m.role, "created_at": _moment(m.created_at)}
        for m in Membership.objects.filter(collectivite=collectivite)
    ]
    invitations = [
        {
            "public_id": str(i.public_id),
            "email": i.email,
            "role": i.role,
            "invited_by": person(i.invited_by_id),
            "created_at": _moment(i.created_at),
            "accepted_at": _moment(i.accepted_at),
            "revoked_at": _moment(i.revoked_at),
        }
        for i in Invitation.objects.filter(collectivite=collectivite).order_by(
            "created_at", "public_id"
        )
    ]
    diagnostics = list(
        Diagnostic.objects.filter(collectivite=collectivite)
        .select_related("catalogue")
        .order_by("created_at", "public_id")
    )
    catalogues = {d.catalogue_id: _Catalogue(d.catalogue) for d in diagnostics}
    scores = defaultdict(list)
    for score in RecommendationScore.objects.filter(diagnostic__collectivite=collectivite).order_by(
        "number"
    ):
        scores[score.diagnostic_id].append({"number": score.number, "score": score.score})
    answer_changes = defaultdict(list)
    for change in AnswerChange.objects.filter(
        answer__diagnostic__collectivite=collectivite
    ).order_by("revision", "pk"):
        answer_changes[change.answer_id].append(change)
    answers = defaultdict(list)
    for answer in Answer.objects.filter(diagnostic__collectivite=collectivite):
        answers[answer.diagnostic_id].append(answer)
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(diagnostic__collectivite=collectivite).order_by(
        "added_at", "pk"
    ):
        evidence[item.diagnostic_id].append(item)
    comments = defaultdict(list)
    for comment in QuestionComment.objects.filter(diagnostic__collectivite=collectivite).order_by(
        "created_at", "pk"
    ):
        comments[comment.diagnostic_id].append(comment)
    assignments = defaultdict(list)
    for assignment in Assignment.objects.filter(diagnostic__collectivite=collectivite).order_by(
        "recommendation_number", "pk"
    ):
        assignments[assignment.diagnostic_id].append(assignment)
    action_changes = defaultdict(list)
    for change in PlanActionChange.objects.filter(
        action__diagnostic__collectivite=collectivite
    ).order_by("revision", "changed_at", "pk"):
        action_changes[change.action_id].append(change)
    actions = defaultdict(list)
    for action in PlanAction.objects.filter(diagnostic__collectivite=collectivite).order_by(
        "position", "created_at", "public_id"
    ):
        actions[action.diagnostic_id].append(action)

    def answer_entry(catalogue: _Catalogue, answer: Answer) -> dict:
        question = catalogue.question_by_pk.get(answer.question_id)
        if question is None:
            raise BackupError(_("Une réponse porte sur une question d’une autre version."))
        return {
            "question": question.code,
            "value": catalogue.portable_value(question, answer.value),
            "not_applicable": answer.not_applicable,
            "dont_know": answer.dont_know,
            "comment": answer.comment,
            "revision": answer.revision,
            "updated_by": person(answer.updated_by_id),
            "updated_at": _moment(answer.updated_at),
            "carried_from_year": answer.carried_from_year,
            "to_confirm": answer.needs_confirmation,
            "source": answer.source,
            "changes": [
                {
                    "kind": change.kind,
                    "revision": change.revision,
                    "changed_by": person(change.changed_by_id),
                    "changed_at": _moment(change.changed_at),
                    "old_state": catalogue.portable_state(question, change.old_state),
                    "new_state": catalogue.portable_state(question, change.new_state),
                }
                for change in answer_changes[answer.pk]
            ],
        }

    def evidence_entry(catalogue: _Catalogue, item: Evidence) -> dict:
        question = catalogue.question_by_pk.get(item.question_id)
        if question is None:
            raise BackupError(_("Un justificatif porte sur une question d’une autre version."))
        entry = {
            "public_id": str(item.public_id),
            "question": question.code,
            "kind": item.kind,
            "label": item.label,
            "url": item.url,
            "file": None,
            "added_by": person(item.added_by_id),
            "added_at": _moment(item.added_at),
            "carried_from_year": item.carried_from_year,
        }
        if item.file.name:
            # Embedded, so that the export alone restores everything.
            with default_storage.open(item.file.name, "rb") as content:
                data = content.read()
            entry["file"] = {
                "name": item.original_name,
                "content_type": item.content_type,
                "size": len(data),
                "base64": base64.b64encode(data).decode("ascii"),
            }
        return entry

    def action_entry(catalogue: _Catalogue, action: PlanAction) -> dict:
        state = catalogue.portable_action_state(action_state(action))
        return {
            "public_id": str(action.public_id),
            "recommendation": state.pop("recommendation"),
            "suggested_action": catalogue.action_key.get(action.suggested_action_id),
            **state,
            "position": action.position,
            "revision": action.revision,
            "created_by": person(action.created_by_id),
            "created_at": _moment(action.created_at),
            "updated_by": person(action.updated_by_id),
            "updated_at": _moment(action.updated_at),
            "changes": [
                {
                    "revision": change.revision,
                    "changed_by": person(change.changed_by_id),
                    "changed_at": _moment(change.changed_at),
                    "old_state": catalogue.portable_action_state(change.old_state),
                    "new_state": catalogue.portable_action_state(change.new_state),
                }
                for change in action_changes[action.pk]
            ],
        }

    diagnostic_entries = []
    for diagnostic in diagnostics:
        catalogue = catalogues[diagnostic.catalogue_id]
        ordered = sorted(
            answers[diagnostic.pk], key=lambda a: catalogue.question_rank.get(a.question_id, -1)
        )
        diagnostic_entries.append(
            {
                "public_id": str(diagnostic.public_id),
                "catalogue": diagnostic.catalogue.code,
                "title": diagnostic.title,
                "year": diagnostic.year,
                "archived_at": _moment(diagnostic.archived_at),
                "carried_from_year": diagnostic.carried_from_year,
                "uncarried_questions": list(diagnostic.uncarried_questions),
                "status": diagnostic.status,
                "created_by": person(diagnostic.created_by_id),
                "created_at": _moment(diagnostic.created_at),
                "submitted_at": _moment(diagnostic.submitted_at),
                "submitted_by": person(diagnostic.submitted_by_id),
                "reopened_at": _moment(diagnostic.reopened_at),
                "reopened_by": person(diagnostic.reopened_by_id),
                "overall_score": diagnostic.overall_score,
                "method_version": diagnostic.method_version,
                "scores": scores[diagnostic.pk],
                "answers": [answer_entry(catalogue, a) for a in ordered],
                "plan": [action_entry(catalogue, a) for a in actions[diagnostic.pk]],
                "evidence": [evidence_entry(catalogue, e) for e in evidence[diagnostic.pk]],
                "comments": [
                    {
                        "question": catalogue.question_by_pk[c.question_id].code,
                        "author": person(c.author_id),
                        "text": c.text,
                        "created_at": _moment(c.created_at),
                    }
                    for c in comments[diagnostic.pk]
                ],
                "assignments": [
                    {
                        "recommendation": a.recommendation_number,
                        "question": catalogue.question_by_pk[a.question_id].code
                        if a.question_id
                        else None,
                        "assignee": person(a.assignee_id),
                        "assigned_by": person(a.assigned_by_id),
                        "assigned_at": _moment(a.assigned_at),
                    }
                    for a in assignments[diagnostic.pk]
                ],
            }
        )

    sections = {section.key: section.export(collectivite, person) for section in SECTIONS}
    partnerships = _export_partnerships(collectivite, person)
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    emails = {pk: user.email for pk, user in users.items()}
    _replace_user_ids(memberships, invitations, diagnostic_entries, emails)
    _replace_partnership_user_ids(partnerships, emails)
    for section in SECTIONS:
        section.name_people(sections[section.key], emails)
    memberships.sort(key=lambda m: m["user"])
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _moment(timezone.now()),
        "collectivite": {
            "public_id": str(collectivite.public_id),
            "name": collectivite.name,
            "kind": collectivite.kind,
            "siren": collectivite.siren,
            "population": collectivite.population,
            "created_at": _moment(collectivite.created_at),
        },
        "users": [
            {
                "email": user.email,
                "full_name": user.full_name,
                "password": user.password,
                "is_active": user.is_active,
                "date_joined": _moment(user.date_joined),
                "last_login": _moment(user.last_login),
            }
            for user in sorted(users.values(), key=lambda u: u.email)
        ],
        "memberships": memberships,
        "invitations": invitations,
        "diagnostics": diagnostic_entries,
        "partnerships": partnerships,
        **sections,
    }


def _replace_user_ids(memberships, invitations, diagnostics, emails):
    for membership in memberships:
        membership["user"] = emails[membership["user"]]
    for invitation in invitations:
        invitation["invited_by"] = emails.get(invitation["invited_by"])
    for diagnostic in diagnostics:
        for name in ("created_by", "submitted_by", "reopened_by"):
            diagnostic[name] = emails.get(diagnostic[name])
        for row in [*diagnostic["answers"], *diagnostic["plan"]]:
            for name in ("updated_by", "created_by"):
                if name in row:
                    row[name] = emails.get(row[name])
            for change in row["changes"]:
                change["changed_by"] = emails.get(change["changed_by"])
        for row in diagnostic["evidence"]:
            row["added_by"] = emails.get(row["added_by"])
        for comment in diagnostic["comments"]:
            comment["author"] = emails.get(comment["author"])
        for assignment in diagnostic["assignments"]:
            for name in ("assignee", "assigned_by"):
                assignment[name] = emails.get(assignment[name])


# Import -------------------------------------------------------------------------------------------

MAX_PROBLEMS_SHOWN = 50


class ImportRefused(BackupError):
    """The file breaks the rules of the forms and models: ``problems`` says where and why, and
    nothing was written. ``existing_accounts`` are the e-mail addresses of accounts that already
    exist and that the file would make members without the caller's consent."""

    def __init__(self, problems: list[str], existing_accounts: list[str]):
        self.problems = problems
        self.existing_accounts = existing_accounts
        count = len(problems)
        lines = [
            ngettext(
                "%(n)s problème dans le fichier, rien n’a été importé :",
                "%(n)s problèmes dans le fichier, rien n’a été importé :",
                count,
            )
            % {"n": count}
        ]
        lines += [f"- {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN]]
        hidden = count - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(
                ngettext("… et %(n)s autre problème.", "… et %(n)s autres problèmes.", hidden)
                % {"n": hidden}
            )
        super().__init__("\n".join(lines))


@dataclass
class ImportSummary:
    collectivite: Collectivite
    users_created: int
    users_reused: int
    users_attached: int
    diagnostics: int
    answers: int
    plan_actions: int
    evidence: int = 0


def import_collectivite(data: dict, *, attach_existing_accounts: bool = False) -> ImportSummary:
    """Recreate the collectivité exported in ``data``; all or nothing.

    Every value is checked first, as the forms and models check it, and the import raises
    ImportRefused with the list of problems before it writes anything. An account that already
    exists (same e-mail address, whatever the case) becomes a member only with
    ``attach_existing_accounts``; its name and password are never changed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(_("Ce fichier n’est pas un export de collectivité AEICT."))
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Version de format %(found)s non prise en charge (attendue : %(expected)s).")
            % {"found": data.get("format_version"), "expected": FORMAT_VERSION}
        )
    try:
        with transaction.atomic():
            reading = _Reading(attach_existing_accounts=attach_existing_accounts)
            reading.read(data)
            if reading.problems:
                raise ImportRefused(reading.problems, reading.existing_members)
            return reading.write()
    except IntegrityError as error:
        # Only a concurrent write gets here: the checks saw the database before it.
        raise BackupError(
            _("La base a changé pendant l’import (%(error)s) : rien n’a été importé.")
            % {"error": error}
        ) from error


def _at(*places: str) -> str:
    return " › ".join(places)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Converters of the file's values: each returns the model's value or raises ValidationError.


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("%(value)s n’est pas un texte.") % {"value": quoted(value)})
    if "\x00" in value:
        raise ValidationError(_("Le texte contient un caractère nul."))
    return value


def _email(value) -> str:
    return normalize_email_address(_text(value))


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("%(value)s n’est ni true ni false.") % {"value": quoted(value)})
    return value


def _integer(value) -> int:
    if not _is_int(value):
        raise ValidationError(_("%(value)s n’est pas un nombre entier.") % {"value": quoted(value)})
    return value


def _integer_or_none(value) -> int | None:
    return None if value is None else _integer(value)


def _score(value) -> float | None:
    """A stored score: none, or a number from 0 to 100."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 100
    ):
        raise ValidationError(
            _("%(value)s n’est pas un score de 0 à 100.") % {"value": quoted(value)}
        )
    return float(value)


def _date_time(value) -> datetime:
    try:
        moment = _parse_moment(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            _("%(value)s n’est pas une date et heure ISO 8601 avec fuseau horaire.")
            % {"value": quoted(value)}
        )
    return moment


def _date_time_or_none(value) -> datetime | None:
    return None if value is None else _date_time(value)


def _identifier(value) -> uuid.UUID:
    try:
        return uuid.UUID(_text(value))
    except ValueError:
        raise ValidationError(
            _("%(value)s n’est pas un identifiant (UUID).") % {"value": quoted(value)}
        ) from None


def _list(value) -> list:
    if not isinstance(value, list):
        raise ValidationError(_("Une liste est attendue."))
    return value


def _texts(value) -> list[str]:
    return [_text(item) for item in _list(value)]


class _Entry:
    """One object of the file, read key by key: a missing key or a value that does not convert is
    a problem at its place, and reading goes on with the next one."""

    def __init__(self, reading: "_Reading", where: str, raw):
        self.reading = reading
        self.where = where
        self.is_object = isinstance(raw, dict)
        self.raw = raw if self.is_object else {}
        self.failed: set[str] = set()
        if not self.is_object:
            reading.add(where, _("Un objet JSON est attendu."))

    def __call__(self, key: str, convert=None, *, optional=False, default=None, at_key=True):
        if key not in self.raw:
            if self.is_object and not optional:
                self.reading.add(_at(self.where, key), _("Cette valeur manque."))
                self.failed.add(key)
            return default
        if convert is None:
            return self.raw[key]
        try:
            return convert(self.raw[key])
        except ValidationError as error:
            self.reading.error(_at(self.where, key) if at_key else self.where, error)
            self.failed.add(key)
            return default

    def person(self, key: str, *, optional=False) -> User | None:
        email = self(key, lambda value: None if value is None else _email(value), optional=optional)
        if email is None:
            return None
        user = self.reading.users.get(email)
        if user is None:
            self.reading.add(
                _at(self.where, key),
                _("%(email)s n’est pas dans la liste des comptes du fichier (users).")
                % {"email": quoted(email)},
            )
            self.failed.add(key)
        return user


@dataclass
class _DiagnosticRows:
    diagnostic: Diagnostic
    scores: list[RecommendationScore]
    answers: list[tuple[Answer, list[AnswerChange]]]
    plan: list[tuple[PlanAction, list[PlanActionChange]]]
    # Each with the content of its file (None for a link), stored only when the import writes.
    evidence: list[tuple[Evidence, bytes | None]]
    comments: list[QuestionComment] = dataclasses.field(default_factory=list)
    assignments: list[Assignment] = dataclasses.field(default_factory=list)


# The fields of a plan action that its history states hold, and those they never hold.
_ACTION_STATE_KEYS = {
    ("recommendation" if f.name == "recommendation_id" else f.name): f for f in ACTION_FIELDS
}
_NOT_IN_ACTION_STATE = {f.name for f in PlanAction._meta.fields} - set(_ACTION_STATE_KEYS)


class _Reading:
    """The file read into unsaved rows, each value checked as the forms and models check it; the
    rows are written only when no problem was found."""

    def __init__(self, *, attach_existing_accounts: bool):
        self.attach_existing_accounts = attach_existing_accounts
        self.partnerships = _PartnershipRows()
        self.problems: list[str] = []
        self.users: dict[str, User] = {}
        self.existing_members: list[str] = []
        self.catalogues: dict[str, _Catalogue | None] = {}
        self.public_ids: dict[type, dict[uuid.UUID, str]] = defaultdict(dict)
        self.collectivite = Collectivite()
        self.memberships: list[Membership] = []
        self.invitations: list[Invitation] = []
        self.diagnostics: list[_DiagnosticRows] = []
        self.diagnostic_years: set[int] = set()
        # What the sections of other apps write once everything is checked.
        self.section_writers: list[Callable[[Collectivite], None]] = []

    # Problems

    def add(self, where: str, message) -> None:
        self.problems.append(f"{where}\u00a0: {message}")

    def error(self, where: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add(where if name == NON_FIELD_ERRORS else _at(where, name), message)
        else:
            for message in error.messages:
                self.add(where, message)

    def check(self, entry: _Entry, instance, *, exclude=()) -> None:
        """The model's own validation, and the length of its long texts (full_clean leaves a
        TextField's max_length to the forms)."""
        exclude = {*exclude, *entry.failed}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.error(entry.where, error)
        for field in instance._meta.concrete_fields:
            value = getattr(instance, field.attname)
            if (
                isinstance(field, models.TextField)
                and field.max_length
                and field.name not in exclude
                and isinstance(value, str)
                and len(value) > field.max_length
            ):
                self.add(
                    _at(entry.where, field.name),
                    _("%(limit)s caractères au plus (le fichier en a %(count)s).")
                    % {"limit": field.max_length, "count": len(value)},
                )

    # Reading

    def read(self, data: dict) -> None:
        top = _Entry(self, _("fichier"), data)
        self._read_collectivite(_Entry(self, _("collectivité"), top("collectivite", optional=True)))
        self._read_users(top("users", _list, default=[]))
        for index, raw in enumerate(top("memberships", _list, default=[]), start=1):
            self._read_membership(_Entry(self, _("membre %(n)s") % {"n": index}, raw))
        for index, raw in enumerate(top("invitations", _list, default=[]), start=1):
            self._read_invitation(_Entry(self, _("invitation %(n)s") % {"n": index}, raw))
        for index, raw in enumerate(top("diagnostics", _list, default=[]), start=1):
            self._read_diagnostic(_Entry(self, _("diagnostic %(n)s") % {"n": index}, raw))
        # Files made before the registry was backed up have no such key.
        _read_partnerships(self, top("partnerships", optional=True))
        for section in SECTIONS:
            # Files written before the section existed have no such key.
            raw = top(section.key, optional=True)
            if raw is not None:
                entry = _Entry(self, str(section.label), raw)
                self.section_writers.append(section.read(self, entry))
        self._refuse_what_exists()

    def _note_public_id(self, model, entry: _Entry, public_id) -> None:
        if public_id is None:
            return
        seen = self.public_ids[model]
        if public_id in seen:
            self.add(
                _at(entry.where, "public_id"),
                _("Cet identifiant est déjà celui de %(other)s.") % {"other": seen[public_id]},
            )
        else:
            seen[public_id] = entry.where

    def _refuse_what_exists(self) -> None:
        for model, seen in self.public_ids.items():
            for public_id in model.objects.filter(public_id__in=list(seen)).values_list(
                "public_id", flat=True
            ):
                self.add(
                    _at(seen[public_id], "public_id"),
                    _("%(id)s existe déjà dans cette base.") % {"id": public_id},
                )
        siren = self.collectivite.siren
        if isinstance(siren, str) and Collectivite.objects.filter(siren=siren).exists():
            self.add(
                _at(_("collectivité"), "siren"),
                _("Une collectivité de SIREN %(siren)s existe déjà dans cette base.")
                % {"siren": siren},
            )

    def _read_collectivite(self, entry: _Entry) -> None:
        collectivite = self.collectivite
        collectivite.public_id = entry("public_id", _identifier)
        collectivite.name = entry("name", _text)
        collectivite.kind = entry("kind", _text)
        collectivite.siren = entry("siren", _text)
        collectivite.population = entry("population", _integer_or_none)
        collectivite.created_at = entry("created_at", _date_time)
        self.check(entry, collectivite)
        self._note_public_id(Collectivite, entry, collectivite.public_id)

    def _read_users(self, rows: list) -> None:
        entries = []
        for index, raw in enumerate(rows, start=1):
            entry = _Entry(self, _("compte %(n)s") % {"n": index}, raw)
            email = entry("email", _email)
            if email is not None:
                entries.append((entry, email))
        existing = {
            normalize_email_address(user.email): user
            for user in User.objects.annotate(normalised=Lower(Trim("email"))).filter(
                normalised__in=[email for _entry, email in entries]
            )
        }
        for entry, email in entries:
            if email in self.users:
                self.add(
                    _at(entry.where, "email"),
                    _("%(email)s est déjà un autre compte du fichier.") % {"email": quoted(email)},
                )
                continue
            if email in existing:
                # Left as it is: neither its name nor its password come from the file.
                self.users[email] = existing[email]
                continue
            user = User(
                email=email,
                full_name=entry("full_name", _text),
                password=entry("password", _text),
                is_active=entry("is_active", _flag),
                date_joined=entry("date_joined", _date_time),
                last_login=entry("last_login", _date_time_or_none),
            )
            self.check(entry, user)
            self.users[email] = user

    def _read_membership(self, entry: _Entry) -> None:
        user = entry.person("user")
        membership = Membership(
            user=user,
            collectivite=self.collectivite,
            role=entry("role", _text),
            created_at=entry("created_at", _date_time),
        )
        self.check(entry, membership, exclude={"user", "collectivite"})
        if user is None:
            if "user" not in entry.failed and entry.is_object:
                self.add(_at(entry.where, "user"), _("Un membre doit être un compte du fichier."))
            return
        if any(m.user is user for m in self.memberships):
            self.add(
                _at(entry.where, "user"),
                _("%(email)s est déjà membre plus haut dans le fichier.")
                % {"email": quoted(user.email)},
            )
            return
        if user.pk is not None:
            self.existing_members.append(user.email)
            if not self.attach_existing_accounts:
                self.add(
                    _at(entry.where, "user"),
                    _(
                        "%(email)s a déjà un compte dans cette base : l’import ne le rattache "
                        "à la collectivité que si on le lui demande."
                    )
                    % {"email": quoted(user.email)},
                )
        self.memberships.append(membership)

    def _read_invitation(self, entry: _Entry) -> None:
        invitation = Invitation(
            public_id=entry("public_id", _identifier),
            collectivite=self.collectivite,
            email=entry("email", _email),
            role=entry("role", _text),
            invited_by=entry.person("invited_by"),
            created_at=entry("created_at", _date_time),
            accepted_at=entry("accepted_at", _date_time_or_none),
            # Backups made before invitations could be revoked have no such key.
            revoked_at=entry("revoked_at", _date_time_or_none, optional=True),
        )
        self.check(entry, invitation, exclude={"collectivite", "invited_by"})
        self._note_public_id(Invitation, entry, invitation.public_id)
        self.invitations.append(invitation)

    def _catalogue(self, entry: _Entry) -> _Catalogue | None:
        code = entry("catalogue", _text)
        if code is None:
            return None
        if code not in self.catalogues:
            version = CatalogueVersion.objects.filter(code=code).first()
            self.catalogues[code] = None if version is None else _Catalogue(version)
            if version is None:
                self.add(
                    _at(entry.where, "catalogue"),
                    _(
                        "La version « %(code)s » du catalogue n’est pas chargée dans cette "
                        "base : chargez-la d’abord (manage.py loadcatalogue), puis relancez "
                        "l’import."
                    )
                    % {"code": code},
                )
        return self.catalogues[code]

    def _read_diagnostic(self, entry: _Entry) -> None:
        catalogue = self._catalogue(entry)
        diagnostic = Diagnostic(
            public_id=entry("public_id", _identifier),
            collectivite=self.collectivite,
            catalogue=catalogue.version if catalogue else None,
            title=entry("title", _text),
            status=entry("status", _text),
            created_by=entry.person("created_by"),
            created_at=entry("created_at", _date_time),
            submitted_at=entry("submitted_at", _date_time_or_none),
            submitted_by=entry.person("submitted_by"),
            # Absent from the files of earlier versions.
            reopened_at=entry("reopened_at", _date_time_or_none, optional=True),
            reopened_by=entry.person("reopened_by", optional=True),
            year=entry("year", _integer_or_none, optional=True),
            archived_at=entry("archived_at", _date_time_or_none, optional=True),
            carried_from_year=entry("carried_from_year", _integer_or_none, optional=True),
            uncarried_questions=entry("uncarried_questions", _texts, optional=True, default=[]),
            overall_score=entry("overall_score", _score),
            method_version=entry("method_version", _text),
        )
        self.check(
            entry,
            diagnostic,
            exclude={"collectivite", "catalogue", "created_by", "submitted_by", "reopened_by"},
        )
        if (
            diagnostic.status == DiagnosticStatus.SUBMITTED
            and diagnostic.submitted_at is None
            and "submitted_at" not in entry.failed
        ):
            self.add(
                _at(entry.where, "submitted_at"),
                _("Un diagnostic soumis a une date de soumission."),
            )
        if diagnostic.year is not None:
            if diagnostic.year in self.diagnostic_years:
                self.add(
                    _at(entry.where, "year"),
                    _("Deux diagnostics de la collectivité ont la même année, %(year)s.")
                    % {"year": diagnostic.year},
                )
            self.diagnostic_years.add(diagnostic.year)
        self._note_public_id(Diagnostic, entry, diagnostic.public_id)
        rows = _DiagnosticRows(diagnostic=diagnostic, scores=[], answers=[], plan=[], evidence=[])
        self.diagnostics.append(rows)
        scores = entry("scores", _list, default=[])
        answers = entry("answers", _list, default=[])
        plan = entry("plan", _list, default=[])
        # Files written before evidence existed have no such key.
        evidence = entry("evidence", _list, optional=True, default=[])
        if catalogue is None:
            return  # Nothing more can be checked without the catalogue.
        numbers: set[int] = set()
        for index, raw in enumerate(scores, start=1):
            rows.scores.append(
                self._read_score(
                    _Entry(self, _at(entry.where, _("score %(n)s") % {"n": index}), raw),
                    diagnostic,
                    catalogue,
                    numbers,
                )
            )
        codes: set[str] = set()
        for index, raw in enumerate(answers, start=1):
            answer = self._read_answer(
                _Entry(self, _at(entry.where, _("réponse %(n)s") % {"n": index}), raw),
                entry.where,
                diagnostic,
                catalogue,
                codes,
            )
            if answer is not None:
                rows.answers.append(answer)
        per_question: dict[str, int] = defaultdict(int)
        for index, raw in enumerate(evidence, start=1):
            item = self._read_evidence(
                _Entry(self, _at(entry.where, _("justificatif %(n)s") % {"n": index}), raw),
                diagnostic,
                catalogue,
                per_question,
            )
            if item is not None:
                rows.evidence.append(item)
        # Files written before the threads and the assignments have neither key.
        for index, raw in enumerate(entry("comments", _list, optional=True, default=[]), start=1):
            comment = self._read_comment(
                _Entry(self, _at(entry.where, _("commentaire %(n)s") % {"n": index}), raw),
                diagnostic,
                catalogue,
            )
            if comment is not None:
                rows.comments.append(comment)
        targets: set[tuple] = set()
        for index, raw in enumerate(
            entry("assignments", _list, optional=True, default=[]), start=1
        ):
            assignment = self._read_assignment(
                _Entry(self, _at(entry.where, _("assignation %(n)s") % {"n": index}), raw),
                diagnostic,
                catalogue,
                targets,
            )
            if assignment is not None:
                rows.assignments.append(assignment)
        suggested: set[int] = set()
        for index, raw in enumerate(plan, start=1):
            rows.plan.append(
                self._read_action(
                    _Entry(self, _at(entry.where, _("action %(n)s") % {"n": index}), raw),
                    diagnostic,
                    catalogue,
                    suggested,
                )
            )

    def _read_score(self, entry, diagnostic, catalogue, numbers) -> RecommendationScore:
        score = RecommendationScore(
            diagnostic=diagnostic,
            number=entry("number", lambda n: catalogue.rec_number[catalogue.recommendation_pk(n)]),
            score=entry("score", _score),
        )
        self.check(entry, score, exclude={"diagnostic"})
        if score.number in numbers:
            self.add(_at(entry.where, "number"), _("Cette préconisation a déjà un score."))
        numbers.add(score.number)
        return score

    def _read_comment(self, entry, diagnostic, catalogue) -> QuestionComment | None:
        question = entry("question", catalogue.question)
        comment = QuestionComment(
            diagnostic=diagnostic,
            question=question,
            author=entry.person("author"),
            text=entry("text", _text),
            created_at=entry("created_at", _date_time),
        )
        self.check(entry, comment, exclude={"diagnostic", "question", "author"})
        if isinstance(comment.text, str) and not comment.text.strip():
            self.add(_at(entry.where, "text"), _("Un commentaire ne peut pas être vide."))
        return comment if question is not None else None

    def _read_assignment(self, entry, diagnostic, catalogue, targets) -> Assignment | None:
        number = entry(
            "recommendation", lambda n: catalogue.rec_number[catalogue.recommendation_pk(n)]
        )
        code = entry("question", lambda raw: None if raw is None else catalogue.question(raw))
        assignee = entry.person("assignee")
        assignment = Assignment(
            diagnostic=diagnostic,
            recommendation_number=number,
            question=code,
            assignee=assignee,
            assigned_by=entry.person("assigned_by"),
            assigned_at=entry("assigned_at", _date_time),
        )
        if number is None or assignee is None:
            return None
        if code is not None and code.recommendation_id != catalogue.rec_pk[number]:
            self.add(
                _at(entry.where, "question"),
                _("Cette question n’appartient pas à la préconisation %(n)s.") % {"n": number},
            )
        if not any(m.user is assignee and m.role in EDITOR_ROLES for m in self.memberships):
            self.add(
                _at(entry.where, "assignee"),
                _(
                    "Seuls les agents et les référents AEICT membres de la collectivité peuvent "
                    "se voir assigner des questions."
                ),
            )
        target = (number, code.pk if code else None)
        if target in targets:
            self.add(entry.where, _("Cette partie du diagnostic est déjà assignée plus haut."))
        targets.add(target)
        return assignment

    def _answer_state(self, entry: _Entry, question: Question, catalogue: _Catalogue) -> dict:
        """The value, « Non concerné » and comment of an answer or of one of its past states,
        checked as the question's form checks them."""
        value = entry("value", lambda raw: catalogue.local_value(question, raw), at_key=False)
        not_applicable = entry("not_applicable", _flag, default=False)
        # Files written before « Je ne sais pas » have no such key.
        dont_know = entry("dont_know", _flag, optional=True, default=False)
        comment = entry("comment", lambda raw: _ANSWER_COMMENT.clean(_text(raw)), default="")
        if not_applicable and not question.allows_not_applicable:
            self.add(
                _at(entry.where, "not_applicable"),
                _("Cette question ne propose pas la réponse « Non concerné »."),
            )
        # The questionnaire refuses a value with « Non concerné » or « Je ne sais pas »; so does
        # an import, naming the line, rather than silently dropping the value.
        try:
            return make_state(
                value=value, not_applicable=not_applicable, dont_know=dont_know, comment=comment
            )
        except InvalidAnswerState:
            self.add(
                _at(entry.where, "dont_know" if dont_know else "not_applicable"),
                _(
                    "Cette réponse dit plusieurs choses à la fois (une valeur, « Non "
                    "concerné », « Je ne sais pas ») : une seule est permise."
                ),
            )
            return make_state(value=None, not_applicable=False, comment=comment)

    def _read_answer(self, entry, diagnostic_where, diagnostic, catalogue, codes):
        question = entry("question", catalogue.question)
        if question is None:
            return None
        # Once its question is known, an answer is named by it: « diagnostic 2 › R1.Q6 ».
        entry.where = _at(diagnostic_where, question.code)
        if question.code in codes:
            self.add(entry.where, _("Cette question a déjà une réponse plus haut."))
        codes.add(question.code)
        answer = Answer(
            diagnostic=diagnostic,
            question=question,
            **self._answer_state(entry, question, catalogue),
            revision=entry("revision", _integer),
            updated_by=entry.person("updated_by"),
            updated_at=entry("updated_at", _date_time),
            # Files written before the carry-over have neither key.
            carried_from_year=entry("carried_from_year", _integer_or_none, optional=True),
            needs_confirmation=entry("to_confirm", _flag, optional=True, default=False),
            # Files written before answers could come from the budget have no such key.
            source=entry("source", _text, optional=True, default=""),
        )
        self.check(entry, answer, exclude={"diagnostic", "question", "updated_by", "value"})
        changes = []
        for index, raw in enumerate(entry("changes", _list, default=[]), start=1):
            change = _Entry(self, _at(entry.where, _("historique %(n)s") % {"n": index}), raw)
            old, new = change("old_state"), change("new_state")
            row = AnswerChange(
                answer=answer,
                kind=change("kind", optional=True, default=AnswerChangeKind.CHANGED),
                revision=change("revision", _integer),
                changed_by=change.person("changed_by"),
                changed_at=change("changed_at", _date_time),
                old_state=None
                if old is None
                else self._answer_state(
                    _Entry(self, _at(change.where, "old_state"), old), question, catalogue
                ),
                new_state=self._answer_state(
                    _Entry(self, _at(change.where, "new_state"), new), question, catalogue
                ),
            )
            self.check(change, row, exclude={"answer", "changed_by", "old_state", "new_state"})
            if row.revision is not None and any(c.revision == row.revision for c in changes):
                self.add(_at(change.where, "revision"), _("Cette révision est déjà plus haut."))
            changes.append(row)
        return answer, changes

    def _read_evidence(self, entry, diagnostic, catalogue, per_question):
        """A link or a file, checked as when it is added: a web address, or a file whose content
        is of an allowed type and not over the size limit; at most so many per question."""
        question = entry("question", catalogue.question)
        if question is None:
            return None
        per_question[question.code] += 1
        if per_question[question.code] == settings.EVIDENCE_MAX_PER_QUESTION + 1:
            self.add(
                _at(entry.where, "question"),
                _("La question %(code)s a plus de %(n)s justificatifs.")
                % {"code": question.code, "n": settings.EVIDENCE_MAX_PER_QUESTION},
            )
        item = Evidence(
            public_id=entry("public_id", _identifier),
            diagnostic=diagnostic,
            question=question,
            kind=entry("kind", _text),
            label=entry("label", _text),
            url=entry("url", _text, default=""),
            added_by=entry.person("added_by"),
            added_at=entry("added_at", _date_time),
            carried_from_year=entry("carried_from_year", _integer_or_none, optional=True),
        )
        content = None
        described = entry("file", optional=True)
        if item.kind == EvidenceKind.FILE:
            content = self._evidence_file(_Entry(self, _at(entry.where, "file"), described), item)
        elif described is not None:
            self.add(_at(entry.where, "file"), _("Un lien n’a pas de fichier."))
        elif item.kind == EvidenceKind.LINK and not item.url:
            self.add(_at(entry.where, "url"), _("Un lien a une adresse."))
        self.check(entry, item, exclude={"diagnostic", "question", "added_by", "file"})
        self._note_public_id(Evidence, entry, item.public_id)
        return item, content

    def _evidence_file(self, entry: _Entry, item: Evidence) -> bytes | None:
        item.original_name = evidence_services.clean_name(entry("name", _text, default="") or "")
        encoded = entry("base64", _text)
        if encoded is None:
            return None
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.add(_at(entry.where, "base64"), _("Ce n’est pas du base64."))
            return None
        try:
            file_type = evidence_services.check_file(
                ContentFile(content), name=item.original_name, size=len(content)
            )
        except evidence_services.EvidenceRefused as error:
            self.add(entry.where, error.message)
            return None
        item.content_type = file_type.mime
        item.size = len(content)
        return content

    def _action_values(self, entry: _Entry, catalogue: _Catalogue, *, whole: bool) -> dict:
        """A plan action's tracked fields read from the file (all of them when ``whole``, else
        those the state holds), as the model's values; checked as the model checks them."""
        if not whole:
            for key in set(entry.raw) - set(_ACTION_STATE_KEYS):
                self.add(_at(entry.where, key), _("Ce n’est pas un champ d’une action du plan."))
        values = {}
        for key, field in _ACTION_STATE_KEYS.items():
            if not whole and key not in entry.raw:
                continue
            read = catalogue.recommendation_pk if key == "recommendation" else field.kind.read
            values[field.name] = entry(key, read, optional=field.optional)
        if not whole:
            absent = set(_ACTION_STATE_KEYS) - set(entry.raw)
            self.check(
                entry,
                PlanAction(**values),
                exclude=_NOT_IN_ACTION_STATE | absent | {"recommendation"},
            )
        return values

    def _action_state(self, entry: _Entry, catalogue: _Catalogue) -> dict:
        values = self._action_values(entry, catalogue, whole=False)
        return {name: FIELDS[name].kind.stored(value) for name, value in values.items()}

    def _read_action(self, entry, diagnostic, catalogue, suggested):
        suggested_id = entry("suggested_action", catalogue.suggested_action_pk)
        if suggested_id is not None:
            if suggested_id in suggested:
                self.add(
                    _at(entry.where, "suggested_action"),
                    _("Cette action suggérée est déjà plus haut dans le plan."),
                )
            suggested.add(suggested_id)
        action = PlanAction(
            public_id=entry("public_id", _identifier),
            diagnostic=diagnostic,
            suggested_action_id=suggested_id,
            **self._action_values(entry, catalogue, whole=True),
            position=entry("position", _integer),
            revision=entry("revision", _integer),
            created_by=entry.person("created_by"),
            created_at=entry("created_at", _date_time),
            updated_by=entry.person("updated_by"),
            updated_at=entry("updated_at", _date_time),
        )
        self.check(
            entry,
            action,
            exclude={
                "diagnostic",
                "recommendation",
                "suggested_action",
                "created_by",
                "updated_by",
            },
        )
        self._note_public_id(PlanAction, entry, action.public_id)
        changes = []
        for index, raw in enumerate(entry("changes", _list, default=[]), start=1):
            change = _Entry(self, _at(entry.where, _("historique %(n)s") % {"n": index}), raw)
            old, new = change("old_state"), change("new_state")
            changes.append(
                PlanActionChange(
                    action=action,
                    revision=change("revision", _integer),
                    changed_by=change.person("changed_by"),
                    changed_at=change("changed_at", _date_time),
                    old_state=None
                    if old is None
                    else self._action_state(
                        _Entry(self, _at(change.where, "old_state"), old), catalogue
                    ),
                    new_state=self._action_state(
                        _Entry(self, _at(change.where, "new_state"), new), catalogue
                    ),
                )
            )
            self.check(
                change, changes[-1], exclude={"action", "changed_by", "old_state", "new_state"}
            )
        return action, changes

    # Writing

    def write(self) -> ImportSummary:
        new_users = [user for user in self.users.values() if user.pk is None]
        for user in new_users:
            user.save()
        collectivite = self.collectivite
        created_at = collectivite.created_at
        collectivite.save()
        collectivite.created_at = created_at
        collectivite.save(update_fields=["created_at"])
        _with_created_at(Membership, self.memberships)
        _with_created_at(Invitation, self.invitations)
        for write_section in self.section_writers:
            write_section(collectivite)
        stored: list[str] = []
        try:
            self._write_diagnostics(stored)
        except BaseException:
            for name in stored:
                default_storage.delete(name)
            raise
        flag_latest_submitted(collectivite=collectivite)
        _write_partnerships(self, collectivite)
        return ImportSummary(
            collectivite=collectivite,
            users_created=len(new_users),
            users_reused=len(self.users) - len(new_users),
            users_attached=len(self.existing_members),
            diagnostics=len(self.diagnostics),
            answers=sum(len(rows.answers) for rows in self.diagnostics),
            plan_actions=sum(len(rows.plan) for rows in self.diagnostics),
            evidence=sum(len(rows.evidence) for rows in self.diagnostics),
        )

    def _write_diagnostics(self, stored: list[str]) -> None:
        for rows in self.diagnostics:
            _with_created_at(Diagnostic, [rows.diagnostic])
            RecommendationScore.objects.bulk_create(rows.scores)
            _with_created_at(PlanAction, [action for action, _changes in rows.plan])
            PlanActionChange.objects.bulk_create(c for _action, cs in rows.plan for c in cs)
            Answer.objects.bulk_create([answer for answer, _changes in rows.answers])
            AnswerChange.objects.bulk_create(c for _answer, cs in rows.answers for c in cs)
            for item, content in rows.evidence:
                if content is not None:
                    item.file.name = default_storage.save(
                        evidence_services.storage_name(), ContentFile(content)
                    )
                    stored.append(item.file.name)
            Evidence.objects.bulk_create([item for item, _content in rows.evidence])
            QuestionComment.objects.bulk_create(rows.comments)
            Assignment.objects.bulk_create(rows.assignments)


_ANSWER_COMMENT = AnswerForm.base_fields["comment"]


def _with_created_at(model, rows: list) -> list:
    """Insert ``rows``, then give them back the creation dates that auto_now_add overwrote."""
    created = [row.created_at for row in rows]
    rows = model.objects.bulk_create(rows)
    for row, moment in zip(rows, created, strict=True):
        row.created_at = moment
    model.objects.bulk_update(rows, ["created_at"])
    return rows


# The partnerships registry, its history and the finder's visibility -------------------------------


@dataclass
class _PartnershipRows:
    # Each partnership with its French co-partners (official list) and its creation date.
    registry: list[tuple[Partnership, list, datetime | None]] = dataclasses.field(
        default_factory=list
    )
    events: list[tuple[PartnershipEvent, uuid.UUID | None]] = dataclasses.field(
        default_factory=list
    )
    finder: FinderProfile | None = None


def _export_partnerships(collectivite: Collectivite, person) -> dict:
    """The registry as the partnership form reads it (codes, ISO dates, SIREN of co-partners),
    its history, and whether the collectivité chose to be found."""
    registry = Partnership.objects.for_collectivite(collectivite).prefetch_related("co_partners")
    events = PartnershipEvent.objects.filter(collectivite=collectivite).select_related(
        "partnership"
    )
    profile = FinderProfile.objects.filter(collectivite=collectivite).first()
    return {
        "registry": [
            {
                "public_id": str(p.public_id),
                "partner_name": p.partner_name,
                "country": p.country.code,
                "partner_area": p.partner_area,
                "kind": p.kind,
                "themes": list(p.themes),
                "state": p.state,
                "signed_on": p.signed_on.isoformat() if p.signed_on else None,
                "renewed_on": p.renewed_on.isoformat() if p.renewed_on else None,
                "ended_on": p.ended_on.isoformat() if p.ended_on else None,
                "co_partners": sorted(t.siren for t in p.co_partners.all()),
                "territory_actors": p.territory_actors,
                "yearly_budget": None if p.yearly_budget is None else str(p.yearly_budget),
                "funding_sources": list(p.funding_sources),
                "convention_url": p.convention_url,
                "contact": p.contact,
                "created_at": _moment(p.created_at),
            }
            for p in registry
        ],
        "history": [
            {
                "partnership": str(e.partnership.public_id) if e.partnership else None,
                "partner_name": e.partner_name,
                "actor": person(e.actor_id),
                "kind": e.kind,
                "changed_fields": list(e.changed_fields),
                "created_at": _moment(e.created_at),
            }
            for e in reversed(events)
        ],
        "finder": None
        if profile is None
        else {
            "visible": profile.visible,
            "contact_email": profile.contact_email,
            "updated_by": person(profile.updated_by_id),
        },
    }


def _replace_partnership_user_ids(section: dict, emails: dict) -> None:
    for event in section["history"]:
        event["actor"] = emails.get(event["actor"])
    if section["finder"] is not None:
        section["finder"]["updated_by"] = emails.get(section["finder"]["updated_by"])


def _iso_date_or_none(value) -> str:
    """A date of the file, as the form reads it (AAAA-MM-JJ); empty for none."""
    if value is None:
        return ""
    text = _text(value)
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("%(value)s n’est pas une date AAAA-MM-JJ.") % {"value": quoted(value)}
        ) from None
    return text


def _budget_or_none(value) -> str:
    return "" if value is None else _text(value)


def _read_partnerships(reading: "_Reading", raw) -> None:
    if raw is None:
        return
    top = _Entry(reading, _("partenariats"), raw)
    rows = reading.partnerships
    by_public_id: dict[uuid.UUID, Partnership] = {}
    for index, item in enumerate(top("registry", _list, default=[]), start=1):
        entry = _Entry(reading, _at(top.where, _("partenariat %(n)s") % {"n": index}), item)
        public_id = entry("public_id", _identifier)
        data = {
            "partner_name": entry("partner_name", _text),
            "country": entry("country", _text),
            "partner_area": entry("partner_area", _text),
            "kind": entry("kind", _text),
            "themes": entry("themes", _texts, default=[]),
            "state": entry("state", _text),
            "signed_on": entry("signed_on", _iso_date_or_none),
            "renewed_on": entry("renewed_on", _iso_date_or_none),
            "ended_on": entry("ended_on", _iso_date_or_none),
            "co_partner_sirens": ", ".join(entry("co_partners", _texts, default=[])),
            "territory_actors": entry("territory_actors", _text),
            "yearly_budget": entry("yearly_budget", _budget_or_none),
            "funding_sources": entry("funding_sources", _texts, default=[]),
            "convention_url": entry("convention_url", _text),
            "contact": entry("contact", _text),
        }
        created_at = entry("created_at", _date_time)
        form = PartnershipForm(data={k: v for k, v in data.items() if v is not None})
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    reading.add(_at(entry.where, name), message)
            continue
        if public_id is None:
            continue
        partnership = form.save(commit=False)
        partnership.public_id = public_id
        reading._note_public_id(Partnership, entry, public_id)
        by_public_id[public_id] = partnership
        rows.registry.append((partnership, form.co_partners, created_at))
    for index, item in enumerate(top("history", _list, default=[]), start=1):
        entry = _Entry(reading, _at(top.where, _("événement %(n)s") % {"n": index}), item)
        target = entry("partnership", lambda value: None if value is None else _identifier(value))
        event = PartnershipEvent(
            partner_name=entry("partner_name", _text),
            actor=entry.person("actor"),
            kind=entry("kind", _text),
            changed_fields=entry("changed_fields", _texts, default=[]),
            created_at=entry("created_at", _date_time),
        )
        # A change of visibility names no partner: the name may be empty.
        reading.check(
            entry, event, exclude={"collectivite", "partnership", "actor", "partner_name"}
        )
        if isinstance(event.partner_name, str) and len(event.partner_name) > 200:
            reading.add(_at(entry.where, "partner_name"), _("200 caractères au plus."))
        if target is not None and target not in by_public_id:
            reading.add(
                _at(entry.where, "partnership"),
                _("%(id)s n’est pas un partenariat du fichier.") % {"id": target},
            )
        rows.events.append((event, target))
    finder = top("finder", optional=True)
    if finder is not None:
        entry = _Entry(reading, _at(top.where, "finder"), finder)
        visible = entry("visible", _flag, default=False)
        contact = entry("contact_email", _text, default="")
        form = FinderVisibilityForm(data={"visible": visible, "contact_email": contact})
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    reading.add(_at(entry.where, name), message)
        rows.finder = FinderProfile(
            visible=visible, contact_email=contact, updated_by=entry.person("updated_by")
        )


def _write_partnerships(reading: "_Reading", collectivite: Collectivite) -> None:
    rows = reading.partnerships
    by_public_id = {}
    for partnership, co_partners, created_at in rows.registry:
        partnership.collectivite = collectivite
        partnership.save()
        partnership.co_partners.set(co_partners)
        Partnership.objects.filter(pk=partnership.pk).update(created_at=created_at)
        by_public_id[partnership.public_id] = partnership
    for event, target in rows.events:
        event.collectivite = collectivite
        event.partnership = by_public_id.get(target)
    _with_created_at(PartnershipEvent, [event for event, _target in rows.events])
    if rows.finder is not None:
        rows.finder.collectivite = collectivite
        rows.finder.save()
