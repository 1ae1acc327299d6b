"""Entra on loopback, for the tab's single sign-on: a local RSA signing key, its OpenID metadata
and key set served by a small aiohttp server, and tokens shaped as Teams' ``getAuthToken`` gives
them (audience ``api://<domain>/<app id>``, Entra v2 issuer, ``tid``, ``oid``, ``name``).

The bot's own validation runs unchanged against it: only the metadata URL points here."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.conftest import TENANT
from tests.security.test_authentication import APP_ID, rsa_key

DOMAIN = "wasstraat.test"
KID = "tab-signing-key"
# keys of their own: Entra signs the tab's tokens, the Bot Framework the bot's
SIGNING_KEY = rsa_key()
OTHER_KEY = rsa_key()


class Entra:
    """The tenant's OpenID metadata and signing keys, on loopback."""

    def __init__(self) -> None:
        self.metadata_requests = 0
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._metadata)
        app.router.add_get("/keys", self._keys)
        self._server = TestServer(app, host="127.0.0.1")

    async def start(self) -> None:
        await self._server.start_server()

    async def close(self) -> None:
        await self._server.close()

    @property
    def base(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/{TENANT}/v2.0/.well-known/openid-configuration"

    async def _metadata(self, request: web.Request) -> web.Response:
        self.metadata_requests += 1
        tenant = request.match_info["tenant"]
        return web.json_response(
            {
                "issuer": f"https://login.microsoftonline.com/{tenant}/v2.0",
                "jwks_uri": f"{self.base}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
        jwk.update({"kid": KID, "use": "sig", "kty": "RSA", "alg": "RS256"})
        return web.json_response({"keys": [jwk]})


def sso_token(
    object_id: str,
    name: str = "",
    *,
    key: rsa.RSAPrivateKey = SIGNING_KEY,
    kid: str = KID,
    audience: str = f"api://{DOMAIN}/{APP_ID}",
    tenant: str = TENANT,
    issuer: str | None = None,
    expires_in: int = 3600,
    **extra: Any,
) -> str:
    """A token as Teams hands the tab, signed with the local key (or another, to be refused)."""
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": issuer or f"https://login.microsoftonline.com/{tenant}/v2.0",
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + expires_in,
        "tid": tenant,
        "oid": object_id,
        "name": name,
        "scp": "access_as_user",
        "ver": "2.0",
        **extra,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
