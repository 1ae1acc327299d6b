"""Cells a spreadsheet shows as text, whichever separator it splits a line on.

A spreadsheet runs a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@``. The
file's own separator is quoted by the CSV writer, but a reader may split on another one: a Dutch
spreadsheet splits on ";", an English one on ",", a pasted file on tab, and a careless reader
ignores the quotes. So every piece of a value that could become a cell under any of these
readings, the value's start and whatever follows a ",", ";", tab or line break in it, is made to
start with an apostrophe when it would start a formula (the sign spreadsheets read as "this is
text" and do not show)."""

from __future__ import annotations

import re

FORMULA_START = frozenset("=+-@")
# what any reader may split a line or a file on
SEPARATORS = re.compile(r"([,;\t\r\n])")


def cell(value: object) -> str:
    """``value`` as a cell no reading turns into a formula."""
    pieces = SEPARATORS.split(str(value))
    # split with a group keeps the separators at the odd places: the text pieces are at the even
    return "".join(_text(piece) if i % 2 == 0 else piece for i, piece in enumerate(pieces))


def _text(piece: str) -> str:
    # readers trim spaces and may leave a quote that opened a field, so look past both
    start = piece.lstrip(' "')
    if start[:1] in FORMULA_START:
        return piece[: len(piece) - len(start)] + "'" + start
    return piece
