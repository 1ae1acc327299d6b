"""Deployment settings, read from the environment or a `.env` file."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from wasstraat.worktime import TimePolicy, WorkingTime


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

    # time policy: prompts and reminders only in working time (see the README's time policy)
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(17, 0)
    working_days: Annotated[frozenset[int], NoDecode] = frozenset({1, 2, 3, 4, 5})  # ISO: 1=Mon
    holiday_country: str = "NL"
    holiday_subdivision: str | None = None
    closed_days: Annotated[frozenset[date], NoDecode] = frozenset()
    open_days: Annotated[frozenset[date], NoDecode] = frozenset()
    remind_after_working_days: int = Field(default=3, ge=1, le=60)
    remind_every_working_days: int = Field(default=5, ge=1, le=60)
    escalate_after_working_days: int = Field(default=10, ge=1, le=120)
    nudge_pause_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    evaluation_months: int | None = Field(default=None, ge=1, le=36)

    # calendar invitations through Microsoft Graph (off by default)
    graph_enabled: bool = False

    @field_validator("allowed_tenant_ids", mode="before")
    @classmethod
    def _split_tenants(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("working_days", "closed_days", "open_days", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("working_days")
    @classmethod
    def _iso_weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        if not value or not value <= set(range(1, 8)):
            raise ValueError("working days are ISO weekday numbers 1 (Monday) to 7 (Sunday)")
        return value

    def time_policy(self) -> TimePolicy:
        """The deployment's working time and follow-up cadence, for the engine."""
        return TimePolicy(
            working=WorkingTime(
                timezone=self.timezone,
                start=self.working_hours_start,
                end=self.working_hours_end,
                workdays=frozenset(day - 1 for day in self.working_days),
                country=self.holiday_country,
                subdivision=self.holiday_subdivision,
                closed_days=self.closed_days,
                open_days=self.open_days,
            ),
            remind_after_working_days=self.remind_after_working_days,
            remind_every_working_days=self.remind_every_working_days,
            escalate_after_working_days=self.escalate_after_working_days,
            nudge_pause=timedelta(minutes=self.nudge_pause_minutes),
            evaluation_months=self.evaluation_months,
        )

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
