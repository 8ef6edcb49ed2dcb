"""Dashboard, diagnostics and the questionnaire: overview, one page per recommendation, autosave."""

import functools
import hashlib
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Membership
from aeict.languages import time_of_day_format
from diagnostics.access import get_diagnostic_access
from diagnostics.assignments import assignable_members, assignments_progress, reminded_today
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import AnswerSource
from diagnostics.evidence import views as evidence_views
from diagnostics.forms import ReopenForm
from diagnostics.models import AnswerChange, Assignment, Diagnostic, DiagnosticEvent
from diagnostics.questionnaire.answers import (
    AnswerConflict,
    AnswerFromBudget,
    DiagnosticLocked,
    confirm_carried_answers,
    describe_state,
    normalized_state,
    save_answer,
    state_of,
)
from diagnostics.questionnaire.applicability import page_not_asked
from diagnostics.questionnaire.comments import InvalidComment, add_comment, threads
from diagnostics.questionnaire.forms import AnswerForm, initial_for
from diagnostics.questionnaire.page_state import page_state
from diagnostics.registry import REGISTRY_QUESTIONS, registry_answers
from diagnostics.selectors import (
    answers_by_question,
    collectivite_kind,
    missing_required,
    resume_point,
    score_answers,
    unconfirmed_questions,
)
from diagnostics.selectors import (
    not_asked as not_asked_ids,
)
from diagnostics.services import (
    AlreadySubmitted,
    MissingRequiredAnswers,
    NotSubmitted,
    ReasonRequired,
    UnconfirmedAnswers,
    reopen_diagnostic,
    submit_diagnostic,
)
from diagnostics.views import resume_url


def _rec_rows(data, result, assigned=()):
    """Each recommendation with its result, its assignee and the assignments of its questions
    (each with its progress)."""
    by_rec: dict[int, dict] = {}
    for row in assigned:
        entry = by_rec.setdefault(
            row.assignment.recommendation_number, {"whole": None, "parts": []}
        )
        if row.question is None and row.assignment.question_id is None:
            entry["whole"] = row
        elif row.question is not None:
            entry["parts"].append(row)
    return [
        {
            "recommendation": rec,
            "result": result.recommendation(rec.number),
            "assigned": by_rec.get(rec.number, {}).get("whole"),
            "assigned_questions": by_rec.get(rec.number, {}).get("parts", []),
            "questions": data.questions_by_rec[rec.number],
        }
        for rec in data.recommendations
    ]


@require_safe
def overview(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    result = score_answers(data, answers, diagnostic=diagnostic)
    kind = collectivite_kind(diagnostic, data)
    missing = missing_required(data, answers, collectivite_kind=kind) if access.is_referent else []
    unconfirmed = [] if diagnostic.is_submitted else unconfirmed_questions(data, answers)
    events = DiagnosticEvent.objects.for_diagnostic(diagnostic).select_related("actor")[:50]
    point = None if diagnostic.is_submitted else resume_point(data, answers, collectivite_kind=kind)
    assignments = list(Assignment.objects.for_diagnostic(diagnostic).select_related("assignee"))
    assigned = assignments_progress(diagnostic, data, answers, assignments)
    can_assign = access.is_referent and not diagnostic.is_submitted and not diagnostic.is_archived
    return render(
        request,
        "diagnostics/overview.html",
        {
            "access": access,
            "diagnostic": diagnostic,
            "rows": _rec_rows(data, result, assigned),
            "result": result,
            "can_assign": can_assign,
            "members": assignable_members(diagnostic) if can_assign else [],
            "reminded_today": can_assign and assignments and reminded_today(diagnostic),
            "has_assignments": bool(assignments),
            "missing": missing,
            "unconfirmed": unconfirmed,
            "uncarried": _uncarried(diagnostic, data),
            "events": events,
            "next_step": _next_step(access, answers, missing, unconfirmed),
            "resume": point,
            "resume_url": resume_url(diagnostic, point) if point else None,
        },
    )


def _uncarried(diagnostic, data) -> list:
    """The questions that changed since the diagnostic it started from, so started empty."""
    return [q for q in map(data.question_by_code, diagnostic.uncarried_questions) if q]


def _next_step(access, answers, missing, unconfirmed) -> str:
    """What the overview puts forward: « resultats », « inviter », « commencer », « reprendre »,
    « soumettre », or « attendre » (an élu, or an agent once every question has its answer)."""
    diagnostic = access.diagnostic
    if diagnostic.is_submitted:
        return "resultats"
    if access.is_referent:
        if not answers and not _has_colleagues(diagnostic.collectivite_id):
            return "inviter"
        if not missing and not unconfirmed:
            return "soumettre"
    if access.can_answer:
        if not any(answer.is_given for answer in answers.values()):
            return "commencer"
        return "reprendre"
    return "attendre"


def _has_colleagues(collectivite_id) -> bool:
    return Membership.objects.filter(collectivite_id=collectivite_id).count() > 1


def _question_item(
    data,
    question,
    answer,
    *,
    form=None,
    conflict=None,
    read_only=False,
    uncarried_from=None,
    not_asked="",
    comments=(),
):
    if form is None:
        form = AnswerForm(
            question=question,
            options=data.options_by_question.get(question.pk, []),
            initial=initial_for(state_of(answer), answer.revision if answer else 0, question),
        )
    from_budget = bool(answer and answer.source == AnswerSource.BUDGET)
    if read_only or from_budget:
        for field in form.fields.values():
            field.disabled = True
    return {
        # Derived from the budget's figures (budget.feed): shown with its source, not editable.
        "from_budget": from_budget,
        "question": question,
        "form": form,
        "answer": answer,
        "conflict": conflict,
        "uncarried_from": uncarried_from,
        # Why the question is not asked of this collectivité; empty when it is asked.
        "not_asked": not_asked,
        # The other person's answer; their comment is shown on a line of its own.
        "conflict_text": _without_comment(question, conflict, data) if conflict else "",
        "comments": comments,
    }


def _without_comment(question, answer, data) -> str:
    return describe_state(question, {**state_of(answer), "comment": ""}, data.options_by_id)


CARD_CACHE_SECONDS = 300


def _uncarried_from(diagnostic, question):
    """The year whose answer to ``question`` was not carried over (the question changed)."""
    if question.code in diagnostic.uncarried_questions:
        return diagnostic.carried_from_year or "—"
    return None


def _columns(row) -> tuple:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


def _card_key(diagnostic, data, question, answer, read_only, not_asked, comments) -> str:
    """Every input of the card: the catalogue version's texts (English ones may be edited in a
    version in use), each column of the answer and of its comments, their authors' names."""
    shown = (
        data.digest,
        _columns(answer) if answer else None,
        answer.updated_by.display_name if answer and answer.updated_by else None,
        [(_columns(c), c.author.display_name if c.author else None) for c in comments],
        not_asked,
        _uncarried_from(diagnostic, question),
        read_only,
        get_language(),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"qcard:{diagnostic.public_id}:{question.pk}:{digest}"


def _question_items(
    request,
    diagnostic,
    data,
    rec,
    answers,
    forms_by_code,
    conflicts,
    read_only,
    not_asked,
    registry=None,
):
    """The question cards of a page. An unchanged card is served from the cache: rendering its
    widgets is what costs most, and it only changes with the answer's revision, whether the
    question is asked, and its thread of comments. A question the partnerships registry answers
    (``registry``) shows the registry's figure instead of a field."""
    registry = registry or {}
    questions = [q for q in data.questions_by_rec[rec.number] if q.code not in registry]
    thread = threads(diagnostic, questions)
    keys = {
        q.pk: _card_key(
            diagnostic,
            data,
            q,
            answers.get(q.pk),
            read_only,
            not_asked.get(q.code, ""),
            thread.get(q.pk, []),
        )
        for q in questions
        if q.code not in forms_by_code and q.code not in conflicts
    }
    cached = cache.get_many(keys.values())
    items, fresh = [], {}
    for question in questions:
        answer = answers.get(question.pk)
        key = keys.get(question.pk)
        if key in cached:
            items.append({"question": question, "answer": answer, "html": cached[key]})
            continue
        item = _question_item(
            data,
            question,
            answer,
            form=forms_by_code.get(question.code),
            conflict=conflicts.get(question.code),
            read_only=read_only,
            uncarried_from=_uncarried_from(diagnostic, question),
            not_asked=not_asked.get(question.code, ""),
            comments=thread.get(question.pk, []),
        )
        item["html"] = render_to_string(
            "diagnostics/_question.html",
            {"item": item, "diagnostic": diagnostic, "read_only": read_only},
            request=request,
        )
        if key:
            fresh[key] = item["html"]
        items.append(item)
    if fresh:
        cache.set_many(fresh, CARD_CACHE_SECONDS)
    if registry:
        by_code = {item["question"].code: item for item in items}
        for question in data.questions_by_rec[rec.number]:
            if question.code in registry:
                item = {
                    "question": question,
                    "answer": answers.get(question.pk),
                    "registry": registry[question.code],
                }
                item["html"] = render_to_string(
                    "diagnostics/_registry_question.html", {"item": item}, request=request
                )
                by_code[question.code] = item
        items = [by_code[q.code] for q in data.questions_by_rec[rec.number]]
    return items


@require_http_methods(["GET", "POST"])
def recommendation_page(request, public_id, number):
    access = get_diagnostic_access(request.user, public_id, related=False)
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    rec = data.recommendation(number)
    if rec is None:
        raise Http404
    page_key = state = None
    # Served from the cache when nothing it shows has changed: three queries in all. Not with
    # messages waiting: the page shows them.
    if request.method == "GET" and not len(messages.get_messages(request)):
        state = page_state(diagnostic)
        page_key = _page_key(request, access, data, rec, state)
        if (cached := _cached_page(request, page_key)) is not None:
            return cached
    page_questions = data.questions_by_rec[rec.number]
    kind = collectivite_kind(diagnostic, data)
    # The page's answers, and those its applicability rules depend on (one query either way).
    known = _rule_answers(diagnostic, data, rec.number)
    answers = {q.pk: known[q.pk] for q in page_questions if q.pk in known}
    not_asked = page_not_asked(data, rec.number, known, collectivite_kind=kind)
    # Informative questions the partnerships registry answers: shown, never typed here.
    registry = registry_answers(diagnostic, page_questions)
    forms_by_code, conflicts, has_errors = {}, {}, False
    evidence = evidence_views.EvidencePost()
    if request.method == "POST":
        access.require_editor()
        confirming = "confirmer" in request.POST or "confirmer_tout" in request.POST
        if diagnostic.is_submitted:
            if evidence_views.is_evidence_post(request.POST):
                messages.error(request, _SUBMITTED_EVIDENCE)
            else:
                messages.error(request, _SUBMITTED_CONFIRM if confirming else _SUBMITTED_EDIT)
            return redirect("diagnostic_recommendation", public_id=public_id, number=number)
        shown_not_asked = not_asked
        commented = _comment_from_page(request, diagnostic, data, rec)
        for question in page_questions:
            if question.code in registry:
                continue
            if data.has_rules:
                # An earlier answer of this same post may have changed it.
                not_asked = page_not_asked(data, rec.number, known, collectivite_kind=kind)
            answer = answers.get(question.pk)
            if answer is not None and answer.source == AnswerSource.BUDGET:
                # Derived from the budget: its fields are disabled, nothing is posted for it.
                continue
            posted = f"{question.code}-revision" in request.POST
            if question.code in not_asked and (question.code not in shown_not_asked or not posted):
                # Not asked: the page posts nothing for it, and its answer is kept as it is.
                if posted and question.code not in shown_not_asked:
                    # Shown asked, then an earlier answer of this post left it out: what was
                    # typed there is not saved, and the person is told so.
                    _tell_if_dropped(request, question, data, known, not_asked[question.code])
                continue
            form = AnswerForm(
                request.POST,
                question=question,
                options=data.options_by_question.get(question.pk, []),
            )
            forms_by_code[question.code] = form
            if not form.is_valid():
                has_errors = True
                continue
            if question.code in not_asked:
                # Posted from a page that showed it asked: the condition changed meanwhile.
                form.add_error("value", _not_asked_error(not_asked[question.code]))
                has_errors = True
                continue
            try:
                answer, _changed = save_answer(
                    diagnostic=diagnostic,
                    question=question,
                    by=request.user,
                    state=form.state,
                    base_revision=form.base_revision,
                )
                if answer is not None:
                    answers[question.pk] = known[question.pk] = answer
            except AnswerConflict as conflict:
                conflicts[question.code] = conflict.answer
                answers[question.pk] = known[question.pk] = conflict.answer
            except AnswerFromBudget:
                # The budget's figures answered it since the page was shown.
                form.add_error("value", _FROM_BUDGET)
                has_errors = True
            except DiagnosticLocked:
                messages.error(
                    request,
                    _(
                        "Ce diagnostic vient d’être soumis : vos dernières modifications n’ont pas "
                        "pu être enregistrées."
                    ),
                )
                return redirect("diagnostic_recommendation", public_id=public_id, number=number)
        # The answers are saved first: a link or a file added with them never costs a typed answer.
        evidence = evidence_views.handle_evidence_post(
            request, access=access, questions=data.questions_by_rec[rec.number]
        )
        has_errors = has_errors or evidence.refused
        if not has_errors and not conflicts and evidence.acted:
            messages.success(request, evidence_views.success_message(evidence))
            url = reverse("diagnostic_recommendation", args=[public_id, number])
            return redirect(f"{url}#{evidence.anchor}" if evidence.anchor else url)
        if not has_errors and not conflicts and confirming:
            try:
                confirmed = _confirm(request, diagnostic, data, rec)
            except DiagnosticLocked:
                messages.error(request, _SUBMITTED_CONFIRM)
                return redirect("diagnostic_recommendation", public_id=public_id, number=number)
            messages.success(
                request,
                ngettext(
                    "Vos réponses sont enregistrées ; %(n)s réponse reprise est confirmée.",
                    "Vos réponses sont enregistrées ; %(n)s réponses reprises sont confirmées.",
                    len(confirmed),
                )
                % {"n": len(confirmed)},
            )
            return redirect("diagnostic_recommendation", public_id=public_id, number=number)
        if not has_errors and not conflicts and commented is not None:
            code, added = commented
            if added:
                messages.success(request, _("Vos réponses sont enregistrées ; commentaire ajouté."))
            else:
                messages.error(request, _EMPTY_COMMENT)
            url = reverse("diagnostic_recommendation", args=[public_id, number])
            return redirect(f"{url}#q-{code}")
        if not has_errors and not conflicts:
            messages.success(request, _("Vos réponses sont enregistrées."))
            if "suivante" in request.POST and number < data.recommendations[-1].number:
                return redirect("diagnostic_recommendation", public_id=public_id, number=number + 1)
            return redirect("diagnostic_recommendation", public_id=public_id, number=number)
        # Forms with a conflict restart from the other person's revision, showing both values.
        for code, answer in conflicts.items():
            form = forms_by_code[code]
            form.data = form.data.copy()
            form.data[f"{code}-revision"] = answer.revision
        if data.has_rules:
            not_asked = page_not_asked(data, rec.number, known, collectivite_kind=kind)
    numbers = [r.number for r in data.recommendations]
    index = numbers.index(rec.number)
    to_confirm = sum(1 for a in answers.values() if a.needs_confirmation)
    status = 400 if has_errors else 409 if conflicts else 200
    evidence_blocks = evidence_views.evidence_blocks(
        request, access=access, questions=data.questions_by_rec[rec.number], forms=evidence.forms
    )
    context = {
        "access": access,
        "diagnostic": diagnostic,
        "recommendation": rec,
        "items": _question_items(
            request,
            diagnostic,
            data,
            rec,
            answers,
            forms_by_code,
            conflicts,
            not access.can_answer,
            not_asked,
            registry,
        ),
        "previous": numbers[index - 1] if index > 0 else None,
        "next": numbers[index + 1] if index + 1 < len(numbers) else None,
        "has_errors": has_errors,
        "conflicts": conflicts,
        "read_only": not access.can_answer,
        "to_confirm": to_confirm,
    }
    for item in context["items"]:
        item["evidence"] = evidence_blocks[item["question"].code]
    if status != 200 or page_key is None:
        return render(request, "diagnostics/recommendation.html", context, status=status)
    return _render_and_cache(request, context, page_key, state)


_FROM_BUDGET = gettext_lazy(
    "Cette réponse est tirée du budget saisi pour l’année du diagnostic : modifiez les chiffres "
    "sur la page du budget pour la changer."
)
_EMPTY_COMMENT = gettext_lazy(
    "Commentaire non ajouté : écrivez-le d’abord (2 000 caractères au plus)."
)


def _comment_from_page(request, diagnostic, data, rec):
    """The thread's « Ajouter le commentaire » button of a page posted without JavaScript:
    (question code, whether the comment was added), or None when another button was used."""
    code = request.POST.get("commenter")
    question = data.question_by_code(code) if code else None
    if question is None or question not in data.questions_by_rec[rec.number]:
        return None
    try:
        add_comment(
            diagnostic=diagnostic,
            question=question,
            by=request.user,
            text=request.POST.get(f"{code}-thread", ""),
        )
    except InvalidComment:
        return code, False
    return code, True


def _rule_answers(diagnostic, data, number) -> dict:
    """The answers of recommendation ``number``'s questions and of those its rules depend on."""
    ids = {q.pk for q in data.questions_by_rec[number]} | data.rule_questions.get(number, set())
    return answers_by_question(diagnostic, [q for q in data.questions if q.pk in ids])


def _condition_answers(diagnostic, data, number, question) -> dict:
    """For an autosave, read locked: the answers that decide which of recommendation
    ``number``'s questions are asked (data.rule_questions), and ``question``'s own."""
    ids = data.rule_questions.get(number, frozenset()) | {question.pk}
    return answers_by_question(diagnostic, [q for q in data.questions if q.pk in ids], lock=True)


def _tell_if_dropped(request, question, data, known, reason: str) -> None:
    form = AnswerForm(
        request.POST, question=question, options=data.options_by_question.get(question.pk, [])
    )
    if not form.is_valid() or form.state == normalized_state(state_of(known.get(question.pk))):
        return
    messages.warning(
        request,
        _(
            "Votre réponse à la question %(code)s n’est pas enregistrée : cette question "
            "n’est plus posée. %(reason)s"
        )
        % {"code": question.code, "reason": reason},
    )


def _not_asked_error(reason: str) -> str:
    return _("Cette question n’est pas posée à votre collectivité : %(reason)s") % {
        "reason": reason[:1].lower() + reason[1:]
    }


_SUBMITTED_EDIT = gettext_lazy(
    "Ce diagnostic est soumis : ses réponses ne peuvent plus être modifiées."
)
_SUBMITTED_EVIDENCE = gettext_lazy(
    "Ce diagnostic est soumis : ses justificatifs ne peuvent plus être modifiés."
)
_SUBMITTED_CONFIRM = gettext_lazy(
    "Ce diagnostic est soumis : ses réponses reprises ne peuvent plus être confirmées."
)


def _confirm(request, diagnostic, data, rec):
    """Confirm the carried-over answers the page's button names: one question's, or all."""
    questions = data.questions_by_rec[rec.number]
    if "confirmer_tout" not in request.POST:
        code = request.POST.get("confirmer")
        questions = [q for q in questions if q.code == code]
    return confirm_carried_answers(diagnostic=diagnostic, by=request.user, questions=questions)


PAGE_CACHE_SECONDS = 300


@functools.cache
def _static_urls() -> tuple[str, ...]:
    """The static files' URLs the page shows: they change with a deployment, not a request.
    (The JavaScript catalogue's address follows the language, which the key holds.)"""
    files = ("bootstrap/css/bootstrap.min.css", "css/theme.css", "js/page.js", "js/autosave.js")
    return tuple(static(name) for name in files)


def _page_key(request, access, data, rec, state: str) -> str:
    """The key of the page in the cache, read before anything else of the page: a hash of every
    input it is built from (``state``: the rows it shows, page_state), apart from the CSRF token,
    which is put in afresh."""
    user, diagnostic = request.user, access.diagnostic
    inputs = (
        get_language(),
        # Nothing on the page depends on the day; should that change, the key already follows it.
        timezone.localdate().isoformat(),
        request.resolver_match.url_name,
        request.get_full_path(),  # the language switch's « next »
        _static_urls(),
        # The person: the header's links follow their permissions (« Observatoire », « Demandes
        # d’accès »), which their name and staff flag do not tell; a change of permission shows
        # at the latest when the page's entry expires (PAGE_CACHE_SECONDS).
        user.pk,
        user.is_staff,
        user.display_name,
        access.role,
        # Every column of the diagnostic (title, status, carried-over year…) and its
        # collectivité's kind, which applicability rules read.
        _columns(diagnostic),
        getattr(diagnostic, "collectivite_kind", None),
        data.digest,
        rec.number,
        # Answers, evidence, comments, their authors' names, the partnerships registry.
        state,
    )
    return "qpage:" + hashlib.sha256(repr(inputs).encode()).hexdigest()


def _cached_page(request, key: str) -> HttpResponse | None:
    pieces = cache.get(key)
    return None if pieces is None else HttpResponse(get_token(request).join(pieces))


def _render_and_cache(request, context, key: str, state: str) -> HttpResponse:
    """The page without errors, conflicts or messages, rendered once per state (see _page_key)
    and kept in pieces split where the CSRF token goes: Django masks the token afresh for each
    request, so it is put back between the pieces for every response. It is kept only if the
    state is still the one its key was made from: a change committed while it was being read
    might otherwise be filed under the state before it (and shown again, were that change
    undone)."""
    # A slot that page content cannot contain: random for each rendering.
    slot = secrets.token_hex(16)
    html = render_to_string(
        "diagnostics/recommendation.html",
        {**context, "csrf_token": slot, "messages": ()},
        request=request,
    )
    pieces = html.split(slot)
    if page_state(context["diagnostic"]) == state:
        cache.set(key, pieces, PAGE_CACHE_SECONDS)
    return HttpResponse(get_token(request).join(pieces))


def _saved_at(answer):
    return formats.date_format(timezone.localtime(answer.updated_at), time_of_day_format())


def _saved_at_now():
    return formats.date_format(timezone.localtime(), time_of_day_format())


def _locked_json():
    return JsonResponse(
        {"status": "locked", "message": _("Ce diagnostic est soumis : réponse non modifiable.")},
        status=409,
    )


@require_POST
def save_answer_view(request, public_id, code):
    """Autosave of one question: JSON in, JSON out (409 with the other value on conflict)."""
    try:
        # The access check also locks the diagnostic for the save (one query for both), so the
        # status read here still holds when the answer is written.
        with transaction.atomic():
            access = get_diagnostic_access(request.user, public_id, lock=True, related=False)
            access.require_editor()
            diagnostic = access.diagnostic
            data = catalogue_data(diagnostic.catalogue_id)
            question = data.question_by_code(code)
            if question is None:
                raise Http404
            if diagnostic.is_submitted:
                return _locked_json()
            if question.code in REGISTRY_QUESTIONS and registry_answers(diagnostic, [question]):
                return JsonResponse(
                    {
                        "status": "invalid",
                        "message": _(
                            "Réponse non enregistrée : elle vient du registre des partenariats, "
                            "où elle se modifie."
                        ),
                        "errors": {},
                    },
                    status=400,
                )
            rec_number = question.recommendation.number
            kind = collectivite_kind(diagnostic, data)
            # With rules, the answers they depend on are read anyway: read them locked along
            # with the saved one, and the save reads nothing again (one query less). Every writer
            # of answers locks the diagnostic first, so locking these rows adds no wait.
            known = (
                _condition_answers(diagnostic, data, rec_number, question) if data.has_rules else {}
            )
            not_asked = page_not_asked(data, rec_number, known, collectivite_kind=kind)
            if question.code in not_asked:
                message = _not_asked_error(not_asked[question.code])
                return JsonResponse(
                    {
                        "status": "invalid",
                        "message": _("Réponse non enregistrée : corrigez le champ signalé."),
                        "errors": {"value": [message]},
                        "not_asked": not_asked,
                    },
                    status=400,
                )
            form = AnswerForm(
                request.POST,
                question=question,
                options=data.options_by_question.get(question.pk, []),
            )
            if not form.is_valid():
                return JsonResponse(
                    {
                        "status": "invalid",
                        "message": _("Réponse non enregistrée : corrigez le champ signalé."),
                        "errors": {
                            name: [str(e) for e in errs] for name, errs in form.errors.items()
                        },
                    },
                    status=400,
                )
            try:
                answer, changed = save_answer(
                    diagnostic=diagnostic,
                    question=question,
                    by=request.user,
                    state=form.state,
                    base_revision=form.base_revision,
                    diagnostic_locked=True,
                    locked_answers=known if data.has_rules else None,
                )
            except AnswerFromBudget:
                return JsonResponse(
                    {
                        "status": "invalid",
                        "message": _("Réponse non enregistrée : corrigez le champ signalé."),
                        "errors": {"value": [str(_FROM_BUDGET)]},
                    },
                    status=400,
                )
            if answer is not None and data.has_rules:
                known[question.pk] = answer
                not_asked = page_not_asked(data, rec_number, known, collectivite_kind=kind)
    except AnswerConflict as conflict:
        other = conflict.answer
        who = other.updated_by.display_name if other.updated_by else _("une autre personne")
        return JsonResponse(
            {
                "status": "conflict",
                "revision": other.revision,
                "by": who,
                "at": _saved_at(other),
                "value": _without_comment(question, other, data),
                # Their comment, shown on its own line: kept apart from the value.
                "comment": other.comment,
                "message": _(
                    "%(who)s a modifié cette réponse à %(at)s pendant que vous la changiez."
                )
                % {"who": who, "at": _saved_at(other)},
                "html": render_to_string(
                    "diagnostics/_question.html",
                    {
                        "item": _question_item(
                            data,
                            question,
                            other,
                            comments=threads(diagnostic, [question]).get(question.pk, []),
                        ),
                        "diagnostic": diagnostic,
                        "read_only": False,
                    },
                    request=request,
                ),
            },
            status=409,
        )
    return JsonResponse(
        {
            "status": "saved",
            "changed": changed,
            "revision": answer.revision if answer else 0,
            "at": _saved_at(answer) if answer else _saved_at_now(),
            "answered": bool(answer and answer.is_given),
            "to_confirm": bool(answer and answer.needs_confirmation),
            # The page's questions not asked now, with their reason: the page updates at once.
            "not_asked": not_asked,
        }
    )


@require_safe
def answer_history(request, public_id, code):
    access = get_diagnostic_access(request.user, public_id)
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    question = data.question_by_code(code)
    if question is None:
        raise Http404
    lookup = data.options_by_id
    changes = [
        {
            "change": change,
            "old": describe_state(question, change.old_state, lookup),
            "new": describe_state(question, change.new_state, lookup),
        }
        for change in AnswerChange.objects.filter(
            answer__diagnostic=diagnostic, answer__question=question
        ).select_related("changed_by")[:200]
    ]
    return render(
        request,
        "diagnostics/history.html",
        {
            "diagnostic": diagnostic,
            "question": question,
            "changes": changes,
            "access": access,
            # The thread is kept with the answer's history (see diagnostics.questionnaire.comments).
            "comments": threads(diagnostic, [question]).get(question.pk, []),
        },
    )


def _submission_context(access):
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    result = score_answers(data, answers, diagnostic=diagnostic)
    kind = collectivite_kind(diagnostic, data)
    missing = missing_required(data, answers, collectivite_kind=kind)
    skipped = set(not_asked_ids(data, answers, collectivite_kind=kind))
    required = [q for q in data.questions if q.required and q.pk not in skipped]
    return {
        "unconfirmed": unconfirmed_questions(data, answers),
        "access": access,
        "diagnostic": diagnostic,
        "result": result,
        "required_count": len(required),
        "required_answered": len(required) - len(missing),
        "missing": missing,
    }


@require_http_methods(["GET", "POST"])
def submit(request, public_id):
    """A confirmation page (completeness, what happens next); its POST submits."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    if request.method == "GET":
        if access.diagnostic.is_submitted:
            messages.info(request, _("Ce diagnostic est déjà soumis."))
            return redirect("diagnostic_overview", public_id=public_id)
        return render(request, "diagnostics/submit.html", _submission_context(access))
    try:
        submit_diagnostic(diagnostic=access.diagnostic, by=request.user)
    except AlreadySubmitted:
        messages.info(request, _("Ce diagnostic est déjà soumis."))
        return redirect("diagnostic_overview", public_id=public_id)
    except Diagnostic.DoesNotExist:
        raise Http404 from None  # deleted meanwhile
    except MissingRequiredAnswers as error:
        messages.error(
            request,
            ngettext(
                "Le diagnostic ne peut pas être soumis : %(n)s question obligatoire est sans "
                "réponse, listée ci-dessous.",
                "Le diagnostic ne peut pas être soumis : %(n)s questions obligatoires sont sans "
                "réponse, listées ci-dessous.",
                len(error.questions),
            )
            % {"n": len(error.questions)},
        )
        return redirect(reverse("diagnostic_submit", args=[public_id]) + "#manquantes")
    except UnconfirmedAnswers as error:
        messages.error(
            request,
            ngettext(
                "Le diagnostic ne peut pas être soumis : %(n)s réponse reprise du diagnostic "
                "précédent reste à confirmer, listée ci-dessous.",
                "Le diagnostic ne peut pas être soumis : %(n)s réponses reprises du diagnostic "
                "précédent restent à confirmer, listées ci-dessous.",
                len(error.questions),
            )
            % {"n": len(error.questions)},
        )
        return redirect(reverse("diagnostic_submit", args=[public_id]) + "#a-confirmer")
    messages.success(request, _("Diagnostic soumis : ses scores sont enregistrés."))
    return redirect("diagnostic_overview", public_id=public_id)


@require_http_methods(["GET", "POST"])
def reopen(request, public_id):
    """A confirmation page asking why; its POST reopens with the reason in the history."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    if not diagnostic.is_submitted:
        messages.info(request, _("Ce diagnostic n’est pas soumis."))
        return redirect("diagnostic_overview", public_id=public_id)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reopen_diagnostic(
                diagnostic=diagnostic, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ReasonRequired:
            form.add_error("reason", _("Indiquez le motif de la réouverture."))
        except Diagnostic.DoesNotExist:
            raise Http404 from None
        except NotSubmitted:
            messages.info(request, _("Ce diagnostic n’est pas soumis."))
            return redirect("diagnostic_overview", public_id=public_id)
        else:
            messages.success(
                request, _("Diagnostic rouvert : les réponses sont de nouveau modifiables.")
            )
            return redirect("diagnostic_overview", public_id=public_id)
    return render(
        request,
        "diagnostics/reopen.html",
        {"access": access, "diagnostic": diagnostic, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
def add_comment_view(request, public_id, code):
    """Add a comment to a question's thread: JSON for the page's script (the thread rendered
    again), a redirect to the question otherwise."""
    access = get_diagnostic_access(request.user, public_id, related=False)
    access.require_editor()
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    question = data.question_by_code(code)
    if question is None:
        raise Http404
    wants_json = "application/json" in request.headers.get("Accept", "")
    page = reverse("diagnostic_recommendation", args=[public_id, question.recommendation.number])
    try:
        add_comment(
            diagnostic=diagnostic,
            question=question,
            by=request.user,
            text=request.POST.get(f"{code}-thread", ""),
        )
    except InvalidComment:
        if wants_json:
            return JsonResponse({"status": "invalid", "message": str(_EMPTY_COMMENT)}, status=400)
        messages.error(request, _EMPTY_COMMENT)
        return redirect(f"{page}#q-{code}")
    except DiagnosticLocked:
        if wants_json:
            return _locked_json()
        messages.error(request, _SUBMITTED_EDIT)
        return redirect(f"{page}#q-{code}")
    if not wants_json:
        messages.success(request, _("Commentaire ajouté."))
        return redirect(f"{page}#q-{code}")
    html = render_to_string(
        "diagnostics/_comments.html",
        {
            "diagnostic": diagnostic,
            "question": question,
            "comments": threads(diagnostic, [question]).get(question.pk, []),
            "read_only": False,
        },
        request=request,
    )
    return JsonResponse({"status": "added", "html": html, "message": _("Commentaire ajouté.")})
