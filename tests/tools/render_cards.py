"""Render cards with the official Adaptive Cards renderer, styled as in Teams (light).

Usage: python -m tests.tools.render_cards OUT_DIR [NAME ...]
Renders the named card variants of ``cards.export`` (default: the main ones) to PNG in headless
Chromium, with the Teams host config and container CSS from npm ``adaptivecards-designer``.

:class:`Stage` is one browser page that draws card after card (the fit test measures every
variant on it): how tall a card is, and which button titles do not fit their button.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from cards.export import previews, variants

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
HOST_CONFIG = MODULES / "adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json"
TEAMS_CSS = MODULES / "adaptivecards-designer/dist/containers/teams-container-light.css"
RENDERER = MODULES / "adaptivecards/dist/adaptivecards.min.js"
CARD_WIDTH = 500  # px: a card in a Teams chat on a laptop screen
MAIN_CARDS = (
    "welcome--personal--all--nl",
    "status--two-trajectories--all--nl",
    "status--at-a-glance--all--nl",
    "evaluation_result--evaluatie--person--nl",
    "detail--finished--all--nl",
    "approval_request--kpis--proceseigenaar--nl",
    "check_request--3b--vakinhoudelijk_medewerker--nl",
    "review_request--7--specialist_iv--nl",
    "step_started--1--projectleider--nl",
    "step_started--2--projectleider--nl",
    "step_started--4--klantreiscoach--journey-opened--nl",
    "step_done--4--channel--nl",
    "step_started--5--procesadviseur--nl",
    "roles-form--step-1--projectleider--nl",
    "tasks--open--person--nl",
    "digest--two-trajectories--person--nl",
    "approval_request--plan--proceseigenaar--nl",
    "step_started--8--projectleider--nl",
    "check_summary-----procesadviseur--nl",
    "step_started--6--projectleider--nl",
    "step_started--6--projectleider--pick--nl",
    "step_started--10--teammanager--nl",
    "step_started--8--vakinhoudelijk_medewerker--nl",
    "evaluation_request--evaluatie--sponsor--nl",
    "stale--decide_kpis--proceseigenaar--en",
)
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}"><style>body{{margin:0;padding:16px;background:#f5f5f5;
font-family:'Segoe UI',sans-serif}} #card{{width:{width}px;background:#fff;border-radius:6px;
padding:0;box-shadow:0 1px 2px rgba(0,0,0,.15)}}</style>
<script src="{js}"></script></head><body class="teams-frame"><div id="card"></div>
<script>
const hostConfig = new AdaptiveCards.HostConfig({host_config});
const shown = (element) => element.offsetParent !== null;
window.showCard = (payload) => {{
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.parse(payload);
  document.getElementById("card").replaceChildren(card.render());
}};
window.cardHeight = () => document.getElementById("card").getBoundingClientRect().height;
// the titles of the visible buttons that do not fit (the renderer cuts them with an ellipsis)
window.cutTitles = () => Array.from(document.querySelectorAll("#card .ac-pushButton"))
  .filter(shown)
  .filter((button) => [button, ...button.querySelectorAll("div")]
    .some((box) => box.scrollWidth > box.clientWidth + 1))
  .map((button) => button.textContent);
// open what opens on demand: every Action.ToggleVisibility in turn, as a person would (one may
// bring the next), then each Action.ShowCard alone; note the titles cut while open and the
// tallest the card gets
window.openEach = () => {{
  const cut = new Set();
  let tallest = window.cardHeight();
  const look = () => {{
    window.cutTitles().forEach((title) => cut.add(title));
    tallest = Math.max(tallest, window.cardHeight());
  }};
  const clicked = new Set();
  for (;;) {{
    const next = Array.from(document.querySelectorAll("#card .ac-pushButton[aria-controls]"))
      .find((button) => shown(button) && !clicked.has(button));
    if (!next) break;
    clicked.add(next);
    next.click();
    look();
  }}
  const buttons = Array.from(document.querySelectorAll("#card .ac-pushButton[aria-expanded]"));
  for (const button of buttons.filter(shown)) {{
    button.click();
    look();
    button.click();
  }}
  return {{cut: Array.from(cut), tallest}};
}};
</script></body></html>"""


@dataclass(frozen=True, slots=True)
class Fit:
    """How one card sits on the screen, closed and with each on-demand part opened."""

    height: float
    cut: list[str]
    cut_opened: list[str]
    tallest_opened: float


class Stage:
    """One page of the Teams-styled renderer, drawing one card at a time."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def show(self, card: dict[str, Any]) -> None:
        self.page.evaluate("payload => window.showCard(payload)", card)

    def fit(self, card: dict[str, Any]) -> Fit:
        self.show(card)
        height = self.page.evaluate("window.cardHeight()")
        cut = self.page.evaluate("window.cutTitles()")
        opened = self.page.evaluate("window.openEach()")
        return Fit(height, cut, opened["cut"], opened["tallest"])


@contextmanager
def stage(width: int = CARD_WIDTH) -> Iterator[Stage]:
    """A headless Chromium page with the renderer, the Teams host config and its CSS loaded."""
    with tempfile.TemporaryDirectory() as directory, sync_playwright() as playwright:
        html = Path(directory) / "stage.html"
        html.write_text(
            PAGE.format(
                css=TEAMS_CSS.as_uri(),
                js=RENDERER.as_uri(),
                host_config=HOST_CONFIG.read_text("utf-8"),
                width=width,
            ),
            "utf-8",
        )
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": width + 40, "height": 400})
            page.goto(html.as_uri())
            yield Stage(page)
        finally:
            browser.close()


def render(out: Path, names: list[str]) -> list[Path]:
    chosen = {name: card for name, card in (*variants(), *previews()) if name in names}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with stage() as drawn:
        for name in names:
            drawn.show(chosen[name])
            target = out / f"{name}.png"
            drawn.page.locator("#card").screenshot(path=str(target))
            written.append(target)
    return written


if __name__ == "__main__":
    directory = Path(sys.argv[1]).resolve()
    for path in render(directory, sys.argv[2:] or list(MAIN_CARDS)):
        print(path)
