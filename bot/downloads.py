"""Downloads served by the bot behind signed, expiring links (the trajectory's dossier).

A link carries what it is for (trajectory, language) and when it was made, signed with a key
every replica shares (kept in the database unless configured); it works for a limited time.
A link names who it was made for, and works only while they are still in the project group
(for a person's export: still an administrator).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from bot.privacy import person_export
from bot.services import Services
from bot.settings import Settings
from cards.catalogue import language_for, text
from reports.dossier import dossier
from wasstraat.model import Trajectory

LINK_TTL = timedelta(hours=1)
SALT = "wasstraat.dossier"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Links:
    def __init__(self, services: Services, secret: str) -> None:
        self._services = services
        clock = services.clock

        class ClockSigner(TimestampSigner):
            """Timestamps from the injected clock, so links expire in tests as in life."""

            def get_timestamp(self) -> int:
                return int(clock().timestamp())

        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=ClockSigner)

    @classmethod
    async def create(cls, services: Services) -> Links:
        secret = services.settings.link_secret or await services.store.app_secret(
            "download_links", new_value=secrets.token_urlsafe(48), now=services.clock()
        )
        return cls(services, secret)

    @property
    def services(self) -> Services:
        return self._services

    def dossier_url(
        self, trajectory_id: str, language: str, person_id: str
    ) -> tuple[str, datetime]:
        """A download link for the dossier, for one member, and until when it works."""
        token = self._serializer.dumps({"t": trajectory_id, "l": language, "u": person_id})
        base = self._services.settings.public_base_url
        until = self._services.clock() + LINK_TTL
        return f"{base}/downloads/dossier?token={quote(token)}", until

    def person_url(self, person_id: str, admin_id: str) -> str:
        """A download link for everything kept about one person (for an administrator)."""
        token = self._serializer.dumps({"p": person_id, "a": admin_id})
        return f"{self._services.settings.public_base_url}/downloads/person?token={quote(token)}"

    def read(self, token: str) -> dict[str, Any] | None:
        """The link's content, or None when forged or expired."""
        try:
            content = self._serializer.loads(token, max_age=int(LINK_TTL.total_seconds()))
        except BadSignature:  # SignatureExpired is one too
            return None
        return content if isinstance(content, dict) else None


def may_open_dossier(trajectory: Trajectory, person_id: str, settings: Settings) -> bool:
    """Who may open a trajectory's dossier: its project group, and who sees the portfolio of
    the whole municipality."""
    return person_id in settings.portfolio_sees_all or bool(trajectory.roles_of(person_id))


def _link_dead() -> web.Response:
    """What a browser shows for an expired or altered link (the language is unknown here)."""
    message = "\n\n".join(text("download.expired", language) for language in ("nl", "en"))
    return web.Response(text=message, status=403, headers={"Cache-Control": "no-store"})


async def download_dossier(request: web.Request, links: Links) -> web.StreamResponse:
    """GET /downloads/dossier?token=…: the .docx, or 403 for a forged or expired link."""
    content = links.read(request.query.get("token", ""))
    if content is None or "t" not in content:
        return _link_dead()
    services = links.services
    trajectory = await services.store.trajectory(str(content.get("t")))
    if trajectory is None:
        return web.json_response({"error": "not found"}, status=404)
    if not may_open_dossier(trajectory, str(content.get("u")), services.settings):
        return _link_dead()  # no longer in the project group (nor sees the whole portfolio)
    language = language_for(str(content.get("l")), services.settings.default_locale)
    body = dossier(
        trajectory,
        history=await services.store.history(trajectory.id),
        template=services.template_of(trajectory),
        language=language,
        zone=services.zone,
    )
    safe = "".join(ch if ch.isalnum() else "-" for ch in trajectory.product)[:60] or "dossier"
    return web.Response(
        body=body,
        content_type=DOCX,
        headers={
            "Content-Disposition": f'attachment; filename="dossier-{safe}.docx"',
            "Cache-Control": "no-store",
        },
    )


async def download_person(request: web.Request, links: Links) -> web.StreamResponse:
    """GET /downloads/person?token=…: the JSON export of one person's data."""
    content = links.read(request.query.get("token", ""))
    if content is None or "p" not in content:
        return _link_dead()
    if content.get("a") not in links.services.settings.admin_ids:
        return _link_dead()  # no longer an administrator
    data = await person_export(links.services, str(content["p"]))
    return web.json_response(
        data,
        headers={
            "Content-Disposition": 'attachment; filename="persoonsgegevens.json"',
            "Cache-Control": "no-store",
        },
    )
