"""Who may do what: every URL of the application × every role × every HTTP method.

The rules are written by hand from the views; the URLs are read from the URL configuration, so a
new URL without a rule makes the test fail.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AccessRequest, Invitation, MemberEvent, Membership
from accounts.services import invitation_token
from budget.enums import Mechanism
from budget.models import BudgetChange
from diagnostics.catalogue import catalogue_data
from diagnostics.evidence.services import add_evidence
from diagnostics.models import (
    Answer,
    AnswerChange,
    Assignment,
    Diagnostic,
    DiagnosticEvent,
    Evidence,
    PlanAction,
    PlanActionChange,
    QuestionComment,
    ReportFile,
    YearlyReportPage,
)
from diagnostics.plan import services as plan_service
from diagnostics.reports.pdf import report_snapshot
from notifications.models import NotificationPreference
from partnerships.models import FinderProfile, Partnership, PartnershipEvent
from tests.diagnostics.helpers import answer_everything, answer_payload
from tests.factories import DiagnosticFactory, UserFactory

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
ROLES = ["anonymous", "outsider", "staff", "elu", "agent", "referent"]
MEMBERS = {"agent", "referent", "elu"}

# Who a method of a view is for.
PUBLIC = "public"  # anyone, logged in or not
LOGGED_IN = "logged_in"  # any authenticated user
MEMBER = "member"  # the collectivité's agents, référents and élus
EDITOR = "editor"  # its agents and référents
REFERENT = "referent"
STAFF = "staff"  # platform administrators only; anyone else is told nothing (404)

ALLOWED = {
    STAFF: {"staff"},
    PUBLIC: set(ROLES),
    LOGGED_IN: set(ROLES) - {"anonymous"},
    MEMBER: MEMBERS,
    EDITOR: {"agent", "referent"},
    REFERENT: {"referent"},
}
READS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Rule:
    """``methods`` maps each method the view answers to who may use it; others get 405.

    Reads succeed with 200 unless ``success`` says otherwise; each write names the one status it
    answers on success, and what it ``changes`` (an entry of ``traces``) where it leaves a trace.
    """

    methods: dict
    target: str = "diagnostic"  # whose public_id goes in the URL
    success: dict = field(default_factory=dict)  # method -> status of a successful request
    data: dict | str | None = None  # what a POST sends, or the name of a payload of the world
    login_view: bool = False  # sends every logged-in user away, whatever the method
    changes: str | None = None  # the entry of traces() a successful POST changes
    diagnostic: str = "en_cours"  # the world's diagnostic: en_cours, complet (answered), soumis

    def __post_init__(self):
        for method in set(self.methods) - READS:
            if method not in self.success:
                raise ValueError(f"say which status a successful {method} answers")


def success_status(rule, method):
    return rule.success.get(method, 200 if method in READS else None)


READ = {"GET": MEMBER, "HEAD": MEMBER}

RULES = {
    # Public pages
    "home": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "methode": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "accessibilite": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "mentions_legales": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "donnees_personnelles": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "contact": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "aide": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "plan_du_site": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    # Access requests: anyone asks (posting nothing shows the form again, with its errors);
    # platform administrators review.
    "access_request": Rule({"GET": PUBLIC, "HEAD": PUBLIC, "POST": PUBLIC}, success={"POST": 400}),
    "access_request_sent": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "access_requests": Rule({"GET": STAFF, "HEAD": STAFF}),
    # Posting neither decision shows the request again.
    "access_request_review": Rule(
        {"GET": STAFF, "HEAD": STAFF, "POST": STAFF},
        target="access_request",
        success={"POST": 400},
    ),
    "javascript-catalog": Rule({"GET": PUBLIC, "HEAD": PUBLIC, "OPTIONS": PUBLIC}),
    # The header's language switch: a link that sets the cookie (and the account's language)
    # and sends back to the page (303).
    "set_language": Rule({"GET": PUBLIC, "HEAD": PUBLIC}, success={"GET": 303, "HEAD": 303}),
    # Accounts. Posting nothing to a form shows it again with its errors.
    "login": Rule(
        {"GET": PUBLIC, "HEAD": PUBLIC, "OPTIONS": PUBLIC, "POST": PUBLIC},
        success={"POST": 200},
        login_view=True,
    ),
    "logout": Rule({"POST": LOGGED_IN, "OPTIONS": LOGGED_IN}, success={"POST": 302}),
    "password_reset": Rule(
        {"GET": PUBLIC, "HEAD": PUBLIC, "OPTIONS": PUBLIC, "POST": PUBLIC},
        success={"POST": 200},
    ),
    "password_reset_done": Rule({"GET": PUBLIC, "HEAD": PUBLIC, "OPTIONS": PUBLIC}),
    # A valid link is swapped for one without the token, before the method is even looked at
    # (Django's own view).
    "password_reset_confirm": Rule(
        dict.fromkeys(METHODS, PUBLIC),
        target="reset",
        success=dict.fromkeys(METHODS, 302),
    ),
    "password_reset_complete": Rule({"GET": PUBLIC, "HEAD": PUBLIC, "OPTIONS": PUBLIC}),
    "accept_invitation": Rule(
        {"GET": PUBLIC, "POST": PUBLIC}, target="invitation", success={"POST": 200}
    ),
    # Collectivités
    "dashboard": Rule({"GET": LOGGED_IN, "HEAD": LOGGED_IN}),
    "members": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        target="collectivite",
        data={"email": "nouvelle.personne@exemple.localhost", "role": "agent"},
        success={"POST": 302},
        changes="invitations",
    ),
    # The world's agent is the member changed or removed; its invitation the one resent or
    # revoked. Each goes through a confirmation page (GET) before the POST.
    "member_role": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        target="collectivite",
        data={"role": "elu"},
        success={"POST": 302},
        changes="roles",
    ),
    "member_remove": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        target="collectivite",
        success={"POST": 302},
        changes="memberships",
    ),
    "invitation_resend": Rule(
        {"POST": REFERENT}, target="collectivite", success={"POST": 302}, changes="invitations"
    ),
    "invitation_revoke": Rule(
        {"POST": REFERENT},
        target="collectivite",
        success={"POST": 302},
        changes="live_invitations",
    ),
    "diagnostic_create": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        target="collectivite",
        data={"title": "Diagnostic 2027", "year": "2027"},
        success={"POST": 302},
        changes="diagnostics",
    ),
    # The life of a diagnostic: each write goes through a confirmation page (GET) first.
    "diagnostic_rename": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        data={"title": "Diagnostic renommé", "year": "2031"},
        success={"POST": 302},
        changes="title",
    ),
    "diagnostic_delete": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        data={"confirmation": "Diagnostic 2026"},
        success={"POST": 302},
        changes="diagnostics",
    ),
    "diagnostic_archive": Rule(
        {"POST": REFERENT},
        data={"decision": "archiver"},
        success={"POST": 302},
        changes="archived",
        diagnostic="soumis",
    ),
    # Questionnaire
    "diagnostic_overview": Rule(READ),
    "diagnostic_open": Rule(READ, success={"GET": 302, "HEAD": 302}),
    "diagnostic_recommendation": Rule(
        {"GET": MEMBER, "POST": EDITOR},
        data="answers",
        success={"POST": 302},
        changes="answer_changes",
    ),
    "diagnostic_answer": Rule(
        {"POST": EDITOR}, data="answer", success={"POST": 200}, changes="answer_changes"
    ),
    "diagnostic_answer_history": Rule(READ),
    # Who answers what: the référent assigns (the world's agent, recommendation 1) and reminds;
    # editors comment; « Mes questions » is everyone's own.
    "my_questions": Rule({"GET": LOGGED_IN, "HEAD": LOGGED_IN}),
    "diagnostic_comment": Rule(
        {"POST": EDITOR},
        data={"R1.Q1-thread": "Un avis sur cette question."},
        success={"POST": 302},
        changes="comments",
    ),
    "diagnostic_assign": Rule(
        {"POST": REFERENT}, data="assignment", success={"POST": 302}, changes="assignments"
    ),
    # Nothing assigned in the world: the reminder is refused with a message, and nothing queued.
    "diagnostic_remind": Rule({"POST": REFERENT}, success={"POST": 302}),
    "diagnostic_submit": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        success={"POST": 302},
        changes="status",
        diagnostic="complet",
    ),
    "diagnostic_reopen": Rule(
        {"GET": REFERENT, "POST": REFERENT},
        data={"reason": "Une réponse à corriger."},
        success={"POST": 302},
        changes="status",
        diagnostic="soumis",
    ),
    # Results
    "diagnostic_results": Rule(READ),
    "diagnostic_results_detail": Rule(READ),
    "diagnostic_export_csv": Rule(READ),
    "diagnostic_export_json": Rule(READ),
    # Action plan
    "diagnostic_plan": Rule(READ),
    "plan_export_csv": Rule(READ),
    "plan_export_xlsx": Rule(READ),
    "plan_accept": Rule({"POST": EDITOR}, success={"POST": 302}, changes="actions"),
    "plan_action_add": Rule(
        {"POST": EDITOR}, data="action", success={"POST": 302}, changes="actions"
    ),
    "plan_action_edit": Rule(
        {"GET": EDITOR, "POST": EDITOR}, data="action", success={"POST": 302}, changes="action"
    ),
    "plan_action_toggle": Rule(
        {"POST": EDITOR}, data={"decision": "ecarter"}, success={"POST": 302}, changes="action"
    ),
    "plan_action_history": Rule(READ),
    # Reports: élus may ask for them and download them too. The world's report is ready, so
    # asking again leads to it and adds nothing.
    "report_request": Rule({"POST": MEMBER}, success={"POST": 302}),
    "report_status": Rule(READ),
    "report_download": Rule(READ),
    # The inhabitants' page of the yearly report: only the référent sets and publishes it; once
    # published (the world's is), anyone reads it without logging in.
    "yearly_page_settings": Rule(
        {"GET": REFERENT, "HEAD": REFERENT, "POST": REFERENT},
        data={"decision": "retirer", "show_actions": "on"},
        success={"POST": 302},
        changes="yearly_pages",
    ),
    "yearly_page": Rule({"GET": PUBLIC, "HEAD": PUBLIC}, target="collectivite"),
    # Budget of the international action: members read, editors write. Explanations are public.
    "budget_index": Rule(READ, target="collectivite"),
    "budget_competences": Rule(
        {"GET": MEMBER, "HEAD": MEMBER, "POST": EDITOR},
        target="collectivite",
        data={f"{m}-holder": "collectivite" for m in Mechanism.values},
        success={"POST": 302},
        changes="budget_changes",
    ),
    "budget_year": Rule(
        {"GET": MEMBER, "HEAD": MEMBER, "POST": EDITOR},
        target="collectivite",
        data={"sources-own_budget": "60 000", "sources-staff_fte": "1,5"},
        success={"POST": 302},
        changes="budget_changes",
    ),
    "budget_export": Rule(READ, target="collectivite"),
    "budget_explain": Rule({"GET": PUBLIC, "HEAD": PUBLIC}),
    "evidence_download": Rule(READ),
    # Notifications: everyone's own choices. Posting nothing turns every mail off.
    # The official list of collectivités
    "collectivite_create": Rule(
        {"GET": STAFF, "POST": STAFF},
        # Posting without a chosen entry shows the search again.
        success={"POST": 200},
    ),
    "territory_search": Rule({"GET": LOGGED_IN, "HEAD": LOGGED_IN}),
    # The registry of partnerships
    "partnership_list": Rule(READ, target="collectivite"),
    "partnership_export": Rule(READ, target="collectivite"),
    "partnership_template": Rule(READ, target="collectivite"),
    "partnership_create": Rule(
        {"GET": EDITOR, "POST": EDITOR},
        target="collectivite",
        data="partnership",
        success={"POST": 302},
        changes="partnerships",
    ),
    "partnership_edit": Rule(
        {"GET": EDITOR, "POST": EDITOR},
        target="collectivite",
        data="partnership",
        success={"POST": 302},
        changes="partnership",
    ),
    "partnership_delete": Rule(
        {"GET": EDITOR, "POST": EDITOR},
        target="collectivite",
        success={"POST": 302},
        changes="partnerships",
    ),
    # Posting no file shows the form again with its error.
    "partnership_import": Rule({"POST": EDITOR}, target="collectivite", success={"POST": 400}),
    # The mutualisation finder: the référent decides whether the collectivité may be found
    "partnership_visibility": Rule(
        {"POST": REFERENT},
        target="collectivite",
        success={"POST": 302},
        data={"visible": "on", "contact_email": "international@exemple.localhost"},
        changes="finder_profiles",
    ),
    "partnership_finder": Rule(READ, target="collectivite"),
    # The national observatory: holders of observatory.view_observatory (superusers, the
    # « Observatoire » group); anyone else gets 404.
    "observatory": Rule({"GET": STAFF, "HEAD": STAFF}),
    "observatory_csv": Rule({"GET": STAFF, "HEAD": STAFF}),
    "notification_settings": Rule(
        {"GET": LOGGED_IN, "HEAD": LOGGED_IN, "POST": LOGGED_IN},
        success={"POST": 302},
        changes="notification_preferences",
    ),
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace)
        else:
            assert isinstance(pattern, URLPattern)
            yield namespace, pattern


def application_patterns():
    return [p for ns, p in _walk(get_resolver().url_patterns) if ns != "admin"]


def admin_patterns():
    return [p for ns, p in _walk(get_resolver().url_patterns) if ns == "admin" and p.name]


def test_every_url_of_the_application_has_a_rule():
    missing = []
    for pattern in application_patterns():
        if pattern.name is None:
            missing.append(f"name the URL pattern {pattern.pattern}, then add a rule for it")
        elif pattern.name not in RULES and pattern.name not in PROCONNECT_RULES:
            missing.append(f"add a rule for URL name {pattern.name}")
    assert not missing, "\n".join(missing)


# ProConnect's URLs exist only when it is configured (tests turn it on with the fixture). None
# needs a session: each sends the browser on (to the provider, or back to the login page when
# there is no sign-in under way).
PROCONNECT_RULES = {
    "proconnect_login": Rule({"GET": PUBLIC}, success={"GET": 302}),
    "proconnect_callback": Rule({"GET": PUBLIC}, success={"GET": 302}),
    "proconnect_link": Rule({"GET": PUBLIC, "POST": PUBLIC}, success={"GET": 302, "POST": 302}),
}


def test_every_proconnect_url_has_a_rule(proconnect):
    names = {p.name for p in application_patterns()}
    assert names - set(RULES) == set(PROCONNECT_RULES)
    assert set(RULES) <= names


@pytest.mark.parametrize("name", sorted(PROCONNECT_RULES))
def test_each_role_gets_what_the_proconnect_rules_say(client, world, proconnect, name):
    check_rule(client, world, name, PROCONNECT_RULES[name])


def test_every_rule_is_for_an_existing_url():
    names = {p.name for p in application_patterns()}
    assert set(RULES) <= names, set(RULES) - names


# --- The world every case runs in -------------------------------------------------------------


@dataclass
class World:
    users: dict
    diagnostic: Diagnostic
    action: PlanAction
    report: ReportFile
    evidence: Evidence
    invitation_token: str
    invitation: Invitation
    member: Membership
    partnership: Partnership
    access_request: AccessRequest
    reset_kwargs: dict
    payloads: dict


@pytest.fixture
def world(catalogue, collectivite, referent, agent, elu, outsider):
    staff = UserFactory(is_staff=True, is_superuser=True)
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2020
    )
    # Its yearly report's page for inhabitants is published.
    YearlyReportPage.objects.create(
        diagnostic=diagnostic, published=True, published_at=timezone.now()
    )
    # The outsider's collectivité has a diagnostic of its own.
    other = outsider.memberships.get().collectivite
    DiagnosticFactory(collectivite=other, catalogue=catalogue, created_by=outsider)
    data = catalogue_data(catalogue.pk)
    recommendation = data.recommendations[0]
    action = plan_service.add_action(
        diagnostic=diagnostic,
        by=agent,
        values={
            "title": "Créer un comité de pilotage",
            "recommendation": recommendation,
            "status": "a_lancer",
            "priority": "haute",
        },
    )
    snapshot = report_snapshot(diagnostic, "complet")
    name = default_storage.save(
        f"rapports/{diagnostic.public_id}/complet-test.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n")
    )
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant="complet",
        content_hash=snapshot.content_hash,
        status="pret",
        file=name,
        size=15,
        requested_by=referent,
    )
    evidence = add_evidence(
        diagnostic=diagnostic,
        question=data.question_by_code("R1.Q1"),
        by=agent,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="deliberation.pdf"),
    )
    invitation = Invitation.objects.create(
        collectivite=collectivite,
        email="invitee@exemple.localhost",
        role="agent",
        invited_by=referent,
    )
    partnership = Partnership.objects.create(
        collectivite=collectivite, partner_name="Cité de Québec", country="CA", kind="jumelage"
    )
    forgetful = UserFactory(email="oubli@exemple.localhost")
    question = data.question_by_code("R1.Q1")
    answers = {}
    for item in data.questions_by_rec[recommendation.number]:
        answers.update(answer_payload(item, data.options_by_question.get(item.pk, [])))
    return World(
        users={
            "agent": agent,
            "referent": referent,
            "elu": elu,
            "outsider": outsider,
            "staff": staff,
        },
        diagnostic=diagnostic,
        action=action,
        report=report,
        evidence=evidence,
        invitation_token=invitation_token(invitation),
        invitation=invitation,
        member=agent.memberships.get(collectivite=collectivite),
        partnership=partnership,
        access_request=AccessRequest.objects.create(
            collectivite_name="Commune de Saint-Martin",
            siren="214401093",
            kind="commune",
            full_name="Inès Laurent",
            job_title="Chargée de mission",
            email="ines.laurent@saint-martin.localhost",
        ),
        reset_kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(forgetful.pk)),
            "token": default_token_generator.make_token(forgetful),
        },
        payloads={
            "answer": answer_payload(question, data.options_by_question.get(question.pk, [])),
            "answers": answers,
            "partnership": {
                "partner_name": "Ville de Kindia",
                "country": "GN",
                "kind": "cooperation",
                "state": "actif",
            },
            "assignment": {
                "preconisation": "1",
                "personne": str(agent.memberships.get(collectivite=collectivite).public_id),
            },
            "action": {
                "title": "Former les agents",
                "recommendation": recommendation.pk,
                "status": "en_cours",
                "priority": "moyenne",
                "revision": action.revision,
            },
        },
    )


def url_for(name, rule, world):
    diagnostic = world.diagnostic
    values = {
        "public_id": diagnostic.collectivite.public_id
        if rule.target == "collectivite"
        else diagnostic.public_id,
        "token": world.invitation_token,
        "number": 1,
        "code": "R1.Q1",
        "action_id": world.action.public_id,
        "variant": "complet",
        "report_id": world.report.public_id,
        "evidence_id": world.evidence.public_id,
        "member_id": world.member.public_id,
        "invitation_id": world.invitation.public_id,
        "year": timezone.localdate().year,
        "partnership_id": world.partnership.public_id,
        "table": "pays",
        "language": "en",
    }
    if name == "yearly_page":
        values["year"] = diagnostic.year
    if rule.target == "reset":
        values.update(world.reset_kwargs)
    if rule.target == "access_request":
        values["public_id"] = world.access_request.public_id
    pattern = next(p for p in application_patterns() if p.name == name)
    converters = pattern.pattern.converters
    return reverse(name, kwargs={k: v for k, v in values.items() if k in converters})


def expected(rule, role, method):
    """The status of this case, and whether it is a redirection to the login page."""
    level = rule.methods.get(method)
    public = PUBLIC in rule.methods.values()
    if role == "anonymous" and not public:
        return 302, "login"
    if rule.login_view and role != "anonymous":
        return 302, None
    if level is None:
        return 405, None
    if role in ALLOWED[level]:
        return success_status(rule, method), None
    if level == STAFF:
        return 404, None
    if role in {"outsider", "staff"}:
        return 404, None
    return 403, None


def may_write(rule, role):
    return "POST" in rule.methods and role in ALLOWED[rule.methods["POST"]]


def prepare(client, world, state):
    """Bring the world's diagnostic to the state a rule starts from, through the application."""
    if state == "en_cours":
        return
    client.force_login(world.users["agent"])
    answer_everything(client, world.diagnostic, catalogue_data(world.diagnostic.catalogue_id))
    if state == "soumis":
        client.force_login(world.users["referent"])
        response = client.post(reverse("diagnostic_submit", args=[world.diagnostic.public_id]))
        assert response.status_code == 302
    assert traces(world)["status"] == state.replace("complet", "en_cours")
    client.logout()


def traces(world):
    """Everything a write could leave behind."""
    # The référent may delete the world's diagnostic (and its plan with it).
    diagnostic = Diagnostic.objects.filter(pk=world.diagnostic.pk).first()
    action = PlanAction.objects.filter(pk=world.action.pk).first()
    return {
        "answers": Answer.objects.count(),
        "answer_changes": AnswerChange.objects.count(),
        "actions": PlanAction.objects.count(),
        "action_changes": PlanActionChange.objects.count(),
        "action": action and (action.revision, action.dismissed, action.title),
        "invitations": Invitation.objects.count(),
        "memberships": Membership.objects.count(),
        "roles": tuple(Membership.objects.order_by("pk").values_list("role", flat=True)),
        "live_invitations": Invitation.objects.pending().count(),
        "member_events": MemberEvent.objects.count(),
        "diagnostics": Diagnostic.objects.count(),
        "status": diagnostic and diagnostic.status,
        "title": diagnostic and (diagnostic.title, diagnostic.year),
        "archived": diagnostic and diagnostic.archived_at,
        "diagnostic_events": DiagnosticEvent.objects.count(),
        "notification_preferences": list(NotificationPreference.objects.values()),
        "budget_changes": BudgetChange.objects.count(),
        "partnerships": Partnership.objects.count(),
        "partnership": list(Partnership.objects.values_list("partner_name", "country", "kind")),
        "partnership_events": PartnershipEvent.objects.count(),
        "finder_profiles": list(FinderProfile.objects.values_list("visible", "contact_email")),
        "comments": QuestionComment.objects.count(),
        "assignments": list(Assignment.objects.values_list("assignee", flat=True)),
        "yearly_pages": list(
            YearlyReportPage.objects.values_list("published", "show_partnerships", "show_costs")
        ),
    }


def send(client, method, url, data):
    if method == "POST":
        response = client.post(url, data or {})
    else:
        response = getattr(client, method.lower())(url)
    if response.streaming:
        # Reading it to the end closes the file, as a WSGI server would.
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_what_the_rules_say(client, world, name):
    check_rule(client, world, name, RULES[name])


def check_rule(client, world, name, rule):
    url = url_for(name, rule, world)
    data = world.payloads[rule.data] if isinstance(rule.data, str) else rule.data
    # Pages of a collectivité's own; platform pages (STAFF) are the staff's to see.
    private = not {PUBLIC, LOGGED_IN, STAFF} & set(rule.methods.values())
    prepare(client, world, rule.diagnostic)
    failures = []
    for role in ROLES:
        # Each role starts from the same world: what one wrote is undone before the next.
        with transaction.atomic():
            before = traces(world)
            for method in METHODS:
                client.logout()
                if role != "anonymous":
                    client.force_login(world.users[role])
                response = send(client, method, url, data)
                status, goes_to = expected(rule, role, method)
                case = f"{method} {url} as {role}"
                if response.status_code != status:
                    failures.append(f"{case}: got {response.status_code}, expected {status}")
                elif goes_to == "login" and not response.url.startswith(reverse("login")):
                    failures.append(f"{case}: sent to {response.url}, not the login")
                # Nothing tells an outsider whether a collectivité's object exists.
                outside = private and role in {"outsider", "staff"}
                if outside and response.status_code not in {404, 405}:
                    failures.append(f"{case}: {response.status_code} tells something")
            after = traces(world)
            if not may_write(rule, role):
                if after != before:
                    failures.append(f"{role} changed something through {name}")
            elif rule.changes and after[rule.changes] == before[rule.changes]:
                failures.append(f"POST {url} as {role} left {rule.changes} as it was")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# --- The Django admin -------------------------------------------------------------------------

ADMIN_ARGS = {
    "object_id": "1",
    "content_type_id": "1",
    "pk": 1,
    "id": "1",
    "app_label": "recommendations",
}
ADMIN_OPEN = {"login", "logout"}


def admin_urls():
    urls = []
    for pattern in admin_patterns():
        if pattern.name in ADMIN_OPEN:
            continue
        converters = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
        kwargs = {k: v for k, v in ADMIN_ARGS.items() if k in converters}
        urls.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.mark.parametrize("role", ["anonymous", "referent", "agent", "elu"])
def test_only_platform_administrators_reach_the_admin(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    logins = (reverse("login"), reverse("admin:login"))
    urls = admin_urls()
    assert len(urls) > 20
    for url in urls:
        for method in ["GET", "POST"]:
            response = send(client, method, url, {})
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.url.startswith(logins), (method, url, response.url)


def test_a_platform_administrator_reaches_the_admin(client, world):
    client.force_login(world.users["staff"])
    for name in ["admin:index", "admin:recommendations_catalogueversion_changelist"]:
        url = reverse(name)
        assert client.get(url).status_code == 200, url
