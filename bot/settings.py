"""Deployment settings, read from the environment or a `.env` file."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a deployment can configure; defaults run the bot locally with SQLite.

    The Bot Framework credentials use their customary names (``MICROSOFT_APP_ID`` …);
    every other setting is prefixed with ``WASSTRAAT_``.
    """

    model_config = SettingsConfigDict(
        env_prefix="WASSTRAAT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    app_id: str = Field(
        default="", validation_alias=AliasChoices("MICROSOFT_APP_ID", "MicrosoftAppId")
    )
    app_password: str = Field(
        default="",
        validation_alias=AliasChoices("MICROSOFT_APP_PASSWORD", "MicrosoftAppPassword"),
        repr=False,
    )
    app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        default="SingleTenant",
        validation_alias=AliasChoices("MICROSOFT_APP_TYPE", "MicrosoftAppType"),
    )
    app_tenant_id: str = Field(
        default="",
        validation_alias=AliasChoices("MICROSOFT_APP_TENANT_ID", "MicrosoftAppTenantId"),
    )

    allowed_tenant_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    database_url: str = "sqlite+aiosqlite:///data/wasstraat.db"
    default_locale: str = "nl-NL"
    timezone: str = "Europe/Amsterdam"
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    log_level: str = "INFO"
    deliver_in_background: bool = True
    run_timers: bool = True
    timer_sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    delivery_interval_seconds: float = Field(default=1.0, gt=0, le=60)

    @field_validator("allowed_tenant_ids", mode="before")
    @classmethod
    def _split_tenants(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def auth_enabled(self) -> bool:
        """JWT validation is on whenever an app id is configured."""
        return bool(self.app_id)

    @property
    def tenant_allow_list(self) -> frozenset[str]:
        """Tenants whose activities are accepted; empty means any (local trial only).

        A configured app tenant is always allowed, so a single-tenant deployment is
        restricted to its own tenant without further configuration.
        """
        if self.app_tenant_id:
            return self.allowed_tenant_ids | {self.app_tenant_id}
        return self.allowed_tenant_ids

    def is_tenant_allowed(self, tenant_id: str | None) -> bool:
        allowed = self.tenant_allow_list
        if not allowed:
            return True
        return tenant_id is not None and tenant_id in allowed
