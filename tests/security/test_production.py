"""The production configuration: Django's deployment checks, security headers, and a strict CSP."""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from aeict.env import database_from_url
from tests.factories import DiagnosticFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "aeict.example.fr",
    "DJANGO_SETTINGS_MODULE": "aeict.settings",
    # Who runs the platform, for the legal notice (accounts.checks warns without them).
    "PLATFORM_OPERATOR": "Exploitant",
    "PLATFORM_OPERATOR_ADDRESS": "Adresse",
    "PUBLICATION_DIRECTOR": "Direction",
    "HOSTING_PROVIDER": "Hébergeur",
    "CONTACT_EMAIL": "contact@aeict.example.fr",
}
# Variables of this file's subject that the surrounding environment must not decide.
CLEARED = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "DB_CONN_MAX_AGE",
    "CACHE_BACKEND",
    "TRUSTED_PROXY_COUNT",
    "AEICT_ALLOW_DEV_SECRET",
]


def run_with(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checks_pass_without_a_warning_in_production():
    result = run_with(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_the_deployment_checks_ask_who_runs_the_platform():
    env = {**PRODUCTION_ENV, "PLATFORM_OPERATOR": "", "HOSTING_PROVIDER": ""}
    result = run_with(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "aeict.W001" in result.stderr
    assert "PLATFORM_OPERATOR, HOSTING_PROVIDER" in result.stderr


def test_the_deployment_checks_complain_about_a_short_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "court"}
    result = run_with(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "conn_max_age": s.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "cache": s.CACHES["default"]["BACKEND"],
    "static": s.STORAGES["staticfiles"]["BACKEND"],
    "hasher": s.PASSWORD_HASHERS[0],
}))
"""


def test_production_settings_follow_the_environment():
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://aeict:secret@db.example.fr:5432/aeict",
        "DB_CONN_MAX_AGE": "300",
        "SECURE_PROXY_SSL_HEADER": "1",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_BACKEND": "database",
    }
    result = run_with(env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {
        "conn_max_age": 300,
        "health_checks": True,
        "ssl_redirect": False,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hsts": 31536000,
        "session_secure": True,
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
    }


def test_development_settings_stay_on_plain_http():
    env = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "aeict.settings"}
    result = run_with(env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["ssl_redirect"] is False
    assert shown["hsts"] == 0
    assert shown["session_secure"] is False


def test_a_wrong_cache_backend_stops_the_start_with_a_clear_message():
    result = run_with({**PRODUCTION_ENV, "CACHE_BACKEND": "redis"}, "-c", SHOW_SETTINGS)
    assert result.returncode != 0
    assert "CACHE_BACKEND must be one of locmem, database" in result.stderr


def test_database_connections_are_persistent_and_checked(tmp_path):
    config = database_from_url(
        "postgres://u@localhost:5432/aeict", base_dir=tmp_path, conn_max_age=120
    )
    assert config["CONN_MAX_AGE"] == 120
    assert config["CONN_HEALTH_CHECKS"] is True


# --- Headers ----------------------------------------------------------------------------------


def csp_directives(response) -> dict:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_pages_carry_a_strict_content_security_policy(client, db):
    directives = csp_directives(client.get(reverse("home")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    for values in directives.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values


def test_pages_carry_the_security_headers_over_https(client, db):
    response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment"]:
        assert f"{feature}=()" in policy


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/nulle-part/", secure=True)
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers
    assert "Permissions-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


def test_plain_http_is_sent_to_https_in_production(db):
    from django.test import Client

    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get(reverse("methode"))
    assert response.status_code == 301
    assert response.url == "https://testserver/methode/"


def test_session_and_csrf_cookies_are_secure_and_out_of_reach_of_scripts(client, db):
    user = UserFactory()
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": "mot-de-passe-de-test"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    # Forgotten when the browser closes, and on the server after SESSION_COOKIE_AGE anyway.
    assert not session["max-age"] and not session["expires"]


# --- No inline code, so that the policy never needs 'unsafe-inline' --------------------------


class InlineCode(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, event handlers, style attributes."""

    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.found.append("<style> element")
        inline = tag == "script" and "src" not in attributes
        if inline and attributes.get("type") not in self.DATA_TYPES:
            self._in_inline_script = True
        if tag == "a" and (attributes.get("href") or "").lower().startswith("javascript:"):
            self.found.append("javascript: link")

    def handle_endtag(self, tag):
        if tag == "script" and self._in_inline_script:
            self.found.append("inline <script>")
            self._in_inline_script = False


def inline_code(html: str) -> list:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_templates_have_no_inline_script_or_style():
    found = {}
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.relative_to(ROOT / "templates").parts:
            continue  # read by WeasyPrint, never by a browser
        problems = inline_code(path.read_text())
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert not found


@pytest.fixture
def staff_client(client, catalogue):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_works_under_the_policy(staff_client, catalogue):
    urls = [
        reverse("admin:index"),
        reverse("admin:recommendations_catalogueversion_changelist"),
        reverse("admin:recommendations_catalogueversion_change", args=[catalogue.pk]),
        reverse("admin:recommendations_question_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers
        assert inline_code(response.content.decode()) == [], url


def test_the_application_pages_have_no_inline_code(client, catalogue, collectivite, referent):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    client.force_login(referent)
    urls = [
        reverse("home"),
        reverse("methode"),
        reverse("dashboard"),
        reverse("members", args=[collectivite.public_id]),
        reverse("diagnostic_overview", args=[diagnostic.public_id]),
        reverse("diagnostic_recommendation", args=[diagnostic.public_id, 1]),
        reverse("diagnostic_results", args=[diagnostic.public_id]),
        reverse("diagnostic_plan", args=[diagnostic.public_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url
    client.logout()
    for name in ["login", "password_reset"]:
        assert inline_code(client.get(reverse(name)).content.decode()) == [], name


def test_the_web_server_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in CLEARED and k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import aeict.wsgi"],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "aeict.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_management_commands_without_a_secret_key_are_flagged_by_the_deploy_check():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    base = {k: v for k, v in os.environ.items() if k not in CLEARED and k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr
