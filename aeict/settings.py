"""Settings of the AEICT application, read from environment variables (see README)."""

import os
from datetime import timedelta
from pathlib import Path

import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

from aeict.env import database_from_url, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("AEICT_ALLOW_DEV_SECRET", default=False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "aeict.apps.AeictAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "django_countries",
    "accounts",
    "recommendations",
    "diagnostics",
    "notifications",
    "budget",
    "territories",
    "partnerships",
    "observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aeict.security.RejectNulBytesInHeadersMiddleware",
    "aeict.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "aeict.languages.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "aeict.security.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aeict.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "aeict.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"),
        base_dir=BASE_DIR,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the user of each request read by a query compiled once.
    "accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French is the source language and the default; English is a translation (locale/en). The
# language comes from the cookie the switch in the header sets (and sign-in, from the account),
# else from the browser's Accept-Language on a first visit (django.middleware.locale).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The official list of collectivités, downloaded once (manage.py fetch_territories), read offline.
TERRITORIES_CACHE_DIR = BASE_DIR / ".cache" / "decoupage-administratif"

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Evidence files (see diagnostics.evidence): the size of one file, in bytes, and how many files
# and links one question may have. A larger file is dropped while it is uploaded, never stored.
EVIDENCE_MAX_FILE_SIZE = env_int("EVIDENCE_MAX_FILE_SIZE", 10 * 1024 * 1024)
EVIDENCE_MAX_PER_QUESTION = env_int("EVIDENCE_MAX_PER_QUESTION", 20)
FILE_UPLOAD_HANDLERS = [
    "diagnostics.evidence.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Diagnostic AEICT <ne-pas-repondre@aeict.localhost>"
)
# Who runs the platform: shown on the « Mentions légales », « Données personnelles » and
# « Contact » pages. `manage.py check --deploy` warns while they keep these placeholders.
PLATFORM_OPERATOR = os.environ.get("PLATFORM_OPERATOR", "")
PLATFORM_OPERATOR_ADDRESS = os.environ.get("PLATFORM_OPERATOR_ADDRESS", "")
PUBLICATION_DIRECTOR = os.environ.get("PUBLICATION_DIRECTOR", "")
HOSTING_PROVIDER = os.environ.get("HOSTING_PROVIDER", "")
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contact@aeict.localhost")
DATA_PROTECTION_EMAIL = os.environ.get("DATA_PROTECTION_EMAIL", "") or CONTACT_EMAIL
# The address of the site as its users reach it, for the links of the mails the worker sends
# (it has no request to read it from).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# PDF reports and mails are made outside the request by a worker (manage.py db_worker) sharing
# the queue through the database; TASKS_BACKEND=immediate runs them in the request instead.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
REPORT_RENDER_TIMEOUT = env_int("REPORT_RENDER_TIMEOUT", 120)
# PDF renders queued per collectivité and per hour (a report already generated costs nothing).
REPORT_RENDER_LIMIT_PER_HOUR = env_int("REPORT_RENDER_LIMIT_PER_HOUR", 20)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# Sessions are kept in the database and read through the cache: one query less per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
INVITATION_MAX_AGE = env_int("INVITATION_MAX_AGE", 60 * 60 * 24 * 7)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

# HTTPS and browser protections: on in production, off with DEBUG (see docs/production.md).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "aeict.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies of ours append to X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed logins: a 15-minute cool-off per (address, e-mail) pair, so that nobody can lock a
# known user out for good from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "aeict.security.client_ip"

_CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "aeict_cache",
    },
}
_cache_backend = os.environ.get("CACHE_BACKEND", "locmem")
if _cache_backend not in _CACHES:
    raise ImproperlyConfigured(f"CACHE_BACKEND must be one of {', '.join(_CACHES)}")
CACHES = {"default": _CACHES[_cache_backend]}
# Per hour: password-reset requests per IP address, invitations per référent. Per e-mail
# address, one reset mail at most every PASSWORD_RESET_EMAIL_INTERVAL seconds: never more, so
# that nobody can lock its owner out for long.
PASSWORD_RESET_LIMIT_PER_IP = 5
PASSWORD_RESET_EMAIL_INTERVAL = 5 * 60
INVITATION_LIMIT_PER_USER = 20
# Access requests (« Demander un accès ») per IP address and hour.
ACCESS_REQUEST_LIMIT_PER_IP = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ProConnect sign-in (OpenID Connect), off unless its issuer, client id and secret are set; the
# endpoints default to ProConnect's under the issuer (see README).
PROCONNECT_ENABLED = False
_proconnect_issuer = os.environ.get("PROCONNECT_ISSUER", "").strip()
_proconnect_client_id = os.environ.get("PROCONNECT_CLIENT_ID", "").strip()
_proconnect_secret = os.environ.get("PROCONNECT_CLIENT_SECRET", "").strip()
if _proconnect_issuer or _proconnect_client_id or _proconnect_secret:
    if not (_proconnect_issuer and _proconnect_client_id and _proconnect_secret):
        raise ImproperlyConfigured(
            "ProConnect needs PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET"
        )
    from aeict.proconnect_settings import proconnect_settings

    globals().update(
        proconnect_settings(
            issuer=_proconnect_issuer,
            client_id=_proconnect_client_id,
            client_secret=_proconnect_secret,
            scopes=os.environ.get("PROCONNECT_SCOPES", "openid email given_name usual_name siret"),
            content_security_policy=CONTENT_SECURITY_POLICY,
            endpoints={
                name: os.environ.get(f"PROCONNECT_{name.upper()}_ENDPOINT", "").strip()
                for name in ("authorization", "token", "userinfo", "jwks", "end_session")
            },
            timeout=env_int("PROCONNECT_TIMEOUT", 10),
        )
    )
