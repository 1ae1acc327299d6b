"""Build the Teams app package: ``python -m manifest.build [--out DIR]`` (``make package``).

Fills the settings into ``manifest.template.json``, checks the result against the official
schema and what Teams expects beyond it (:mod:`manifest.checks`), and writes
``dist/wasstraat-<version>.zip`` with the manifest, the icons and the English language file at
its root. The zip is reproducible: the same settings give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from manifest import checks
from manifest.icons import ACCENT_COLOR, ICON_DIR
from manifest.schema import (
    LOCALIZATION_SCHEMA,
    MANIFEST_SCHEMA,
    SCHEMA_ROOT,
    SchemaNotFound,
    load_schema,
    schema_errors,
)
from manifest.settings import PackageSettings, project_version

MANIFEST_DIR = Path(__file__).resolve().parent
TEMPLATE = MANIFEST_DIR / "manifest.template.json"
DIST = MANIFEST_DIR.parent / "dist"

PLACEHOLDER_APP_ID = "00000000-0000-0000-0000-000000000000"
PLACEHOLDER_DOMAIN = "wasstraat.example.org"
PLACEHOLDER_DEVELOPER = "Gemeente (naam invullen)"
_PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PackageError(Exception):
    """The package would not be accepted; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AppPackage:
    """A rendered package: the manifest and every file of the zip by name."""

    manifest: dict[str, Any]
    files: dict[str, bytes]
    unset: tuple[str, ...]
    """Settings left empty, for which a placeholder went into the manifest."""

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def localizations(self) -> dict[str, dict[str, Any]]:
        """``{file name: strings}`` of the additional language files."""
        languages = self.manifest.get("localizationInfo", {}).get("additionalLanguages", [])
        return {
            language["file"]: json.loads(self.files[language["file"]])
            for language in languages
            if language["file"] in self.files
        }


def values(settings: PackageSettings) -> tuple[dict[str, str], tuple[str, ...]]:
    """The template's placeholders filled from the settings, and the settings left empty."""
    unset = []

    def pick(value: str, env: str, default: str) -> str:
        if value:
            return value
        unset.append(env)
        return default

    app_id = pick(settings.app_id, "MICROSOFT_APP_ID", PLACEHOLDER_APP_ID)
    domain = pick(settings.public_domain, "WASSTRAAT_PUBLIC_DOMAIN", PLACEHOLDER_DOMAIN)
    filled = {
        "APP_ID": app_id,
        "PUBLIC_DOMAIN": domain,
        "APP_VERSION": settings.app_version or project_version(),
        "DEVELOPER_NAME": pick(
            settings.developer_name, "WASSTRAAT_DEVELOPER_NAME", PLACEHOLDER_DEVELOPER
        ),
        "DEVELOPER_URL": pick(
            settings.developer_url, "WASSTRAAT_DEVELOPER_URL", f"https://{domain}/"
        ),
        "PRIVACY_URL": pick(
            settings.privacy_url, "WASSTRAAT_PRIVACY_URL", f"https://{domain}/privacy"
        ),
        "TERMS_URL": pick(
            settings.terms_url, "WASSTRAAT_TERMS_URL", f"https://{domain}/gebruiksvoorwaarden"
        ),
        "ACCENT_COLOR": ACCENT_COLOR,
    }
    return filled, tuple(unset)


def fill(template: Any, filled: Mapping[str, str]) -> Any:
    """Replace every ``${{NAME}}`` in the strings of a JSON value; an unknown name is an error."""
    if isinstance(template, dict):
        return {key: fill(value, filled) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, filled) for value in template]
    if isinstance(template, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in filled:
                raise KeyError(f"the manifest template uses an unknown placeholder ${{{{{name}}}}}")
            return filled[name]

        return _PLACEHOLDER.sub(replace, template)
    return template


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(
    settings: PackageSettings,
    *,
    template: Path = TEMPLATE,
    icon_dir: Path = ICON_DIR,
    text_dir: Path = MANIFEST_DIR,
) -> AppPackage:
    """The package's files for these settings, not yet checked."""
    filled, unset = values(settings)
    manifest = fill(json.loads(template.read_text("utf-8")), filled)
    files = {checks.MANIFEST_FILE: _json_bytes(manifest)}
    for icon in manifest["icons"].values():
        files[icon] = (icon_dir / icon).read_bytes()
    for language in manifest.get("localizationInfo", {}).get("additionalLanguages", []):
        strings = json.loads((text_dir / language["file"]).read_text("utf-8"))
        files[language["file"]] = _json_bytes(strings)
    return AppPackage(manifest=manifest, files=files, unset=unset)


def problems(package: AppPackage, *, schema_root: Path = SCHEMA_ROOT) -> list[str]:
    """Everything that keeps Teams from accepting the package; empty when it is fine."""
    manifest = package.manifest
    version = manifest.get("manifestVersion", "")
    manifest_schema = load_schema(version, MANIFEST_SCHEMA, root=schema_root)
    localization_schema = load_schema(version, LOCALIZATION_SCHEMA, root=schema_root)
    found = [f"manifest.json {error}" for error in schema_errors(manifest, manifest_schema)]
    for file, strings in package.localizations.items():
        found += [f"{file} {error}" for error in schema_errors(strings, localization_schema)]
        found += checks.check_localization(manifest, file, strings, localization_schema)
    found += checks.check_version(manifest, manifest_schema)
    found += checks.check_command_titles(manifest, package.localizations)
    found += checks.check_icons(manifest, package.files)
    found += checks.check_tabs(manifest)
    found += checks.check_package_files(manifest, list(package.files))
    return found


def write_zip(package: AppPackage, path: Path) -> Path:
    """Write the package; fixed timestamps and order make the same package the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(package.files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, package.files[name])
    return path


def build(
    settings: PackageSettings,
    out_dir: Path = DIST,
    *,
    template: Path = TEMPLATE,
    schema_root: Path = SCHEMA_ROOT,
) -> tuple[Path, AppPackage]:
    """Render, check and write ``out_dir/wasstraat-<version>.zip``.

    Raises :class:`PackageError` (and writes nothing) when the package would not pass.
    """
    package = render(settings, template=template)
    found = problems(package, schema_root=schema_root)
    if found:
        raise PackageError(found)
    return write_zip(package, out_dir / f"wasstraat-{package.version}.zip"), package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m manifest.build", description="Build the Teams app package."
    )
    parser.add_argument("--out", type=Path, default=DIST, help="directory for the zip (dist/)")
    args = parser.parse_args(argv)
    try:
        settings = PackageSettings()
    except ValidationError as error:
        print(f"error: invalid package settings:\n{error}", file=sys.stderr)
        return 2
    try:
        path, package = build(settings, args.out)
    except SchemaNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except PackageError as error:
        print("error: the app package would not be accepted:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    if package.unset:
        print(
            "warning: placeholders used for "
            + ", ".join(package.unset)
            + ": fine to try the package out, set them before uploading it to your tenant"
            + (
                f" (app id {PLACEHOLDER_APP_ID} is not a real app registration)"
                if "MICROSOFT_APP_ID" in package.unset
                else ""
            ),
            file=sys.stderr,
        )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
