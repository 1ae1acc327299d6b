"""The container recipe and the deployment guide agree with the settings the bot reads."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ENV_NAME = re.compile(r"\b(?:WASSTRAAT|MICROSOFT_APP)_[A-Z_]+\b")
# read by `make package` (manifest/settings.py), not by the bot
PACKAGE_SETTINGS = {"WASSTRAAT_PUBLIC_DOMAIN", "WASSTRAAT_APP_VERSION"}


def env_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias.choices[0] if alias is not None else f"WASSTRAAT_{name.upper()}")  # type: ignore[union-attr]
    return names


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert [name for name in sorted(env_names()) if f"`{name}`" not in readme] == []


def test_every_setting_the_dockerfile_and_the_guide_name_exists():
    known = env_names() | PACKAGE_SETTINGS
    for document in ("Dockerfile", "docs/deploy.md", "docs/privacy.md"):
        named = set(ENV_NAME.findall((ROOT / document).read_text("utf-8")))
        assert named - known == set(), document


def test_the_container_runs_slim_python_3_11_as_a_user_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.M)
    assert "EXPOSE 3978" in dockerfile
    assert re.search(r'^CMD \["python", "-m", "bot"\]', dockerfile, re.M)
    # everything the image needs to import is copied in
    packages = re.search(r"include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text("utf-8"))
    assert packages is not None
    for package in re.findall(r'"(\w+)\*"', packages.group(1)):
        assert f"COPY {package} ./{package}" in dockerfile, package
