"""The official Teams app manifest and localization schemas, and a validator for them.

The schemas come from npm ``@microsoft/app-manifest`` (``npm ci`` installs it under
``node_modules/``), so the package is checked against exactly the JSON Schema that Microsoft's
own tooling uses, offline.

Since v1.23 these draft-04 schemas contain ECMAScript patterns such as ``\\p{L}`` that Python's
``re`` cannot compile. jsonschema calls ``re`` in three keywords (``pattern``,
``patternProperties`` and ``additionalProperties``, which looks at the pattern properties); this
module swaps those three for versions on the ``regex`` package, which understands Unicode
property classes. Everything else is jsonschema's own Draft 4 validator.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import regex
from jsonschema import Draft4Validator, FormatChecker, ValidationError, validators

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_ROOT = ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas"
MANIFEST_SCHEMA = "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = "MicrosoftTeams.Localization.schema.json"
SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/v{version}/{file}"


class SchemaNotFound(FileNotFoundError):
    """The npm package with the schemas is not installed (run ``npm ci``)."""


def schema_url(version: str, file: str = MANIFEST_SCHEMA) -> str:
    """The published address of a schema, as a manifest's ``$schema`` names it."""
    return SCHEMA_URL.format(version=version, file=file)


def load_schema(version: str, file: str = MANIFEST_SCHEMA, *, root: Path = SCHEMA_ROOT) -> Any:
    """Read the bundled schema of manifest ``version`` (for example ``'1.30'``)."""
    path = root / "teams" / f"v{version}" / file
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SchemaNotFound(
            f"{path} is missing: install the Node tools first (`npm ci`, which `make package` runs)"
        ) from None


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def matches(pattern: str, text: str) -> bool:
    """``re.search`` semantics with ECMAScript-style Unicode classes (``\\p{L}``) understood."""
    return _compiled(pattern).search(text) is not None


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extras = sorted(
        key
        for key in instance
        if key not in known and not any(matches(pattern, key) for pattern in patterns)
    )
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif allowed is False and extras:
        listed = ", ".join(repr(extra) for extra in extras)
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


TeamsSchemaValidator = validators.extend(
    Draft4Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(Draft4Validator.FORMAT_CHECKER.checkers)
    checker.checks("regex", raises=regex.error)(lambda value: bool(_compiled(value)))
    return checker


def schema_errors(instance: Any, schema: Mapping[str, Any]) -> list[str]:
    """Every way ``instance`` breaks ``schema``, as ``'path: message'`` lines (none: valid)."""
    validator = TeamsSchemaValidator(schema, format_checker=_format_checker())
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: e.json_path)
    ]
