"""Input a person may not give (too long, invisible, not a number, a date far away) gets a
friendly answer in their language and changes nothing; what they typed never reaches a log."""

from __future__ import annotations

import io

import pytest

from cards.catalogue import Language, text
from tests.conftest import BotClient, payload
from tests.scenario.driving import ADELE, ISAIAH, MEGAN, PATTI, as_person
from tests.scenario.test_card_actions import trajectory_in_step_2
from wasstraat import commands as c

LOCALES: dict[Language, str] = {"nl": "nl-NL", "en": "en-US"}
# personal text, so that a log line carrying it is easy to spot
PERSONAL = "Jan de Vries zegt dat zijn buurvrouw mevrouw Bakker "


async def say_as(bot: BotClient, person, words: str, language: Language) -> str:
    activity = as_person(
        payload("message_text_personal", bot.connector, text=words, locale=LOCALES[language]),
        person,
    )
    bot.connector.calls.clear()
    response = await bot.post(activity)
    assert response.status in (200, 201)
    [reply] = bot.connector.texts()
    return reply


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_long_idea_in_chat_is_too_long_and_changes_nothing(
    bot: BotClient, production_log: io.StringIO, language: Language
):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    before = await bot.store.trajectory(trajectory_id)
    idea = (PERSONAL * 60)[:3000]
    reply = await say_as(bot, ADELE, f"idee {idea}", language)
    assert reply == text("error.too_long", language, max=2000)
    assert await bot.store.trajectory(trajectory_id) == before
    assert "Jan de Vries" not in production_log.getvalue()
    assert "input_value" not in production_log.getvalue()


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_long_3b_answer_in_chat_is_too_long_and_can_be_given_again(
    bot: BotClient, production_log: io.StringIO, language: Language
):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    await workflow.execute(trajectory_id, c.SetProcessMap(link="https://x.example/p.vsdx"), PATTI)
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PATTI)
    before = await bot.store.trajectory(trajectory_id)
    remark = (PERSONAL * 50)[:2500]
    reply = await say_as(bot, ISAIAH, f"klopt niet, {remark}", language)
    assert reply == text("error.too_long", language, max=2000)
    assert await bot.store.trajectory(trajectory_id) == before
    assert "Jan de Vries" not in production_log.getvalue()
    # the answer is not lost: a shorter one is taken
    await say_as(bot, ISAIAH, "klopt niet, stap 4 ontbreekt", language)
    answer = (await bot.store.trajectory(trajectory_id)).check.answers[ISAIAH.aad_object_id]
    assert (answer.agrees, answer.remark) == (False, "stap 4 ontbreekt")


async def test_a_fault_is_logged_without_the_text_that_caused_it(
    bot: BotClient, production_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
):
    """Whatever goes wrong, the log keeps where and what kind, never the message's content."""
    import bot.commands as commands

    async def broken(turn, args: str) -> None:
        raise ValueError(f"cannot handle {args!r}")

    monkeypatch.setitem(commands.COMMANDS._handlers, "idee", broken)
    await bot.say(f"idee {PERSONAL}")
    logged = production_log.getvalue()
    assert "turn failed" in logged and "ValueError" in logged
    assert "Jan de Vries" not in logged


# -- invisible characters, numbers that are none, dates far away --------------------------------


@pytest.mark.parametrize(
    "name", ["\u200b\u200b\u200b", "\u200b \u2060\ufeff", "\u202e\u2066\u200f", "\x00\x00"]
)
async def test_a_product_name_of_only_invisible_characters_is_no_name(bot: BotClient, name: str):
    await bot.say(f"start {name}", locale="nl-NL")
    # as if no name were given: the bot asks for one
    assert bot.connector.texts() == [text("start.ask_product", "nl")]
    assert await bot.store.count_trajectories() == 0


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Pas\u202epoort", "Paspoort"),  # a right-to-left override
        ("Paspo\u200bort\u2066", "Paspoort"),  # zero-width space, bidi isolate
        ("Cafe\u0301 vergunning", "Café vergunning"),  # decomposed: kept in NFC
        ("Rijbe\x00wijs", "Rijbewijs"),  # a NUL byte (PostgreSQL cannot keep one)
    ],
)
async def test_names_are_kept_in_one_form_without_invisible_characters(
    bot: BotClient, typed: str, kept: str
):
    await bot.say(f"start {typed}")
    [trajectory] = await bot.store.trajectories_in_channel("91de9fff-b6db-4f3b-9fab-0b461f322436")
    assert trajectory.product == kept


async def test_a_remark_of_only_a_zero_width_space_is_no_remark(bot: BotClient):
    from tests.scenario.driving import button, card_sent_to, click, text_of

    trajectory_id, _ = await trajectory_in_step_2(bot)
    card = await card_sent_to(bot, MEGAN, "approval_request")
    before = await bot.store.trajectory(trajectory_id)
    form = await click(bot, MEGAN, button(card, "Reject"), remark="\u200b")
    assert "Please add a short explanation" in text_of(form)
    assert await bot.store.trajectory(trajectory_id) == before


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_one_person_starts_only_so_many_trajectories_a_day(
    bot: BotClient, clock, language: Language
):
    from datetime import timedelta

    from wasstraat import limits

    async def start(name: str) -> str:
        return await say_as(bot, PATTI, f"start {name}", language)

    # ten starts within a second: Teams' per-chat pace is not what is tested here
    bot.connector.enforce_limits = False

    for n in range(limits.STARTS_PER_PERSON_PER_DAY):
        await start(f"Product {n}")
    assert len(await bot.store.trajectories_of(PATTI.aad_object_id)) == 10
    refused = await start("Nog een")
    assert refused == text("error.too_many_starts", language, limit=10)
    assert len(await bot.store.trajectories_of(PATTI.aad_object_id)) == 10
    clock.now += timedelta(days=1, minutes=1)
    await start("Morgen weer")
    assert len(await bot.store.trajectories_of(PATTI.aad_object_id)) == 11
