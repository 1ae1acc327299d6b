"""No cell of an exported file starts a formula, whichever separator the spreadsheet splits on
and whether or not it honours the quotes."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from tab.sheets import cell
from tests.tools.spreadsheets import READERS, cells_read, runs_as_formula

BUILT_TO_BREAK = (
    "Paspoort,=1+1,",
    "X;=1+1;",
    "Rijbewijs\t@SUM(A1:A9)",
    "-2+3",
    ' =HYPERLINK("http://x.invalid")',
    "De balie, \"=cmd|' /C calc'!A0\"",
    "regel een\n+regel twee",
    "Jan; -Piet",
)


def written(values: list[str], separator: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator).writerow([cell(v) for v in values])
    return buffer.getvalue()


def test_the_names_built_to_break_a_spreadsheet_stay_text_under_every_reading():
    for separator in READERS:
        line = written(list(BUILT_TO_BREAK), separator)
        assert not [c for c in cells_read(line) if runs_as_formula(c)], separator
    # without the guard, the first of them is a formula for a reader that splits on ","
    line = written(["Paspoort,=1+1,"], ";").replace("'", "")
    assert any(runs_as_formula(c) for c in cells_read(line))


def test_text_that_starts_no_formula_is_kept_as_it_is():
    for value in ("Paspoort", "Burgerzaken, team 2", "3,5 dagen; was 7", "e-mail"):
        assert cell(value) == value
    assert cell("=1+1") == "'=1+1" and cell("a, -b") == "a, '-b"


@given(st.lists(st.text(alphabet=st.sampled_from(list("=+-@,;\t\n\r \"'ab1")), max_size=12)))
def test_no_value_whatever_its_characters_gives_a_formula_cell(values: list[str]):
    for separator in READERS:
        assert not [c for c in cells_read(written(values, separator)) if runs_as_formula(c)]
