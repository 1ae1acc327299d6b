"""A loopback HTTPS fake of the Microsoft identity platform (the part msal's client
credentials flow uses) and of Graph's event creation, speaking their documented APIs.

It serves, under one TLS certificate from its own test CA (``trustme``):

- ``GET /{tenant}/v2.0/.well-known/openid-configuration`` — the authority's metadata;
- ``POST /{tenant}/oauth2/v2.0/token`` — client credentials: checks ``grant_type``,
  ``client_id``, the secret (form field or HTTP Basic, RFC 6749 §2.3.1) and ``scope``, and
  answers like Entra (a wrong secret is 401 ``invalid_client``, AADSTS7000215);
- ``POST /v1.0/users/{id}/events`` — needs a bearer token it issued, validates the event,
  keeps ``transactionId`` idempotent and answers 201 with ``id`` and
  ``onlineMeeting.joinUrl``.

It records every request and can be told to fail: the next k event or token calls with a
chosen status (and ``Retry-After``), or every event call (403).
"""

from __future__ import annotations

import base64
import itertools
import re
import secrets
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import trustme
from aiohttp import web
from aiohttp.test_utils import TestServer

TENANT = "7c3e1a52-9d4b-4f0e-8a61-2b5d9c0e4f17"
CLIENT_ID = "2f9a6c1d-5b8e-4d3a-9c7f-1e0b4a6d8c25"
CLIENT_SECRET = "fake-secret-value"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
LOCAL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str] | None
    json: Any
    status: int


@dataclass
class Fault:
    status: int
    code: str
    times: int | None  # None: every call
    retry_after: str | None = None


@dataclass
class FakeGraph:
    tenant: str = TENANT
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    token_lifetime: int = 3599  # seconds, as Entra's expires_in
    ca: trustme.CA = field(default_factory=trustme.CA)
    calls: list[Recorded] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # by event id
    tokens: set[str] = field(default_factory=set)
    event_faults: list[Fault] = field(default_factory=list)
    feed_faults: list[Fault] = field(default_factory=list)
    # the activity types the app declares (as its manifest does), and what each says
    activity_types: dict[str, str] = field(default_factory=dict)
    token_faults: list[Fault] = field(default_factory=list)
    server: TestServer | None = None
    ca_path: Path | None = None
    _by_transaction: dict[tuple[str, str], str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- set-up ---------------------------------------------------------------------

    async def start(self, directory: Path) -> None:
        """Listen on 127.0.0.1 with TLS; write the CA that signed the certificate to
        ``directory/graph-ca.pem`` (``ca_path``) for clients to trust."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        self.ca_path = directory / f"graph-ca-{id(self)}.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_path))
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server(ssl=context)

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        """The authority base (``graph_authority``)."""
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    @property
    def graph_url(self) -> str:
        """Graph's base (``graph_base_url``)."""
        return f"{self.url}/v1.0"

    def fail_events(
        self, status: int, *, times: int | None = 1, code: str = "", retry_after: str | None = None
    ) -> None:
        """Answer the next ``times`` event calls (every one if None) with ``status``."""
        self.event_faults.append(Fault(status, code or _graph_code(status), times, retry_after))

    def fail_notifications(
        self, status: int, *, times: int | None = 1, retry_after: str | None = None
    ) -> None:
        """Answer the next ``times`` activity notifications with ``status``."""
        self.feed_faults.append(Fault(status, _graph_code(status), times, retry_after))

    def fail_tokens(self, status: int, *, error: str, times: int | None = 1) -> None:
        """Answer the next ``times`` token requests with ``status`` and an OAuth ``error``."""
        self.token_faults.append(Fault(status, error, times))

    # --- what the tests read --------------------------------------------------------

    def token_requests(self) -> list[Recorded]:
        return [c for c in self.calls if c.path.endswith("/oauth2/v2.0/token")]

    def event_requests(self) -> list[Recorded]:
        return [c for c in self.calls if c.path.endswith("/events")]

    def notifications(self) -> list[Recorded]:
        """Activity notifications Graph took (204), in order."""
        return [
            c
            for c in self.calls
            if c.path.endswith("/sendActivityNotification") and c.status == 204
        ]

    # --- the endpoints --------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(
            "/{tenant}/v2.0/.well-known/openid-configuration", self._openid_configuration
        )
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post("/v1.0/users/{user}/events", self._create_event)
        app.router.add_post("/v1.0/teams/{team}/sendActivityNotification", self._notify)
        app.router.add_post("/v1.0/users/{user}/teamwork/sendActivityNotification", self._notify)
        return app

    def _answer(
        self,
        request: web.Request,
        status: int,
        payload: Any,
        *,
        form: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        self.calls.append(
            Recorded(request.method, request.path, dict(request.headers), form, body, status)
        )
        return web.json_response(payload, status=status, headers=headers)

    async def _openid_configuration(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        if tenant != self.tenant:
            return self._answer(
                request, 400, _oauth_error("invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
            )
        base = f"{self.url}/{tenant}"
        return self._answer(
            request,
            200,
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "jwks_uri": f"{self.url}/{tenant}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token", "code id_token", "token id_token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "tenant_region_scope": "EU",
            },
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        fault = _next(self.token_faults)
        if fault is not None:
            return self._answer(
                request, fault.status, _oauth_error(fault.code, 0, "Scripted failure."), form=form
            )
        if request.match_info["tenant"] != self.tenant:
            return self._answer(
                request, 400, _oauth_error("invalid_request", 90002, "Tenant not found."), form=form
            )
        if form.get("grant_type") != "client_credentials":
            return self._answer(
                request,
                400,
                _oauth_error(
                    "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
                ),
                form=form,
            )
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
            client_id, secret = client_id or unquote_plus(user), unquote_plus(password)
        if client_id != self.client_id:
            return self._answer(
                request,
                400,
                _oauth_error(
                    "unauthorized_client", 700016, "Application not found in the directory."
                ),
                form=form,
            )
        if secret != self.client_secret:
            return self._answer(
                request,
                401,
                _oauth_error("invalid_client", 7000215, "Invalid client secret provided."),
                form=form,
            )
        if form.get("scope") != GRAPH_SCOPE:
            return self._answer(
                request,
                400,
                _oauth_error(
                    "invalid_scope", 1002012, "The provided value for scope is not valid."
                ),
                form=form,
            )
        token = f"fake-token-{secrets.token_urlsafe(16)}"
        self.tokens.add(token)
        return self._answer(
            request,
            200,
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            },
            form=form,
        )

    async def _refused(
        self, request: web.Request, faults: list[Fault]
    ) -> tuple[Any, web.Response | None]:
        """The request's JSON body, and Graph's answer instead of the call's own: a scripted
        fault, or 401 without a token this fake issued."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        fault = _next(faults)
        if fault is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            return body, self._answer(
                request,
                fault.status,
                _graph_error(fault.code, "Scripted failure."),
                body=body,
                headers=headers,
            )
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.tokens:
            return body, self._answer(
                request,
                401,
                _graph_error("InvalidAuthenticationToken", "Access token is empty or invalid."),
                body=body,
            )
        return body, None

    async def _create_event(self, request: web.Request) -> web.Response:
        body, refused = await self._refused(request, self.event_faults)
        if refused is not None:
            return refused
        problem = _event_problem(body)
        if problem is not None:
            return self._answer(
                request, 400, _graph_error("ErrorInvalidRequest", problem), body=body
            )
        user = request.match_info["user"]
        transaction = body.get("transactionId")
        if transaction and (user, transaction) in self._by_transaction:
            event = self.events[self._by_transaction[(user, transaction)]]
            return self._answer(request, 201, event, body=body)
        number = next(self._ids)
        event_id = f"AAMkAGI2TG93AAA{number:06d}="
        event = {
            **body,
            "id": event_id,
            "organizer": {"emailAddress": {"name": "organizer", "address": f"{user}@fake"}},
            "onlineMeeting": {
                "joinUrl": f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{number}"
                "%40thread.v2/0"
            },
        }
        self.events[event_id] = event
        if transaction:
            self._by_transaction[(user, transaction)] = event_id
        return self._answer(request, 201, event, body=body)

    async def _notify(self, request: web.Request) -> web.Response:
        """``sendActivityNotification`` as Graph documents it: a topic (text with a Teams deep
        link), a declared activity type, a preview, the template's parameters, and — in a
        team — the recipient by object id; 204 with no body."""
        body, refused = await self._refused(request, self.feed_faults)
        if refused is not None:
            return refused
        problem = _notification_problem(body, self.activity_types, "team" in request.match_info)
        if problem is not None:
            return self._answer(request, 400, _graph_error("BadRequest", problem), body=body)
        self.calls.append(
            Recorded(request.method, request.path, dict(request.headers), None, body, 204)
        )
        return web.Response(status=204)


def _notification_problem(body: Any, declared: dict[str, str], in_team: bool) -> str | None:
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    topic = body.get("topic")
    if not isinstance(topic, dict) or topic.get("source") not in ("text", "entityUrl"):
        return "topic.source must be 'text' or 'entityUrl'."
    if topic.get("source") == "text" and not str(topic.get("webUrl", "")).startswith(
        "https://teams.microsoft.com/l/"
    ):
        return "A text topic needs a Teams deep link as webUrl."
    if not isinstance(topic.get("value"), str) or not topic["value"]:
        return "topic.value is required."
    kind = body.get("activityType")
    if kind not in declared:
        return f"activityType {kind!r} is not declared in the app manifest."
    preview = body.get("previewText")
    if not isinstance(preview, dict) or not isinstance(preview.get("content"), str):
        return "previewText.content is required."
    if len(preview["content"]) > 150:
        return "previewText.content is longer than 150 characters."
    parameters = body.get("templateParameters")
    if not isinstance(parameters, list) or not all(
        isinstance(p, dict) and set(p) == {"name", "value"} for p in parameters
    ):
        return "templateParameters must be a list of name and value."
    wanted = set(re.findall(r"\{(\w+)\}", declared[kind])) - {"actor"}
    if {p["name"] for p in parameters} != wanted:
        return f"templateParameters must give exactly {sorted(wanted)}."
    chain = body.get("chainId")
    if chain is not None and (not isinstance(chain, int) or not 0 <= chain < 2**63):
        return "chainId must be an Int64."
    recipient = body.get("recipient")
    if in_team:
        if (
            not isinstance(recipient, dict)
            or recipient.get("@odata.type") != ("microsoft.graph.aadUserNotificationRecipient")
            or not recipient.get("userId")
        ):
            return "A team's notification needs an aadUserNotificationRecipient."
    elif recipient is not None:
        return "A user's notification has its recipient in the path."
    return None


def _next(faults: list[Fault]) -> Fault | None:
    if not faults:
        return None
    fault = faults[0]
    if fault.times is not None:
        fault.times -= 1
        if fault.times <= 0:
            faults.pop(0)
    return fault


def _graph_code(status: int) -> str:
    return {
        400: "ErrorInvalidRequest",
        403: "ErrorAccessDenied",
        404: "ErrorItemNotFound",
        429: "ApplicationThrottled",
        503: "ServiceNotAvailable",
    }.get(status, "generalException")


def _graph_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _oauth_error(error: str, aadsts: int, description: str) -> dict[str, Any]:
    return {
        "error": error,
        "error_description": f"AADSTS{aadsts}: {description}",
        "error_codes": [aadsts],
    }


def _event_problem(body: Any) -> str | None:
    """Why Graph would refuse this event body, or None (the fields we rely on)."""
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    if not isinstance(body.get("subject"), str) or not body["subject"]:
        return "subject is required."
    content = body.get("body")
    if not isinstance(content, dict) or content.get("contentType") not in ("html", "text"):
        return "body.contentType must be html or text."
    if not isinstance(content.get("content"), str):
        return "body.content must be a string."
    for name in ("start", "end"):
        moment = body.get(name)
        if not isinstance(moment, dict):
            return f"{name} is required."
        if not LOCAL_DATE_TIME.match(str(moment.get("dateTime", ""))):
            return f"{name}.dateTime must be a local date and time without offset."
        try:
            ZoneInfo(str(moment.get("timeZone") or ""))
        except (ZoneInfoNotFoundError, ValueError):
            return f"{name}.timeZone is not a known time zone."
    if body["start"]["timeZone"] == body["end"]["timeZone"] and (
        body["end"]["dateTime"] <= body["start"]["dateTime"]
    ):
        return "The event must end after it starts."
    attendees = body.get("attendees", [])
    if not isinstance(attendees, list):
        return "attendees must be a list."
    for attendee in attendees:
        address = (attendee.get("emailAddress") or {}).get("address")
        if not isinstance(address, str) or "@" not in address:
            return "Every attendee needs an emailAddress.address."
        if attendee.get("type", "required") not in ("required", "optional", "resource"):
            return "attendee.type must be required, optional or resource."
    if body.get("isOnlineMeeting") is not True:
        return "isOnlineMeeting must be true."
    if body.get("onlineMeetingProvider") != "teamsForBusiness":
        return "onlineMeetingProvider must be teamsForBusiness."
    return None
