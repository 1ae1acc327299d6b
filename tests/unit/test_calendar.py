"""The Graph calendar client against the loopback HTTPS fake of Entra's token endpoint
and Graph (tests/fakes_graph.py): the token, the event, and how failures are classified."""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.calendar import (
    Attendee,
    CalendarPermanentError,
    CalendarTransientError,
    GraphCalendar,
    Invitation,
    calendar_from_settings,
    transaction_id,
)
from bot.settings import Settings
from tests.fakes_graph import CLIENT_ID, CLIENT_SECRET, GRAPH_SCOPE, TENANT, FakeGraph

ORGANIZER = "0b1e6f3a-1111-4c2d-9e8f-000000000001"
SANNE = Attendee(
    object_id="0b1e6f3a-2222-4c2d-9e8f-000000000002",
    name="Sanne de Vries",
    address="sanne.devries@gemeente.example",
)
KEES = Attendee(
    object_id="0b1e6f3a-3333-4c2d-9e8f-000000000003",
    name="Kees Jansen",
    address="kees.jansen@gemeente.example",
)
NO_ADDRESS = Attendee(object_id="0b1e6f3a-4444-4c2d-9e8f-000000000004", name="Fatima Amrani")


def invitation(key: str = "trajectory-1:3a:session", **changes: Any) -> Invitation:
    values: dict[str, Any] = {
        "key": key,
        "organizer_id": ORGANIZER,
        "subject": "Sessie 3a: procesanalyse",
        "body": "<p>Welkom bij de sessie.</p>",
        "start": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),  # 10:00 in Amsterdam (CET)
        "end": datetime(2026, 12, 1, 11, 30, tzinfo=UTC),
        "attendees": (SANNE, KEES),
    }
    values.update(changes)
    return Invitation(**values)


def graph_settings(fake: FakeGraph, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "graph_enabled": True,
        "MICROSOFT_APP_TENANT_ID": TENANT,
        "graph_client_id": CLIENT_ID,
        "graph_client_secret": CLIENT_SECRET,
        "graph_authority": fake.url,
        "graph_base_url": fake.graph_url,
        "graph_ca_bundle": str(fake.ca_path),
    }
    values.update(changes)
    return Settings(**values)


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeGraph]:
    graph = FakeGraph()
    await graph.start(tmp_path)
    yield graph
    await graph.close()


@pytest.fixture
async def make_calendar() -> AsyncIterator[Callable[..., GraphCalendar]]:
    made: list[GraphCalendar] = []

    def make(settings: Settings, **kwargs: Any) -> GraphCalendar:
        calendar = GraphCalendar(settings, **kwargs)
        made.append(calendar)
        return calendar

    yield make
    for calendar in made:
        await calendar.close()


@pytest.fixture
def calendar(fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]) -> GraphCalendar:
    return make_calendar(graph_settings(fake))


# --- the token -------------------------------------------------------------------------


async def test_token_is_requested_with_client_credentials_for_graph(
    fake: FakeGraph, calendar: GraphCalendar
):
    await calendar.create_event(invitation())

    discovery = [c for c in fake.calls if c.method == "GET"]
    assert [c.path for c in discovery] == [f"/{TENANT}/v2.0/.well-known/openid-configuration"]
    (token,) = fake.token_requests()
    assert token.path == f"/{TENANT}/oauth2/v2.0/token"
    assert token.status == 200
    assert token.form is not None
    assert token.form["grant_type"] == "client_credentials"
    assert token.form["scope"] == GRAPH_SCOPE
    assert token.form["client_id"] == CLIENT_ID
    assert token.form["client_secret"] == CLIENT_SECRET
    (event,) = fake.event_requests()
    assert event.headers["Authorization"] == f"Bearer {next(iter(fake.tokens))}"


async def test_a_token_is_reused_across_events(fake: FakeGraph, calendar: GraphCalendar):
    await calendar.create_event(invitation("trajectory-1:3a:session"))
    await calendar.create_event(invitation("trajectory-1:5:session"))

    assert len(fake.token_requests()) == 1
    assert len(fake.events) == 2
    bearers = {c.headers["Authorization"] for c in fake.event_requests()}
    assert len(bearers) == 1


async def test_a_token_near_its_end_is_not_reused(fake: FakeGraph, calendar: GraphCalendar):
    # msal treats a token with less than five minutes left as expired
    fake.token_lifetime = 120
    await calendar.create_event(invitation("trajectory-1:3a:session"))
    await calendar.create_event(invitation("trajectory-1:5:session"))

    assert len(fake.token_requests()) == 2
    assert len({c.headers["Authorization"] for c in fake.event_requests()}) == 2


async def test_a_wrong_secret_is_permanent_invalid_client(
    fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]
):
    calendar = make_calendar(graph_settings(fake, graph_client_secret="not-the-secret"))

    with pytest.raises(CalendarPermanentError) as refused:
        await calendar.create_event(invitation())

    assert refused.value.code == "invalid_client"
    assert [c.status for c in fake.token_requests()] == [401]
    assert fake.event_requests() == []


async def test_an_unknown_tenant_is_permanent(
    fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]
):
    calendar = make_calendar(graph_settings(fake, MICROSOFT_APP_TENANT_ID="other-tenant"))

    with pytest.raises(CalendarPermanentError) as refused:
        await calendar.create_event(invitation())

    assert refused.value.code == "invalid_authority"
    assert fake.token_requests() == []


@pytest.mark.parametrize(
    ("status", "error"), [(503, "temporarily_unavailable"), (400, "temporarily_unavailable")]
)
async def test_a_busy_token_service_is_transient(
    fake: FakeGraph, calendar: GraphCalendar, status: int, error: str
):
    fake.fail_tokens(status, error=error)

    with pytest.raises(CalendarTransientError):
        await calendar.create_event(invitation())

    assert [c.status for c in fake.token_requests()] == [status]
    assert fake.event_requests() == []


# --- the event -------------------------------------------------------------------------


async def test_the_event_is_a_teams_meeting_in_amsterdam_time(
    fake: FakeGraph, calendar: GraphCalendar
):
    created = await calendar.create_event(invitation(attendees=(SANNE, KEES)))

    (request,) = fake.event_requests()
    assert request.path == f"/v1.0/users/{ORGANIZER}/events"
    assert request.status == 201
    body = request.json
    assert body["subject"] == "Sessie 3a: procesanalyse"
    assert body["body"] == {"contentType": "html", "content": "<p>Welkom bij de sessie.</p>"}
    assert body["start"] == {"dateTime": "2026-12-01T10:00:00", "timeZone": "Europe/Amsterdam"}
    assert body["end"] == {"dateTime": "2026-12-01T12:30:00", "timeZone": "Europe/Amsterdam"}
    assert body["attendees"] == [
        {"emailAddress": {"address": SANNE.address, "name": SANNE.name}, "type": "required"},
        {"emailAddress": {"address": KEES.address, "name": KEES.name}, "type": "required"},
    ]
    assert body["isOnlineMeeting"] is True
    assert body["onlineMeetingProvider"] == "teamsForBusiness"
    assert body["transactionId"] == transaction_id("trajectory-1:3a:session")
    event = fake.events[created.event_id]
    assert created.join_url == event["onlineMeeting"]["joinUrl"]
    assert created.join_url.startswith("https://teams.microsoft.com/l/meetup-join/")
    assert created.uninvited == ()


async def test_summer_time_and_other_zones_are_shown_as_amsterdam_local_time(
    fake: FakeGraph, calendar: GraphCalendar
):
    # 2027-03-28 is the last Sunday of March: Amsterdam moves to CEST (UTC+2) at 02:00 CET
    tokyo = datetime(2027, 4, 7, 1, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 16:00 UTC
    await calendar.create_event(
        invitation(start=datetime(2027, 3, 29, 7, 0, tzinfo=UTC), end=tokyo)
    )

    body = fake.event_requests()[0].json
    assert body["start"]["dateTime"] == "2027-03-29T09:00:00"
    assert body["end"]["dateTime"] == "2027-04-06T18:00:00"
    assert body["end"]["timeZone"] == "Europe/Amsterdam"


async def test_people_without_an_address_and_the_organizer_are_not_invited(
    fake: FakeGraph, calendar: GraphCalendar
):
    organizer = Attendee(object_id=ORGANIZER, name="Organisator", address="org@gemeente.example")
    created = await calendar.create_event(
        invitation(attendees=(organizer, SANNE, NO_ADDRESS, SANNE))
    )

    body = fake.event_requests()[0].json
    assert [a["emailAddress"]["address"] for a in body["attendees"]] == [SANNE.address]
    assert created.uninvited == (NO_ADDRESS.object_id,)


async def test_plain_text_body(fake: FakeGraph, calendar: GraphCalendar):
    await calendar.create_event(invitation(body="Tot dan.", body_type="text"))

    assert fake.event_requests()[0].json["body"] == {"contentType": "text", "content": "Tot dan."}


async def test_a_repeated_invitation_gives_the_same_event(
    fake: FakeGraph, calendar: GraphCalendar, make_calendar: Callable[..., GraphCalendar]
):
    first = await calendar.create_event(invitation("trajectory-1:10:evaluation"))
    again = await calendar.create_event(invitation("trajectory-1:10:evaluation"))
    # a restarted process (a new client) derives the same transaction id
    after_restart = await make_calendar(graph_settings(fake)).create_event(
        invitation("trajectory-1:10:evaluation")
    )
    other = await calendar.create_event(invitation("trajectory-2:10:evaluation"))

    assert first.event_id == again.event_id == after_restart.event_id
    assert first.transaction_id == str(uuid.UUID(first.transaction_id))
    assert other.event_id != first.event_id
    assert len(fake.events) == 2
    assert len(fake.event_requests()) == 4


def test_invitations_need_aware_times_that_end_after_they_start():
    with pytest.raises(ValidationError):
        invitation(start=datetime(2026, 12, 1, 9, 0))
    with pytest.raises(ValidationError):
        invitation(end=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(ValidationError):
        invitation(key="")


def test_an_invitation_survives_a_trip_through_json():
    original = invitation(attendees=(SANNE, NO_ADDRESS))
    assert Invitation.model_validate_json(original.model_dump_json()) == original


# --- failures --------------------------------------------------------------------------


async def test_throttling_is_transient_with_graphs_retry_after(
    fake: FakeGraph, calendar: GraphCalendar
):
    fake.fail_events(429, times=2, retry_after="7")

    for _ in range(2):
        with pytest.raises(CalendarTransientError) as busy:
            await calendar.create_event(invitation())
        assert (busy.value.status, busy.value.retry_after) == (429, 7.0)
        assert busy.value.code == "ApplicationThrottled"
    created = await calendar.create_event(invitation())

    assert [c.status for c in fake.event_requests()] == [429, 429, 201]
    assert list(fake.events) == [created.event_id]


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_an_unavailable_graph_is_transient(
    fake: FakeGraph, calendar: GraphCalendar, status: int
):
    fake.fail_events(status, times=1)

    with pytest.raises(CalendarTransientError) as busy:
        await calendar.create_event(invitation())

    assert busy.value.status == status
    assert busy.value.retry_after is None
    await calendar.create_event(invitation())
    assert len(fake.events) == 1


async def test_retry_after_as_an_http_date_counts_from_the_injected_clock(
    fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]
):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    calendar = make_calendar(graph_settings(fake), clock=lambda: now)
    fake.fail_events(503, retry_after="Tue, 01 Dec 2026 09:02:00 GMT")

    with pytest.raises(CalendarTransientError) as busy:
        await calendar.create_event(invitation())

    assert busy.value.retry_after == 120.0


@pytest.mark.parametrize(
    ("status", "code"),
    [(403, "ErrorAccessDenied"), (404, "ErrorItemNotFound"), (400, "ErrorInvalidRequest")],
)
async def test_refusals_are_permanent(
    fake: FakeGraph, calendar: GraphCalendar, status: int, code: str
):
    fake.fail_events(status, times=None)

    for _ in range(2):
        with pytest.raises(CalendarPermanentError) as refused:
            await calendar.create_event(invitation())
        assert (refused.value.status, refused.value.code) == (status, code)
    assert fake.events == {}


async def test_an_unreachable_graph_is_transient(
    fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    calendar = make_calendar(graph_settings(fake, graph_base_url=f"https://127.0.0.1:{closed}"))

    with pytest.raises(CalendarTransientError) as down:
        await calendar.create_event(invitation())

    assert down.value.status is None


# --- TLS -------------------------------------------------------------------------------


async def test_the_token_endpoint_is_verified_against_the_ca_bundle(
    fake: FakeGraph, make_calendar: Callable[..., GraphCalendar]
):
    # without the fake's CA the system trust store applies, and it does not know it
    calendar = make_calendar(graph_settings(fake, graph_ca_bundle=""))

    with pytest.raises(CalendarPermanentError) as untrusted:
        await calendar.create_event(invitation())

    assert untrusted.value.code == "certificate_verify_failed"
    assert fake.calls == []  # no request got past the handshake


async def test_graph_is_verified_against_the_ca_bundle(
    fake: FakeGraph, tmp_path: Path, make_calendar: Callable[..., GraphCalendar]
):
    stranger = FakeGraph()  # a Graph with a certificate from another CA
    await stranger.start(tmp_path)
    try:
        calendar = make_calendar(graph_settings(fake, graph_base_url=stranger.graph_url))
        with pytest.raises(CalendarPermanentError) as untrusted:
            await calendar.create_event(invitation())
    finally:
        await stranger.close()

    assert untrusted.value.code == "certificate_verify_failed"
    assert len(fake.token_requests()) == 1
    assert stranger.calls == []


# --- logs ------------------------------------------------------------------------------


async def test_logs_name_no_person_token_or_secret(
    fake: FakeGraph, calendar: GraphCalendar, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG, logger="bot.calendar")
    caplog.set_level(logging.INFO)
    await calendar.create_event(invitation(attendees=(SANNE, KEES, NO_ADDRESS)))
    fake.fail_events(429, retry_after="3")
    with pytest.raises(CalendarTransientError):
        await calendar.create_event(invitation("k2", attendees=(SANNE,)))
    fake.fail_events(403, times=None)
    with pytest.raises(CalendarPermanentError) as refused:
        await calendar.create_event(invitation("k3", attendees=(KEES,)))

    text = caplog.text + str(refused.value)
    assert "calendar event created" in text and "429" in text and "403" in text
    secrets = [CLIENT_SECRET, *fake.tokens]
    personal = [p.name for p in (SANNE, KEES, NO_ADDRESS)] + ["gemeente.example"]
    for word in secrets + personal:
        assert word not in text


# --- settings --------------------------------------------------------------------------


def test_graph_is_off_by_default_and_then_no_client_is_made():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.graph_enabled
    assert settings.graph_authority == "https://login.microsoftonline.com"
    assert settings.graph_base_url == "https://graph.microsoft.com/v1.0"
    assert calendar_from_settings(settings) is None


def test_graph_credentials_default_to_the_bots_own(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MICROSOFT_APP_ID", "bot-app")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "bot-secret")
    monkeypatch.setenv("MICROSOFT_APP_TENANT_ID", "home")
    monkeypatch.setenv("WASSTRAAT_GRAPH_ENABLED", "true")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.graph_app_id, settings.graph_app_secret) == ("bot-app", "bot-secret")
    assert settings.graph_tenant_authority == "https://login.microsoftonline.com/home"

    monkeypatch.setenv("WASSTRAAT_GRAPH_CLIENT_ID", "calendar-app")
    monkeypatch.setenv("WASSTRAAT_GRAPH_CLIENT_SECRET", "calendar-secret")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.graph_app_id, settings.graph_app_secret) == ("calendar-app", "calendar-secret")
    assert "calendar-secret" not in repr(settings)
    assert isinstance(calendar_from_settings(settings), GraphCalendar)


def test_graph_settings_are_checked():
    with pytest.raises(ValueError, match="MICROSOFT_APP_TENANT_ID"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            graph_enabled=True,
            MICROSOFT_APP_ID="a",
            MICROSOFT_APP_PASSWORD="p",
        )
    with pytest.raises(ValueError, match="GRAPH_CLIENT_SECRET"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            graph_enabled=True,
            MICROSOFT_APP_TENANT_ID="t",
            graph_client_id="c",
        )
    with pytest.raises(ValueError, match="https"):
        Settings(_env_file=None, graph_base_url="http://graph.local/v1.0")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="https"):
        Settings(_env_file=None, graph_authority="http://login.local")  # type: ignore[call-arg]


def test_timeouts_are_bounded():
    with pytest.raises(ValueError):
        Settings(_env_file=None, graph_timeout_seconds=0)  # type: ignore[call-arg]
    assert Settings(_env_file=None).graph_timeout_seconds == 30.0  # type: ignore[call-arg]
