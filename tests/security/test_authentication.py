"""With an app id configured, only a token the Bot Framework signed for this bot gets in.

Tokens are signed here with a local RSA key; the SDK's OpenID metadata endpoint (the one seam
it offers: ``ChannelValidation.open_id_metadata_endpoint``) points at a loopback server that
publishes the key, so the SDK's own, unchanged validation runs. Every refusal is a 401 and
stores nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import ChannelValidation
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from tests.conftest import TENANT, FixedClock, payload
from tests.fakes import FakeConnector
from tests.tools.readers import ReadingStore

APP_ID = "5d2e7b1a-0c4f-4e8a-9b3d-6f1a2c3e4d5f"
ISSUER = "https://api.botframework.com"
KID = "local-signing-key"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING_KEY = rsa_key()
OTHER_KEY = rsa_key()


@pytest.fixture
def openid_metadata(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """OpenID configuration + JWKS on loopback, in a thread (the SDK fetches synchronously)."""
    jwk = json.loads(RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    jwk.update({"kid": KID, "use": "sig", "endorsements": ["msteams"]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            documents = {
                "/.well-known/openid-configuration": {"issuer": ISSUER, "jwks_uri": f"{host}/keys"},
                "/keys": {"keys": [jwk]},
            }
            body = json.dumps(documents.get(self.path, {})).encode()
            self.send_response(200 if self.path in documents else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/openid-configuration"
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", url)
    yield url
    server.shutdown()


@pytest.fixture
async def secured(
    database_url: str, connector: FakeConnector, clock: FixedClock, openid_metadata: str
):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-used-here",
        MICROSOFT_APP_TENANT_ID=TENANT,
    )
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


def token(
    service_url: str,
    *,
    key: rsa.RSAPrivateKey = SIGNING_KEY,
    audience: str = APP_ID,
    issuer: str = ISSUER,
    expires_in: int = 3600,
    kid: str = KID,
) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + expires_in,
        "serviceurl": service_url,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def stored(client: TestClient) -> tuple[int, int, int]:
    store = ReadingStore(client.server.app[RUNTIME].services.store)
    return (
        await store.count_trajectories(),
        len(await store.outbox_messages()),
        len(await store.audit_entries()),
    )


REFUSED = {
    "no token": lambda url: None,
    "not a bearer token": lambda url: "Basic " + token(url),
    "expired": lambda url: "Bearer " + token(url, expires_in=-3600),
    "another audience": lambda url: "Bearer " + token(url, audience="someone-else"),
    "another issuer": lambda url: "Bearer " + token(url, issuer="https://evil.example"),
    "forged signature": lambda url: "Bearer " + token(url, key=OTHER_KEY),
    "unknown key": lambda url: "Bearer " + token(url, key=OTHER_KEY, kid="other"),
    "another service url": lambda url: "Bearer " + token("https://evil.example/"),
    "garbage": lambda url: "Bearer not.a.jwt",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_a_request_without_a_valid_token_is_refused_and_stores_nothing(
    secured: TestClient, connector: FakeConnector, case: str
):
    activity = payload("message_text_personal", connector, text="start Paspoort")
    before = await stored(secured)
    header = REFUSED[case](activity["serviceUrl"])
    headers = {"Authorization": header} if header else {}
    response = await secured.post("/api/messages", json=activity, headers=headers)
    assert response.status == 401
    assert await stored(secured) == before
    assert connector.calls == []


async def test_a_token_signed_for_this_bot_gets_in(secured: TestClient, connector: FakeConnector):
    activity = payload("message_text_personal", connector, text="start Paspoort")
    header = "Bearer " + token(activity["serviceUrl"])
    response = await secured.post("/api/messages", json=activity, headers={"Authorization": header})
    assert response.status in (200, 201)
    assert (await stored(secured))[0] == 1  # the trajectory was started


async def test_a_valid_token_from_a_foreign_tenant_is_refused(
    secured: TestClient, connector: FakeConnector
):
    activity = payload("message_text_personal", connector, text="start Paspoort")
    activity["conversation"]["tenantId"] = "another-tenant"
    activity["channelData"] = {"tenant": {"id": "another-tenant"}}
    header = "Bearer " + token(activity["serviceUrl"])
    response = await secured.post("/api/messages", json=activity, headers={"Authorization": header})
    assert response.status == 403
    assert (await stored(secured))[0] == 0


async def test_a_signed_token_without_an_expiry_is_refused(
    secured: TestClient, connector: FakeConnector
):
    activity = payload("message_text_personal", connector, text="start Paspoort")
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": APP_ID,
        "iat": now - 60,
        "nbf": now - 60,
        "serviceurl": activity["serviceUrl"],
    }
    forever = jwt.encode(claims, SIGNING_KEY, algorithm="RS256", headers={"kid": KID})
    before = await stored(secured)
    response = await secured.post(
        "/api/messages", json=activity, headers={"Authorization": f"Bearer {forever}"}
    )
    assert response.status == 401
    assert await stored(secured) == before
    assert connector.calls == []
