"""A small OpenID provider for the tests, shaped like ProConnect: authorisation code flow with
PKCE, RS256-signed ID tokens, userinfo as a signed JWT (application/jwt), JWKS and end_session.

It runs in a thread on 127.0.0.1 and signs in, without asking, the person of ``next_claims``.
``tamper`` spoils the next tokens on purpose (expired, wrongly signed, another audience, another
nonce) so that tests can check they are refused.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from aeict.proconnect_settings import proconnect_settings

CLIENT_ID = "aeict-tests"
CLIENT_SECRET = "secret-des-tests-0123456789"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self):
        self.key = _new_key()
        self.other_key = _new_key()  # never published: what it signs cannot be verified
        self.kid = "cle-1"
        self.codes = {}
        self.next_claims = {}
        self.tamper = set()
        self.end_session_calls = []
        self.token_calls = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def settings(self, content_security_policy):
        return proconnect_settings(
            issuer=self.url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            scopes="openid email given_name usual_name siret",
            content_security_policy=content_security_policy,
            timeout=5,
        )

    # --- tokens -------------------------------------------------------------------------------

    def _sign(self, claims):
        key = self.other_key if "bad_signature" in self.tamper else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def _id_token(self, grant):
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": grant["claims"]["sub"],
            "aud": "un-autre-service" if "audience" in self.tamper else CLIENT_ID,
            "iat": now,
            "exp": now - 600 if "expired" in self.tamper else now + 60,
            "nonce": "autre-nonce" if "nonce" in self.tamper else grant["nonce"],
            "acr": "eidas1",
        }
        return self._sign(claims)

    def _userinfo(self, grant):
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": int(time.time()), **grant["claims"]}
        return self._sign(claims)

    def jwks(self):
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # --- HTTP ---------------------------------------------------------------------------------

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", content_type="application/json", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status, data):
                self._send(status, json.dumps(data).encode())

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                path = parts.path.removeprefix("/api/v2")
                if path == "/authorize":
                    return self.authorize(query)
                if path == "/jwks":
                    return self._json(200, provider.jwks())
                if path == "/userinfo":
                    return self.userinfo()
                if path == "/session/end":
                    provider.end_session_calls.append(query)
                    target = query.get("post_logout_redirect_uri")
                    if target:
                        return self._send(302, headers={"Location": target})
                    return self._send(200, b"<p>Deconnecte</p>", "text/html")
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                if urlsplit(self.path).path.removeprefix("/api/v2") != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                return self.token(form)

            def authorize(self, query):
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._json(400, {"error": "invalid_request"})
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    return self._json(400, {"error": "invalid_request", "pkce": "required"})
                code = secrets.token_urlsafe(24)
                provider.codes[code] = {
                    "redirect_uri": query["redirect_uri"],
                    "challenge": query["code_challenge"],
                    "nonce": query.get("nonce"),
                    "claims": dict(provider.next_claims),
                    "used": False,
                }
                location = (
                    query["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": query.get("state", "")})
                )
                return self._send(302, headers={"Location": location})

            def token(self, form):
                provider.token_calls += 1
                if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json(401, {"error": "invalid_client"})
                grant = provider.codes.get(form.get("code", ""))
                if grant is None or grant["used"]:
                    return self._json(400, {"error": "invalid_grant"})
                grant["used"] = True  # a code is good once
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    challenge != grant["challenge"]
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(24)
                provider.codes[access_token] = grant
                return self._json(
                    200,
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "id_token": provider._id_token(grant),
                    },
                )

            def userinfo(self):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                grant = provider.codes.get(token)
                if grant is None:
                    return self._json(401, {"error": "invalid_token"})
                body = provider._userinfo(grant).encode()
                return self._send(200, body, "application/jwt")

        return Handler
