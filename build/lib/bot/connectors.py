"""Connector clients made once and reused across turns.

botbuilder 4.17.1 builds a new ConnectorClient (and a user-token client) for every turn and every
proactive send, and msrest's client configuration builds a retry policy whose set-up dominates a
turn's cost. These wrappers keep one client per service URL and audience for the process; the
credentials inside refresh their own tokens.
"""

from __future__ import annotations

from typing import Any

from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

MAX_CLIENTS = 256  # service URLs are few (one per region); a bound against anything odd


class CachingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, cache: dict[tuple[str, str], ConnectorClient]):
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        key = (service_url, audience)
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            if len(self._cache) >= MAX_CLIENTS:
                self._cache.clear()
            self._cache[key] = client
        return client


class ReusedConnectors(BotFrameworkAuthentication):
    """The SDK's authentication, unchanged, with connector and token clients reused."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner
        self._connectors: dict[tuple[str, str], ConnectorClient] = {}
        self._token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Any, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = CachingConnectorFactory(
                result.connector_factory, self._connectors
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return CachingConnectorFactory(
            self._inner.create_connector_factory(claims_identity), self._connectors
        )

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = str(claims_identity.claims.get("aud") or claims_identity.claims.get("appid") or "")
        client = self._token_clients.get(key)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)
