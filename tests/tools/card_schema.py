"""The official Adaptive Cards 1.5 schema, plus exactly one element Teams adds to it: the grouped
vertical bar chart (``Chart.VerticalBar.Grouped``), and only with a ``fallback`` element that is
itself valid 1.5, for the hosts that draw no charts. Any other element outside 1.5 stays refused."""

from __future__ import annotations

import copy
import json
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
    return schema


def card_validator() -> jsonschema.Draft6Validator:
    """A validator of the 1.5 schema that knows the Teams chart element (and no other)."""
    return jsonschema.Draft6Validator(_schema())
