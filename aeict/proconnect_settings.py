"""The settings of ProConnect sign-in (mozilla-django-oidc), from its few parameters.

Used by aeict.settings when PROCONNECT_* variables are set, and by the tests that turn it on.
"""

import copy
from urllib.parse import urlsplit

# ProConnect's endpoints, under its issuer (https://auth.agentconnect.gouv.fr/api/v2).
DEFAULT_PATHS = {
    "authorization": "/authorize",
    "token": "/token",
    "userinfo": "/userinfo",
    "jwks": "/jwks",
    "end_session": "/session/end",
}


def proconnect_settings(
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    scopes: str,
    content_security_policy: dict,
    endpoints: dict | None = None,
    timeout: int = 10,
) -> dict:
    issuer = issuer.rstrip("/")
    urls = {name: issuer + path for name, path in DEFAULT_PATHS.items()}
    urls.update({name: url for name, url in (endpoints or {}).items() if url})
    # The logout form posts, then is sent on to the provider: the browser must allow it.
    csp = copy.deepcopy(content_security_policy)
    parts = urlsplit(urls["end_session"])
    origin = f"{parts.scheme}://{parts.netloc}"
    csp["DIRECTIVES"]["form-action"] = [*csp["DIRECTIVES"]["form-action"], origin]
    return {
        "PROCONNECT_ENABLED": True,
        "PROCONNECT_ISSUER": issuer,
        "PROCONNECT_END_SESSION_ENDPOINT": urls["end_session"],
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SCOPES": scopes,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": urls["authorization"],
        "OIDC_OP_TOKEN_ENDPOINT": urls["token"],
        "OIDC_OP_USER_ENDPOINT": urls["userinfo"],
        "OIDC_OP_JWKS_ENDPOINT": urls["jwks"],
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_TIMEOUT": timeout,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "proconnect_callback",
        "OIDC_OP_LOGOUT_URL_METHOD": "accounts.proconnect.end_session_url",
        "CONTENT_SECURITY_POLICY": csp,
    }
