"""Reading a 3b answer from a plain chat reply ('klopt', 'klopt niet, stap 4 ontbreekt')."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The whole reply is the answer: a word, or the word, a separator and a remark. A question
# such as "Klopt het dat …?" is not an answer.
_DISAGREE = re.compile(
    r"^(klopt\s+niet|not\s+correct|incorrect|niet\s+correct)(?:[.!]?$|\s*[,:;\-—–]\s*(.*))$",
    re.I | re.S,
)
_AGREE = re.compile(
    r"^(ja,?\s+)?(klopt|correct|akkoord)(?:[.!]?$|\s*[,:;\-—–]\s*(.*))$", re.I | re.S
)


@dataclass(frozen=True, slots=True)
class CheckReply:
    agrees: bool
    remark: str


def read_check_reply(text: str) -> CheckReply | None:
    """The answer in ``text``, or None when it is not an answer to the check."""
    cleaned = " ".join(text.split())
    disagree = _DISAGREE.match(cleaned)
    if disagree:
        return CheckReply(agrees=False, remark=(disagree.group(2) or "").strip())
    agree = _AGREE.match(cleaned)
    if agree:
        return CheckReply(agrees=True, remark=(agree.group(3) or "").strip())
    return None
