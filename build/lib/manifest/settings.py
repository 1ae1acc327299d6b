"""What a deployment fills into the app package, read like the bot's own settings: from the
environment or a ``.env`` file, ``MICROSOFT_APP_ID`` under its customary name and everything
else prefixed ``WASSTRAAT_``. Every field may be left empty for a trial package; the build then
uses a placeholder and says so."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

GUID = r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"
HOSTNAME = r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
SEMVER = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"

DEVELOPER_NAME_MAX = 32


class PackageSettings(BaseSettings):
    """The values ``make package`` puts into the Teams app manifest."""

    model_config = SettingsConfigDict(
        env_prefix="WASSTRAAT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    app_id: str = Field(
        default="", validation_alias=AliasChoices("MICROSOFT_APP_ID", "MicrosoftAppId")
    )
    """The Azure Bot's app id: the Teams app id and the bot id both."""
    public_domain: str = ""
    """Host name the bot is reached at (its messaging endpoint's), e.g. wasstraat.gemeente.nl."""
    app_version: str = ""
    """Version of the Teams app (MAJOR.MINOR.PATCH); empty: the version in pyproject.toml."""
    developer_name: str = ""
    developer_url: str = ""
    privacy_url: str = ""
    terms_url: str = ""

    @field_validator("app_id")
    @classmethod
    def _guid(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(GUID, value):
            raise ValueError("must be the app registration's id, a GUID")
        return value

    @field_validator("public_domain")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip().lower()
        if value and not re.match(HOSTNAME, value):
            raise ValueError(
                "must be a host name only, like wasstraat.gemeente.nl (no https://, port or path)"
            )
        return value

    @field_validator("app_version")
    @classmethod
    def _semver(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(SEMVER, value):
            raise ValueError("must be MAJOR.MINOR.PATCH, like 1.2.0")
        return value

    @field_validator("developer_name")
    @classmethod
    def _short_name(cls, value: str) -> str:
        value = value.strip()
        if len(value) > DEVELOPER_NAME_MAX:
            raise ValueError(f"must be at most {DEVELOPER_NAME_MAX} characters")
        return value

    @field_validator("developer_url", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("https://"):
            raise ValueError("must be an https:// address")
        return value


def project_version() -> str:
    """The version of the installed ``wasstraat`` distribution (pyproject.toml's)."""
    try:
        return installed_version("wasstraat")
    except PackageNotFoundError:  # pragma: no cover - the project is always installed
        raise RuntimeError(
            "the wasstraat project is not installed; run `make package` or set "
            "WASSTRAAT_APP_VERSION"
        ) from None
