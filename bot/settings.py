"""Deployment settings, read from the environment or a `.env` file."""

from __future__ import annotations

import ipaddress
from datetime import date, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from wasstraat.template import Template, default_template, load_template
from wasstraat.worktime import TimePolicy, WorkingTime

# the object id the portfolio tab gives its viewer without an app id (loopback only), unless
# WASSTRAAT_TAB_DEV_USER names someone else
LOCAL_DEVELOPER = "local-developer"


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

    # Without an app id nobody is authenticated: the bot then serves loopback only, unless this
    # names anonymous mode explicitly (e.g. for the Agents Playground on another host).
    anonymous_mode: bool = False
    allowed_tenant_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    database_url: str = "sqlite:///data/wasstraat.db"
    default_locale: str = "nl-NL"
    timezone: str = "Europe/Amsterdam"
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    deliver_in_background: bool = True
    run_timers: bool = True
    # demos and training only: the bot's clock runs this many times as fast as real time
    # (2880: a day in 30 s), so reminders, deadlines and the evaluation moment come in minutes
    clock_speed: float = Field(default=1.0, ge=1, le=100_000)
    timer_sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    delivery_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    delivery_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    # the address people reach the bot at, for download links (default: http://host:port)
    public_url: str = ""
    # AVG: closed trajectories are anonymised this many days after they closed (0: never)
    retention_days: int = Field(default=730, ge=0, le=36500)
    # Entra object ids of the administrators who may export or remove a person's data
    admin_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    # the portfolio tab: the host name it is served at (as in the app package: the single
    # sign-on token's audience is api://<this>/<app id>); who sees every trajectory of the
    # municipality (sponsors, proceseigenaren; administrators always do), by Entra object id;
    # where Entra's signing keys are found (empty: the tenant's OpenID metadata); and, without
    # an app id, whom the tab shows locally (empty: a developer who sees everything)
    public_domain: str = ""
    portfolio_viewer_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    sso_metadata_url: str = ""
    tab_dev_user: str = ""
    # when set, GET /metrics needs "Authorization: Bearer <this>" (for an exposed endpoint)
    metrics_token: str = Field(default="", repr=False)
    # the key download links are signed with; empty: generated once, kept in the database
    link_secret: str = Field(default="", repr=False)

    # time policy: prompts and reminders only in working time (see the README's time policy)
    working_time_only: bool = True
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
    # the municipality's own wasstraat (a JSON file of the default template's shape); empty:
    # the default template
    template: str = ""

    # Calendar invitations through Microsoft Graph (bot/calendar.py); off by default.
    graph_enabled: bool = False
    # msal authority base; the tenant is appended from MICROSOFT_APP_TENANT_ID
    graph_authority: str = "https://login.microsoftonline.com"
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    # an app registration with the Calendars.ReadWrite application permission;
    # empty means the bot's own MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD
    graph_client_id: str = ""
    graph_client_secret: str = Field(default="", repr=False)
    # a PEM file of CAs to trust instead of the system's for the token endpoint and Graph
    graph_ca_bundle: str = ""
    graph_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @field_validator("allowed_tenant_ids", mode="before")
    @classmethod
    def _split_tenants(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "working_days",
        "closed_days",
        "open_days",
        "admin_ids",
        "portfolio_viewer_ids",
        mode="before",
    )
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

    def wasstraat(self) -> Template:
        """The template new trajectories follow, validated; a template that cannot run stops
        the start with a message naming the field at fault."""
        if not self.template:
            return default_template()
        try:
            return load_template(self.template)
        except OSError as error:
            raise ValueError(f"WASSTRAAT_TEMPLATE: cannot read {self.template}: {error}") from None
        except ValueError as error:
            raise ValueError(f"WASSTRAAT_TEMPLATE ({self.template}): {error}") from None

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
                always=not self.working_time_only,
            ),
            remind_after_working_days=self.remind_after_working_days,
            remind_every_working_days=self.remind_every_working_days,
            escalate_after_working_days=self.escalate_after_working_days,
            nudge_pause=timedelta(minutes=self.nudge_pause_minutes),
            evaluation_months=self.evaluation_months,
        )

    @field_validator("sso_metadata_url")
    @classmethod
    def _https_or_loopback(cls, value: str) -> str:
        # the keys tokens are checked with come from here: never over plain text, except from
        # a loopback address (tests)
        host = urlsplit(value).hostname or ""
        if value and not value.startswith("https://") and not is_loopback(host):
            raise ValueError("must be an https:// URL")
        return value

    @field_validator("graph_authority", "graph_base_url")
    @classmethod
    def _https_only(cls, value: str) -> str:
        # a client secret and bearer tokens travel over these: never in plain text
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _graph_needs_tenant_and_credentials(self) -> Settings:
        if self.graph_enabled:
            missing = [
                name
                for name, value in (
                    ("MICROSOFT_APP_TENANT_ID", self.app_tenant_id),
                    ("WASSTRAAT_GRAPH_CLIENT_ID (or MICROSOFT_APP_ID)", self.graph_app_id),
                    (
                        "WASSTRAAT_GRAPH_CLIENT_SECRET (or MICROSOFT_APP_PASSWORD)",
                        self.graph_app_secret,
                    ),
                )
                if not value
            ]
            if missing:
                raise ValueError("graph_enabled needs " + ", ".join(missing))
        return self

    @property
    def graph_app_id(self) -> str:
        """The client id msal uses for Graph: its own setting, else the bot's app id."""
        return self.graph_client_id or self.app_id

    @property
    def graph_app_secret(self) -> str:
        """The client secret msal uses for Graph: its own setting, else the bot's password."""
        return self.graph_client_secret or self.app_password

    @property
    def graph_tenant_authority(self) -> str:
        """The msal authority of the municipality's tenant, e.g. ``…/contoso-tenant-id``."""
        return f"{self.graph_authority}/{self.app_tenant_id}"

    @property
    def public_base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def portfolio_sees_all(self) -> frozenset[str]:
        """Who sees every trajectory in the portfolio tab (and may fetch any dossier there);
        without an app id also the local developer the tab shows (loopback only)."""
        ids = self.portfolio_viewer_ids | self.admin_ids
        if not self.auth_enabled and not self.tab_dev_user:
            ids |= {LOCAL_DEVELOPER}
        return ids

    @property
    def tab_domain(self) -> str:
        """The host the tab is served at: the public domain, else the public URL's host."""
        if self.public_domain:
            return self.public_domain
        return urlsplit(self.public_base_url).netloc

    @property
    def sso_metadata(self) -> str:
        return self.sso_metadata_url or (
            f"https://login.microsoftonline.com/{self.app_tenant_id or 'organizations'}"
            "/v2.0/.well-known/openid-configuration"
        )

    @property
    def auth_enabled(self) -> bool:
        """JWT validation is on whenever an app id is configured."""
        return bool(self.app_id)

    @property
    def loopback_only(self) -> bool:
        """Without authentication (and without anonymous mode) only loopback is served."""
        return not self.auth_enabled and not self.anonymous_mode

    def startup_refusal(self) -> str | None:
        """Why the bot must not start with these settings, or None: listening on an address
        other than loopback without an app id would let anyone in as anyone."""
        if self.clock_speed != 1 and self.auth_enabled:
            return (
                "Refusing to start: WASSTRAAT_CLOCK_SPEED is for demos and training, and "
                "MICROSOFT_APP_ID is set: a real deployment keeps real time."
            )
        if not self.loopback_only or is_loopback(self.host):
            return None
        return (
            f"Refusing to start: WASSTRAAT_HOST={self.host} is not a loopback address and "
            "MICROSOFT_APP_ID is empty, so nobody would be authenticated. Set MICROSOFT_APP_ID "
            "(with MICROSOFT_APP_PASSWORD), or listen on 127.0.0.1, or - for a trial with the "
            "Agents Playground on another host only - set WASSTRAAT_ANONYMOUS_MODE=true."
        )

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


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name to listen on or hear from) is loopback only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False
