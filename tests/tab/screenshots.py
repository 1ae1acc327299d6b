"""Screenshots of the portfolio tab for the README, drawn in headless Chromium inside the
browser tests' Teams host: the personal tab in Dutch and a team's tab in English.

Usage: python -m tests.tab.screenshots OUT_DIR [--url BASE_URL] [--team TEAM_ID]

Without ``--url`` it runs the bot itself on loopback with the municipality of the browser tests
(tests/tab/municipality.py) and single sign-on on, signed in as the sponsor Sanne.
With ``--url`` it opens a running bot instead (``make run``: loopback, no app id, the development
identity sees everything); the team tab shows ``--team`` or the first team the API names.
Writes OUT_DIR/personal-nl.png and OUT_DIR/team-en.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

from tests.e2e.teams_host import HOST_PAGE, TAB_FRAME, Team, host_url, is_host_url
from tests.tab.bot_server import serving_bot
from tests.tab.conftest import CHROMIUM, CHROMIUM_ARGS, LOADED
from tests.tab.municipality import TEAMS

WIDTH = 1280
# how much of each page the README shows: the header, the filters and the first rows; the
# team's tab down to where it stalls
HEIGHTS = {"personal-nl": 1000, "team-en": 1900}
TOKEN = "screenshot"  # a running bot without an app id does not look at it


def first_team(base: str) -> Team:
    with urllib.request.urlopen(f"{base}/api/portfolio/trajectories", timeout=30) as answer:
        teams = json.load(answer)["filters"]["teams"]
    if not teams:
        raise SystemExit("the bot names no team: give one with --team")
    return Team(teams[0]["id"], teams[0]["name"])


def draw(base: str, out: Path, team: Team, token: str = TOKEN) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = {
        "personal-nl": host_url(f"{base}/tab/?locale=nl-NL", token=token, locale="nl-NL"),
        "team-en": host_url(
            f"{base}/tab/?context=team&locale=en-US", token=token, locale="en-US", team=team
        ),
    }
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for name, url in shots.items():
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHTS[name]})

                def host(route: Route) -> None:
                    route.fulfill(status=200, content_type="text/html", body=HOST_PAGE)

                context.route(is_host_url, host)
                page = context.new_page()
                page.goto(url)
                frame = page.wait_for_selector(TAB_FRAME).content_frame()
                assert frame is not None
                frame.wait_for_function(LOADED)
                target = out / f"{name}.png"
                page.screenshot(path=str(target))
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--url", help="a running bot, e.g. http://127.0.0.1:3978")
    parser.add_argument("--team", help="the team id of the team tab")
    options = parser.parse_args(argv)
    if options.url:
        base = options.url.rstrip("/")
        team = Team(options.team, options.team) if options.team else first_team(base)
        written = draw(base, options.out, team)
    else:
        team_id, team_name, *_ = next((t for t in TEAMS if t[0] == options.team), TEAMS[1])
        with serving_bot(signed=True) as (base, token):
            assert token is not None
            written = draw(base, options.out, Team(team_id, team_name), token)
    for path in written:
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
