"""Evidence on the questionnaire's page (read from its POST, listed under each question) and the
download of a file, for the collectivité's members only."""

import hashlib
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from diagnostics.access import DiagnosticAccess, get_diagnostic_access
from diagnostics.evidence.content import type_label
from diagnostics.evidence.forms import EvidenceForm, limits_text
from diagnostics.evidence.services import (
    EvidenceError,
    add_evidence,
    can_remove,
    remove_evidence,
    too_large_message,
)
from diagnostics.evidence.uploads import oversized_fields
from diagnostics.models import Evidence

ADD = "ajouter_justificatif"
REMOVE = "retirer_justificatif"


def is_evidence_post(post) -> bool:
    return ADD in post or REMOVE in post


@dataclass
class EvidencePost:
    forms: dict[str, EvidenceForm] = field(default_factory=dict)
    added: int = 0
    removed: int = 0
    already_removed: bool = False
    refused: bool = False
    anchor: str = ""

    @property
    def acted(self) -> bool:
        return bool(self.added or self.removed or self.already_removed or self.refused)


def handle_evidence_post(request, *, access: DiagnosticAccess, questions) -> EvidencePost:
    """Add the links and files given under any question of the page, and remove the one whose
    « Retirer » button was pressed. Refusals are left on the forms (and in a message)."""
    result = EvidencePost()
    diagnostic = access.diagnostic
    dropped = oversized_fields(request)
    if request.POST.get(ADD):
        result.anchor = f"justificatifs-{request.POST[ADD]}"
    for question in questions:
        file_field = f"{question.code}-justificatif-file"
        form = EvidenceForm(
            request.POST,
            request.FILES,
            question=question,
            too_large_message=too_large_message() if file_field in dropped else "",
        )
        if not form.has_data():
            continue
        result.forms[question.code] = form
        if not form.is_valid():
            result.refused = True
            result.anchor = f"justificatifs-{question.code}"
            continue
        data = form.cleaned_data
        for given in ({"file": data["file"]}, {"url": data["url"]}):
            if not any(given.values()):
                continue
            try:
                add_evidence(
                    diagnostic=diagnostic,
                    question=question,
                    by=request.user,
                    label=data["label"],
                    **given,
                )
            except EvidenceError as error:
                form.add_error("file" if "file" in given else "url", error.message)
                result.refused = True
                result.anchor = f"justificatifs-{question.code}"
            else:
                result.added += 1
    # Forms whose evidence was added start afresh; refused ones keep what was typed.
    result.forms = {code: form for code, form in result.forms.items() if form.errors}
    if request.POST.get(REMOVE):
        _remove(request, access, questions, request.POST[REMOVE], result)
    if result.refused:
        messages.error(
            request,
            _("Un justificatif n’a pas été enregistré : le motif est indiqué sous la question."),
        )
    return result


def _remove(request, access, questions, public_id, result: EvidencePost) -> None:
    evidence = (
        Evidence.objects.for_diagnostic(access.diagnostic)
        .filter(public_id=_uuid_or_none(public_id), question__in=[q.pk for q in questions])
        .select_related("diagnostic", "question")
        .first()
    )
    if evidence is None:
        messages.info(request, _("Ce justificatif avait déjà été retiré."))
        result.already_removed = True
        return
    result.anchor = f"justificatifs-{evidence.question.code}"
    try:
        remove_evidence(evidence=evidence, by=request.user, is_referent=access.is_referent)
    except EvidenceError as error:
        messages.error(request, error.message)
        result.refused = True
    else:
        result.removed += 1


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def success_message(result: EvidencePost) -> str:
    if result.already_removed and not result.added:
        return _("Vos réponses sont enregistrées.")
    if result.added:
        return ngettext(
            "Justificatif ajouté ; vos réponses sont enregistrées.",
            "%(n)s justificatifs ajoutés ; vos réponses sont enregistrées.",
            result.added,
        ) % {"n": result.added}
    return _("Justificatif retiré ; vos réponses sont enregistrées.")


def evidence_blocks(request, *, access: DiagnosticAccess, questions, forms=None) -> dict:
    """What the page shows under each question: its evidence (who added it, when, whether this
    person may remove it), and the form to add more. One query for the page."""
    forms = forms or {}
    by_question: dict[int, list] = {q.pk: [] for q in questions}
    rows = (
        Evidence.objects.for_diagnostic(access.diagnostic)
        .filter(question__in=list(by_question))
        .select_related("added_by")
    )
    editable = access.can_answer
    for evidence in rows:
        by_question[evidence.question_id].append(
            {
                "evidence": evidence,
                "type_label": type_label(evidence.content_type),
                "can_remove": editable
                and can_remove(evidence, user=request.user, is_referent=access.is_referent),
            }
        )
    blocks = {}
    for q in questions:
        block = _Block(question=q, rows=by_question[q.pk], editable=editable)
        if q.code in forms:
            block["form"] = forms[q.code]
        blocks[q.code] = block
    return blocks


class _Block(dict):
    """One question's evidence block. Its empty form is built when first looked up
    (``block["form"]``, or ``block.form`` in a template): a page served from the cache never
    renders it, and building nine forms was a third of the page's time. The form's HTML
    (``block.add_html``) is rendered once per process for each question and language while it is
    empty: it is the same on every page, and rendering the nine of a page was half the time of a
    page rendered again after a change."""

    def __missing__(self, key):
        if key == "form":
            form = EvidenceForm(question=self["question"]) if self["editable"] else None
            self["form"] = form
            return form
        if key == "add_html":
            form = self["form"]
            if form is not None and not form.is_bound:
                html = _empty_add_html(self, get_language())
            else:
                html = render_to_string("diagnostics/_evidence_add.html", {"block": self})
            self["add_html"] = html
            return html
        raise KeyError(key)


def _empty_add_html(block, language: str) -> str:
    """Kept in the cache by question code, language and the limits the form states (settings)."""
    limits = hashlib.sha256(limits_text().encode()).hexdigest()[:16]
    key = f"evidence-add:{block['question'].code}:{language}:{limits}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("diagnostics/_evidence_add.html", {"block": block})
        cache.set(key, html, None)
    return html


@require_safe
def evidence_download(request, public_id, evidence_id):
    access = get_diagnostic_access(request.user, public_id, related=False)
    evidence = (
        Evidence.objects.for_diagnostic(access.diagnostic)
        .filter(public_id=evidence_id)
        .exclude(file="")
        .first()
    )
    if evidence is None or not default_storage.exists(evidence.file.name):
        raise Http404
    is_image = evidence.content_type.startswith("image/")
    response = FileResponse(
        default_storage.open(evidence.file.name, "rb"), content_type=evidence.content_type
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not is_image, filename=evidence.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab, an image stays an image: no script, no form, no plug-in.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
