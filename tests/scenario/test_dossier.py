"""The dossier: a Word document with every section, behind a signed link that expires."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from cards.catalogue import text
from reports.dossier import SECTIONS, dossier
from tests.conftest import BotClient, FixedClock
from tests.scenario.test_time_in_chat import channel_trajectory, waiting_on_megan
from wasstraat import commands as c
from wasstraat.samples import IV, PE, SYSTEM, TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")


def full_run() -> Run:
    run = Run()
    to_step(run, "evaluatie")
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=182))
    run.do(
        PE,
        c.RecordEvaluation(
            measurements={"Doorlooptijd": 4}, went_well="snelle quick win", could_be_better="IV"
        ),
    )
    return run


def document_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_dossier_of_a_whole_trajectory_has_every_section(language):
    run = full_run()
    content = document_text(
        dossier(run.t, history=run.audit, template=TEMPLATE, language=language, zone=ZONE)
    )
    for section in SECTIONS:
        assert text(f"dossier.{section}", language) in content
    kpi = run.t.kpis[0]
    assert kpi.name in content and "4" in content  # the measured value
    assert run.t.process_maps[-1] in content
    assert text("verdict.akkoord", language) in content and IV.name in content
    assert run.t.improvements[0].text in content
    assert run.t.implementation[0].text in content
    assert "snelle quick win" in content
    assert "decide_kpis" in content  # the audit trail
    # the klantreis's hartslag: a line, then a row per moment with its channel and feelings
    assert text("journey.line", language, now="+ 0", desired="+ +") in content
    phone = "Telefoon" if language == "nl" else "Phone"
    assert "Vraag over de kosten" in content and phone in content
    assert text("journey.feeling.neutral", language) in content


async def test_export_gives_a_member_a_link_that_works_for_an_hour(
    bot: BotClient, clock: FixedClock
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    bot.connector.calls.clear()
    await bot.say("<at>Test Bot</at> export", fixture="message_channel_mention_api")
    [card] = bot.connector.cards()
    [action] = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    url = urlsplit(action["url"])
    response = await bot.http.get(f"{url.path}?{url.query}")
    assert response.status == 200
    assert response.content_type.endswith("wordprocessingml.document")
    assert "Parkeervergunning" in document_text(await response.read())

    forged = url.query[:-3] + ("abc" if not url.query.endswith("abc") else "xyz")
    assert (await bot.http.get(f"{url.path}?{forged}")).status == 403
    clock.now += timedelta(minutes=61)
    assert (await bot.http.get(f"{url.path}?{url.query}")).status == 403


async def test_someone_outside_the_project_group_gets_no_link(bot: BotClient, clock: FixedClock):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    bot.connector.calls.clear()
    await bot.say(
        "<at>Test Bot</at> export",
        fixture="message_channel_mention_api",
        **{"from": {"id": "29:x", "name": "Iemand", "aadObjectId": "outsider-1"}},
    )
    [card] = bot.connector.cards()
    assert not [a for a in card.get("actions", []) if a["type"] == "Action.OpenUrl"]
    assert "no trajectory here" in str(card) or "geen deel" in str(card)
