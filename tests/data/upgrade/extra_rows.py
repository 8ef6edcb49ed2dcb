"""Rows that seed_demo leaves out, added to the upgrade fixtures (see README.md in this folder).

Runs with the code of commit 4c7c469 (models still in ``diagnostics``), after loadcatalogue and
seed_demo: ``manage.py shell -v 0 -c "$(cat tests/data/upgrade/extra_rows.py)"``. It is not
meant to run against the current code. Every table the upgrade test compares should hold rows.
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from diagnostics.reporting import build_report
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from diagnostics import plan, reports, services
from diagnostics.enums import ActionStatus, ReportVariant, Role
from diagnostics.management.commands.seed_demo import DEMO_PASSWORD
from diagnostics.models import Collectivite, Diagnostic, User

BASE_URL = "http://127.0.0.1:8000"

admin = User.objects.get(email="admin@aeict.localhost")
referent = User.objects.get(email="referent@val-darmor.localhost")
elu = User.objects.get(email="elu@val-darmor.localhost")
main = Collectivite.objects.get(memberships__user=referent)
submitted = Diagnostic.objects.get(collectivite=main, title="Diagnostic 2025")

# Invitations: one still pending, one accepted by a new account.
services.invite_member(
    collectivite=main,
    email="nouvel.agent@val-darmor.localhost",
    role=Role.AGENT,
    by=referent,
    base_url=BASE_URL,
)
accepted = services.invite_member(
    collectivite=main,
    email="agent3@val-darmor.localhost",
    role=Role.AGENT,
    by=referent,
    base_url=BASE_URL,
)
services.create_account_from_invitation(
    invitation=accepted, full_name="Nadia Rousseau", password=DEMO_PASSWORD
)

# The action plan of the submitted diagnostic: proposals taken and dismissed, one action added
# by hand then edited (so that its change history has two revisions, with a date and amounts).
report = build_report(submitted)
proposed = plan.proposals(report, plan.plan_actions(submitted))
plan.accept_proposals(diagnostic=submitted, items=proposed[:3], by=referent)
plan.accept_proposals(diagnostic=submitted, items=proposed[3:4], by=referent, dismissed=True)
recommendation = submitted.catalogue.recommendations.get(number=3)
action = plan.add_action(
    diagnostic=submitted,
    by=referent,
    values={
        "recommendation": recommendation,
        "title": "Jumelage avec une ville du Québec",
        "owner": "Direction des relations internationales",
        "deadline_quarter": "2027-T2",
        "budget_amount": Decimal("12500.50"),
        "budget_line": "6574 — subventions",
    },
)
plan.update_action(
    action=action,
    by=referent,
    values={
        "status": ActionStatus.IN_PROGRESS,
        "deadline_date": date(2027, 6, 30),
        "deadline_quarter": "",
        "budget_amount": Decimal("15000.00"),
    },
    base_revision=action.revision,
)

# A report whose generation failed (no PDF stored) and one still queued: both add a task row.
failed = reports.request_report(diagnostic=submitted, variant=ReportVariant.SUMMARY, by=elu)
reports._fail(failed.pk, "La génération du rapport a échoué.")
reports.request_report(diagnostic=submitted, variant=ReportVariant.FULL, by=referent)

# A catalogue editor: staff, in a group with permissions, with one permission of their own on a
# model that moves to ``accounts`` (so its content type matters).
editors, _ = Group.objects.get_or_create(name="Éditeurs du catalogue")
editors.permissions.set(
    Permission.objects.filter(
        content_type__app_label="recommendations",
        codename__in=["view_recommendation", "change_recommendation", "view_question"],
    )
)
editor = User.objects.create_user(
    email="editeur@aeict.localhost",
    password=DEMO_PASSWORD,
    full_name="Éditeur du catalogue",
    is_staff=True,
)
editor.groups.add(editors)
editor.user_permissions.add(
    Permission.objects.get(content_type__app_label="diagnostics", codename="view_collectivite"),
    Permission.objects.get(content_type__app_label="diagnostics", codename="view_diagnostic"),
)

# Admin history: on a model that moves (Collectivite) and on one that stays (Group).
LogEntry.objects.log_actions(
    user_id=admin.pk,
    queryset=Collectivite.objects.filter(pk=main.pk),
    action_flag=CHANGE,
    change_message=[{"changed": {"fields": ["Population"]}}],
    single_object=True,
)
LogEntry.objects.log_actions(
    user_id=admin.pk,
    queryset=Group.objects.filter(pk=editors.pk),
    action_flag=ADDITION,
    change_message=[{"added": {}}],
    single_object=True,
)

# A logged-in session of the référent, and django-axes' records of logins.
session = SessionStore()
session[SESSION_KEY] = str(referent.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = referent.get_session_auth_hash()
session.create()
agent_ua = "Mozilla/5.0 (X11; Linux x86_64) démo"
attempt = AccessAttempt.objects.create(
    user_agent=agent_ua,
    ip_address="192.0.2.10",
    username="agent1@val-darmor.localhost",
    http_accept="text/html",
    path_info="/connexion/",
    get_data="",
    post_data="username=agent1@val-darmor.localhost",
    failures_since_start=2,
)
AccessAttemptExpiration.objects.create(
    access_attempt=attempt, expires_at=timezone.now() + timedelta(minutes=15)
)
for address in ("192.0.2.10", "2001:db8::10"):
    AccessFailureLog.objects.create(
        user_agent=agent_ua,
        ip_address=address,
        username="agent1@val-darmor.localhost",
        http_accept="text/html",
        path_info="/connexion/",
    )
AccessLog.objects.create(
    user_agent=agent_ua,
    ip_address="198.51.100.7",
    username=referent.email,
    http_accept="text/html",
    path_info="/connexion/",
    session_hash=hashlib.sha256(session.session_key.encode()).hexdigest(),
)
