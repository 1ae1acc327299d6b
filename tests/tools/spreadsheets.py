"""How spreadsheets read a CSV line: on ",", ";" or tab, by the quoting rules or by a plain
split, and which of the cells they would run as a formula."""

from __future__ import annotations

import csv
import io

READERS = (",", ";", "\t")
# what Excel, LibreOffice and Google Sheets run as a formula at a cell's start
FORMULA_START = frozenset("=+-@")


def cells_read(line: str) -> list[str]:
    """Every cell some reader makes of ``line``: by the csv rules and by a plain split."""
    found: list[str] = []
    for separator in READERS:
        for row in csv.reader(io.StringIO(line, newline=""), delimiter=separator):
            found += row
        for physical in line.splitlines():
            found += physical.split(separator)
    return found


def runs_as_formula(value: str) -> bool:
    return value.lstrip(' "')[:1] in FORMULA_START
