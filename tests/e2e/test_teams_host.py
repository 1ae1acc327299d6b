"""The Teams host of the tab's browser tests plays its part: a probe page that loads the real
teams-js (``node_modules``) initializes in it, reads the context, gets the token, opens a link,
follows a theme change and saves a configuration, in headless Chromium."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, Route

from tests.e2e import teams_host
from tests.e2e.harness import CHROMIUM, ROOT
from tests.e2e.teams_host import Team, host_url, tab_frame

pytestmark = pytest.mark.browser

TEAMS_JS = (
    ROOT / "node_modules" / "@microsoft" / "teams-js" / "dist" / "umd" / "MicrosoftTeams.min.js"
)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LOOPBACK = re.compile(r"^https?://127\.0\.0\.1(:\d+)?/|^(about|data|blob):")
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ0ZXN0In0.c2lnbmF0dXJl"
THREAD = "https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000"
TEAM = Team("19:b0rg3rz4k3n@thread.tacv2", "Team Burgerzaken")

_missing = [str(p) for p in (CHROMIUM, TEAMS_JS, AXE) if not p.exists()]
if _missing and not os.environ.get("CI"):
    pytest.skip(
        f"needs {', '.join(_missing)} (apt-get install chromium; npm ci)", allow_module_level=True
    )

PROBE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Probe</title>
<script src="/teams.js"></script></head>
<body><main><h1>Probe</h1></main>
<script>
window.probe = { themes: [] };
(async () => {
  try {
    await microsoftTeams.app.initialize();
    microsoftTeams.app.registerOnThemeChangeHandler((theme) => window.probe.themes.push(theme));
    const context = await microsoftTeams.app.getContext();
    window.probe.context = {
      locale: context.app.locale, theme: context.app.theme,
      hostClientType: context.app.host.clientType, frameContext: context.page.frameContext,
      entityId: context.page.id, user: context.user.id, loginHint: context.user.loginHint,
      tenant: context.user.tenant ? context.user.tenant.id : null,
      team: context.team ? { internalId: context.team.internalId,
                             displayName: context.team.displayName } : null,
      channel: context.channel ? { id: context.channel.id,
                                   displayName: context.channel.displayName } : null,
    };
    try {
      window.probe.token = await microsoftTeams.authentication.getAuthToken();
    } catch (error) {
      window.probe.tokenError = error.message;
    }
    await microsoftTeams.app.openLink(__THREAD__);
    await microsoftTeams.app.notifySuccess();
    window.probe.done = true;
  } catch (error) {
    window.probe.error = String(error);
  }
})();
</script></body></html>
""".replace("__THREAD__", json.dumps(THREAD))

CONFIG_PROBE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Probe settings</title>
<script src="/teams.js"></script></head>
<body><main><h1>Probe settings</h1></main>
<script>
window.probe = {};
(async () => {
  try {
    await microsoftTeams.app.initialize();
    microsoftTeams.pages.config.registerOnSaveHandler(async (saveEvent) => {
      await microsoftTeams.pages.config.setConfig({
        entityId: "wasstraat-portfolio", suggestedDisplayName: "Wasstraat",
        contentUrl: location.origin + "/tab/?context=team&locale={locale}",
        websiteUrl: location.origin + "/tab/?context=team",
      });
      saveEvent.notifySuccess();
    });
    microsoftTeams.pages.config.setValidityState(true);
    window.probe.ready = true;
  } catch (error) {
    window.probe.error = String(error);
  }
})();
</script></body></html>
"""


def _page(html: str):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    return handler


async def _teams_js(request: web.Request) -> web.FileResponse:
    return web.FileResponse(TEAMS_JS)


@pytest.fixture
async def origin() -> AsyncIterator[str]:
    """A loopback server with the probe pages, teams-js and (for the server-side variant) the
    host page; yields its origin."""
    app = web.Application()
    app.router.add_get("/probe/", _page(PROBE))
    app.router.add_get("/probe/config", _page(CONFIG_PROBE))
    app.router.add_get("/teams.js", _teams_js)
    teams_host.add_host_route(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def _loopback_only(route: Route) -> None:
    # teams-js fetches Teams' list of valid origins from a CDN when it loads: refuse it at once
    if LOOPBACK.match(route.request.url):
        await route.continue_()
    else:
        await route.abort()


async def open_host(browser: Browser, url: str, *, route: bool = True) -> Page:
    context = await browser.new_context(viewport={"width": 1000, "height": 700})
    await context.route("**/*", _loopback_only)
    page = await context.new_page()
    if route:
        await teams_host.install(page)
    await page.goto(url)
    return page


async def probe(page: Page, until: str) -> dict[str, Any]:
    frame = await tab_frame(page)
    await frame.wait_for_function(f"window.probe && (window.probe.{until} || window.probe.error)")
    result: dict[str, Any] = await frame.evaluate("window.probe")
    assert "error" not in result, result["error"]
    return result


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    for frame in page.frames:
        await frame.add_script_tag(path=str(AXE))
    return await page.evaluate(
        "axe.run().then(r => r.violations.map(v => ({id: v.id, nodes: v.nodes.length})))"
    )


@pytest.mark.parametrize("served_by", ["browser route", "tab server"])
async def test_a_team_tab_initializes_reads_the_context_signs_in_and_opens_a_link(
    browser: Browser, origin: str, served_by: str
):
    url = host_url(f"{origin}/probe/", token=TOKEN, locale="en-US", theme="dark", team=TEAM)
    page = await open_host(browser, url, route=served_by == "browser route")
    seen = await probe(page, "done")
    assert seen["context"] == {
        "locale": "en-US",
        "theme": "dark",
        "hostClientType": "web",
        "frameContext": "content",
        "entityId": "wasstraat-portfolio",
        "user": teams_host.USER_OBJECT_ID,
        "loginHint": teams_host.LOGIN_HINT,
        "tenant": teams_host.TENANT_ID,
        "team": {"internalId": TEAM.internal_id, "displayName": "Team Burgerzaken"},
        "channel": {"id": TEAM.internal_id, "displayName": "Algemeen"},
    }
    assert seen["token"] == TOKEN
    assert await page.evaluate("window.openedLinks") == [THREAD]
    assert await page.evaluate("window.appStatus") == "success"
    assert await page.evaluate("window.unanswered") == []
    assert await page.evaluate("document.documentElement.lang") == "en"

    # Teams switches to high contrast: the tab hears it, and a new context says so.
    await page.wait_for_function("window.registeredHandlers.includes('themeChange')")
    await page.evaluate("window.setTheme('contrast')")
    frame = await tab_frame(page)
    await frame.wait_for_function("window.probe.themes.length > 0")
    assert await frame.evaluate("window.probe.themes") == ["contrast"]
    theme = await frame.evaluate(
        "microsoftTeams.app.getContext().then(context => context.app.theme)"
    )
    assert theme == "contrast"

    # The host's own markup adds nothing for axe-core to find.
    assert await axe_violations(page) == []
    await page.context.close()


async def test_a_personal_tab_gets_a_personal_context_and_a_refused_token(
    browser: Browser, origin: str
):
    page = await open_host(browser, host_url(f"{origin}/probe/", token=None))
    seen = await probe(page, "done")
    assert seen["context"]["team"] is None and seen["context"]["channel"] is None
    assert seen["context"]["entityId"] == "portfolio"
    assert seen["context"]["locale"] == "nl-NL" and seen["context"]["theme"] == "default"
    assert "token" not in seen
    assert seen["tokenError"] == teams_host.TOKEN_FAILURE
    assert await page.evaluate("document.documentElement.lang") == "nl"
    await page.context.close()


async def test_a_configuration_page_saves_its_tab_through_the_host(browser: Browser, origin: str):
    url = host_url(f"{origin}/probe/config", token=TOKEN, team=TEAM, frame_context="settings")
    page = await open_host(browser, url)
    await probe(page, "ready")
    await page.wait_for_function("window.validityState === true")
    assert await page.evaluate("window.savedConfig") is None
    assert await page.evaluate("window.save()") == {"result": "success"}
    assert await page.evaluate("window.savedConfig") == {
        "entityId": "wasstraat-portfolio",
        "suggestedDisplayName": "Wasstraat",
        "contentUrl": f"{origin}/tab/?context=team&locale={{locale}}",
        "websiteUrl": f"{origin}/tab/?context=team",
    }
    assert await page.evaluate("window.saveResult") == {"result": "success"}
    assert "save" in await page.evaluate("window.registeredHandlers")
    await page.context.close()


def test_the_host_address_is_on_the_tabs_origin_and_carries_its_settings():
    url = host_url("http://127.0.0.1:8123/tab/?context=team&locale=en-US", token="t", team=TEAM)
    assert url.startswith(f"http://127.0.0.1:8123{teams_host.HOST_PATH}?config=")
    assert teams_host.is_host_url(url)
    with pytest.raises(ValueError):
        host_url("/tab/", token="t")
