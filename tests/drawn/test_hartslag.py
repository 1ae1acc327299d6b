"""The hartslag as the official renderer draws it: each moment's marks stand level with the
feeling they mark, also where a row of a column has no mark."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cards import journey
from tests.tools.render_cards import CHROMIUM, RENDERER, Stage, stage
from wasstraat.model import ContactMoment, Feeling
from wasstraat.samples import TEMPLATE

pytestmark = pytest.mark.browser

_missing = [str(p) for p in (CHROMIUM, RENDERER) if not p.exists()]
if _missing and not os.environ.get("CI"):
    pytest.skip(
        f"needs {', '.join(_missing)} (apt-get install chromium; npm ci)", allow_module_level=True
    )

# every text block of the drawn card: its text and where its middle is
BLOCKS = """() => [...document.querySelectorAll('#card .ac-textBlock')].map((b) => {
  const r = b.getBoundingClientRect();
  return {text: b.textContent, x: r.x + r.width / 2, y: r.y + r.height / 2};
})"""


@pytest.fixture(scope="module")
def drawn() -> Iterator[Stage]:
    with stage() as page:
        yield page


def test_each_mark_stands_level_with_its_feeling(drawn: Stage):
    moments = [
        ContactMoment(channel="balie", current=Feeling.NEGATIVE, desired=Feeling.POSITIVE),
        ContactMoment(channel="telefoon", current=Feeling.NEUTRAL),
        ContactMoment(channel="website", current=Feeling.POSITIVE, desired=Feeling.POSITIVE),
    ]
    drawn.show(
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": journey.hartslag(moments, TEMPLATE, "en"),
        }
    )
    blocks = drawn.page.evaluate(BLOCKS)
    level = {b["text"]: b["y"] for b in blocks if b["text"] in {"positive", "neutral", "negative"}}
    headers = sorted((b for b in blocks if b["text"] in {"Desk", "Phone", "Website"}), key=_x)
    marks = sorted((b for b in blocks if b["text"] in {"●", "○", "●○"}), key=_x)

    def feeling_at(mark: dict) -> str:
        [row] = [f for f, y in level.items() if abs(y - mark["y"]) < 3]
        return row

    def column_of(mark: dict) -> str:
        return min(headers, key=lambda h: abs(h["x"] - mark["x"]))["text"]

    assert sorted((column_of(m), m["text"], feeling_at(m)) for m in marks) == [
        ("Desk", "○", "positive"),
        ("Desk", "●", "negative"),
        ("Phone", "●", "neutral"),
        ("Website", "●○", "positive"),
    ]


def _x(block: dict) -> float:
    return float(block["x"])
