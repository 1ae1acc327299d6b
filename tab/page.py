"""The portfolio tab's pages and every file they load, served by the bot's own web application.

``GET /tab/`` is the page and ``GET /tab/config`` the configuration page of the team tab: HTML
rendered here in the page's language, with the texts from the catalogue embedded as JSON data
(the scripts never hold a user-facing word) and a strict Content-Security-Policy: scripts,
styles and requests from this server only, no inline script, framed only by Teams or by a page
of this server.

``GET /tab/static/{name}`` serves the page's own scripts and styles from ``tab/static``, and
``GET /tab/vendor/{name}`` the browser libraries from ``node_modules``, both from a whitelist
read once at start-up (a request names a file of the list or gets 404; no path from a request
ever reaches the file system). The Fluent UI tokens are a library of ES modules that import
their siblings by relative path, so the modules the Teams themes need are served under
``/tab/vendor/tokens/<version>/``. The page links every file with its version, so a browser
keeps it for a year; a request without the version gets it to revalidate (ETag). A library that
is not installed is logged once at start-up and answered with 503, not a crash.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from aiohttp import web

from cards.catalogue import MESSAGES, Language, language_for, text

log = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
# where the libraries are in a checkout and in the container image (next to the packages)
DEFAULT_VENDOR_DIR: Final = Path(__file__).resolve().parents[1] / "node_modules"
# the short name the page loads each library by, and its file under node_modules
VENDOR_FILES: Final = {
    "teams-js.js": "@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js",
    "chart.js": "chart.js/dist/chart.umd.min.js",
    "fluent-web-components.js": "@fluentui/web-components/dist/web-components.min.js",
}
# the Fluent UI tokens: ES modules importing their siblings; the page needs the Teams themes
TOKENS_LIB: Final = "@fluentui/tokens/lib"
TOKENS_ENTRY: Final = "themes/teams/index.js"
TOKENS_ROUTE: Final = "/tab/vendor/tokens"
# a module path as the tokens library writes them, and its relative imports
MODULE_PATH: Final = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.js")
RELATIVE_IMPORT: Final = re.compile(r"""\bfrom\s*["'](\.{1,2}/[^"']+)["']""")
CONTENT_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# the page's own files: what tab/static holds with these suffixes (templates stay private)
STATIC_SUFFIXES: Final = tuple(CONTENT_TYPES)

PINNED: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"
# Teams (classic and new), Microsoft 365 and Outlook frame tabs from these origins
TEAMS_ANCESTORS: Final = (
    "https://teams.microsoft.com",
    "https://*.teams.microsoft.com",
    "https://*.cloud.microsoft",
    "https://*.office.com",
)
PLACEHOLDER: Final = re.compile(r"\{\{\s*(@?[a-z0-9_.]+)\s*\}\}")
TEXT_PREFIXES: Final = ("tab.", "strip.")
LANGUAGES: Final[tuple[Language, ...]] = ("nl", "en")
TEAM_ID_MAX: Final = 300


@dataclass(slots=True)
class Asset:
    """One file as served: its bytes (None when it is not installed), read once."""

    name: str
    source: Path
    body: bytes | None
    content_type: str
    version: str = field(init=False)
    _gzipped: bytes | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.version = hashlib.sha256(self.body).hexdigest()[:16] if self.body else "missing"

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body or b"", compresslevel=9, mtime=0)
        return self._gzipped


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _asset(name: str, path: Path) -> Asset:
    return Asset(name, path, _read(path), CONTENT_TYPES[path.suffix])


def _module_closure(lib: Path, entry: str) -> dict[str, Asset]:
    """The modules ``entry`` imports, directly or through others, each read once (by relative
    path inside ``lib``; an import that leaves ``lib`` or names no such module is left out)."""
    found: dict[str, Asset] = {}
    todo = [entry]
    root = lib.resolve()
    while todo:
        name = todo.pop()
        if name in found:
            continue
        asset = _asset(name, lib / name)
        found[name] = asset
        if asset.body is None:
            continue
        for target in RELATIVE_IMPORT.findall(asset.body.decode("utf-8", "replace")):
            resolved = (lib / name).parent.joinpath(target).resolve()
            if not resolved.is_relative_to(root):
                continue
            relative = resolved.relative_to(root).as_posix()
            if MODULE_PATH.fullmatch(relative):
                todo.append(relative)
    return found


def _json_for_html(value: object) -> str:
    """JSON that can sit inside ``<script type="application/json">`` (no ``</script>``)."""
    written = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return written.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_texts() -> dict[Language, dict[str, str]]:
    """The catalogue texts the page shows, in both languages (the switch needs no reload)."""
    return {
        language: {
            key: entry[language] for key, entry in MESSAGES.items() if key.startswith(TEXT_PREFIXES)
        }
        for language in LANGUAGES
    }


def content_security_policy() -> str:
    """Scripts, styles and requests from this server only, no inline script; framed by Teams,
    or by a page of this server (the browser tests' Teams host is one)."""
    ancestors = ("'self'", *TEAMS_ANCESTORS)
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
            f"frame-ancestors {' '.join(ancestors)}",
        )
    )


class _Site:
    """The tab's pages and files, read once when the routes are added."""

    def __init__(self, vendor_dir: Path, default_locale: str, time_zone: str) -> None:
        self.default_locale = default_locale
        self.time_zone = time_zone
        self.static = {
            path.name: _asset(path.name, path)
            for path in sorted(STATIC_DIR.iterdir())
            if path.is_file() and path.suffix in STATIC_SUFFIXES
        }
        self.vendor = {name: _asset(name, vendor_dir / path) for name, path in VENDOR_FILES.items()}
        self.tokens = _module_closure(vendor_dir / TOKENS_LIB, TOKENS_ENTRY)
        self.tokens_version = hashlib.sha256(
            "".join(
                f"{name}={asset.version};" for name, asset in sorted(self.tokens.items())
            ).encode()
        ).hexdigest()[:16]
        self.templates = {
            name: (STATIC_DIR / f"{name}.html").read_text("utf-8")
            for name in ("portfolio", "config")
        }
        self.texts = page_texts()
        missing = [
            str(asset.source)
            for asset in (*self.vendor.values(), *self.tokens.values())
            if asset.body is None
        ]
        if missing:
            log.warning(
                "the portfolio tab's browser libraries are missing (%s): install them with "
                "`npm ci` (make run does); until then the tab answers 503 for each",
                ", ".join(missing),
            )

    # URLs the pages link, each with the version that lets a browser keep it
    def static_url(self, name: str) -> str:
        return f"/tab/static/{name}?v={self.static[name].version}"

    def vendor_url(self, name: str) -> str:
        return f"/tab/vendor/{name}?v={self.vendor[name].version}"

    def tokens_url(self, name: str) -> str:
        return f"{TOKENS_ROUTE}/{self.tokens_version}/{name}"

    def language(self, request: web.Request) -> tuple[Language, str]:
        """The page's language and where it comes from: an explicit choice (``lang``), the
        Teams locale (``locale``) or the server's default."""
        chosen = request.query.get("lang", "")
        if chosen in LANGUAGES:
            return chosen, "choice"
        locale = request.query.get("locale", "")
        if locale and not locale.startswith("{"):  # Teams fills in {locale}; a bare one is none
            return language_for(locale, self.default_locale), "locale"
        return language_for(None, self.default_locale), "default"

    def render(self, template: str, language: Language, values: dict[str, str]) -> str:
        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("@"):
                return values[key[1:]]
            return html.escape(text(key, language))

        return PLACEHOLDER.sub(fill, self.templates[template])

    def html(self, request: web.Request, body: str) -> web.Response:
        response = web.Response(
            text=body,
            content_type="text/html",
            charset="utf-8",
            headers={
                "Content-Security-Policy": content_security_policy(),
                "Cache-Control": REVALIDATE,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
            },
        )
        response.enable_compression()
        return response

    async def portfolio(self, request: web.Request) -> web.Response:
        language, source = self.language(request)
        context = "team" if request.query.get("context") == "team" else "personal"
        team = request.query.get("team", "")[:TEAM_ID_MAX]
        config = {
            "language": language,
            "languageFrom": source,
            "context": context,
            "team": team,
            "api": "/api/portfolio",
            "themes": self.tokens_url(TOKENS_ENTRY),
            "timeZone": self.time_zone,
        }
        preloads = "\n".join(
            f'<link rel="modulepreload" href="{html.escape(self.tokens_url(name))}">'
            for name in sorted(self.tokens)
        )
        values = {
            "lang": language,
            "context": context,
            "css": self.static_url("portfolio.css"),
            "icon": self.static_url("icon.svg"),
            "script": self.static_url("portfolio.js"),
            "teams_js": self.vendor_url("teams-js.js"),
            "chart_js": self.vendor_url("chart.js"),
            "fluent": self.vendor_url("fluent-web-components.js"),
            "preloads": preloads,
            "texts": _json_for_html(self.texts),
            "config": _json_for_html(config),
        }
        return self.html(request, self.render("portfolio", language, values))

    async def configuration(self, request: web.Request) -> web.Response:
        language, _ = self.language(request)
        values = {
            "lang": language,
            "css": self.static_url("portfolio.css"),
            "icon": self.static_url("icon.svg"),
            "script": self.static_url("config.js"),
            "teams_js": self.vendor_url("teams-js.js"),
        }
        return self.html(request, self.render("config", language, values))

    async def to_page(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(
            request.rel_url.with_path("/tab/").with_query(request.query)
        )

    async def static_file(self, request: web.Request) -> web.StreamResponse:
        asset = self.static.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        return serve(request, asset, pinned=request.query.get("v") == asset.version)

    async def vendor_file(self, request: web.Request) -> web.StreamResponse:
        asset = self.vendor.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        return serve(request, asset, pinned=request.query.get("v") == asset.version)

    async def tokens_file(self, request: web.Request) -> web.StreamResponse:
        asset = self.tokens.get(request.match_info["path"])
        if asset is None:
            raise web.HTTPNotFound()
        return serve(request, asset, pinned=request.match_info["version"] == self.tokens_version)


def serve(request: web.Request, asset: Asset, *, pinned: bool) -> web.Response:
    """One file, gzipped when the browser takes it, with an ETag; kept a year when the
    request names its current version, else revalidated on every use."""
    if asset.body is None:
        log.warning("the portfolio tab cannot serve %s: %s is missing", asset.name, asset.source)
        return web.Response(
            status=503,
            text=f"{asset.name} is not installed on this server (npm ci)\n",
            headers={"Cache-Control": "no-store", "Retry-After": "60"},
        )
    compressed = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    etag = f"{asset.version}-gz" if compressed else asset.version
    headers = {
        "Content-Type": asset.content_type,
        "Cache-Control": PINNED if pinned else REVALIDATE,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if request.if_none_match and any(tag.value == etag for tag in request.if_none_match):
        response = web.Response(status=304, headers=headers)
    else:
        if compressed:
            headers["Content-Encoding"] = "gzip"
        response = web.Response(body=asset.gzipped() if compressed else asset.body, headers=headers)
    response.etag = etag
    return response


def add_page_routes(
    app: web.Application,
    *,
    vendor_dir: Path,
    default_locale: str,
    time_zone: str = "Europe/Amsterdam",
) -> None:
    """Serve the tab's pages (``/tab/``, ``/tab/config``), its own files (``/tab/static/``)
    and the browser libraries from ``vendor_dir`` (the checkout's ``node_modules``) under
    ``/tab/vendor/``. ``default_locale`` gives the language without a Teams locale, and
    ``time_zone`` the municipality's clock for the dates the page shows."""
    site = _Site(vendor_dir, default_locale, time_zone)
    app.router.add_get("/tab", site.to_page)
    app.router.add_get("/tab/", site.portfolio)
    app.router.add_get("/tab/config", site.configuration)
    app.router.add_get("/tab/static/{name}", site.static_file)
    app.router.add_get(TOKENS_ROUTE + "/{version}/{path:.+}", site.tokens_file)
    app.router.add_get("/tab/vendor/{name}", site.vendor_file)
