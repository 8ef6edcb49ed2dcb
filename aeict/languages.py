"""The language of the interface: the switch in the header, the cookie that keeps it, the language
remembered on the account and applied at sign-in (LocaleMiddleware reads the cookie), and where
each language puts the units of figures (€, %, hours)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import get_language, get_supported_language_variant

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def current_language() -> str:
    """The active language as one of settings.LANGUAGES (« fr », « en »): the <html lang>."""
    try:
        return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def language_of(user) -> str:
    """The language of what a person receives (mails): the one their account chose, else the
    site's (French)."""
    language = getattr(user, "language", "")
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _remember_account_language(sender, request, user, **kwargs):
    """On sign-in (the login form, ProConnect, an accepted invitation: all go through Django's
    login), the account's language is the one to use from now on; the middleware sets the cookie.
    An account that never chose keeps the language of the visit."""
    language = getattr(user, "language", "")
    if request is not None and language in LANGUAGE_CODES:
        request.account_language = language


user_logged_in.connect(_remember_account_language, dispatch_uid="aeict.languages.sign_in")


class AccountLanguageMiddleware:
    """Sets the language cookie on the response of a sign-in. It reads only what the sign-in
    left on the request: ordinary requests load neither the session's user nor anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "account_language", None)
        if language:
            set_language_cookie(response, language)
        return response


# Where the unit goes, per language: French « 41 800 € », « 12,5 % », « 14 h 05 »; English
# « €41,800 », « 12.5% », « 14:05 ». Numbers themselves follow Django's formats of the language.
MINUS = "\u2212"


def is_english() -> bool:
    return current_language() == "en"


def with_euros(number: str, *, negative: bool = False) -> str:
    """An amount already formatted as a number (without its sign): « 41 800 € » / « €41,800 »,
    with a true minus sign when negative (« −8 200 € » / « −€8,200 »)."""
    sign = MINUS if negative else ""
    if is_english():
        return f"{sign}€{number}"
    return f"{sign}{number}\u00a0€"


def quote(text) -> str:
    """A text quoted as the language does: « … » with non-breaking spaces, or “…”."""
    return f"\u201c{text}\u201d" if is_english() else f"«\u00a0{text}\u00a0»"


def with_percent(number, *, space: str = "\u00a0") -> str:
    """« 12,5 % » in French (a non-breaking space before the sign), « 12.5% » in English."""
    if number is None or number == "":
        return number
    return f"{number}%" if is_english() else f"{number}{space}%"


def time_of_day_format() -> str:
    """The format (Django's date_format) of a time of day: « 14 h 05 » / « 14:05 »."""
    return "H:i" if is_english() else "H \\h i"
