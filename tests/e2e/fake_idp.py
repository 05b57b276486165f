"""A stand-in for a hospital's OpenID Connect identity provider, on loopback, for the sign-in
tests: the authorization endpoint hands out one-time codes (the user it signs in is the
login_hint, as if they had typed their password there) and the token endpoint exchanges them
for access tokens signed with the IdP key the test server trusts, checking what a real IdP
checks: the code once, the client, the redirect URI, and the PKCE verifier against the
challenge (S256). The client authenticates with its secret, or (client_key set) with a JWT
signed with its own private key, private_key_jwt (RFC 7523), checked as HelseID checks it:
signature, issuer and subject, audience the token endpoint, expiry, one use of each jti. The
IdP's signing keys are published at /jwks (a JSON Web Key Set the test sets and rotates)."""
import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import urllib.parse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakeIdp:
    def __init__(self, port, sign, client_id, secret=None, client_key=None):
        self.port = port
        self.sign = sign            # claims -> signed JWT
        self.client_id = client_id
        self.secret = secret
        self.client_key = client_key  # the client's P-256 public key: private_key_jwt
        self.token_url = f"http://127.0.0.1:{port}/token"
        self.assertion_audience = self.token_url  # what the client assertion's aud must be
        self.jwks = {"keys": []}    # what /jwks answers
        self.jwks_fetches = 0
        self.jtis = set()
        self.codes = {}             # code -> (username, challenge, redirect_uri)
        self.requests = []          # token requests as received (form dicts)
        self.broken = False         # answer the token endpoint with a 500
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/jwks":
                    idp.jwks_fetches += 1
                    return self.answer(200, idp.jwks)
                if url.path != "/authorize":
                    return self.answer(404, {"error": "not_found"})
                if (q.get("response_type") != "code" or q.get("client_id") != idp.client_id
                        or q.get("code_challenge_method") != "S256"):
                    return self.answer(400, {"error": "invalid_request"})
                code = idp.issue(q.get("login_hint", ""), q["code_challenge"], q["redirect_uri"])
                back = q["redirect_uri"] + "?" + urllib.parse.urlencode(
                    {"code": code, "state": q.get("state", "")})
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                idp.requests.append(form)
                if self.path != "/token":
                    return self.answer(404, {"error": "not_found"})
                if idp.broken:
                    return self.answer(500, {"message": "down for maintenance"})
                status, body = idp.token(form)
                self.answer(status, body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def issue(self, username, challenge, redirect_uri):
        code = secrets.token_urlsafe(24)
        self.codes[code] = (username, challenge, redirect_uri)
        return code

    def token(self, form):
        def refuse(why):
            return 400, {"error": "invalid_grant", "error_description": why}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        if self.client_key:
            why = self.client_assertion_refused(form)
            if why:
                return 401, {"error": "invalid_client", "error_description": why}
        elif form.get("client_id") != self.client_id or form.get("client_secret") != self.secret:
            return 401, {"error": "invalid_client"}
        entry = self.codes.pop(form.get("code", ""), None)
        if not entry:
            return refuse("unknown or used code")
        username, challenge, redirect_uri = entry
        if form.get("redirect_uri") != redirect_uri:
            return refuse("redirect_uri differs")
        verifier = form.get("code_verifier", "").encode()
        if b64url(hashlib.sha256(verifier).digest()) != challenge:
            return refuse("PKCE verification failed")
        return 200, {"access_token": self.sign({"preferred_username": username}),
                     "token_type": "Bearer", "expires_in": 300}

    def client_assertion_refused(self, form):
        """Why the client's private_key_jwt assertion is refused, or None."""
        if "client_secret" in form or form.get("client_assertion_type") != ASSERTION_TYPE:
            return "private_key_jwt expected"
        try:
            head, body, sig = form["client_assertion"].split(".")
            header, claims = json.loads(unb64url(head)), json.loads(unb64url(body))
            raw = unb64url(sig)
        except (KeyError, ValueError):
            return "malformed client assertion"
        if header.get("alg") != "ES256" or len(raw) != 64:
            return "ES256 expected"
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            self.client_key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "client assertion signature invalid"
        now = time.time()
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return "iss and sub must be the client id"
        if claims.get("aud") != self.assertion_audience:
            return f"aud must be {self.assertion_audience}"
        if not (now < claims.get("exp", 0) <= now + 300) or claims.get("iat", now + 60) > now + 5:
            return "client assertion expired or too long-lived"
        if claims.get("jti") in self.jtis or not claims.get("jti"):
            return "client assertion replayed"
        self.jtis.add(claims["jti"])
        self.last_assertion = (header, claims)
        return None
