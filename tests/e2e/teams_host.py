"""A minimal Teams host for browser tests of the portfolio tab.

The tab page runs inside Teams as an iframe and talks to Teams with ``@microsoft/teams-js``
over ``postMessage``. This module plays Teams' part of that conversation in a small host page
that embeds the tab in an ``<iframe>`` and answers the library's requests:

- ``initialize``: frame context ``content`` (``settings`` for a configuration page), host client
  ``web``, a runtime config (apiVersion 4) that declares ``authentication``, ``pages`` with
  ``pages.config`` and ``teamsCore``, and the client SDK version;
- ``getContext``: the legacy (v1) context that teams-js turns into ``app.Context``: locale, theme,
  tenant, user object id, login hint, and the team (``internalId``, ``displayName``) and channel
  when a team is given, otherwise a personal context;
- ``authentication.getAuthToken``: the given token, or a failure when it is ``None``;
- ``executeDeepLink`` (``app.openLink``): records the address in ``window.openedLinks``;
- ``appInitialization.*`` (``app.notifySuccess``, ``notifyFailure``): ``window.appStatus``;
- ``registerHandler``: ``window.registeredHandlers`` (``themeChange``, ``save``, ...);
- ``settings.setValidityState``, ``settings.setSettings``, ``settings.getSettings``
  (``pages.config``): ``window.validityState`` and ``window.savedConfig``.

The host page offers the test ``window.setTheme(name)`` (sends Teams' ``themeChange``) and
``window.save()`` (presses Save on a configuration page: sends ``settings.save`` and resolves
with ``{result: "success"}``, ``{result: "failure", reason}`` or, while the page has not declared
itself valid, ``{result: "invalid"}``; also kept in ``window.saveResult``). Every request is
kept in ``window.teamsMessages`` and the names of those it has no answer for in
``window.unanswered``.

teams-js only listens to a parent window on its own origin or on Teams' published origins (or
ones the page passes to ``app.initialize``), so the host page is served on the tab's own origin:
``host_url`` points at :data:`HOST_PATH` on the tab's server, which either the browser test
answers (:func:`install`, a Playwright route: works for a bot running in another process) or an
in-process aiohttp app serves (:func:`add_host_route`, before the app starts).

What it does not play: real Teams or its shell, Teams' own origin checks, the SSO consent
dialog or any Entra sign-in (the token is whatever the test hands in, usually one it signed
with a local key), the nested app authentication bridge, dialogs, deep links into Teams
(they are recorded, not followed), the tab being removed, mobile clients and meetings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from playwright.async_api import BrowserContext, Frame, Page, Route

HOST_PATH = "/__teams-host__"
"""Where the host page lives, on the tab's own origin; the tab's server never answers it."""
TAB_FRAME = "iframe#teams-tab"
"""Selector of the tab's frame in the host page."""
SDK_VERSION = "2.58.0"
"""The client SDK version the host claims (the teams-js version the tab ships)."""
USER_OBJECT_ID = "5a1e0000-0000-4000-8000-00000000a001"
TENANT_ID = "7e0a0000-0000-4000-8000-00000000c001"
LOGIN_HINT = "sanne@gemeente-voorbeeld.nl"
TOKEN_FAILURE = "resourceRequiresConsent"
"""Why ``getAuthToken`` fails when the test gives no token (one of Teams' own reasons)."""

Theme = Literal["default", "dark", "contrast"]
FrameContext = Literal["content", "settings"]


@dataclass(frozen=True)
class Team:
    """The team (and channel) a team tab is in."""

    internal_id: str
    """``context.team.internalId``: the team's thread id, e.g. ``19:…@thread.tacv2``."""
    display_name: str
    channel_id: str = ""
    """Default: the team's General channel, whose id is the team's."""
    channel_name: str = "Algemeen"
    group_id: str = "9b0c0000-0000-4000-8000-00000000b001"


def host_url(
    tab_url: str,
    *,
    token: str | None,
    locale: str = "nl-NL",
    theme: Theme = "default",
    team: Team | None = None,
    user_object_id: str = USER_OBJECT_ID,
    tenant_id: str = TENANT_ID,
    login_hint: str = LOGIN_HINT,
    frame_context: FrameContext = "content",
    entity_id: str | None = None,
    frame_title: str = "Wasstraat",
) -> str:
    """The address of a host page, on ``tab_url``'s origin, that opens ``tab_url`` in its frame
    (titled ``frame_title``) and answers it as Teams would for this user, locale and theme, in
    ``team`` or (without one) in the user's personal scope. ``frame_context="settings"`` hosts a
    configuration page. ``entity_id`` defaults to the manifest's (``portfolio``) in personal
    scope and to the one the configuration page saves (``wasstraat-portfolio``) in a team."""
    parts = urlsplit(tab_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the tab address must be absolute: {tab_url!r}")
    context: dict[str, object] = {
        "locale": locale,
        "theme": theme,
        "entityId": entity_id or ("wasstraat-portfolio" if team else "portfolio"),
        "subEntityId": "",
        "frameContext": frame_context,
        "hostClientType": "web",
        "hostName": "Teams",
        "appSessionId": "0f0e0000-0000-4000-8000-00000000d001",
        "sessionId": "0f0e0000-0000-4000-8000-00000000d002",
        "tid": tenant_id,
        "userObjectId": user_object_id,
        "loginHint": login_hint,
        "userPrincipalName": login_hint,
    }
    if team is not None:
        context |= {
            "teamId": team.internal_id,
            "teamName": team.display_name,
            "teamType": 0,
            "groupId": team.group_id,
            "isTeamArchived": False,
            "userTeamRole": 1,
            "channelId": team.channel_id or team.internal_id,
            "channelName": team.channel_name,
            "channelType": "Regular",
        }
    config = {
        "tabUrl": tab_url,
        "frameTitle": frame_title,
        "frameContext": frame_context,
        "token": token,
        "context": context,
    }
    query = urlencode({"config": json.dumps(config, separators=(",", ":"))})
    return f"{parts.scheme}://{parts.netloc}{HOST_PATH}?{query}"


RUNTIME = {
    "apiVersion": 4,
    "hostVersionsInfo": {"adaptiveCardSchemaVersion": {"majorVersion": 1, "minorVersion": 5}},
    "isLegacyTeams": False,
    "supports": {
        "authentication": {},
        "pages": {"config": {}, "appButton": {}, "tabs": {}},
        "teamsCore": {},
    },
}
"""What the host says it supports: teams-js refuses ``pages.config`` calls a host does not
declare. ``app.notifySuccessResponse`` is left out, so ``notifySuccess`` expects no answer."""

HOST_PAGE = (
    """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Teams (testhost)</title>
<style>
  html, body { margin: 0; height: 100%; }
  iframe { display: block; width: 100%; height: 100vh; border: 0; }
</style>
</head>
<body>
<iframe id="teams-tab" title="Wasstraat"></iframe>
<script>
(() => {
  "use strict";
  const config = JSON.parse(new URLSearchParams(location.search).get("config"));
  const runtime = __RUNTIME__;
  const sdkVersion = __SDK_VERSION__;
  const frame = document.getElementById("teams-tab");
  const context = config.context;
  document.documentElement.lang = context.locale.split("-")[0];
  frame.title = config.frameTitle;

  window.teamsMessages = [];
  window.unanswered = [];
  window.registeredHandlers = [];
  window.openedLinks = [];
  window.appStatus = null;
  window.validityState = null;
  window.savedConfig = null;
  window.saveResult = null;
  let finishSave = null;

  const send = (message) => frame.contentWindow.postMessage(message, location.origin);
  const respond = (request, args) =>
    send({ id: request.id, uuidAsString: request.uuidAsString, args });

  // Requests the tab waits for: their answer is the response's args.
  const answers = {
    initialize: () => [config.frameContext, "web", JSON.stringify(runtime), sdkVersion],
    getContext: () => [Object.assign({}, context)],
    "authentication.getAuthToken": () =>
      config.token === null ? [false, __TOKEN_FAILURE__] : [true, config.token],
    executeDeepLink: (link) => {
      window.openedLinks.push(link);
      return [true];
    },
    "settings.getSettings": () => [window.savedConfig || {}],
    "settings.setSettings": (instanceConfig) => {
      window.savedConfig = instanceConfig;
      return [true];
    },
  };
  const saved = (result) => {
    window.saveResult = result;
    if (finishSave) finishSave(result);
    finishSave = null;
  };
  // Messages the tab sends without waiting for an answer.
  const notes = {
    registerHandler: (name) => window.registeredHandlers.push(name),
    "appInitialization.appLoaded": () => { window.appStatus = window.appStatus || "loaded"; },
    "appInitialization.success": () => { window.appStatus = "success"; },
    "appInitialization.failure": (reason, message) => {
      window.appStatus = { failure: reason, message };
    },
    "appInitialization.expectedFailure": (reason, message) => {
      window.appStatus = { expectedFailure: reason, message };
    },
    "settings.setValidityState": (valid) => { window.validityState = valid; },
    "settings.save.success": () => saved({ result: "success" }),
    "settings.save.failure": (reason) => saved({ result: "failure", reason }),
  };

  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
    const request = event.data;
    if (!request || typeof request.func !== "string") return;
    const args = Array.isArray(request.args) ? request.args : [];
    window.teamsMessages.push({ func: request.func, args });
    if (Object.hasOwn(answers, request.func)) {
      respond(request, answers[request.func](...args));
    } else if (Object.hasOwn(notes, request.func)) {
      notes[request.func](...args);
    } else {
      window.unanswered.push(request.func);
    }
  });

  // What the person does in Teams, for the test to call.
  window.setTheme = (theme) => {
    context.theme = theme;
    send({ func: "themeChange", args: [theme] });
  };
  window.save = () => {
    if (window.validityState !== true) return Promise.resolve({ result: "invalid" });
    return new Promise((resolve) => {
      finishSave = resolve;
      send({ func: "settings.save", args: [{}] });
    });
  };

  frame.src = config.tabUrl;
})();
</script>
</body>
</html>
""".replace("__RUNTIME__", json.dumps(RUNTIME))
    .replace("__SDK_VERSION__", json.dumps(SDK_VERSION))
    .replace("__TOKEN_FAILURE__", json.dumps(TOKEN_FAILURE))
)
"""The host page; its settings come from its own query string (see :func:`host_url`)."""


def is_host_url(url: str) -> bool:
    return urlsplit(url).path == HOST_PATH


async def _fulfill(route: Route) -> None:
    await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=HOST_PAGE)


async def install(target: Page | BrowserContext) -> None:
    """Answer every :func:`host_url` in ``target`` with the host page (a Playwright route).
    On a page it comes before any route of its context (such as a loopback-only filter); on
    a context, install it after the context's other routes."""
    await target.route(is_host_url, _fulfill)


async def host_handler(request: web.Request) -> web.Response:
    """The host page, for an aiohttp app that serves the tab."""
    return web.Response(text=HOST_PAGE, content_type="text/html", charset="utf-8")


def add_host_route(app: web.Application) -> None:
    """Serve the host page at :data:`HOST_PATH` from ``app`` (before it starts)."""
    app.router.add_get(HOST_PATH, host_handler)


async def tab_frame(page: Page) -> Frame:
    """The tab's frame in a host page, once it is there."""
    element = await page.wait_for_selector(TAB_FRAME, state="attached")
    frame = await element.content_frame()
    if frame is None:  # pragma: no cover - an iframe element always has a frame
        raise RuntimeError("the host page's tab frame has no content")
    return frame
