"""What the tab's routes answer over HTTP: the pages in their language with their texts and a
strict Content-Security-Policy, the page's own files and the browser libraries from their
whitelists only, with their types, versions and caching, and a clear 503 (not a crash) for a
library that is not installed."""

from __future__ import annotations

import gzip
import json
import logging
import re
import shutil
from html import escape as html_escape
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from cards.catalogue import MESSAGES
from tab import page
from tab.page import add_page_routes

VENDOR = Path(__file__).resolve().parents[2] / "node_modules"
HAVE_LIBRARIES = all((VENDOR / path).exists() for path in page.VENDOR_FILES.values())
needs_libraries = pytest.mark.skipif(not HAVE_LIBRARIES, reason="needs node_modules (npm ci)")
JSON_BLOCK = r'<script type="application/json" id="{}">(.*?)</script>'


async def client_for(vendor_dir: Path = VENDOR) -> TestClient:
    app = web.Application()
    add_page_routes(app, vendor_dir=vendor_dir, default_locale="nl-NL")
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def client():
    client = await client_for()
    yield client
    await client.close()


def embedded(html: str, name: str) -> dict:
    found = re.search(JSON_BLOCK.format(name), html, re.S)
    assert found, name
    return json.loads(found.group(1))


def policy(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in response.headers["Content-Security-Policy"].split(";"))
    }


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("", "nl"),
        ("?locale=en-US", "en"),
        ("?locale=nl-NL", "nl"),
        ("?locale=fr-FR", "nl"),
        ("?locale={locale}", "nl"),
        ("?locale=nl-NL&lang=en", "en"),
        ("?locale=en-GB&lang=nl", "nl"),
    ],
)
async def test_the_page_is_in_the_language_of_the_choice_or_the_teams_locale(
    client, query, language
):
    response = await client.get(f"/tab/{query}")
    assert response.status == 200
    html = await response.text()
    assert f'<html lang="{language}"' in html
    assert f'<h1 data-text="tab.title">{MESSAGES["tab.title"][language]}</h1>' in html
    assert embedded(html, "config")["language"] == language


async def test_the_page_embeds_its_texts_in_both_languages_as_data(client):
    html = await (await client.get("/tab/")).text()
    texts = embedded(html, "texts")
    for language in ("nl", "en"):
        assert texts[language]["tab.sign_in"] == MESSAGES["tab.sign_in"][language]
        assert texts[language]["strip.overdue"] == MESSAGES["strip.overdue"][language]
        assert set(texts[language]) == {
            key for key in MESSAGES if key.startswith(("tab.", "strip."))
        }
    # no script of the page's own is inline: only data blocks
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all('type="application/json"' in attributes or not body for attributes, body in scripts)


async def test_a_team_in_the_address_cannot_break_out_of_the_data_block(client):
    response = await client.get(
        "/tab/", params={"context": "team", "team": "</script><script>alert(1)</script>"}
    )
    html = await response.text()
    assert "<script>alert(1)" not in html
    config = embedded(html, "config")
    assert config["team"] == "</script><script>alert(1)</script>"
    assert config["context"] == "team"


async def test_the_policy_allows_this_server_only_and_framing_by_teams(client):
    response = await client.get("/tab/")
    found = policy(response)
    assert found["default-src"] == "'none'"
    assert found["script-src"] == "'self'"
    assert found["style-src"] == "'self'"
    assert found["connect-src"] == "'self'"
    ancestors = found["frame-ancestors"].split()
    assert ancestors == [
        "'self'",
        "https://teams.microsoft.com",
        "https://*.teams.microsoft.com",
        "https://*.cloud.microsoft",
        "https://*.office.com",
    ]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in response.headers  # the policy's frame-ancestors decides


async def test_the_configuration_page_explains_and_loads_its_script(client):
    response = await client.get("/tab/config?locale=en-US")
    assert response.status == 200
    html = await response.text()
    assert html_escape(MESSAGES["tab.config.body"]["en"]) in html
    assert re.search(r'<script type="module" src="/tab/static/config\.js\?v=\w+">', html)
    assert policy(response)["script-src"] == "'self'"


async def test_tab_without_a_slash_leads_to_the_page(client):
    response = await client.get("/tab?locale=en-US", allow_redirects=False)
    assert response.status == 308
    assert response.headers["Location"] == "/tab/?locale=en-US"


async def test_the_pages_own_files_come_from_the_whitelist_with_their_type(client):
    script = await client.get("/tab/static/portfolio.js")
    assert script.status == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "function start()" in await script.text()
    style = await client.get("/tab/static/portfolio.css")
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    for name in ("portfolio.html", "config.html", "..%2Fpage.py", "..%2F__init__.py", "nope.js"):
        assert (await client.get(f"/tab/static/{name}")).status == 404, name
    assert (await client.get("/tab/static/../page.py")).status == 404


@needs_libraries
async def test_the_libraries_come_from_node_modules_under_their_short_names(client):
    html = await (await client.get("/tab/")).text()
    for name, path in page.VENDOR_FILES.items():
        linked = re.search(rf'src="(/tab/vendor/{re.escape(name)}\?v=\w+)"', html)
        assert linked, name
        response = await client.get(linked.group(1), headers={"Accept-Encoding": "identity"})
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert await response.read() == (VENDOR / path).read_bytes()
    for name in ("chart.umd.min.js", "axe.min.js", "..%2F..%2Fpackage.json", "tokens"):
        assert (await client.get(f"/tab/vendor/{name}")).status == 404, name


@needs_libraries
async def test_the_tokens_library_is_served_as_the_modules_the_teams_themes_import(client):
    html = await (await client.get("/tab/")).text()
    themes = embedded(html, "config")["themes"]
    prefix, entry = themes.rsplit("/themes/", 1)
    assert entry == "teams/index.js"
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert themes in preloaded
    lib = VENDOR / "@fluentui/tokens/lib"
    for url in preloaded:
        response = await client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status == 200, url
        assert await response.read() == (lib / url.removeprefix(prefix + "/")).read_bytes()
        assert response.headers["Cache-Control"] == page.PINNED
    # every relative import of a served module is served as well
    for url in preloaded:
        body = (lib / url.removeprefix(prefix + "/")).read_text("utf-8")
        for target in re.findall(r'from\s*"(\.{1,2}/[^"]+)"', body):
            resolved = (Path(url).parent / target).resolve().as_posix()
            assert resolved in preloaded, (url, target)
    # nothing else from the library, and nothing outside it
    for rest in ("index.js", "../package.json", "..%2F..%2Fpackage.json", "themes/index.js.map"):
        assert (await client.get(f"{prefix}/{rest}")).status == 404, rest


@needs_libraries
async def test_a_file_is_kept_a_year_by_its_version_and_else_revalidated(client):
    html = await (await client.get("/tab/")).text()
    url = re.search(r'src="(/tab/vendor/chart\.js\?v=\w+)"', html).group(1)
    pinned = await client.get(url)
    assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pinned.headers["Vary"] == "Accept-Encoding"
    bare = await client.get("/tab/vendor/chart.js")
    assert bare.headers["Cache-Control"] == "no-cache"
    again = await client.get(
        "/tab/vendor/chart.js", headers={"If-None-Match": bare.headers["ETag"]}
    )
    assert again.status == 304
    assert await again.read() == b""
    page_itself = await client.get("/tab/")
    assert page_itself.headers["Cache-Control"] == "no-cache"


@needs_libraries
async def test_files_travel_gzipped_to_a_browser_that_takes_it(client):
    raw = (VENDOR / page.VENDOR_FILES["fluent-web-components.js"]).read_bytes()
    response = await client.get(
        "/tab/vendor/fluent-web-components.js",
        headers={"Accept-Encoding": "gzip, deflate, br"},
        auto_decompress=False,
    )
    assert response.headers["Content-Encoding"] == "gzip"
    body = await response.read()
    assert gzip.decompress(body) == raw
    assert len(body) < len(raw) / 3


async def test_without_node_modules_the_libraries_answer_503_and_the_log_says_why(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="tab.page"):
        client = await client_for(tmp_path / "node_modules")
    try:
        said = " ".join(record.getMessage() for record in caplog.records)
        assert "browser libraries are missing" in said
        assert "npm ci" in said
        assert "MicrosoftTeams.min.js" in said
        assert (await client.get("/tab/")).status == 200
        for name in page.VENDOR_FILES:
            response = await client.get(f"/tab/vendor/{name}")
            assert response.status == 503, name
            assert "npm ci" in await response.text()
        html = await (await client.get("/tab/")).text()
        themes = embedded(html, "config")["themes"]
        assert (await client.get(themes)).status == 503
    finally:
        await client.close()


@needs_libraries
async def test_the_container_image_holds_every_library_the_tab_serves(tmp_path, caplog):
    """The image's node_modules, laid out as the Dockerfile's COPY lines do it, serve every
    library the page loads."""
    dockerfile = (VENDOR.parent / "Dockerfile").read_text("utf-8").replace("\\\n", " ")
    copied = re.findall(
        r"^COPY --from=browser-libraries /build/node_modules/(\S+) +\./node_modules/(\S+)$",
        dockerfile,
        re.M,
    )
    assert copied, "the image copies no browser library"
    image = tmp_path / "node_modules"
    for source, target in copied:
        into = image / target
        if (VENDOR / source).is_dir():
            shutil.copytree(VENDOR / source, into)
        else:  # a file into a directory, as COPY does with a target ending in /
            assert target.endswith("/"), target
            into.mkdir(parents=True, exist_ok=True)
            shutil.copy(VENDOR / source, into)
    with caplog.at_level(logging.WARNING, logger="tab.page"):
        client = await client_for(image)
    try:
        assert caplog.records == []
        html = await (await client.get("/tab/")).text()
        linked = re.findall(r'(?:src|href)="(/tab/(?:vendor|static)/[^"]+)"', html)
        linked.append(embedded(html, "config")["themes"])
        assert len(linked) > 10
        for url in linked:
            assert (await client.get(url)).status == 200, url
    finally:
        await client.close()
