"""What Teams expects of an app package beyond its JSON schema.

Each check returns a list of problems, one line each; an empty list means the package passes.
The build runs all of them before it writes a zip, and the tests run them on the built zip.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from manifest.schema import LOCALIZATION_SCHEMA, matches, schema_url

MANIFEST_FILE = "manifest.json"
COLOR_SIZE = (192, 192)
OUTLINE_SIZE = (32, 32)
MAX_COMMAND_TITLE = 32
"""Teams cuts bot command titles in the command menu at 32 characters, whatever the schema
allows (128 since v1.2x)."""
SEMVER_DEFINITION = "semver"


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a manifest with its key as Teams' localization files write it:
    ``name.short``, ``bots[0].commandLists[1].commands[2].title``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}[{index}]")
    elif isinstance(value, str):
        yield prefix, value


def localizable_strings(manifest: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, str]:
    """The manifest's strings that the localization schema lets a language file replace."""
    names = {name for name in schema.get("properties", {}) if not name.startswith("$")}
    patterns = list(schema.get("patternProperties", {}))
    return {
        key: value
        for key, value in flatten(manifest)
        if key in names or any(matches(pattern, key) for pattern in patterns)
    }


def command_titles(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``{localization key: title}`` of every bot command in the manifest."""
    return {
        f"bots[{b}].commandLists[{c}].commands[{i}].title": command.get("title", "")
        for b, bot in enumerate(manifest.get("bots", []))
        for c, command_list in enumerate(bot.get("commandLists", []))
        for i, command in enumerate(command_list.get("commands", []))
    }


def check_command_titles(
    manifest: Mapping[str, Any], localizations: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Every command title, in the default language and in each localization, is non-empty,
    at most 32 characters and unique within its command list."""
    problems = []
    titles = command_titles(manifest)
    versions = {"default language": titles} | {
        file: {key: strings.get(key, titles[key]) for key in titles}
        for file, strings in localizations.items()
    }
    for where, localized in versions.items():
        seen: dict[tuple[str, str], str] = {}
        for key, title in localized.items():
            if not isinstance(title, str) or not title.strip():
                problems.append(f"{where}: {key} is empty")
                continue
            if len(title) > MAX_COMMAND_TITLE:
                problems.append(
                    f"{where}: {key} {title!r} has {len(title)} characters "
                    f"(Teams shows at most {MAX_COMMAND_TITLE})"
                )
            command_list = key.split(".commands[")[0]
            other = seen.setdefault((command_list, title.strip().lower()), key)
            if other != key:
                problems.append(f"{where}: {key} repeats the title of {other} ({title!r})")
    return problems


def check_localization(
    manifest: Mapping[str, Any],
    file: str,
    strings: Mapping[str, Any],
    schema: Mapping[str, Any],
) -> list[str]:
    """A language file translates every string the localization schema allows for this
    manifest, nothing else, for the same manifest version."""
    problems = []
    wanted = localizable_strings(manifest, schema)
    given = {key for key in strings if not key.startswith("$")}
    for key in sorted(wanted.keys() - given):
        problems.append(f"{file}: no translation of {key} ({wanted[key]!r})")
    for key in sorted(given - wanted.keys()):
        problems.append(f"{file}: {key} is not a string of this manifest")
    for key in sorted(given & wanted.keys()):
        if not isinstance(strings[key], str) or not strings[key].strip():
            problems.append(f"{file}: {key} is empty")
    expected_schema = schema_url(manifest.get("manifestVersion", "?"), LOCALIZATION_SCHEMA)
    if strings.get("$schema") != expected_schema:
        problems.append(
            f"{file}: $schema must be {expected_schema} (the manifest's version), "
            f"not {strings.get('$schema')!r}"
        )
    return problems


def _png(files: Mapping[str, bytes], name: str) -> tuple[Image.Image | None, list[str]]:
    if name not in files:
        return None, [f"{name} is not in the package"]
    try:
        image = Image.open(io.BytesIO(files[name]))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        return None, [f"{name} is not a readable image ({error})"]
    if image.format != "PNG":
        return None, [f"{name} is a {image.format}, not a PNG"]
    return image, []


def check_icons(manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> list[str]:
    """The color icon is a 192×192 PNG; the outline icon a 32×32 PNG whose every visible
    pixel is pure white (#FFFFFF), with a transparent background (its border is clear)."""
    icons = manifest.get("icons", {})
    color, problems = _png(files, icons.get("color", ""))
    if color is not None and color.size != COLOR_SIZE:
        problems.append(f"color icon is {color.width}×{color.height}, not 192×192")

    outline, outline_problems = _png(files, icons.get("outline", ""))
    problems += outline_problems
    if outline is None:
        return problems
    if outline.size != OUTLINE_SIZE:
        problems.append(f"outline icon is {outline.width}×{outline.height}, not 32×32")
    if "A" not in outline.getbands() and "transparency" not in outline.info:
        return [*problems, "outline icon has no transparency (it needs an alpha channel)"]
    rgba = outline.convert("RGBA")
    pixels = [rgba.getpixel((x, y)) for y in range(rgba.height) for x in range(rgba.width)]
    coloured = [p for p in pixels if isinstance(p, tuple) and p[3] > 0 and p[:3] != (255,) * 3]
    if coloured:
        problems.append(
            f"outline icon has {len(coloured)} visible pixels that are not pure white, "
            f"e.g. RGBA {coloured[0]}"
        )
    width, height = rgba.size
    border = [
        rgba.getpixel((x, y))
        for y in range(height)
        for x in range(width)
        if x in (0, width - 1) or y in (0, height - 1)
    ]
    if any(isinstance(p, tuple) and p[3] > 0 for p in border):
        problems.append("outline icon's background is not transparent (its border has pixels)")
    if not any(isinstance(p, tuple) and p[3] >= 128 for p in pixels):
        problems.append("outline icon is empty")
    return problems


def check_version(manifest: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """The app version is MAJOR.MINOR.PATCH, as Teams asks (the schema's own ``semver``
    definition, which newer schemas no longer apply to ``version``)."""
    pattern = schema["definitions"][SEMVER_DEFINITION]["pattern"]
    version = manifest.get("version", "")
    if not isinstance(version, str) or not matches(pattern, version):
        return [f"version {version!r} is not MAJOR.MINOR.PATCH"]
    return []


def package_files(manifest: Mapping[str, Any]) -> set[str]:
    """The files a package of this manifest holds: the manifest, its icons and its
    language files, all at the root of the zip."""
    icons = manifest.get("icons", {})
    languages = manifest.get("localizationInfo", {}).get("additionalLanguages", [])
    return {MANIFEST_FILE, *icons.values(), *(language["file"] for language in languages)}


def check_package_files(manifest: Mapping[str, Any], names: list[str]) -> list[str]:
    """The zip holds exactly the manifest, its icons and its language files, at its root."""
    problems = []
    expected = package_files(manifest)
    if len(names) != len(set(names)):
        problems.append("the package has a file twice")
    for name in sorted(set(names) - expected):
        problems.append(f"{name} does not belong in the package")
    for name in sorted(expected - set(names)):
        problems.append(f"{name} is missing from the package")
    for name in sorted(set(names) | expected):
        if "/" in name or "\\" in name:
            problems.append(f"{name} is not at the root of the package")
    return problems


def _on_valid_domain(host: str, domains: list[str]) -> bool:
    """``host`` is one of the valid domains, or under a ``*.example.org`` wildcard."""
    for domain in domains:
        domain = domain.lower()
        if host == domain or (domain.startswith("*.") and host.endswith(domain[1:])):
            return True
    return False


def tab_urls(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``{manifest key: address}`` of every page Teams loads for the app's tabs."""
    urls = {}
    for t, tab in enumerate(manifest.get("staticTabs", [])):
        for field in ("contentUrl", "websiteUrl", "searchUrl"):
            if field in tab:
                urls[f"staticTabs[{t}].{field}"] = tab[field]
    for t, tab in enumerate(manifest.get("configurableTabs", [])):
        if "configurationUrl" in tab:
            urls[f"configurableTabs[{t}].configurationUrl"] = tab["configurationUrl"]
    return urls


def check_tabs(manifest: Mapping[str, Any]) -> list[str]:
    """Every tab page is an https address on one of the valid domains (the schema allows
    http and any host; Teams loads neither), every static tab with a page has a name, and the
    single sign-on resource is ``api://<valid domain>/<app id>``, the Application ID URI that
    Teams asks Entra a token for."""
    problems = []
    domains = [str(domain) for domain in manifest.get("validDomains", [])]
    for key, url in tab_urls(manifest).items():
        parts = urlsplit(url)
        if parts.scheme != "https":
            problems.append(f"{key} {url!r} is not an https:// address")
        elif not _on_valid_domain((parts.hostname or "").lower(), domains):
            problems.append(f"{key} {url!r} is not on a valid domain ({', '.join(domains)})")
    for t, tab in enumerate(manifest.get("staticTabs", [])):
        if "contentUrl" in tab and not str(tab.get("name", "")).strip():
            problems.append(f"staticTabs[{t}] ({tab.get('entityId')}) has a page but no name")
    sso = manifest.get("webApplicationInfo")
    if sso is not None:
        resource = str(sso.get("resource", ""))
        app_id = str(sso.get("id", ""))
        host, _, rest = resource.removeprefix("api://").partition("/")
        if (
            not resource.startswith("api://")
            or rest != app_id
            or "*" in host
            or not _on_valid_domain(host.lower(), domains)
        ):
            problems.append(
                f"webApplicationInfo.resource {resource!r} is not api://<valid domain>/{app_id}"
            )
    return problems
