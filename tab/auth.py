"""Who is asking: the Teams single sign-on token of the tab, checked before any data leaves.

Teams gives the tab (``authentication.getAuthToken``) an Entra access token for the app's own
API, ``api://<public domain>/<app id>``. It is accepted only when it is signed by one of the
keys Entra publishes for the tenant (found through the OpenID metadata), meant for this app
(audience), issued by Entra for a tenant the deployment serves (issuer and ``tid``), current
(``exp``, ``nbf``), and names a person (``oid``). Nothing else is trusted: no name or id sent by
the page.

Without an app id there is nothing to check against: the bot then serves loopback only and
the tab shows the development identity (see the README).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 60  # clocks differ a little between Entra and here
KEYS_FRESH_SECONDS = 24 * 3600
REFETCH_AFTER_SECONDS = 300  # an unknown key id fetches the keys again, at most this often


class Unauthorized(Exception):
    """The request carries no acceptable token. The reason is for the log, never the answer."""


@dataclass(frozen=True, slots=True)
class Identity:
    object_id: str
    name: str


@dataclass(frozen=True, slots=True)
class SsoSettings:
    app_id: str
    domain: str  # the public host name the tab is served at (the API's id names it)
    tenants: frozenset[str]
    metadata_url: str

    @property
    def audiences(self) -> list[str]:
        # the app's API as the manifest names it; Microsoft's guidance for an app with a bot
        # names it api://<domain>/botid-<app id>: both are this app
        return [
            f"api://{self.domain}/{self.app_id}",
            f"api://{self.domain}/botid-{self.app_id}",
            self.app_id,
        ]


class TokenValidator:
    """Checks tab tokens against the keys published in the tenant's OpenID metadata."""

    def __init__(self, settings: SsoSettings, *, timeout_seconds: float = 10.0) -> None:
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _get_json(self, url: str) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        async with self._session.get(url) as response:
            response.raise_for_status()
            return await response.json(content_type=None)

    async def _key(self, kid: str) -> jwt.PyJWK:
        """The signing key with this id; the keys are fetched again when they are old, or when
        an unknown id comes (Entra rolls its keys), but not more often than every few minutes."""
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = not self._keys or age > KEYS_FRESH_SECONDS
            if stale or (kid not in self._keys and age > REFETCH_AFTER_SECONDS):
                try:
                    metadata = await self._get_json(self._settings.metadata_url)
                    jwks = await self._get_json(str(metadata["jwks_uri"]))
                    keys = jwt.PyJWKSet.from_dict(jwks).keys
                except (aiohttp.ClientError, TimeoutError, KeyError, ValueError, jwt.PyJWTError):
                    log.warning("the signing keys for tab tokens could not be fetched")
                    if not self._keys:
                        raise Unauthorized("no signing keys") from None
                else:
                    self._keys = {key.key_id: key for key in keys if key.key_id}
                    self._fetched_at = time.monotonic()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("unknown signing key")
        return key

    async def identity(self, authorization: str | None) -> Identity:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("not a token") from None
        if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            raise Unauthorized("unexpected algorithm or key id")
        key = await self._key(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._settings.audiences,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "iss", "tid", "oid"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(type(error).__name__) from None
        tenant = claims["tid"]
        if tenant not in self._settings.tenants:
            raise Unauthorized("tenant not served")
        issuers = {
            f"https://login.microsoftonline.com/{tenant}/v2.0",
            f"https://sts.windows.net/{tenant}/",
        }
        if claims["iss"] not in issuers:
            raise Unauthorized("issuer")
        if not isinstance(claims["oid"], str) or not claims["oid"]:
            raise Unauthorized("no object id")
        name = claims.get("name")
        return Identity(object_id=claims["oid"], name=name if isinstance(name, str) else "")
