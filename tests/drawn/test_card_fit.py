"""Every card fits a screen: each exported variant (nl and en), drawn by the official renderer
with Teams' host config and CSS at 500 px wide, is at most 1,000 px tall, and no button title
is cut off, neither on the card nor in what the card opens on demand."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cards.export import variants
from tests.tools.render_cards import CHROMIUM, RENDERER, Stage, stage

pytestmark = pytest.mark.browser
MAX_HEIGHT = 1000  # px, at 500 px wide

_missing = [str(p) for p in (CHROMIUM, RENDERER) if not p.exists()]
if _missing and not os.environ.get("CI"):
    pytest.skip(
        f"needs {', '.join(_missing)} (apt-get install chromium; npm ci)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def drawn() -> Iterator[Stage]:
    with stage() as page:
        yield page


def test_every_card_variant_fits_500_px_wide_with_whole_button_titles(drawn: Stage):
    too_tall: dict[str, int] = {}
    cut: dict[str, list[str]] = {}
    count = 0
    for name, card in variants():
        count += 1
        fit = drawn.fit(card)
        if fit.height > MAX_HEIGHT:
            too_tall[name] = round(fit.height)
        if fit.cut or fit.cut_opened:
            cut[name] = sorted({*fit.cut, *fit.cut_opened})
    assert count >= 100
    assert too_tall == {}
    assert cut == {}


def test_the_fit_check_notices_a_tall_card_and_a_cut_title(drawn: Stage):
    fields = [{"type": "Input.Text", "id": f"f{n}", "label": f"Field {n}"} for n in range(30)]
    long_titles = [
        {"type": "Action.Submit", "title": f"A rather long button title number {n}"}
        for n in range(3)
    ]
    fit = drawn.fit(
        {"type": "AdaptiveCard", "version": "1.5", "body": fields, "actions": long_titles}
    )
    assert fit.height > MAX_HEIGHT
    assert len(fit.cut) == 3
    hidden = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Hi"}],
        "actions": [
            {
                "type": "Action.ShowCard",
                "title": "More",
                "card": {"type": "AdaptiveCard", "body": [], "actions": long_titles},
            }
        ],
    }
    fit = drawn.fit(hidden)
    assert fit.cut == [] and len(fit.cut_opened) == 3
