"""A kind of step defined outside the product runs a whole trajectory through the front door:
its people get its card, "mijn taken", the status, a reminder and the dossier show it, and it
closes its step, with no product file changed for it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from docx import Document

from bot.app import RUNTIME
from bot.settings import Settings
from tests.conftest import BotClient, FixedClock, payload
from tests.scenario.acknowledgement import registered
from tests.scenario.driving import (
    ADELE,
    ISAIAH,
    PL,
    as_person,
    button,
    card_sent_to,
    click,
    shown_titles,
    step_card,
    text_of,
)
from wasstraat.diagram import mermaid
from wasstraat.model import StepStatus
from wasstraat.template import load_template

INSTRUCTION = {
    "id": "werkinstructie",
    "roles": [
        {"id": "projectleider", "name": {"nl": "Projectleider", "en": "Project leader"}},
        {"id": "proceseigenaar", "name": {"nl": "Proceseigenaar", "en": "Process owner"}},
        {
            "id": "medewerker",
            "name": {"nl": "Medewerker", "en": "Staff member"},
            "several": True,
        },
    ],
    "steps": [
        {
            "id": "1",
            "name": {"nl": "Groep samenstellen", "en": "Assemble the group"},
            "responsible": "projectleider",
            "actors": ["projectleider"],
            "kind": {
                "type": "finished_by",
                "by": ["projectleider"],
                "requires_roles": ["medewerker"],
            },
        },
        {
            "id": "2",
            "name": {"nl": "Werkinstructie lezen", "en": "Read the work instruction"},
            "depends_on": ["1"],
            "responsible": "projectleider",
            "actors": ["medewerker"],
            "kind": {"type": "acknowledgement", "by": ["medewerker"]},
            "deadline_days": 10,
            "asks": {
                "medewerker": {
                    "nl": "Lees de nieuwe werkinstructie voor de balie.",
                    "en": "Read the new work instruction for the front desk.",
                }
            },
        },
        {
            "id": "3",
            "name": {"nl": "Afronden", "en": "Wrap up"},
            "depends_on": ["2"],
            "responsible": "projectleider",
            "actors": ["projectleider"],
            "kind": {"type": "finished_by", "by": ["projectleider"]},
        },
    ],
    "ps": [],
    "serviceformules": [],
}


@pytest.fixture
def acknowledging() -> Iterator[None]:
    with registered():
        yield


@pytest.fixture
def settings(database_url: str, tmp_path, acknowledging) -> Settings:  # type: ignore[no-untyped-def]
    path = tmp_path / "werkinstructie.json"
    path.write_text(json.dumps(INSTRUCTION), "utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        template=str(path),
    )


async def _say_personal(bot: BotClient, person, text: str) -> str:  # type: ignore[no-untyped-def]
    await bot.post(as_person(payload("message_text_personal", bot.connector, text=text), person))
    return text_of(bot.connector.cards()[-1])


def test_the_template_that_uses_it_loads_and_draws(tmp_path, acknowledging) -> None:
    path = tmp_path / "werkinstructie.json"
    path.write_text(json.dumps(INSTRUCTION), "utf-8")
    template = load_template(path)
    assert "gezien door iedereen" in mermaid(template)
    assert template.kind_roles(template.step("2")) == ("medewerker",)


def test_without_the_kind_registered_the_template_is_refused_naming_it(tmp_path) -> None:
    path = tmp_path / "werkinstructie.json"
    path.write_text(json.dumps(INSTRUCTION), "utf-8")
    with pytest.raises(ValueError, match=r"steps\.1\.kind.*unknown kind of step 'acknowledgement'"):
        load_template(path)


async def test_a_trajectory_of_a_new_kind_runs_through_the_front_door(
    bot: BotClient, clock: FixedClock
) -> None:
    await bot.post(payload("installationUpdate_add_channel", bot.connector))
    await bot.say("<at>Test Bot</at> start Balie", fixture="message_channel_mention_api")
    [trajectory] = await bot.store.trajectories_in_channel("team-id")
    for person in (PL, ADELE, ISAIAH):
        bot.connector.add_member(person.aad_object_id, person.name)

    # step 1: the group, then done
    form = await click(bot, PL, button(await step_card(bot, PL, "1"), "Assign roles"))
    await click(
        bot,
        PL,
        button(form, "Save"),
        role__medewerker=f"{ADELE.aad_object_id},{ISAIAH.aad_object_id}",
    )
    await click(bot, PL, button(await step_card(bot, PL, "1"), "Save"), complete="true")

    # step 2, the new kind: each medewerker's card asks it, with the kind's own button
    card = await step_card(bot, ADELE, "2")
    assert "Read the new work instruction for the front desk." in text_of(card)
    assert "Read and understood" in shown_titles(card)
    assert "Balie: acknowledgement in Step 2: Read the work instruction" in await _say_personal(
        bot, ISAIAH, "my tasks"
    )
    await bot.say("<at>Test Bot</at> status", fixture="message_channel_mention_api")
    status = text_of(bot.connector.cards()[-1])
    assert "<at>Adele Vance</at> (acknowledgement)" in status, status  # mentioned: a channel

    # nobody answers for a week: the follow-up reminds them, with the card again
    runtime = bot.http.server.app[RUNTIME]
    clock.now += timedelta(days=7)
    assert "follow_up" in (await runtime.ticker.fire_due()).kinds
    reminder = await card_sent_to(bot, ISAIAH, "reminder")
    assert "acknowledgement" in text_of(reminder), text_of(reminder)

    # Adele acknowledges: her card says so and the button is gone; the step waits on Isaiah
    after = await click(bot, ADELE, button(card, "Read and understood"))
    assert "You let us know that you have read it." in text_of(after)
    assert "Read and understood" not in shown_titles(after)
    again = await click(bot, ADELE, button(card, "Read and understood"))
    assert "already" in text_of(again).lower(), text_of(again)
    assert "You have no open tasks right now" in await _say_personal(bot, ADELE, "my tasks")
    moved = await bot.store.trajectory(trajectory.id)
    assert moved.status_of("2") is StepStatus.ACTIVE

    # Isaiah too: the step is done and the next one starts for the project leader
    await click(bot, ISAIAH, button(await step_card(bot, ISAIAH, "2"), "Read and understood"))
    done = await bot.store.trajectory(trajectory.id)
    assert done.status_of("2") is StepStatus.DONE
    assert done.status_of("3") is StepStatus.ACTIVE
    assert "Save" in shown_titles(await step_card(bot, PL, "3"))

    # the dossier has who acknowledged, at the step it is about
    bot.connector.calls.clear()
    await bot.say("<at>Test Bot</at> export", fixture="message_channel_mention_api")
    [export] = bot.connector.cards()
    [link] = [a for a in export["actions"] if a["type"] == "Action.OpenUrl"]
    url = urlsplit(link["url"])
    response = await bot.http.get(f"{url.path}?{url.query}")
    document = Document(io.BytesIO(await response.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    acknowledged = [i for i, cell in enumerate(cells) if cell.startswith("acknowledge (")]
    assert len(acknowledged) == 2
    assert {cells[i - 1] for i in acknowledged} == {ADELE.name, ISAIAH.name}
