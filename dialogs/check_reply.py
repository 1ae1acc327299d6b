"""Reading a 3b answer from a plain chat reply ('klopt', 'klopt niet, stap 4 ontbreekt')."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DISAGREE = re.compile(
    r"^(klopt\s+niet|not\s+correct|incorrect|niet\s+correct)\b[\s,.:;!\-—–]*", re.I
)
_AGREE = re.compile(r"^(klopt|correct|akkoord|ja,?\s+klopt)\b[\s,.:;!\-—–]*", re.I)


@dataclass(frozen=True, slots=True)
class CheckReply:
    agrees: bool
    remark: str


def read_check_reply(text: str) -> CheckReply | None:
    """The answer in ``text``, or None when it is not an answer to the check."""
    cleaned = " ".join(text.split())
    disagree = _DISAGREE.match(cleaned)
    if disagree:
        return CheckReply(agrees=False, remark=cleaned[disagree.end() :].strip())
    agree = _AGREE.match(cleaned)
    if agree:
        return CheckReply(agrees=True, remark=cleaned[agree.end() :].strip())
    return None
