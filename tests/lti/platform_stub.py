"""A learning platform for the tests (a small Moodle or Canvas): its own RSA key and JWKS,
an access-token endpoint and a gradebook column, served over real HTTP from a thread, and
the id_tokens it would post to a tool."""

from __future__ import annotations

import html
import json
import threading
import time
import uuid
from urllib.parse import parse_qs, urlencode

from jwcrypto import jwk, jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


class Platform:
    client_id = "tool-client-1"
    deployment_id = "deployment-1"

    def __init__(self) -> None:
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="platform-key-1")
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.score_auth: list[str] = []
        self.fail_scores = 0
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.base = f"http://127.0.0.1:{self._server.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()

    # What a registration of this platform holds.
    @property
    def issuer(self) -> str:
        return self.base

    @property
    def urls(self) -> dict[str, str]:
        return {
            "auth_login_url": f"{self.base}/auth",
            "auth_token_url": f"{self.base}/token",
            "key_set_url": f"{self.base}/jwks",
        }

    @property
    def lineitem(self) -> str:
        return f"{self.base}/courses/7/lineitems/1/lineitem"

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/jwks":
            body = json.dumps({"keys": [json.loads(self.key.export_public())]})
            response = Response(body, mimetype="application/json")
        elif request.path == "/token" and request.method == "POST":
            self.token_requests.append(dict(request.form))
            body = {"access_token": "platform-access-token", "token_type": "Bearer",
                    "expires_in": 3600, "scope": request.form.get("scope", "")}  # fmt: skip
            response = Response(json.dumps(body), mimetype="application/json")
        elif request.path.endswith("/lineitem/scores") and request.method == "POST":
            if self.fail_scores:
                self.fail_scores -= 1
                response = Response("busy", status=503)
            else:
                self.score_auth.append(request.headers.get("Authorization", ""))
                self.scores.append(json.loads(request.get_data()))
                response = Response("{}", mimetype="application/json")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def id_token(
        self, nonce: str, *, message: str = "LtiResourceLinkRequest", changes: dict | None = None
    ) -> str:
        """A signed launch as this platform would post it; `changes` replace claims (a value
        of None removes one)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "learner-subject-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Robin Reader",
            CLAIM + "message_type": message,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "target_link_uri": "http://localhost/lti/launch",
            CLAIM + "roles": [LEARNER],
        }
        if message == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"id": "resource-link-1"}
        else:
            claims[DL] = {
                "deep_link_return_url": f"{self.base}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "platform-data-1",
            }
        for name, value in (changes or {}).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        token = jwt.JWT(header={"alg": "RS256", "kid": self.key.get("kid")}, claims=claims)
        token.make_signed_token(self.key)
        return token.serialize()

    def ags(self) -> dict:
        return {"scope": [SCORE_SCOPE, LINEITEM_SCOPE], "lineitem": self.lineitem,
                "lineitems": f"{self.base}/courses/7/lineitems"}  # fmt: skip


def new_subject() -> str:
    return str(uuid.uuid4())


class FramingPlatform(Platform):
    """The platform with pages a browser visits: a course page that frames the tool's login,
    the OIDC authorization endpoint that answers with the signed launch (a form it submits),
    and the deep-linking return address, which keeps what the tool sent back."""

    def __init__(self, tool: str, changes: dict, message: str = "LtiResourceLinkRequest"):
        super().__init__()
        self.tool, self.changes, self.message = tool, changes, message
        self.returned: list[str] = []

    def login_query(self) -> str:
        return urlencode({
            "iss": self.issuer, "login_hint": "hint", "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            "target_link_uri": f"{self.tool}/lti/launch",
        })  # fmt: skip

    def _page(self, title: str, body: str) -> Response:
        page = f'<!doctype html><html lang="en"><title>{title}</title><main>{body}</main></html>'
        return Response(page, mimetype="text/html")

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/course-page":
            src = f"{self.tool}/lti/login?{self.login_query()}"
            frame = (
                '<h1>Platform course</h1><iframe id="tool" title="Course" width="900" '
                f'height="700" src="{src}"></iframe>'
            )
            return self._page("Platform course", frame)(environ, start_response)
        if request.path == "/auth":
            params = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
            token = self.id_token(params["nonce"], message=self.message, changes=self.changes)
            form = (
                f'<form method="post" action="{html.escape(params["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(params["state"])}">'
                "</form><script>document.forms[0].submit()</script>"
            )
            return self._page("Signing in", form)(environ, start_response)
        if request.path == "/deep-link-return" and request.method == "POST":
            self.returned.append(request.form["JWT"])
            return self._page("Placed", "<h1>Placed</h1>")(environ, start_response)
        return super().__call__(environ, start_response)
