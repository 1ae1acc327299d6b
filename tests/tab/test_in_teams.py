"""The portfolio tab inside a Teams host frame (tests/e2e/teams_host.py answers teams-js as
Teams would): it signs every API call with the single sign-on token, takes the language, theme
and team from the Teams context, follows theme changes, opens links through Teams, downloads
the CSV with the token, reports success, and asks to sign in when Teams gives no token. The
team tab's configuration page saves the team tab's address."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.teams_host import Team
from tests.tab.conftest import AXE, Opened
from tests.tab.municipality import ANKE, OLGA
from tests.tab.sso import sso_token

pytestmark = pytest.mark.browser

ROWS = "#trajectories-table tbody tr"


def api_requests(tab: Opened) -> list:
    return [r for r in tab.sent if "/api/portfolio/" in r.url]


def test_in_teams_every_api_call_carries_the_token_and_the_page_says_it_loaded(
    signed_portfolio, open_in_teams
):
    tab: Opened = open_in_teams(f"{signed_portfolio.url}/tab/", token=signed_portfolio.token)
    tab.wait_until_loaded()
    view = tab.view
    expect(view.locator(ROWS)).to_have_count(len(tab.answer("trajectories")["items"]))
    sent = api_requests(tab)
    assert {urlsplit(r.url).path.rsplit("/", 1)[1] for r in sent} == {
        "trajectories",
        "summary",
        "results",
        "lessons",
    }
    assert {r.headers.get("authorization") for r in sent} == {f"Bearer {signed_portfolio.token}"}
    # inside Teams there is no notice of being outside it
    expect(view.locator("#notice")).to_be_hidden()
    tab.page.wait_for_function("window.appStatus === 'success'")
    assert "themeChange" in tab.page.evaluate("window.registeredHandlers")
    assert tab.page.evaluate("window.unanswered") == []


def test_the_teams_locale_and_theme_choose_language_and_colours_and_follow_changes(
    signed_portfolio, open_in_teams
):
    tab: Opened = open_in_teams(
        f"{signed_portfolio.url}/tab/",
        token=signed_portfolio.token,
        locale="en-US",
        theme="dark",
    )
    tab.wait_until_loaded()
    view = tab.view
    expect(view.locator("html")).to_have_attribute("lang", "en")
    expect(view.locator("html")).to_have_attribute("data-theme", "dark")
    assert {dict(parse_qsl(urlsplit(r.url).query))["lang"] for r in api_requests(tab)} == {"en"}
    dark_text = view.locator("body").evaluate("(b) => getComputedStyle(b).color")

    tab.page.evaluate("window.setTheme('contrast')")
    expect(view.locator("html")).to_have_attribute("data-theme", "contrast")
    tab.page.evaluate("window.setTheme('default')")
    expect(view.locator("html")).to_have_attribute("data-theme", "default")
    light_text = view.locator("body").evaluate("(b) => getComputedStyle(b).color")
    assert dark_text != light_text
    # the charts are drawn again in the new colours
    drawn = view.locator("#stalls-chart").evaluate(
        "(c) => Chart.getChart(c).data.datasets[0].backgroundColor"
    )
    assert drawn == view.locator("html").evaluate(
        "(h) => getComputedStyle(h).getPropertyValue('--colorNeutralForeground1').trim()"
    )


def test_a_team_tab_shows_the_team_of_its_context(signed_portfolio, open_in_teams):
    team = Team("19:vergunningen@thread.tacv2", "Team Vergunningen")
    tab: Opened = open_in_teams(
        f"{signed_portfolio.url}/tab/?context=team&locale=nl-NL",
        token=signed_portfolio.token,
        team=team,
    )
    tab.wait_until_loaded()
    view = tab.view
    for request in api_requests(tab):
        assert dict(parse_qsl(urlsplit(request.url).query))["team"] == team.internal_id
    # the team is the tab's: no team filter, no team column, its name in the introduction
    expect(view.locator("#filter-team")).to_be_hidden()
    expect(view.locator("#trajectories-table th.team-column")).to_be_hidden()
    expect(view.locator("#intro")).to_contain_text(team.display_name)
    items = tab.answer("trajectories")["items"]
    assert items and {item["team"]["id"] for item in items} == {team.internal_id}
    expect(view.locator(ROWS)).to_have_count(len(items))


def test_links_open_through_teams_and_the_csv_comes_with_the_token(signed_portfolio, open_in_teams):
    tab: Opened = open_in_teams(f"{signed_portfolio.url}/tab/", token=signed_portfolio.token)
    tab.wait_until_loaded()
    view = tab.view
    thread = view.locator(f"{ROWS} a[href^='https://teams.microsoft.com/']").first
    href = thread.get_attribute("href")
    thread.click()
    tab.page.wait_for_function("window.openedLinks.length > 0")
    assert tab.page.evaluate("window.openedLinks") == [href]

    with tab.page.expect_download() as download:
        view.locator("#csv").click()
    saved = download.value
    assert saved.suggested_filename == "wasstraat-portfolio.csv"
    with open(saved.path(), "rb") as file:
        assert file.read(3) == b"\xef\xbb\xbf"  # the BOM Excel wants
    export = [r for r in api_requests(tab) if "/export.csv" in r.url]
    assert [r.headers.get("authorization") for r in export] == [f"Bearer {signed_portfolio.token}"]


def test_without_a_token_from_teams_the_page_asks_to_sign_in(signed_portfolio, open_in_teams):
    tab: Opened = open_in_teams(f"{signed_portfolio.url}/tab/", token=None)
    view = tab.view
    expect(view.locator("#notice-text")).to_have_text(tab.texts("nl")["tab.sign_in"])
    expect(view.locator(ROWS)).to_have_count(0)
    expect(view.locator("#trajectories")).to_be_hidden()
    assert api_requests(tab) == []  # no request went out without a token
    tab.page.wait_for_function("window.appStatus === 'success'")


def test_the_configuration_page_saves_the_team_tab(signed_portfolio, open_in_teams):
    tab: Opened = open_in_teams(
        f"{signed_portfolio.url}/tab/config",
        token=signed_portfolio.token,
        team=Team("19:belastingen@thread.tacv2", "Team Belastingen"),
        frame_context="settings",
    )
    tab.page.wait_for_function("window.validityState === true")
    assert tab.page.evaluate("window.save()") == {"result": "success"}
    saved = tab.page.evaluate("window.savedConfig")
    assert saved["entityId"] == "wasstraat-portfolio"
    assert saved["contentUrl"] == f"{signed_portfolio.url}/tab/?context=team&locale={{locale}}"
    assert saved["suggestedDisplayName"] == "Wasstraat"
    assert saved["websiteUrl"].startswith(f"{signed_portfolio.url}/tab/")


def test_signed_in_inside_teams_the_filters_charts_language_and_axe_hold(
    signed_portfolio, open_in_teams
):
    tab: Opened = open_in_teams(
        f"{signed_portfolio.url}/tab/", token=signed_portfolio.token, bypass_csp=True
    )
    tab.wait_until_loaded()
    view = tab.view
    first = tab.answer("trajectories")
    assert first["viewer"] == {"name": "Sanne de Vries", "scope": "all"}
    expect(view.locator("#viewer")).to_contain_text("Sanne de Vries")
    # a filter narrows the table to what the API answered for it
    status = next(s for s in first["filters"]["statuses"] if s["id"] == "finished")
    with tab.page.expect_response(lambda r: "status=finished" in r.url) as answer:
        view.get_by_label("Status", exact=True).select_option(status["id"])
    tab.wait_until_loaded()
    finished = answer.value.json()["items"]
    assert finished and {item["status"]["id"] for item in finished} == {"finished"}
    expect(view.locator(ROWS)).to_have_count(len(finished))
    # both charts are drawn: where it stalls, and a chart per KPI of the evaluated trajectories
    assert view.locator("#stalls-chart").evaluate("(c) => Chart.getChart(c).data.labels.length")
    assert view.locator("#results-list canvas").count() > 0
    # the language switch: the page and the API's words in English
    with tab.page.expect_response(lambda r: "lang=en" in r.url and "/trajectories" in r.url):
        view.get_by_role("button", name="English").click()
    tab.wait_until_loaded()
    expect(view.locator("html")).to_have_attribute("lang", "en")
    expect(view.locator(f"{ROWS} td").nth(2)).to_have_text("Finished")
    # no accessibility violation inside the frame
    view.add_script_tag(path=str(AXE))
    violations = view.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map((v) => ({id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""
    )
    assert violations == []


@pytest.mark.parametrize(
    ("person", "teams"),
    [
        (ANKE, {"19:vergunningen@thread.tacv2"}),  # in one team: that team's only
        (OLGA, set()),  # in no team and no project group: none at all
    ],
)
def test_people_see_only_their_teams_trajectories(signed_portfolio, open_in_teams, person, teams):
    token = sso_token(person.aad_object_id, person.name)
    tab: Opened = open_in_teams(f"{signed_portfolio.url}/tab/", token=token)
    tab.wait_until_loaded()
    answer = tab.answer("trajectories")
    assert {item["team"]["id"] for item in answer["items"]} == teams
    assert {team["id"] for team in answer["filters"]["teams"]} == teams
    expect(tab.view.locator(ROWS)).to_have_count(len(answer["items"]))
    if not teams:
        assert tab.answer("summary")["step_times"] == []
        assert tab.answer("lessons")["items"] == [] and tab.answer("results")["items"] == []
