from __future__ import annotations

import pytest

from bot.settings import Settings


def test_defaults_run_locally_with_sqlite_and_dutch(monkeypatch: pytest.MonkeyPatch):
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url.startswith("sqlite:///data/")
    assert settings.default_locale == "nl-NL"
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.port == 3978
    assert not settings.auth_enabled
    assert settings.is_tenant_allowed("any-tenant")


def test_environment_uses_bot_framework_names_and_prefix(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MICROSOFT_APP_ID", "app")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    monkeypatch.setenv("MICROSOFT_APP_TENANT_ID", "home")
    monkeypatch.setenv("WASSTRAAT_ALLOWED_TENANT_IDS", " t1, t2 ,,")
    monkeypatch.setenv("WASSTRAAT_PORT", "8080")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.auth_enabled and settings.app_id == "app"
    assert settings.allowed_tenant_ids == frozenset({"t1", "t2"})
    assert settings.tenant_allow_list == frozenset({"t1", "t2", "home"})
    assert settings.port == 8080
    assert "secret" not in repr(settings)


def test_a_configured_tenant_restricts_to_itself():
    settings = Settings(_env_file=None, MICROSOFT_APP_TENANT_ID="home")  # type: ignore[call-arg]
    assert settings.is_tenant_allowed("home")
    assert not settings.is_tenant_allowed("other")
    assert not settings.is_tenant_allowed(None)


def test_bad_values_are_rejected():
    with pytest.raises(ValueError):
        Settings(_env_file=None, port=0)  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        Settings(_env_file=None, MICROSOFT_APP_TYPE="Anything")  # type: ignore[call-arg]
