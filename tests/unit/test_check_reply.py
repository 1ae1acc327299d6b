from __future__ import annotations

import pytest

from dialogs.check_reply import CheckReply, read_check_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("klopt", CheckReply(True, "")),
        ("Klopt!", CheckReply(True, "")),
        ("ja, klopt", CheckReply(True, "")),
        ("correct", CheckReply(True, "")),
        ("klopt, maar stap 2 heet anders", CheckReply(True, "maar stap 2 heet anders")),
        ("klopt niet", CheckReply(False, "")),
        ("Klopt niet: de balie ontbreekt", CheckReply(False, "de balie ontbreekt")),
        ("klopt niet, stap 4 ontbreekt", CheckReply(False, "stap 4 ontbreekt")),
        ("not correct - step 4 is missing", CheckReply(False, "step 4 is missing")),
        ("Klopt het dat de deadline vrijdag is?", None),
        ("klopt nietszeggend", None),
        ("kloptniet", None),
        ("status", None),
        ("", None),
    ],
)
def test_only_a_whole_answer_is_read_as_one(text, expected):
    assert read_check_reply(text) == expected
