"""The app's two icons, drawn from one symbol: two arrows chasing each other round a ring
(the cycle of improvement a process goes through, like a car through a car wash) around a
check mark (the trajectory's steps being closed off).

``python -m manifest.icons [DIR]`` writes ``color.png`` (192×192: the white symbol on the
accent color, full bleed, as Teams rounds the corners itself) and ``outline.png`` (32×32: the
symbol in pure white on a transparent background). The PNGs are committed; a test redraws them
and compares pixels, so the drawing here and the files in the package never drift apart.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parent / "icons"
COLOR_FILE = "color.png"
OUTLINE_FILE = "outline.png"
COLOR_SIZE = 192
OUTLINE_SIZE = 32

ACCENT_COLOR = "#0E7490"
"""Background of the color icon and the manifest's accentColor: a deep teal, the water of the
wash. White on it has a contrast ratio of about 5.4:1 (WCAG AA asks 4.5:1)."""

SUPERSAMPLE = 16
"""The symbol is drawn this many times larger and scaled down: smooth edges at 32 pixels."""


def _symbol_mask(size: int, *, extent: float, stroke: float) -> Image.Image:
    """The symbol as an 8-bit coverage mask of ``size``×``size`` pixels.

    ``extent`` is the diameter of the ring's outer edge as a share of the canvas; ``stroke``
    the ring's and the check mark's width as a share of the canvas.
    """
    big = size * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    centre = big / 2
    width = stroke * big
    radius = extent * big / 2 - width / 2  # radius of the ring's centre line
    head = width * 1.45  # half the width of an arrow head's base

    # Two arcs with a gap at 3 and 9 o'clock; Pillow's angles run clockwise from 3 o'clock.
    for start, end in ((200, 338), (20, 158)):
        box = (centre - radius - width / 2, centre - radius - width / 2)
        box_end = (centre + radius + width / 2, centre + radius + width / 2)
        draw.arc((*box, *box_end), start, end, fill=255, width=round(width))
        # An arrow head at the arc's end, pointing along the ring (clockwise).
        angle = math.radians(end)
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        radial = (math.cos(angle), math.sin(angle))
        tangent = (-math.sin(angle), math.cos(angle))
        tip = (x + tangent[0] * head * 1.25, y + tangent[1] * head * 1.25)
        outer = (x + radial[0] * head, y + radial[1] * head)
        inner = (x - radial[0] * head, y - radial[1] * head)
        draw.polygon([tip, outer, inner], fill=255)

    # The check mark inside the ring.
    scale = radius / 0.5
    points = [
        (centre + dx * scale, centre + dy * scale)
        for dx, dy in ((-0.24, 0.01), (-0.07, 0.17), (0.25, -0.17))
    ]
    draw.line(points, fill=255, width=round(width), joint="curve")
    for px, py in (points[0], points[-1]):  # round caps
        draw.ellipse((px - width / 2, py - width / 2, px + width / 2, py + width / 2), fill=255)

    return mask.resize((size, size), Image.Resampling.BOX)


def color_icon() -> Image.Image:
    """192×192, opaque: the white symbol on the accent color."""
    image = Image.new("RGBA", (COLOR_SIZE, COLOR_SIZE), ACCENT_COLOR)
    white = Image.new("RGBA", image.size, "#FFFFFF")
    # Teams asks for the symbol inside the middle 120 pixels (arrow heads included).
    image.paste(white, (0, 0), _symbol_mask(COLOR_SIZE, extent=104 / 192, stroke=0.05))
    return image


def outline_icon() -> Image.Image:
    """32×32: pure white (#FFFFFF) everywhere, the symbol only in the alpha channel."""
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (255, 255, 255, 0))
    image.putalpha(_symbol_mask(OUTLINE_SIZE, extent=24 / 32, stroke=0.095))
    return image


def write_icons(directory: Path) -> tuple[Path, Path]:
    """Write both icons into ``directory``; returns their paths (color, outline)."""
    directory.mkdir(parents=True, exist_ok=True)
    color, outline = directory / COLOR_FILE, directory / OUTLINE_FILE
    color_icon().save(color, optimize=True)
    outline_icon().save(outline, optimize=True)
    return color, outline


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    for path in write_icons(Path(args[0]) if args else ICON_DIR):
        print(path)


if __name__ == "__main__":
    main()
