"""Adding, removing and copying evidence: each change locks the diagnostic, checks, writes and
records who did it; refusals are typed errors whose message is French."""

import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from diagnostics.enums import DiagnosticEventKind, EvidenceKind
from diagnostics.evidence.content import ALLOWED, FileType, detect
from diagnostics.models import Diagnostic, DiagnosticEvent, Evidence, validate_web_url
from recommendations.models import Question

STORAGE_FOLDER = "justificatifs"


class EvidenceError(Exception):
    message = ""

    def __init__(self, message=None):
        super().__init__(message or self.message)
        self.message = str(message or self.message)


class EvidenceFrozen(EvidenceError):
    message = gettext_lazy(
        "Ce diagnostic est soumis : ses justificatifs ne peuvent plus être modifiés."
    )


class EvidenceLimitReached(EvidenceError):
    pass


class EvidenceRefused(EvidenceError):
    """The file or the link itself is refused (type, size, address)."""


class RemovalNotAllowed(EvidenceError):
    message = gettext_lazy(
        "Seuls la personne qui a ajouté ce justificatif et le référent peuvent le retirer."
    )


def max_size_text() -> str:
    megabytes = settings.EVIDENCE_MAX_FILE_SIZE / (1024 * 1024)
    decimals = 0 if megabytes.is_integer() else 1
    return _("%(size)s Mo") % {"size": number_format(megabytes, decimal_pos=decimals)}


def allowed_types_text() -> str:
    return _("PDF, images (PNG, JPEG, WebP) et documents bureautiques (%(office)s)") % {
        "office": ", ".join(t.extension for t in ALLOWED if not t.is_image and t.extension != "pdf")
    }


def too_large_message(name: str = "") -> str:
    if name:
        return _(
            "Le fichier « %(name)s » dépasse "
            "la taille maximale de %(size)s : il n’a pas été enregistré."
        ) % {
            "name": name,
            "size": max_size_text(),
        }
    return _("Le fichier dépasse la taille maximale de %(size)s : il n’a pas été enregistré.") % {
        "size": max_size_text()
    }


def check_file(file, *, name: str, size: int) -> FileType:
    """The file's type read from its content; raises EvidenceRefused (too large, or a type that is
    not allowed whatever its name says)."""
    if size > settings.EVIDENCE_MAX_FILE_SIZE:
        raise EvidenceRefused(too_large_message(name))
    if size == 0:
        raise EvidenceRefused(_("Le fichier « %(name)s » est vide.") % {"name": name})
    file_type = detect(file)
    if file_type is None:
        raise EvidenceRefused(
            _(
                "Le fichier « %(name)s » n’est pas d’un type accepté (d’après son contenu, "
                "quel que soit son nom). Types acceptés : %(types)s."
            )
            % {"name": name, "types": allowed_types_text()}
        )
    return file_type


def check_link(url: str) -> str:
    try:
        validate_web_url(url)
    except ValidationError as error:
        raise EvidenceRefused(error.messages[0]) from None
    return url


def _lock(diagnostic: Diagnostic) -> Diagnostic:
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    if diagnostic.is_submitted:
        raise EvidenceFrozen
    return diagnostic


def _record(diagnostic, kind, by, question: Question, label: str) -> None:
    DiagnosticEvent.objects.create(
        diagnostic=diagnostic,
        collectivite_id=diagnostic.collectivite_id,
        kind=kind,
        actor=by,
        title=diagnostic.title,
        year=diagnostic.year,
        details=f"{question.code} — {label}"[:300],
    )


def storage_name() -> str:
    # Random: a stored file's name says nothing of its content and cannot be guessed.
    return f"{STORAGE_FOLDER}/{secrets.token_hex(20)}"


def clean_name(name: str) -> str:
    """A file name fit to be shown and sent back: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:255] or "justificatif"


@transaction.atomic
def add_evidence(
    *,
    diagnostic: Diagnostic,
    question: Question,
    by: User,
    label: str = "",
    url: str = "",
    file=None,
) -> Evidence:
    """Attach a link (``url``) or a file (an UploadedFile or any File with a name and a size) to
    the answer to ``question``. Raises EvidenceFrozen, EvidenceLimitReached, EvidenceRefused."""
    if bool(url) == bool(file):
        raise ValueError("a link or a file, one of them")
    diagnostic = _lock(diagnostic)
    count = Evidence.objects.filter(diagnostic=diagnostic, question=question).count()
    limit = settings.EVIDENCE_MAX_PER_QUESTION
    if count >= limit:
        raise EvidenceLimitReached(
            ngettext(
                "La question %(code)s a déjà %(n)s justificatif, le maximum.",
                "La question %(code)s a déjà %(n)s justificatifs, le maximum.",
                limit,
            )
            % {"code": question.code, "n": limit}
        )
    evidence = Evidence(diagnostic=diagnostic, question=question, added_by=by)
    if url:
        evidence.kind = EvidenceKind.LINK
        evidence.url = check_link(url)
        evidence.label = (label or url)[:200]
    else:
        name = clean_name(file.name or "")
        file_type = check_file(file, name=name, size=file.size)
        evidence.kind = EvidenceKind.FILE
        evidence.original_name = name
        evidence.content_type = file_type.mime
        evidence.size = file.size
        evidence.label = (label or name)[:200]
        file.seek(0)
        evidence.file.name = default_storage.save(storage_name(), File(file))
    try:
        evidence.save()
        _record(diagnostic, DiagnosticEventKind.EVIDENCE_ADDED, by, question, evidence.label)
    except BaseException:
        if evidence.file.name:
            default_storage.delete(evidence.file.name)
        raise
    return evidence


def can_remove(evidence: Evidence, *, user: User, is_referent: bool) -> bool:
    return is_referent or (evidence.added_by_id is not None and evidence.added_by_id == user.pk)


@transaction.atomic
def remove_evidence(*, evidence: Evidence, by: User, is_referent: bool) -> None:
    """Remove a link or a file; the file leaves the storage once the removal is committed, the
    removal stays in the diagnostic's history. Raises EvidenceFrozen, RemovalNotAllowed."""
    diagnostic = _lock(evidence.diagnostic)
    if not can_remove(evidence, user=by, is_referent=is_referent):
        raise RemovalNotAllowed
    evidence.delete()
    _record(diagnostic, DiagnosticEventKind.EVIDENCE_REMOVED, by, evidence.question, evidence.label)


def delete_stored_file(sender, instance: Evidence, **kwargs) -> None:
    """post_delete receiver: whatever deletes evidence (its removal, its diagnostic's deletion, its
    collectivité's), the file goes from the storage once the deletion is committed, and stays if
    it is rolled back."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def copy_evidence(*, source: Diagnostic, target: Diagnostic, questions: dict, year) -> int:
    """Copy ``source``'s evidence to ``target``, marked as carried from ``year``: ``questions``
    maps the source's question ids to the target's questions. Files are copied, not shared, so
    that removing one year's file, or deleting its diagnostic, leaves the other year's."""
    copies = []
    for old in Evidence.objects.filter(diagnostic=source).order_by("added_at", "pk"):
        question = questions.get(old.question_id)
        if question is None:
            continue
        new = Evidence(
            diagnostic=target,
            question=question,
            kind=old.kind,
            label=old.label,
            url=old.url,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            added_by_id=old.added_by_id,
            added_at=old.added_at,
            carried_from_year=year,
        )
        if old.file.name:
            if not default_storage.exists(old.file.name):
                continue
            with default_storage.open(old.file.name, "rb") as content:
                new.file.name = default_storage.save(storage_name(), File(content))
        copies.append(new)
    Evidence.objects.bulk_create(copies)
    return len(copies)
