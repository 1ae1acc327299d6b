"""The official Adaptive Cards 1.5 schema, plus exactly what Teams adds to it that the bot uses:
the grouped vertical bar chart (``Chart.VerticalBar.Grouped``), and only with a ``fallback``
element that is itself valid 1.5, for the hosts that draw no charts; a card's ``msteams``
property with mention entities (as Teams documents mentions in Adaptive Cards), each token used
in the card's text; and the people picker, an ``Input.ChoiceSet``'s ``choices.data`` naming a
``Data.Query`` on Graph's users. Anything else outside 1.5 stays refused."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

TEAMS_CHART = "Chart.VerticalBar.Grouped"

_POINT = {
    "type": "object",
    "required": ["x", "y"],
    "additionalProperties": False,
    "properties": {"x": {"type": ["string", "number"]}, "y": {"type": "number"}},
}
_SERIES = {
    "type": "object",
    "required": ["legend", "values"],
    "additionalProperties": False,
    "properties": {
        "legend": {"type": "string"},
        "values": {"type": "array", "items": _POINT},
        "color": {"type": "string"},
    },
}
# the properties Teams documents for the element (its chart reference), nothing more
_CHART = {
    "type": "object",
    "required": ["type", "data", "fallback"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": [TEAMS_CHART]},
        "title": {"type": "string"},
        "xAxisTitle": {"type": "string"},
        "yAxisTitle": {"type": "string"},
        "colorSet": {"enum": ["categorical", "sequential", "diverging"]},
        "stacked": {"type": "boolean"},
        "showBarValues": {"type": "boolean"},
        "data": {"type": "array", "minItems": 1, "items": _SERIES},
        "fallback": {"$ref": "#/definitions/ImplementationsOf.Element"},
        "id": {"type": "string"},
        "spacing": {"$ref": "#/definitions/Spacing"},
        "separator": {"type": "boolean"},
        "horizontalAlignment": {"$ref": "#/definitions/HorizontalAlignment"},
    },
}


# a mention: the "<at>…</at>" text in the card and whom it names (an Entra object id or a
# Teams user id), as Teams documents them
_MENTION = {
    "type": "object",
    "required": ["type", "text", "mentioned"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": ["mention"]},
        "text": {"type": "string", "pattern": "^<at>[^<>]+</at>$"},
        "mentioned": {
            "type": "object",
            "required": ["id", "name"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string"}},
        },
    },
}
_MSTEAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"entities": {"type": "array", "minItems": 1, "items": _MENTION}},
}


# Teams' people picker on a choice set: its dynamic choices from the directory
_PEOPLE = {
    "type": "object",
    "required": ["type", "dataset"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": ["Data.Query"]},
        "dataset": {
            "enum": ["graph.microsoft.com/users", "graph.microsoft.com/users?scope=currentContext"]
        },
    },
}


@cache
def _schema() -> dict[str, Any]:
    official = json.loads(
        resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text("utf-8")
    )
    schema = copy.deepcopy(official)
    schema["definitions"][TEAMS_CHART] = _CHART
    schema["definitions"]["ImplementationsOf.Element"]["anyOf"].append(
        {"required": ["type"], "allOf": [{"$ref": f"#/definitions/{TEAMS_CHART}"}]}
    )
    schema["definitions"]["AdaptiveCard"]["properties"]["msteams"] = _MSTEAMS
    schema["definitions"]["Input.ChoiceSet"]["properties"]["choices.data"] = _PEOPLE
    return schema


def mentions_used(card: dict[str, Any]) -> bool:
    """Every mention a card declares appears in its text, and its text names no one it does
    not declare (Teams draws an undeclared "<at>" as text, and a declared one unused not)."""
    declared = {e["text"] for e in card.get("msteams", {}).get("entities", [])}
    words = json.dumps(card.get("body", []), ensure_ascii=False)
    used = set(re.findall(r"<at>[^<>]+</at>", words))
    return declared == used


def card_validator() -> jsonschema.Draft6Validator:
    """A validator of the 1.5 schema that knows the Teams chart element (and no other)."""
    return jsonschema.Draft6Validator(_schema())
