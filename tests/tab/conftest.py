"""The portfolio tab served by the bot itself on loopback, and headless Chromium to open it.

The page tests read what to expect from the API's own answers (caught in the browser).
``portfolio`` is the bot without an app id (loopback only, the local developer sees
everything); ``signed_portfolio`` is the bot with an app id, whose API wants a Teams single
sign-on token: ``Served.token`` is the one the Teams host hands the page, signed for the
sponsor with the tests' local Entra key (tests/tab/sso.py).

What the tests need of the data: more than one page of trajectories in two teams or more, with
several statuses and someone waited on; evaluated trajectories with KPIs and more than one page
of lessons (6+), one of them mentioning "klantreis"; the team "19:vergunningen@thread.tacv2"
for the team tab (tests/tab/municipality.py has all of it)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Page, Request, Response, sync_playwright

from tests.e2e.teams_host import TAB_FRAME, host_url, is_host_url
from tests.tab.bot_server import VENDOR, serving_bot

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
NEEDED = (CHROMIUM, AXE, VENDOR / "chart.js", VENDOR / "@fluentui" / "web-components")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOOPBACK = re.compile(r"^(https?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob|about):")
TOKEN = "portfolio-test-token"
# the page's state once everything has arrived: the theme applied and the count announced
LOADED = """() => {
  const html = document.documentElement;
  const texts = JSON.parse(document.getElementById('texts').textContent)[html.lang];
  const said = document.getElementById('status-text').textContent;
  return Boolean(html.dataset.theme) && said !== '' && said !== texts['tab.loading'];
}"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = [str(path) for path in NEEDED if not path.exists()]
    if not missing or os.environ.get("CI"):
        return  # on CI a missing browser or library fails the tests
    skip = pytest.mark.skip(reason=f"needs {', '.join(missing)} (apt-get install chromium; npm ci)")
    for item in items:
        if item.get_closest_marker("browser") and "tests/tab/" in item.nodeid:
            item.add_marker(skip)


@dataclass
class Served:
    """The bot with the tab: its base URL, and the token a Teams host must give the page
    (None: the API answers without one, as the bot does on loopback without an app id)."""

    url: str
    token: str | None = None


@pytest.fixture(scope="module")
def portfolio() -> Iterator[Served]:
    with serving_bot() as (url, _):
        yield Served(url, None)


@pytest.fixture(scope="module")
def signed_portfolio() -> Iterator[Served]:
    with serving_bot(signed=True) as (url, token):
        yield Served(url, token)


# per module: synchronous Playwright keeps an event loop running in this thread until it stops,
# and the asynchronous tests after the module need the thread's loop free
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    """A page of the tab (``view``: the page itself, or the tab's frame in a Teams host page),
    the requests it made and the API's answers, and what went wrong on it: script errors,
    console errors and Content-Security-Policy violations."""

    page: Page
    view: Page | Frame
    errors: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    sent: list[Request] = field(default_factory=list)
    answers: list[Response] = field(default_factory=list)

    def ask(self, request: Request) -> None:
        self.asked.append(request.url)
        self.sent.append(request)

    def heard(self, response: Response) -> None:
        if "/api/portfolio/" in response.url:
            self.answers.append(response)

    def asked_for(self, resource: str) -> list[dict[str, str]]:
        """The query of every request for ``resource`` ("trajectories", ...), in order."""
        return [
            dict(parse_qsl(urlsplit(url).query))
            for url in self.asked
            if urlsplit(url).path == f"/api/portfolio/{resource}"
        ]

    def answer(self, resource: str) -> Any:
        """The last answer the API gave for ``resource``."""
        found = [r for r in self.answers if urlsplit(r.url).path == f"/api/portfolio/{resource}"]
        assert found, f"no answer for {resource}"
        return found[-1].json()

    def violations(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.view.evaluate("window.__violations")
        return found

    def wait_until_loaded(self) -> None:
        self.view.wait_for_function(LOADED)

    def texts(self, language: str) -> dict[str, str]:
        raw = self.view.locator("#texts").text_content() or "{}"
        found: dict[str, str] = json.loads(raw)[language]
        return found


VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(
  {directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile}));
"""


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Any]:
    """``open_tab(url, theme=..., bypass_csp=...)``: a fresh browser context (light, dark or
    contrast) at ``url``; only loopback is reachable, unless ``cached`` asks for the browser's
    cache (the page's policy still keeps it to its own origin)."""
    contexts = []

    def opener(
        url: str,
        *,
        theme: str = "light",
        bypass_csp: bool = False,
        width: int = 1280,
        height: int = 900,
        cached: bool = False,
    ) -> Opened:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="dark" if theme == "dark" else "light",
            forced_colors="active" if theme == "contrast" else "none",
            bypass_csp=bypass_csp,
            accept_downloads=True,
        )
        contexts.append(context)
        if not cached:  # (Playwright's routing turns the browser's cache off)
            context.route(
                re.compile(r".*"),
                lambda route: (
                    route.continue_() if LOOPBACK.match(route.request.url) else route.abort()
                ),
            )
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        opened = Opened(page, page)
        page.on("request", opened.ask)
        page.on("response", opened.heard)
        page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                opened.errors.append(f"console: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.goto(url)
        if is_host_url(url):
            frame = page.wait_for_selector(TAB_FRAME, state="attached").content_frame()
            assert frame is not None
            opened.view = frame
        return opened

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def open_in_teams(open_tab) -> Any:
    """``open_in_teams(tab_url, token=..., team=..., theme=..., locale=...)``: the tab in the
    browser tests' Teams host (tests/e2e/teams_host.py), which answers teams-js as Teams would;
    the returned ``Opened.view`` is the tab's frame."""

    def opener(tab_url: str, *, bypass_csp: bool = False, **host: Any) -> Opened:
        opened: Opened = open_tab(host_url(tab_url, **host), bypass_csp=bypass_csp)
        return opened

    return opener
