"""A click that comes too late, or changes nothing, is answered with what is true: who finished
the step and when, what the person typed (not saved), and what is still asked of them."""

from __future__ import annotations

from tests.conftest import BotClient
from tests.scenario.driving import MEGAN, PATTI, PL, button, click, step_card, text_of
from tests.scenario.test_card_actions import trajectory_in_step_2
from wasstraat import commands as c


async def test_a_late_click_names_who_finished_the_step_keeps_the_input_and_says_whats_next(
    bot: BotClient,
):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    patti_had = await step_card(bot, PATTI, "2")  # the procesadviseur may edit the KPIs too
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    before = await bot.store.trajectory(trajectory_id)

    answer = text_of(
        await click(
            bot,
            PATTI,
            button(patti_had, "Submit the change"),
            kpi1_name="Wachttijd aan de balie",
            kpi1_unit="minuten",
        )
    )
    assert "Step 2: Define the KPIs was finished by Megan Bowen on " in answer
    assert "What you entered was not saved: “Wachttijd aan de balie”" in answer
    assert "What is still asked of you: to finish in Step 3a" in answer
    after = await bot.store.trajectory(trajectory_id)
    assert after is not None and before is not None and after.version == before.version


async def test_a_save_that_equals_what_is_stored_says_so_and_changes_nothing(bot: BotClient):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    link = "https://sharepoint.example/parkeren.vsdx"
    await workflow.execute(trajectory_id, c.SetProcessMap(link=link), PATTI)
    before = await bot.store.trajectory(trajectory_id)

    answer = text_of(
        await click(bot, PL, button(await step_card(bot, PL, "3a"), "Save"), map_link=link)
    )
    assert "Saved. What you entered was already there just like that" in answer
    assert "Nothing was filled in or changed" not in answer
    after = await bot.store.trajectory(trajectory_id)
    assert after is not None and before is not None and after.version == before.version
