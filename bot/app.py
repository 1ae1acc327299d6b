"""``create_app(settings)``: the whole aiohttp application, composed from settings."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes

from bot.calendar import calendar_from_settings
from bot.connectors import ReusedConnectors
from bot.delivery.worker import Dispatcher
from bot.downloads import Links, download_dossier, download_person, may_open_dossier
from bot.escaping import EscapeOutgoing
from bot.feed import ActivityFeed
from bot.frontdoor import Refused, check_identifiers, parse_body, token_expires
from bot.handler import WasstraatBot
from bot.logs import correlated, new_correlation_id
from bot.metrics import CONTENT_TYPE, Metrics
from bot.pacing import Pacer
from bot.replies import PacedAdapter
from bot.services import Clock, Services, fast_clock, system_clock
from bot.settings import LOCAL_DEVELOPER, Settings, is_loopback
from bot.ticker import Ticker
from bot.turn import activity_locale, activity_tenant, deduped_key
from cards.catalogue import Language, language_for, text
from storage import Store, open_database
from storage.portfolio import Viewer
from tab.api import TAB_CONTEXT, TabContext, add_api_routes
from tab.auth import Identity, SsoSettings, TokenValidator
from tab.page import DEFAULT_VENDOR_DIR, add_page_routes
from wasstraat.model import Trajectory
from wasstraat.template import Template

log = logging.getLogger(__name__)

# activity types whose id is remembered so that a redelivery changes nothing


@dataclass(slots=True)
class Runtime:
    services: Services
    adapter: CloudAdapter
    bot: WasstraatBot
    dispatcher: Dispatcher
    ticker: Ticker
    metrics: Metrics


RUNTIME = web.AppKey("runtime", Runtime)


def _auth_configuration(settings: Settings) -> SimpleNamespace:
    """The SDK's configuration object; without an app id, authentication is disabled."""
    if not settings.auth_enabled:
        return SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    return SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )


def build_adapter(settings: Settings, pacer: Pacer | None = None) -> CloudAdapter:
    """The SDK's adapter; a turn's replies go through ``pacer`` (shared with the dispatcher),
    ahead of the outbox's bulk sends."""
    authentication = ConfigurationBotFrameworkAuthentication(_auth_configuration(settings))
    adapter = PacedAdapter(ReusedConnectors(authentication), pacer or Pacer())
    adapter.use(EscapeOutgoing())  # user text reaches Teams as text, never as markup

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        # A fault: log it with a code (no message text or personal data), answer politely,
        # and leave every stored state as it was.
        code = uuid.uuid4().hex[:8]
        log.error(
            "turn failed",
            exc_info=error,
            extra={"code": code, "activity_type": context.activity.type},
        )
        if context.activity.type in (ActivityTypes.message, ActivityTypes.invoke):
            language = language_for(activity_locale(context.activity), settings.default_locale)
            try:
                await context.send_activity(text("error.fault", language, code=code))
            except Exception:
                log.warning("could not tell the user about fault %s", code)

    adapter.on_turn_error = on_turn_error
    return adapter


def _problem(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


async def messages(request: web.Request) -> web.Response:
    """POST /api/messages, under a correlation id, counted and logged (type, status, time)."""
    runtime = request.app[RUNTIME]
    started = time.perf_counter()
    with correlated(new_correlation_id("turn")):
        about: dict[str, str] = {}
        status = 500
        try:
            response = await _handle(request, runtime, about)
            status = response.status
            return response
        except Exception:
            # the formatter withholds exception messages (they may quote the request)
            log.error("request failed", exc_info=True)
            return _problem(500, "internal error")
        finally:
            outcome = "ok" if status < 400 else "refused" if status < 500 else "failed"
            kind = _label(about.get("type", ""))
            runtime.metrics.turns.labels(type=kind, outcome=outcome).inc()
            log.info(
                "turn handled",
                extra={
                    "activity_type": kind,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


KNOWN_TYPES = frozenset(
    {"message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction", "event"}
)


def _label(kind: str) -> str:
    """Activity types as metric labels: a fixed set, whatever a client sends."""
    return kind if kind in KNOWN_TYPES else "other"


async def _handle(request: web.Request, runtime: Runtime, about: dict[str, str]) -> web.Response:
    """Validate, authenticate, check the tenant, dedupe, run the turn."""
    settings = runtime.services.settings
    if request.content_type != "application/json":
        return _problem(415, "expected application/json")
    try:
        body = parse_body(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return _problem(413, "body too large")
    except Refused as refused:
        return _problem(400, refused.reason)
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        return _problem(400, "not an activity")
    about["type"] = body["type"]
    try:
        check_identifiers(body)
    except Refused as refused:
        return _problem(400, refused.reason)
    try:
        activity = Activity().deserialize(body)
        conversation_id = activity.conversation.id if activity.conversation else None
    except Exception:
        return _problem(400, "not an activity")
    if not conversation_id or not activity.service_url:
        return _problem(400, "activity without conversation or serviceUrl")

    auth_header = request.headers.get("Authorization", "")
    if settings.auth_enabled and not token_expires(auth_header):
        log.info("request refused: a token without an expiry")
        return _problem(401, "unauthorized")
    try:
        authentication = await runtime.adapter.bot_framework_authentication.authenticate_request(
            activity, auth_header
        )
    except Exception as error:
        # PermissionError for a missing or rejected token; a malformed one raises jwt errors
        log.info("request refused: %s", type(error).__name__)
        return _problem(401, "unauthorized")

    if not settings.is_tenant_allowed(activity_tenant(activity)):
        log.warning("activity from a tenant that is not allowed refused")
        return _problem(403, "tenant not allowed")

    # a redelivered activity changes nothing (the turn records its key: bot.handler.on_turn)
    dedupe = deduped_key(activity)
    if dedupe and await runtime.services.store.inbox_seen(dedupe):
        return _duplicate_response(activity, settings)

    invoke_response = await runtime.adapter.process_activity(
        authentication, activity, runtime.bot.on_turn
    )
    runtime.dispatcher.wake()  # the turn may have queued messages (a timer tells the ticker)
    if invoke_response:
        # Serialized here exactly once: botbuilder 4.17.1's own CloudAdapter.process
        # serializes an already-serialized body again and fails.
        body_out = invoke_response.body
        if body_out is not None and not isinstance(body_out, dict | list | str | int | float):
            body_out = serializer_helper(body_out)
        return web.json_response(body_out, status=invoke_response.status)
    return web.Response(status=201)


def _duplicate_response(activity: Activity, settings: Settings) -> web.Response:
    if activity.type == ActivityTypes.invoke:
        language = language_for(activity_locale(activity), settings.default_locale)
        return web.json_response(
            {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": text("action.already_processed", language),
            }
        )
    return web.Response(status=200)


async def readyz(request: web.Request) -> web.Response:
    """200 when the database answers and its schema is at the newest migration."""
    runtime = request.app.get(RUNTIME)
    database = runtime.services.store.database if runtime is not None else None
    problems = []
    if database is None or not await database.ping():
        problems.append("database")
    elif not await database.migrated():
        problems.append("migrations")
    if problems:
        return web.json_response({"status": "not ready", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format."""
    runtime = request.app[RUNTIME]
    expected = runtime.services.settings.metrics_token
    if expected and not hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {expected}".encode()
    ):
        return _problem(401, "unauthorized")
    await runtime.metrics.refresh(runtime.services.store, runtime.services.clock())
    return web.Response(body=runtime.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


async def healthz(request: web.Request) -> web.Response:
    """200 only while the database answers."""
    runtime = request.app.get(RUNTIME)
    if runtime is not None and await runtime.services.store.database.ping():
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "unavailable"}, status=503)


async def dossier_download(request: web.Request) -> web.StreamResponse:
    """A dossier behind a signed, expiring link (see bot/downloads.py)."""
    services = request.app[RUNTIME].services
    return await download_dossier(request, await Links.create(services))


async def person_download(request: web.Request) -> web.StreamResponse:
    """An administrator's export of one person's data, behind a signed, expiring link."""
    services = request.app[RUNTIME].services
    return await download_person(request, await Links.create(services))


ANONYMOUS_WARNING = (
    "ANONYMOUS MODE: MICROSOFT_APP_ID is empty and WASSTRAAT_ANONYMOUS_MODE is on, so requests "
    "from any address are served WITHOUT authentication; anyone who reaches this port can act "
    "as anyone. Only for a trial with the Agents Playground, never with real data."
)


@web.middleware
async def loopback_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """Without authentication, a request from any address but loopback is refused."""
    if not is_loopback(request.remote or ""):
        log.warning("request from a non-loopback address refused: no app id is configured")
        return _problem(403, "served on loopback only: no app id is configured")
    response: web.StreamResponse = await handler(request)
    return response


def tab_context(services: Services, links: Links | None) -> TabContext:
    """The portfolio tab's view of the running bot: its store, templates and clock, and who
    may see what (single sign-on with an app id; the development identity without)."""
    settings = services.settings
    validator = None
    if settings.auth_enabled:
        validator = TokenValidator(
            SsoSettings(
                app_id=settings.app_id,
                domain=settings.tab_domain,
                tenants=settings.tenant_allow_list,
                metadata_url=settings.sso_metadata,
            )
        )
        if not settings.tenant_allow_list:
            log.warning("the portfolio tab accepts no one: MICROSOFT_APP_TENANT_ID is not set")
    developer = Identity(object_id=settings.tab_dev_user or LOCAL_DEVELOPER, name="")

    def dossier_link(trajectory: Trajectory, language: Language, viewer: Viewer) -> str | None:
        if links is None or not may_open_dossier(trajectory, viewer.person, settings):
            return None
        return links.dossier_url(trajectory.id, language, viewer.person)[0]

    return TabContext(
        store=services.store,
        template=services.template,
        template_of=services.template_of,
        clock=services.clock,
        default_locale=settings.default_locale,
        validator=validator,
        development_identity=developer,
        sees_all=settings.portfolio_sees_all,
        dossier_link=dossier_link,
    )


async def kept_templates(store: Store, current: Template, now: datetime) -> dict[str, Template]:
    """Keep the template new trajectories start with, and read back every one that running
    trajectories started with (each keeps following its own)."""
    await store.templates.keep(current.key, current.model_dump_json(), now=now)
    templates: dict[str, Template] = {}
    for key, body in (await store.templates.kept()).items():
        try:
            templates[key] = Template.model_validate_json(body)
        except ValueError:
            log.warning("a kept template cannot be read any more: %s", key)
    return templates


def create_app(settings: Settings, *, clock: Clock = system_clock) -> web.Application:
    """Build the bot's web application; the database is opened (and migrated) on start-up.

    Without an app id the application serves loopback only (see ``Settings.startup_refusal``);
    anonymous mode lifts that, and says so loudly."""
    refusal = settings.startup_refusal()
    if refusal:
        raise ValueError(refusal)
    template = settings.wasstraat()  # a template that cannot run stops the start here
    if settings.clock_speed != 1:
        clock = fast_clock(settings.clock_speed, clock)
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[loopback_only] if settings.loopback_only else [],
    )

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        database = await open_database(settings.database_url)
        store = Store(database)
        services = Services(
            settings=settings,
            store=store,
            template=template,
            clock=clock,
            policy=settings.time_policy(),
            templates=await kept_templates(store, template, clock()),
        )
        pacer = Pacer()  # one budget per process: turn replies and the outbox share Teams' limits
        adapter = build_adapter(settings, pacer)
        calendar = calendar_from_settings(settings)
        # the activity feed goes through the same Graph client (off with Graph)
        feed = ActivityFeed(calendar, bot_id=settings.app_id) if calendar is not None else None
        dispatcher = Dispatcher(services, adapter, pacer=pacer, calendar=calendar, feed=feed)
        ticker = Ticker(services)
        refreshed = await store.portfolio.refresh()
        if refreshed:
            log.info("portfolio: %d trajectories added or brought up to date", refreshed)
        app[TAB_CONTEXT] = tab_context(services, await Links.create(services))
        app[RUNTIME] = Runtime(
            services=services,
            adapter=adapter,
            bot=WasstraatBot(services),
            dispatcher=dispatcher,
            ticker=ticker,
            metrics=Metrics(),
        )
        if settings.run_timers:
            ticker.start(sweep_seconds=settings.timer_sweep_seconds)
        stop = asyncio.Event()
        delivery = (
            asyncio.create_task(dispatcher.run(stop, interval=settings.delivery_interval_seconds))
            if settings.deliver_in_background
            else None
        )
        if not settings.auth_enabled and settings.anonymous_mode:
            log.warning(ANONYMOUS_WARNING)
        if settings.clock_speed != 1:
            log.warning(
                "FAST CLOCK for demos: time runs %g times as fast (WASSTRAAT_CLOCK_SPEED)",
                settings.clock_speed,
            )
        log.info(
            "wasstraat ready (database: %s, authentication: %s)",
            database.dialect,
            "on"
            if settings.auth_enabled
            else "OFF, anonymous mode"
            if settings.anonymous_mode
            else "off, loopback only",
        )
        yield
        await ticker.stop()
        stop.set()
        if delivery is not None:
            await delivery
        if calendar is not None:
            await calendar.close()
        validator = app[TAB_CONTEXT].validator
        if validator is not None:
            await validator.close()
        await database.dispose()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/downloads/dossier", dossier_download)
    app.router.add_get("/downloads/person", person_download)
    add_api_routes(app)
    add_page_routes(
        app,
        vendor_dir=DEFAULT_VENDOR_DIR,
        default_locale=settings.default_locale,
        time_zone=settings.timezone,
    )
    return app
