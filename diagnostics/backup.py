"""Export one collectivité's complete data as portable JSON, and import it into another database.

Rows refer to each other by natural keys (catalogue version code, question code, option rank,
recommendation number, suggested action, e-mail address, public ids), never by database ids.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Collectivite, Invitation, Membership, User, normalize_email_address
from diagnostics.models import (
    Answer,
    AnswerChange,
    Diagnostic,
    PlanAction,
    PlanActionChange,
    RecommendationScore,
)
from diagnostics.plan.fields import action_state, values_from_state
from diagnostics.question_kinds import kind_of
from diagnostics.services import flag_latest_submitted
from recommendations.models import (
    CatalogueVersion,
    Option,
    Question,
    Recommendation,
    SuggestedAction,
)

FORMAT = "aeict-collectivite"
FORMAT_VERSION = 1


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

    def question(self, code: str) -> Question:
        question = self.question_by_code.get(code)
        if question is None:
            raise BackupError(
                _("La question « %(question)s » n’existe pas dans la version « %(code)s ».")
                % {"question": code, "code": self.version.code}
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
        pk = self.option_pk.get((question.pk, rank))
        if pk is None:
            raise BackupError(
                _(
                    "Une réponse à %(question)s désigne une option absente du catalogue "
                    "(rang %(value)s)."
                )
                % {"question": question.code, "value": rank}
            )
        return pk

    def portable_value(self, question: Question, value):
        if value is None:
            return None
        return kind_of(question).export_value(value, lambda pk: self._rank(question, pk))

    def local_value(self, question: Question, value):
        if value is None:
            return None
        return kind_of(question).import_value(value, lambda rank: self._pk(question, rank))

    def portable_state(self, question: Question, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {**state, "value": self.portable_value(question, state.get("value"))}

    def local_state(self, question: Question, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {**state, "value": self.local_value(question, state.get("value"))}

    def portable_action_state(self, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {
            ("recommendation" if name == "recommendation_id" else name): (
                self.recommendation_number(value) if name == "recommendation_id" else value
            )
            for name, value in state.items()
        }

    def local_action_state(self, state: dict | None) -> dict | None:
        if state is None:
            return None
        return {
            ("recommendation_id" if name == "recommendation" else name): (
                self.recommendation_pk(value) if name == "recommendation" else value
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

    def recommendation_pk(self, number: int | None) -> int | None:
        if number is None:
            return None
        if number not in self.rec_pk:
            raise BackupError(
                _("La préconisation %(number)s n’existe pas dans la version « %(code)s ».")
                % {"number": number, "code": self.version.code}
            )
        return self.rec_pk[number]

    def suggested_action_pk(self, key: dict | None) -> int | None:
        if key is None:
            return None
        pk = self.action_pk.get((key["recommendation"], key["position"], key["title"]))
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
            raise BackupError(
                _("L’action suggérée « %(title)s » n’existe pas dans la version « %(code)s ».")
                % {"title": key["title"], "code": self.version.code}
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
            "comment": answer.comment,
            "revision": answer.revision,
            "updated_by": person(answer.updated_by_id),
            "updated_at": _moment(answer.updated_at),
            "changes": [
                {
                    "revision": change.revision,
                    "changed_by": person(change.changed_by_id),
                    "changed_at": _moment(change.changed_at),
                    "old_state": catalogue.portable_state(question, change.old_state),
                    "new_state": catalogue.portable_state(question, change.new_state),
                }
                for change in answer_changes[answer.pk]
            ],
        }

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
            }
        )

    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    emails = {pk: user.email for pk, user in users.items()}
    _replace_user_ids(memberships, invitations, diagnostic_entries, emails)
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


# Import -----------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    collectivite: Collectivite
    users_created: int
    users_reused: int
    diagnostics: int
    answers: int
    plan_actions: int


def import_collectivite(data: dict) -> ImportSummary:
    """Recreate the collectivité exported in ``data``; all or nothing."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(_("Ce fichier n’est pas un export de collectivité AEICT."))
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Version de format %(found)s non prise en charge (attendue : %(expected)s).")
            % {"found": data.get("format_version"), "expected": FORMAT_VERSION}
        )
    try:
        with transaction.atomic():
            return _import(data)
    except (
        KeyError,
        TypeError,
        ValueError,
        InvalidOperation,
        AttributeError,
        IntegrityError,
        ValidationError,
    ) as error:
        raise BackupError(
            _("Le fichier est incomplet ou mal formé (%(error)s) : rien n’a été importé.")
            % {"error": f"{type(error).__name__}: {error}"}
        ) from error


def _check_absent(model, public_ids, label):
    found = model.objects.filter(public_id__in=public_ids).values_list("public_id", flat=True)
    if found:
        raise BackupError(
            _("%(label)s %(id)s existe déjà dans cette base : rien n’a été importé.")
            % {"label": label, "id": found[0]}
        )


def _with_created_at(model, rows: list, created: list[datetime]) -> list:
    """Insert ``rows``, then give them back the creation dates that auto_now_add overwrote."""
    rows = model.objects.bulk_create(rows)
    for row, moment in zip(rows, created, strict=True):
        row.created_at = moment
    model.objects.bulk_update(rows, ["created_at"])
    return rows


def _import(data: dict) -> ImportSummary:
    source = data["collectivite"]
    if Collectivite.objects.filter(siren=source["siren"]).exists():
        raise BackupError(
            _(
                "Une collectivité de SIREN %(siren)s existe déjà dans cette base : "
                "rien n’a été importé."
            )
            % {"siren": source["siren"]}
        )
    catalogues = {}
    for code in sorted({d["catalogue"] for d in data["diagnostics"]}):
        version = CatalogueVersion.objects.filter(code=code).first()
        if version is None:
            raise BackupError(
                _(
                    "La version « %(code)s » du catalogue n’est pas chargée dans cette base : "
                    "chargez-la d’abord (manage.py loadcatalogue), puis relancez l’import. "
                    "Rien n’a été importé."
                )
                % {"code": code}
            )
        catalogues[code] = _Catalogue(version)
    _check_absent(Collectivite, [source["public_id"]], _("La collectivité"))
    _check_absent(Diagnostic, [d["public_id"] for d in data["diagnostics"]], _("Le diagnostic"))
    _check_absent(
        PlanAction,
        [a["public_id"] for d in data["diagnostics"] for a in d["plan"]],
        _("L’action du plan"),
    )
    _check_absent(Invitation, [i["public_id"] for i in data["invitations"]], _("L’invitation"))

    users, created = {}, 0
    for entry in data["users"]:
        email = normalize_email_address(entry["email"])
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                full_name=entry["full_name"],
                password=entry["password"],
                is_active=entry["is_active"],
                date_joined=_parse_moment(entry["date_joined"]),
                last_login=_parse_moment(entry["last_login"]),
            )
            user.save()
            created += 1
        users[email] = user

    def person(email: str | None) -> User | None:
        if email is None:
            return None
        email = normalize_email_address(email)
        if email not in users:
            raise BackupError(
                _("La personne %(email)s n’est pas dans la liste des comptes du fichier.")
                % {"email": email}
            )
        return users[email]

    collectivite = Collectivite.objects.create(
        public_id=source["public_id"],
        name=source["name"],
        kind=source["kind"],
        siren=source["siren"],
        population=source["population"],
    )
    collectivite.created_at = _parse_moment(source["created_at"])
    collectivite.save(update_fields=["created_at"])
    _with_created_at(
        Membership,
        [
            Membership(user=person(m["user"]), collectivite=collectivite, role=m["role"])
            for m in data["memberships"]
        ],
        [_parse_moment(m["created_at"]) for m in data["memberships"]],
    )
    _with_created_at(
        Invitation,
        [
            Invitation(
                public_id=i["public_id"],
                collectivite=collectivite,
                email=normalize_email_address(i["email"]),
                role=i["role"],
                invited_by=person(i["invited_by"]),
                accepted_at=_parse_moment(i["accepted_at"]),
                # Backups made before invitations could be revoked have no such key.
                revoked_at=_parse_moment(i.get("revoked_at")),
            )
            for i in data["invitations"]
        ],
        [_parse_moment(i["created_at"]) for i in data["invitations"]],
    )
    answers = actions = 0
    for entry in data["diagnostics"]:
        catalogue = catalogues[entry["catalogue"]]
        answers += _import_answers(
            _import_diagnostic(entry, collectivite, catalogue, person), entry, catalogue, person
        )
        actions += len(entry["plan"])
    flag_latest_submitted(collectivite=collectivite)
    return ImportSummary(
        collectivite=collectivite,
        users_created=created,
        users_reused=len(users) - created,
        diagnostics=len(data["diagnostics"]),
        answers=answers,
        plan_actions=actions,
    )


def _import_diagnostic(entry, collectivite, catalogue: _Catalogue, person) -> Diagnostic:
    overall = entry["overall_score"]
    [diagnostic] = _with_created_at(
        Diagnostic,
        [
            Diagnostic(
                public_id=entry["public_id"],
                collectivite=collectivite,
                catalogue=catalogue.version,
                title=entry["title"],
                status=entry["status"],
                created_by=person(entry["created_by"]),
                submitted_at=_parse_moment(entry["submitted_at"]),
                submitted_by=person(entry["submitted_by"]),
                # Absent from the files of earlier versions.
                reopened_at=_parse_moment(entry.get("reopened_at")),
                reopened_by=person(entry.get("reopened_by")),
                overall_score=None if overall is None else float(overall),
                method_version=entry["method_version"],
            )
        ],
        [_parse_moment(entry["created_at"])],
    )
    RecommendationScore.objects.bulk_create(
        RecommendationScore(
            diagnostic=diagnostic,
            number=s["number"],
            score=None if s["score"] is None else float(s["score"]),
        )
        for s in entry["scores"]
    )
    plan = _with_created_at(
        PlanAction,
        [
            PlanAction(
                public_id=a["public_id"],
                diagnostic=diagnostic,
                suggested_action_id=catalogue.suggested_action_pk(a["suggested_action"]),
                **values_from_state(catalogue.local_action_state(a)),
                position=a["position"],
                revision=a["revision"],
                created_by=person(a["created_by"]),
                updated_by=person(a["updated_by"]),
                updated_at=_parse_moment(a["updated_at"]),
            )
            for a in entry["plan"]
        ],
        [_parse_moment(a["created_at"]) for a in entry["plan"]],
    )
    PlanActionChange.objects.bulk_create(
        PlanActionChange(
            action=action,
            revision=c["revision"],
            changed_by=person(c["changed_by"]),
            changed_at=_parse_moment(c["changed_at"]),
            old_state=catalogue.local_action_state(c["old_state"]),
            new_state=catalogue.local_action_state(c["new_state"]),
        )
        for action, a in zip(plan, entry["plan"], strict=True)
        for c in a["changes"]
    )
    return diagnostic


def _import_answers(diagnostic, entry, catalogue: _Catalogue, person) -> int:
    questions = [catalogue.question(a["question"]) for a in entry["answers"]]
    rows = Answer.objects.bulk_create(
        Answer(
            diagnostic=diagnostic,
            question=question,
            value=catalogue.local_value(question, a["value"]),
            not_applicable=a["not_applicable"],
            comment=a["comment"],
            revision=a["revision"],
            updated_by=person(a["updated_by"]),
            updated_at=_parse_moment(a["updated_at"]),
        )
        for question, a in zip(questions, entry["answers"], strict=True)
    )
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            revision=c["revision"],
            changed_by=person(c["changed_by"]),
            changed_at=_parse_moment(c["changed_at"]),
            old_state=catalogue.local_state(question, c["old_state"]),
            new_state=catalogue.local_state(question, c["new_state"]),
        )
        for answer, question, a in zip(rows, questions, entry["answers"], strict=True)
        for c in a["changes"]
    )
    return len(rows)
