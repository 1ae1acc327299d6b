"""A stand-in for the portfolio API (``/api/portfolio/...``) that answers as the contract says,
from the demo municipality of :mod:`tests.tab.demo`: filters, pages, the lessons' search, the
CSV export, and 401 without the expected token when one is required.

:func:`serving` runs an application on loopback in a thread of its own, for the synchronous
Playwright tests: the page's routes and this API on one origin, as the bot serves them."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from cards.catalogue import Language
from tab.page import add_page_routes
from tests.e2e.teams_host import add_host_route
from tests.tab import demo

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "node_modules"
PER_PAGE = 25
RESULTS_PER_PAGE = 4
LESSONS_PER_PAGE = 5
UNAUTHORIZED = {
    "nl": "Meld je aan via Microsoft Teams.",
    "en": "Sign in through Microsoft Teams.",
}


@dataclass
class FakePortfolio:
    """The API's answers; ``token``: the bearer token it requires (None: the development
    identity, no token needed). ``requests`` keeps every request's path and query."""

    token: str | None = None
    viewer: dict[str, str] = field(default_factory=lambda: {"name": "Sanne", "scope": "all"})
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.trajectories = demo.trajectories()

    def add_routes(self, app: web.Application) -> None:
        for name, handler in {
            "trajectories": self.list_trajectories,
            "summary": self.summary,
            "results": self.results,
            "lessons": self.lessons,
            "export.csv": self.export,
        }.items():
            app.router.add_get(f"/api/portfolio/{name}", self.guarded(handler))

    def guarded(
        self, handler: Callable[[web.Request, Language], web.Response]
    ) -> Callable[[web.Request], Any]:
        async def answer(request: web.Request) -> web.Response:
            self.requests.append(request.path_qs)
            language: Language = "en" if request.query.get("lang") == "en" else "nl"
            if self.token is not None:
                sent = request.headers.get("Authorization", "")
                if sent != f"Bearer {self.token}":
                    return web.json_response({"error": UNAUTHORIZED[language]}, status=401)
            return handler(request, language)

        return answer

    def chosen(self, request: web.Request, *, narrow: bool) -> list[demo.Trajectory]:
        query = request.query
        found = self.trajectories
        if query.get("team"):
            found = [t for t in found if t.team[0] == query["team"]]
        if query.get("year"):
            found = [t for t in found if str(t.year) == query["year"]]
        if narrow and query.get("status"):
            found = [t for t in found if t.status == query["status"]]
        if narrow and query.get("step"):
            index = [s["id"] for s in demo.STEPS].index(query["step"])
            found = [t for t in found if t.marks[index] in ("running", "overdue")]
        return found

    @staticmethod
    def page_of(
        request: web.Request, items: list[Any], per_page: int
    ) -> tuple[int, list[Any], bool]:
        page = max(1, int(request.query.get("page", "1") or 1))
        start = (page - 1) * per_page
        return page, items[start : start + per_page], len(items) > start + per_page

    def list_trajectories(self, request: web.Request, language: Language) -> web.Response:
        page, items, more = self.page_of(request, self.chosen(request, narrow=True), PER_PAGE)
        return web.json_response(
            {
                "viewer": self.viewer,
                "page": page,
                "per_page": PER_PAGE,
                "has_more": more,
                "filters": demo.filters(language, self.trajectories),
                "items": [demo.trajectory_item(t, language) for t in items],
            }
        )

    def summary(self, request: web.Request, language: Language) -> web.Response:
        return web.json_response(demo.summary(self.chosen(request, narrow=False), language))

    def evaluated(self, request: web.Request) -> list[demo.Trajectory]:
        found = [t for t in self.chosen(request, narrow=False) if t.evaluated_at is not None]
        return sorted(found, key=lambda t: t.evaluated_at or demo.TODAY, reverse=True)

    def results(self, request: web.Request, language: Language) -> web.Response:
        page, items, more = self.page_of(request, self.evaluated(request), RESULTS_PER_PAGE)
        return web.json_response(
            {
                "page": page,
                "has_more": more,
                "items": [demo.result_item(t, language) for t in items],
            }
        )

    def lessons(self, request: web.Request, language: Language) -> web.Response:
        words = request.query.get("q", "").strip().lower()
        found = [
            t
            for t in self.evaluated(request)
            if not words or words in f"{t.went_well} {t.could_be_better}".lower()
        ]
        page, items, more = self.page_of(request, found, LESSONS_PER_PAGE)
        return web.json_response(
            {"page": page, "has_more": more, "items": [demo.lesson_item(t) for t in items]}
        )

    def export(self, request: web.Request, language: Language) -> web.Response:
        written = io.StringIO()
        table = csv.writer(written)
        table.writerow(["product", "team", "status", "project_leader", "process_owner"])
        for t in self.chosen(request, narrow=True):
            item = demo.trajectory_item(t, language)
            table.writerow(
                [t.product, t.team[1], item["status"]["label"], t.project_leader, t.process_owner]
            )
        return web.Response(
            body=("\ufeff" + written.getvalue()).encode("utf-8"),
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": 'attachment; filename="wasstraat-portfolio.csv"',
            },
        )


def tab_app(api: FakePortfolio) -> web.Application:
    """The page's routes, as the bot adds them, the fake API, and the browser tests' Teams host
    page (on the tab's own origin, as teams-js wants its host), on one application."""
    app = web.Application()
    add_page_routes(app, vendor_dir=VENDOR, default_locale="nl-NL")
    api.add_routes(app)
    add_host_route(app)
    return app


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """Serve ``app`` on a free loopback port from a thread of its own; yields its base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="tab-server", daemon=True)
    thread.start()
    runner = web.AppRunner(app)

    async def start() -> str:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
