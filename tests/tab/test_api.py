"""The portfolio API, through the bot's own web application with single sign-on on: no data
leaves without a token Entra signed for this app and tenant; people see their teams' and their
own trajectories, the sponsors named in the settings see everything; the figures are the
trajectories' own."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from storage import Store
from tests.conftest import FixedClock
from tests.tab.sso import APP_ID, DOMAIN, OTHER_KEY, TENANT, Entra, sso_token
from tests.tools.readers import ReadingStore
from tests.tools.spreadsheets import cells_read, runs_as_formula
from wasstraat.model import Binding, Trajectory
from wasstraat.samples import T0, Run, finish, to_step

TEAM_A = Binding(
    conversation_id="19:a@thread.tacv2",
    channel_id="19:a@thread.tacv2",
    team_id="19:team-a@thread.tacv2",
    team_name="Burgerzaken",
    tenant_id=TENANT,
)
TEAM_B = Binding(
    conversation_id="19:b@thread.tacv2",
    channel_id="19:b@thread.tacv2",
    team_id="19:team-b@thread.tacv2",
    team_name="Belastingen",
    tenant_id=TENANT,
)
SPONSOR = "oid-sanne"  # named in the settings: sees the whole municipality
ANKE = "oid-anke"  # in team A, in no project group
BOB = "oid-bob"  # in no team the bot knows, in no project group
PETRA = "oid-petra"  # the samples' project leader of every trajectory here

ENDPOINTS = (
    "/api/portfolio/trajectories",
    "/api/portfolio/summary",
    "/api/portfolio/results",
    "/api/portfolio/lessons?q=a",
    "/api/portfolio/export.csv",
)


def at(
    step: str, trajectory_id: str, binding: Binding, *, product: str = "Paspoort", days: int = 0
):
    run = Run(now=T0 + timedelta(days=days), binding=binding)
    to_step(run, step)
    return run.t.model_copy(update={"id": trajectory_id, "product": product})


def evaluated(trajectory_id: str, binding: Binding, *, product: str, lesson: str) -> Trajectory:
    run = Run(binding=binding)
    to_step(run, "evaluatie")
    finish(run, "evaluatie")
    evaluation = run.t.evaluation.model_copy(update={"went_well": lesson})
    return run.t.model_copy(
        update={"id": trajectory_id, "product": product, "evaluation": evaluation}
    )


@pytest.fixture
async def entra() -> AsyncIterator[Entra]:
    server = Entra()
    await server.start()
    yield server
    await server.close()


async def save(store: Store, *trajectories: Trajectory) -> None:
    for t in trajectories:
        async with store.transaction(now=T0) as tx:
            await tx.insert_trajectory(t, now=T0)


@pytest.fixture
async def portfolio(database_url: str, clock: FixedClock, entra: Entra):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-used-here",
        MICROSOFT_APP_TENANT_ID=TENANT,
        public_domain=DOMAIN,
        public_url=f"https://{DOMAIN}",
        sso_metadata_url=entra.metadata_url,
        portfolio_viewer_ids=SPONSOR,
    )
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    store = ReadingStore(client.server.app[RUNTIME].services.store)
    await save(
        store,
        at("3b", "t-a1", TEAM_A, product="Parkeervergunning", days=1),
        at("5", "t-a2", TEAM_A, product="=Rijbewijs", days=2),
        evaluated("t-a3", TEAM_A, product="Paspoort", lesson="De balie-afspraak werkt"),
        at("2", "t-b1", TEAM_B, product="Hondenbelasting", days=3),
    )
    await store.references.save_thread(
        "t-a1", conversation_id="19:a@thread.tacv2", activity_id="1700000000000", now=T0
    )
    await store.portfolio.set_team_members(TEAM_A.team_id or "", [ANKE])
    yield client
    await client.close()


def bearer(object_id: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": "Bearer " + sso_token(object_id, **claims)}


async def get_json(client: TestClient, path: str, person: str, **claims: Any) -> Any:
    response = await client.get(path, headers=bearer(person, **claims))
    assert response.status == 200, await response.text()
    return await response.json()


REFUSED = {
    "no token": None,
    "not a bearer token": "Basic " + sso_token(SPONSOR),
    "garbage": "Bearer not.a.jwt",
    "forged signature": "Bearer " + sso_token(SPONSOR, key=OTHER_KEY),
    "unknown key": "Bearer " + sso_token(SPONSOR, key=OTHER_KEY, kid="other"),
    "expired": "Bearer " + sso_token(SPONSOR, expires_in=-3600),
    "another app": "Bearer " + sso_token(SPONSOR, audience="api://evil.example/other-app"),
    "another tenant": "Bearer " + sso_token(SPONSOR, tenant="99999999-0000-0000-0000-000000000000"),
    "another issuer": "Bearer " + sso_token(SPONSOR, issuer="https://evil.example/v2.0"),
    "no object id": "Bearer " + sso_token(""),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_without_an_acceptable_token_every_endpoint_answers_401_and_no_data(
    portfolio: TestClient, case: str
):
    header = REFUSED[case]
    for path in ENDPOINTS:
        response = await portfolio.get(path, headers={"Authorization": header} if header else {})
        assert response.status == 401, (case, path)
        body = await response.json()
        assert list(body) == ["error"] and "Teams" in body["error"]
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_people_see_their_teams_trajectories_the_sponsor_all_an_outsider_none(
    portfolio: TestClient,
):
    everything = await get_json(portfolio, "/api/portfolio/trajectories", SPONSOR, name="Sanne")
    assert [i["id"] for i in everything["items"]] == ["t-b1", "t-a2", "t-a1", "t-a3"]
    assert everything["viewer"] == {"name": "Sanne", "scope": "all"}
    assert [t["name"] for t in everything["filters"]["teams"]] == ["Belastingen", "Burgerzaken"]
    team = await get_json(portfolio, "/api/portfolio/trajectories", ANKE)
    assert {i["id"] for i in team["items"]} == {"t-a1", "t-a2", "t-a3"}
    assert [t["name"] for t in team["filters"]["teams"]] == ["Burgerzaken"]
    assert team["viewer"]["scope"] == "teams"
    outsider = await get_json(portfolio, "/api/portfolio/trajectories", BOB)
    assert outsider["items"] == [] and outsider["filters"]["teams"] == []
    summary = await get_json(portfolio, "/api/portfolio/summary", BOB)
    assert summary["step_times"] == [] and summary["targets"] == {"met": 0, "judged": 0}
    assert (await get_json(portfolio, "/api/portfolio/results", BOB))["items"] == []
    assert (await get_json(portfolio, "/api/portfolio/lessons?q=balie", BOB))["items"] == []
    export = await portfolio.get("/api/portfolio/export.csv", headers=bearer(BOB))
    assert len(list(csv.reader(io.StringIO((await export.text()).lstrip("\ufeff"))))) == 1
    # asking for another team's trajectories by its id shows none of them
    other = await get_json(portfolio, f"/api/portfolio/trajectories?team={TEAM_B.team_id}", ANKE)
    assert other["items"] == []


async def test_a_row_shows_the_strip_who_it_waits_on_and_where_to_find_it(
    portfolio: TestClient, clock: FixedClock
):
    rows = await get_json(portfolio, "/api/portfolio/trajectories", SPONSOR)
    row = next(i for i in rows["items"] if i["id"] == "t-a1")
    assert row["product"] == "Parkeervergunning" and row["team"]["name"] == "Burgerzaken"
    marks = {s["id"]: s["mark"] for s in row["steps"]}
    assert marks["1"] == "done" and marks["3a"] == "done" and marks["6"] == "waiting"
    # the clock is months past the 3b deadline: overdue, and it says so in words
    assert marks["3b"] == "overdue" and row["status"] == {"id": "overdue", "label": "Te laat"}
    checks = [w for w in row["waiting_on"] if w["step"] == "3b"]
    assert {w["name"] for w in checks} == {"Vera", "Victor"}  # and the klantreiscoach in 4
    assert all(w["what"] == "controle" and w["days"] > 300 for w in checks)
    assert row["project_leader"] == ["Petra"] and row["process_owner"] == ["Erik"]
    assert row["thread_url"].startswith("https://teams.microsoft.com/l/message/19%3Aa%40thread")
    assert "parentMessageId=1700000000000" in row["thread_url"]
    # the sponsor may open every dossier; a team member outside the project group none
    assert row["dossier_url"].startswith(f"https://{DOMAIN}/downloads/dossier?token=")
    dossier = await portfolio.get(row["dossier_url"].replace(f"https://{DOMAIN}", ""))
    assert dossier.status == 200
    seen_by_anke = await get_json(portfolio, "/api/portfolio/trajectories", ANKE)
    assert all(i["dossier_url"] is None for i in seen_by_anke["items"])
    english = await get_json(portfolio, "/api/portfolio/trajectories?lang=en", SPONSOR)
    first = next(i for i in english["items"] if i["id"] == "t-a1")
    assert first["status"]["label"] == "Overdue"
    assert "check" in {w["what"] for w in first["waiting_on"]}


async def test_the_filters_narrow_the_list(portfolio: TestClient):
    async def ids(query: str) -> list[str]:
        found = await get_json(portfolio, f"/api/portfolio/trajectories?{query}", SPONSOR)
        return [i["id"] for i in found["items"]]

    assert await ids(f"team={TEAM_B.team_id}") == ["t-b1"]
    assert await ids("step=5") == ["t-a2"]
    assert await ids("status=finished") == ["t-a3"]
    assert await ids("status=overdue") == ["t-a1"]
    assert set(await ids("status=running")) == {"t-a2", "t-b1"}
    assert await ids("year=2026") == ["t-b1", "t-a2", "t-a1", "t-a3"]
    assert await ids("year=2025") == []
    assert await ids("status=nonsense") == []
    assert await ids("page=2") == []


async def test_the_summary_shows_time_per_step_targets_and_improvements(portfolio: TestClient):
    summary = await get_json(portfolio, "/api/portfolio/summary", SPONSOR)
    assert summary["trajectories"] == {"running": 3, "paused": 0, "cancelled": 0, "finished": 1}
    step_1 = next(s for s in summary["step_times"] if s["id"] == "1")
    assert step_1["count"] == 4 and step_1["median_days"] == 0
    assert [s["id"] for s in summary["step_times"]][:2] == ["1", "2"]
    assert summary["targets"] == {"met": 0, "judged": 1}
    horizons = {h["id"]: h for h in summary["improvements"]["by_horizon"]}
    assert horizons["quick_win"]["implemented"] == 1 and horizons["long_term"]["open"] == 0
    quadrants = {q["id"]: q for q in summary["improvements"]["by_quadrant"]}
    assert list(quadrants) == ["possible", "implement", "challenge", "kill"]
    # every quadrant, in the chart's order, by its Dutch name (none rated here)
    assert quadrants["kill"] == {"id": "kill", "label": "Niet doen", "implemented": 0, "open": 0}
    team_b = await get_json(portfolio, f"/api/portfolio/summary?team={TEAM_B.team_id}", SPONSOR)
    assert team_b["targets"]["judged"] == 0
    assert team_b["trajectories"]["running"] == 1 and team_b["trajectories"]["finished"] == 0
    # a team member's summary adds up their own trajectories' counts: the same figures
    anke = await get_json(portfolio, "/api/portfolio/summary", ANKE)
    assert anke["targets"] == {"met": 0, "judged": 1}
    assert anke["trajectories"]["running"] == 2


async def test_results_per_kpi_and_lessons_learned_searchable(portfolio: TestClient):
    results = await get_json(portfolio, "/api/portfolio/results", SPONSOR)
    [done] = results["items"]
    assert done["product"] == "Paspoort"
    kpi = next(k for k in done["kpis"] if k["name"] == "Doorlooptijd")
    assert kpi["measured"] == 4 and kpi["met"] is False
    assert kpi["baseline"] is not None and kpi["target"] is not None
    # the klantreis's hartslag, moment by moment, with the channels' names in the language
    assert done["journey"] == [
        {"phase": "Aanvragen", "channel": "Website", "now": "positive", "desired": "positive"},
        {
            "phase": "Vraag over de kosten",
            "channel": "Telefoon",
            "now": "neutral",
            "desired": "positive",
        },
    ]
    english = await get_json(portfolio, "/api/portfolio/results?lang=en", SPONSOR)
    assert [m["channel"] for m in english["items"][0]["journey"]] == ["Website", "Phone"]
    found = await get_json(portfolio, "/api/portfolio/lessons?q=BALIE", SPONSOR)
    assert [i["went_well"] for i in found["items"]] == ["De balie-afspraak werkt"]
    assert (await get_json(portfolio, "/api/portfolio/lessons?q=fiets", SPONSOR))["items"] == []


async def test_the_csv_holds_the_table_as_a_spreadsheet_reads_it(portfolio: TestClient):
    response = await portfolio.get(
        f"/api/portfolio/export.csv?team={TEAM_A.team_id}", headers=bearer(SPONSOR)
    )
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = await response.text()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Product of dienst", "Team", "Jaar"]
    assert [r[0] for r in rows[1:]] == ["'=Rijbewijs", "Parkeervergunning", "Paspoort"]
    english = await portfolio.get("/api/portfolio/export.csv?lang=en", headers=bearer(SPONSOR))
    header = next(csv.reader(io.StringIO((await english.text()).lstrip("\ufeff"))))
    assert header[:2] == ["Product or service", "Team"]


async def test_no_cell_of_the_csv_runs_as_a_formula_whichever_separator_reads_it(
    portfolio: TestClient,
):
    t = at("3b", "t-a9", TEAM_A, product="Paspoort,=1+1,", days=4)
    leader = t.holders("projectleider")[0].model_copy(update={"name": "Petra;@SUM(A1)"})
    owner = t.holders("proceseigenaar")[0].model_copy(update={"name": "Erik\t-2+3"})
    t = t.model_copy(
        update={"roles": {**t.roles, "projectleider": [leader], "proceseigenaar": [owner]}}
    )
    await save(ReadingStore(portfolio.server.app[RUNTIME].services.store), t)
    for language in ("nl", "en"):
        response = await portfolio.get(
            f"/api/portfolio/export.csv?lang={language}", headers=bearer(SPONSOR)
        )
        body = (await response.text()).lstrip("\ufeff")
        assert "Paspoort" in body and "SUM(A1)" in body and "-2+3" in body
        read = cells_read(body)
        assert not [c for c in read if runs_as_formula(c)], language


async def test_the_signing_keys_are_fetched_once_not_per_request(
    portfolio: TestClient, entra: Entra
):
    for _ in range(3):
        await get_json(portfolio, "/api/portfolio/summary", SPONSOR)
    assert entra.metadata_requests == 1


async def test_without_an_app_id_the_local_developer_sees_everything_on_loopback(
    database_url: str, clock: FixedClock
):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, deliver_in_background=False, run_timers=False
    )
    client = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await client.start_server()
    try:
        store = ReadingStore(client.server.app[RUNTIME].services.store)
        await save(store, at("2", "t-1", TEAM_A), at("2", "t-2", TEAM_B))
        response = await client.get("/api/portfolio/trajectories")
        assert response.status == 200
        body = await response.json()
        assert {i["id"] for i in body["items"]} == {"t-1", "t-2"}
        assert body["viewer"]["scope"] == "all"
    finally:
        await client.close()
