"""Text people type, made safe to keep and to show: one Unicode form, nothing invisible."""

from __future__ import annotations

import unicodedata
from typing import Any

# kept from the control characters: line breaks and tabs in multi-line answers
KEPT_CONTROLS = frozenset("\n\r\t")
# Unicode categories removed: controls (NUL included), format characters (zero-width spaces
# and joiners, bidi overrides and isolates, the byte order mark, soft hyphens), lone surrogates
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def clean_text(value: str) -> str:
    """``value`` in NFC without control, zero-width and bidi-control characters. Text that
    is required must still be checked for visible characters (see :func:`has_visible`)."""
    if value.isascii() and value.isprintable():
        return value  # the common case, at no cost
    normal = unicodedata.normalize("NFC", value)
    return "".join(
        ch
        for ch in normal
        if ch in KEPT_CONTROLS or unicodedata.category(ch) not in REMOVED_CATEGORIES
    )


def has_visible(value: str) -> bool:
    """Whether ``value`` shows anything (after :func:`clean_text`, whitespace is all that is
    left to hide)."""
    return any(not ch.isspace() for ch in value)


def clean_data(value: Any) -> Any:
    """JSON-like ``value`` with every string in it (keys too) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    return value
