"""Render cards to PNG with the official Adaptive Cards renderer, styled as in Teams (light).

Usage: python -m tests.tools.render_cards OUT_DIR [NAME ...]
Renders the named card variants of ``cards.export`` (default: the main ones) in headless
Chromium, with the Teams host config and container CSS from npm ``adaptivecards-designer``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from cards.export import variants

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "node_modules"
MAIN_CARDS = (
    "welcome--personal--all--nl",
    "status--two-trajectories--all--nl",
    "status--at-a-glance--all--nl",
    "evaluation_result--evaluatie--person--nl",
    "detail--finished--all--nl",
    "approval_request--kpis--proceseigenaar--nl",
    "check_request--3b--vakinhoudelijk_medewerker--nl",
    "review_request--7--specialist_iv--nl",
    "step_started--2--projectleider--nl",
    "tasks--open--person--nl",
    "digest--two-trajectories--person--nl",
    "stale--decide_kpis--proceseigenaar--en",
)
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}"><style>body{{margin:0;padding:16px;background:#f5f5f5;
font-family:'Segoe UI',sans-serif}} #card{{width:420px;background:#fff;border-radius:6px;
padding:0;box-shadow:0 1px 2px rgba(0,0,0,.15)}}</style>
<script src="{js}"></script></head><body class="teams-frame"><div id="card"></div>
<script>
const card = new AdaptiveCards.AdaptiveCard();
card.hostConfig = new AdaptiveCards.HostConfig({host_config});
card.parse({payload});
document.getElementById("card").appendChild(card.render());
</script></body></html>"""


def render(out: Path, names: list[str]) -> list[Path]:
    chosen = {name: card for name, card in variants() if name in names}
    host_config = (
        MODULES / "adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json"
    ).read_text("utf-8")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 460, "height": 400})
        for name in names:
            html = out / f".{name}.html"
            html.write_text(
                PAGE.format(
                    css=(
                        MODULES / "adaptivecards-designer/dist/containers/teams-container-light.css"
                    ).as_uri(),
                    js=(MODULES / "adaptivecards/dist/adaptivecards.min.js").as_uri(),
                    host_config=host_config,
                    payload=json.dumps(chosen[name], ensure_ascii=False),
                ),
                "utf-8",
            )
            page.goto(html.as_uri())
            target = out / f"{name}.png"
            page.locator("#card").screenshot(path=str(target))
            html.unlink()
            written.append(target)
        browser.close()
    return written


if __name__ == "__main__":
    directory = Path(sys.argv[1]).resolve()
    for path in render(directory, sys.argv[2:] or list(MAIN_CARDS)):
        print(path)
