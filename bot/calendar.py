"""Outlook calendar invitations with a Teams meeting, through Microsoft Graph.

``GraphCalendar.create_event(invitation)`` gets an app-only token with msal (client
credentials, cached until it nears its end) and creates the event in the organizer's
calendar with ``POST /users/{organizer}/events``. It does not retry: a failure raises
``CalendarTransientError`` (try again later, perhaps after ``retry_after`` seconds) or
``CalendarPermanentError`` (trying again will not help), and the caller — the outbox —
decides. A retry is safe: the event's ``transactionId`` is derived from the invitation's
key, so Graph returns the event it already made instead of making a second one.

Graph needs an e-mail address (or UPN) for every attendee. People whose address is not
known are left off the invitation and named (by object id) in ``CreatedEvent.uninvited``,
so the caller can tell them in Teams; the organizer is never invited to their own event.

Logs carry statuses, error codes and transaction ids only: no tokens, secrets, names or
addresses.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Self
from urllib.parse import quote
from zoneinfo import ZoneInfo

import aiohttp
import msal
import requests
from msal.exceptions import MsalServiceError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from bot.delivery.retry import parse_retry_after
from bot.settings import Settings

log = logging.getLogger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TEAMS_PROVIDER = "teamsForBusiness"
# Statuses after which the same request may well succeed later. Every 5xx is included:
# the transactionId makes a repeat harmless even if the first attempt did create the event.
TRANSIENT_STATUSES = frozenset({429}) | frozenset(range(500, 600))
# Token errors (RFC 6749 §5.2 and Entra) that mean "the service, not the request, failed"
TRANSIENT_TOKEN_ERRORS = frozenset({"temporarily_unavailable", "server_error"})
# Namespace of the transaction ids; changing it would break idempotency across versions.
TRANSACTION_NAMESPACE = uuid.UUID("5a0b6f0e-7d3c-4c59-9a77-2f1e0c8b4d21")


class CalendarError(Exception):
    """The event was not created."""


class CalendarTransientError(CalendarError):
    """Graph or the token service is busy or unreachable; the same call may succeed later.

    ``retry_after`` is the wait Graph asked for (``Retry-After``), in seconds, if it did.
    """

    def __init__(self, status: int | None, code: str, retry_after: float | None = None) -> None:
        self.status = status
        self.code = code
        self.retry_after = retry_after
        wait = f", retry after {retry_after:g}s" if retry_after is not None else ""
        super().__init__(f"calendar unavailable: {status or '-'} {code}{wait}")


class CalendarPermanentError(CalendarError):
    """Graph or the token service refused the request; repeating it will not help.

    ``status`` is Graph's HTTP status (None for a refused token, where msal gives no
    status); ``code`` is Graph's error code or msal's OAuth error (``invalid_client`` …).
    """

    def __init__(self, status: int | None, code: str) -> None:
        self.status = status
        self.code = code
        super().__init__(f"calendar refused: {status or '-'} {code}")


class Attendee(BaseModel):
    """A person to invite: their Entra object id, display name and e-mail address or UPN."""

    model_config = ConfigDict(frozen=True)

    object_id: str = Field(min_length=1)
    name: str
    address: str | None = None


class Invitation(BaseModel):
    """What to put in the organizer's calendar. Plain data, so it can wait in the outbox.

    ``key`` identifies this invitation for the caller (for example
    ``{trajectory}:{step}:session``): the same key always gives the same Graph event.
    ``body`` is HTML (escaped by the caller) or plain text, per ``body_type``.
    """

    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1)
    organizer_id: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    body: str = ""
    body_type: Literal["html", "text"] = "html"
    start: AwareDatetime
    end: AwareDatetime
    attendees: tuple[Attendee, ...] = ()
    location: str = ""  # where the session is held (a room, an address); the meeting is online too

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError("an event must end after it starts")
        return self


@dataclass(frozen=True)
class CreatedEvent:
    """The event Graph created (or had already created for this key)."""

    event_id: str
    join_url: str | None
    transaction_id: str
    uninvited: tuple[str, ...] = ()  # object ids of attendees without a known address


def transaction_id(key: str) -> str:
    """Graph's idempotency key for an invitation: the same caller key, the same id."""
    return str(uuid.uuid5(TRANSACTION_NAMESPACE, key))


def event_body(invitation: Invitation, timezone: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The JSON for ``POST /users/{id}/events`` and the object ids left uninvited.

    Graph wants a local ``dateTime`` without offset plus the time zone's name, so the
    moments are shown in ``timezone`` (Europe/Amsterdam), whatever zone they came in.
    """
    zone = ZoneInfo(timezone)

    def when(moment: datetime) -> dict[str, str]:
        local = moment.astimezone(zone).replace(tzinfo=None)
        return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": timezone}

    attendees: list[dict[str, Any]] = []
    uninvited: list[str] = []
    seen = {invitation.organizer_id}
    for person in invitation.attendees:
        if person.object_id in seen:
            continue
        seen.add(person.object_id)
        if not person.address:
            uninvited.append(person.object_id)
            continue
        attendees.append(
            {
                "emailAddress": {"address": person.address, "name": person.name},
                "type": "required",
            }
        )
    body = {
        "subject": invitation.subject,
        "body": {"contentType": invitation.body_type, "content": invitation.body},
        "start": when(invitation.start),
        "end": when(invitation.end),
        "attendees": attendees,
        "isOnlineMeeting": True,
        "onlineMeetingProvider": TEAMS_PROVIDER,
        "transactionId": transaction_id(invitation.key),
    }
    if invitation.location:
        body["location"] = {"displayName": invitation.location}
    return body, tuple(uninvited)


def graph_error_code(payload: Any) -> str:
    error = payload.get("error") if isinstance(payload, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code else "unknown"


class GraphCalendar:
    """Creates Teams-meeting invitations in Outlook calendars with an app-only token.

    Build it once per process from the settings and ``await close()`` at shutdown. The
    token endpoint is ``{graph_authority}/{tenant}`` and Graph is ``graph_base_url``;
    with ``graph_ca_bundle`` set, both are verified against that CA file instead of the
    system's trust store.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> None:
        if not (settings.app_tenant_id and settings.graph_app_id and settings.graph_app_secret):
            raise ValueError("Graph needs a tenant id, a client id and a client secret")
        self._authority = settings.graph_tenant_authority
        self._client_id = settings.graph_app_id
        self._client_secret = settings.graph_app_secret
        self._base_url = settings.graph_base_url.rstrip("/")
        self._timezone = settings.timezone
        ZoneInfo(self._timezone)  # fail at start on a zone the event could not be shown in
        self._timeout = settings.graph_timeout_seconds
        self._ca_bundle = settings.graph_ca_bundle or None
        # Built here so a missing or broken CA file stops the start, not the first event
        self._ssl: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=self._ca_bundle) if self._ca_bundle else True
        )
        self._clock = clock or (lambda: datetime.now(UTC))
        self._app: msal.ConfidentialClientApplication | None = None
        self._token_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._app is not None:
            self._app.http_client.close()
            self._app = None

    async def create_event(self, invitation: Invitation) -> CreatedEvent:
        """Create the invitation's event (or find the one this key already made).

        Raises ``CalendarTransientError`` or ``CalendarPermanentError``.
        """
        body, uninvited = event_body(invitation, self._timezone)
        transaction = body["transactionId"]
        path = f"/users/{quote(invitation.organizer_id, safe='')}/events"
        status, retry_after, payload = await self.post(path, body, ref=transaction)
        if 200 <= status < 300:
            event_id = payload.get("id") if isinstance(payload, dict) else None
            if not isinstance(event_id, str) or not event_id:
                # Repeating is safe (same transactionId) and may get a proper answer
                log.warning(
                    "Graph answered %s without an event id (transaction %s)", status, transaction
                )
                raise CalendarTransientError(status, "invalid_response")
            meeting = payload.get("onlineMeeting")
            join_url = meeting.get("joinUrl") if isinstance(meeting, dict) else None
            log.info(
                "calendar event created (transaction %s, %d invited, %d without address)",
                transaction,
                len(body["attendees"]),
                len(uninvited),
            )
            return CreatedEvent(
                event_id=event_id,
                join_url=join_url if isinstance(join_url, str) else None,
                transaction_id=transaction,
                uninvited=uninvited,
            )

        code = graph_error_code(payload)
        if status in TRANSIENT_STATUSES:
            log.warning(
                "Graph answered %s %s (transaction %s, retry after %s)",
                status,
                code,
                transaction,
                retry_after,
            )
            raise CalendarTransientError(status, code, retry_after)
        log.error("Graph refused the event: %s %s (transaction %s)", status, code, transaction)
        raise CalendarPermanentError(status, code)

    async def post(
        self, path: str, body: dict[str, Any], *, ref: str
    ) -> tuple[int, float | None, Any]:
        """POST ``body`` to Graph at ``path`` with the app's token: (status, the wait Graph
        asked for, the answer's JSON). A transport failure raises ``CalendarTransientError``
        (or ``CalendarPermanentError`` for an untrusted certificate); ``ref`` names the
        request in the logs (no personal data)."""
        token = await self._access_token()
        try:
            async with self._client().post(
                f"{self._base_url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                status = response.status
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
                try:
                    payload = await response.json(content_type=None)
                except ValueError:
                    payload = None
        except aiohttp.ClientConnectorCertificateError as error:
            log.error("Graph's TLS certificate was not trusted (%s)", ref)
            raise CalendarPermanentError(None, "certificate_verify_failed") from error
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Graph unreachable: %s (%s)", type(error).__name__, ref)
            raise CalendarTransientError(None, type(error).__name__) from error
        return status, retry_after, payload

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                raise_for_status=False,
                trust_env=True,  # HTTPS_PROXY & co., as requests (msal) does
            )
        return self._session

    async def _access_token(self) -> str:
        # One at a time: a cold cache is filled once, not by every waiting event
        async with self._token_lock:
            try:
                result = await asyncio.to_thread(self._acquire_token)
            except requests.exceptions.SSLError as error:
                log.error("the token endpoint's TLS certificate was not trusted")
                raise CalendarPermanentError(None, "certificate_verify_failed") from error
            except requests.exceptions.RequestException as error:
                log.warning("token endpoint unreachable: %s", type(error).__name__)
                raise CalendarTransientError(None, type(error).__name__) from error
            except MsalServiceError as error:
                # msal raises this for a 5xx from the authority or the token endpoint
                log.warning("token service failed: %s", type(error).__name__)
                raise CalendarTransientError(None, "token_service_error") from error
            except ValueError as error:
                # msal's answer to an unknown tenant or a malformed authority
                log.error("the token authority was not accepted: %s", type(error).__name__)
                raise CalendarPermanentError(None, "invalid_authority") from error
        token = result.get("access_token")
        if isinstance(token, str) and token:
            log.debug("Graph token from %s", result.get("token_source", "msal"))
            return token
        error_code = str(result.get("error") or "token_error")
        entra_codes = result.get("error_codes") or []
        if error_code in TRANSIENT_TOKEN_ERRORS:
            log.warning("token service busy: %s %s", error_code, entra_codes)
            raise CalendarTransientError(None, error_code)
        log.error("token refused: %s %s", error_code, entra_codes)
        raise CalendarPermanentError(None, error_code)

    def _acquire_token(self) -> dict[str, Any]:
        """Runs in a worker thread: msal speaks blocking HTTP (requests)."""
        if self._app is None:
            # Constructing the app fetches the authority's OpenID configuration. Instance
            # discovery (asking login.microsoftonline.com whether the host is a Microsoft
            # cloud) is off: the authority comes from our own settings, not from outside.
            self._app = msal.ConfidentialClientApplication(
                self._client_id,
                client_credential=self._client_secret,
                authority=self._authority,
                instance_discovery=False,
                http_client=_TokenHttp(verify=self._ca_bundle or True, timeout=self._timeout),
                token_cache=msal.TokenCache(),
            )
        # msal answers from its token cache until the token nears its end
        result: dict[str, Any] = self._app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        return result


class _TokenHttp(requests.Session):
    """msal's HTTP client: the CA bundle and the timeout on every request.

    requests lets ``REQUESTS_CA_BUNDLE`` override a session's ``verify`` (msal's own
    ``verify=`` option sets exactly that), so a configured bundle would silently lose to
    the environment; a per-request ``verify`` wins. Proxies from the environment still
    apply. No retries here: the caller's outbox retries.
    """

    def __init__(self, *, verify: str | bool, timeout: float) -> None:
        super().__init__()
        self._verify = verify
        self._timeout = timeout

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("verify", self._verify)
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)


def calendar_from_settings(
    settings: Settings, *, clock: Callable[[], datetime] | None = None
) -> GraphCalendar | None:
    """The deployment's calendar client, or None when invitations are off."""
    return GraphCalendar(settings, clock=clock) if settings.graph_enabled else None
