"""Approvals and the 3b check through real card actions and chat replies over HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RUNTIME
from bot.workflow import Workflow
from storage import schema
from tests.conftest import ALEX, BotClient, payload
from tests.scenario.driving import (
    ADELE,
    ISAIAH,
    LYNNE,
    MEGAN,
    PATTI,
    PL,
    as_person,
    button,
    card_sent_to,
    click,
    text_of,
)
from tests.tools.card_parts import element
from wasstraat import commands as c
from wasstraat.model import Person
from wasstraat.samples import KPIS


async def trajectory_in_step_2(
    bot: BotClient, product: str = "Parkeervergunning"
) -> tuple[str, Workflow]:
    await bot.say(f"start {product}")
    [trajectory] = await bot.store.trajectories_in_channel("91de9fff-b6db-4f3b-9fab-0b461f322436")
    workflow = Workflow(bot.http.server.app[RUNTIME].services)
    roles = {
        "proceseigenaar": [MEGAN],
        "sponsor": [LYNNE],
        "procesadviseur": [PATTI],
        "klantreiscoach": [PATTI],
        "vakinhoudelijk_medewerker": [ADELE, ISAIAH],
    }
    for role, people in roles.items():
        await workflow.execute(trajectory.id, c.AssignRole(role=role, people=people), PL)
    await workflow.execute(trajectory.id, c.ConfirmSupport(), MEGAN)
    await workflow.execute(trajectory.id, c.CompleteStep(step="1"), PL)
    await workflow.execute(trajectory.id, c.ProposeKpis(kpis=KPIS), PL)
    return trajectory.id, workflow


async def submit_kpi(bot: BotClient, baseline: str, target: str) -> Any:
    """The project leader submits one KPI, typed as given, from his step-2 card as it is now:
    the KPIs are up for approval, so a change goes with the button behind "change"."""
    step2 = await card_sent_to(
        bot,
        PL,
        "step_started",
        message=[
            m
            for m in await bot.store.outbox_messages()
            if m["kind"] == "step_started"
            and m["payload"].get("step") == "2"
            and m["recipient"].get("aad_object_id") == PL.aad_object_id
        ][-1],
    )
    return await click(
        bot,
        PL,
        button(step2, "Submit the change"),
        kpi1_name="Doorlooptijd",
        kpi1_baseline=baseline,
        kpi1_target=target,
    )


async def test_process_owner_approves_kpis_with_the_card_button(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    card = await card_sent_to(bot, MEGAN, "approval_request")
    assert "Doorlooptijd: now 10 dagen, target 3 dagen" in text_of(card)
    receipt = await click(bot, MEGAN, button(card, "Approve"))
    assert "Approved by Megan Bowen" in text_of(receipt)
    assert "The trajectory now waits on: Patti Fernandez (to finish)." in text_of(receipt)
    trajectory = await bot.store.trajectory(trajectory_id)
    assert (
        trajectory.status_of("2").value == "done" and trajectory.status_of("3a").value == "active"
    )

    # the decision is in the audit table once, and only there
    decided = await bot.store.history(trajectory_id, action="decide_kpis")
    assert [e.actor for e in decided] == [MEGAN.aad_object_id]
    assert "audit" not in trajectory.model_dump()

    # the same card clicked again: already decided, and it shows the current state
    again = await click(bot, MEGAN, button(card, "Approve"))
    assert "Step 2: Define the KPIs was finished by Megan Bowen on " in text_of(again)
    assert "Nothing is asked of you in this trajectory now." in text_of(again)
    assert "Step 3a" in text_of(again)
    assert (await bot.store.trajectory(trajectory_id)).version == trajectory.version


async def test_rejecting_needs_a_remark_on_the_form_and_then_goes_back(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    card = await card_sent_to(bot, MEGAN, "approval_request")
    before = await bot.store.trajectory(trajectory_id)
    form = await click(bot, MEGAN, button(card, "Reject"), remark="  ")
    assert "Please add a short explanation" in text_of(form)
    assert [a["title"] for a in form["actions"]] == ["Approve", "Reject"]  # still the form
    assert await bot.store.trajectory(trajectory_id) == before
    receipt = await click(bot, MEGAN, button(card, "Reject"), remark="Ook klanttevredenheid")
    assert "Rejected by Megan Bowen" in text_of(receipt)
    outbox = await bot.store.outbox_messages()
    # back to the project leader and to the procesadviseur, who may edit the KPIs too, each
    # with their form and the remark on top
    told = {m["recipient"]["aad_object_id"] for m in outbox if m["kind"] == "rejected"}
    assert told == {ALEX, PATTI.aad_object_id}
    again = text_of(await card_sent_to(bot, PATTI, "rejected"))
    assert "Ook klanttevredenheid" in again and "Submit to the process owner" in again


async def test_someone_without_the_role_is_refused_and_audited(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    card = await card_sent_to(bot, MEGAN, "approval_request")
    before = await bot.store.trajectory(trajectory_id)
    refused = await click(bot, ADELE, button(card, "Approve"))
    assert "This button is for the process owner" in text_of(refused)
    assert await bot.store.trajectory(trajectory_id) == before
    audit = await bot.store.audit_entries(trajectory_id=trajectory_id)
    assert (
        audit[-1]["action"] == "card_action.refused" and audit[-1]["actor"] == ADELE.aad_object_id
    )


@pytest.mark.parametrize(
    "forged", [{"trajectory": "does-not-exist"}, {"trajectory": 42}, {"action": "drop_tables"}]
)
async def test_forged_card_data_changes_nothing(bot: BotClient, forged: dict[str, Any]):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    action = button(await card_sent_to(bot, MEGAN, "approval_request"), "Approve")
    action = {**action, "data": {**action["data"], **forged}}
    if "action" in forged:
        action["verb"] = forged["action"]
    before = await bot.store.trajectory(trajectory_id)
    result = await click(bot, MEGAN, action)
    assert "I don't know this button" in text_of(result)
    assert await bot.store.trajectory(trajectory_id) == before
    assert (await bot.store.audit_entries())[-1]["action"] == "card_action.refused"


async def test_a_double_click_at_once_decides_once(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    approve = button(await card_sent_to(bot, MEGAN, "approval_request"), "Approve")
    version = (await bot.store.trajectory(trajectory_id)).version
    results = await asyncio.gather(*(click(bot, MEGAN, approve) for _ in range(3)))
    assert sum("Approved by" in text_of(r) for r in results) == 1
    trajectory = await bot.store.trajectory(trajectory_id)
    assert trajectory.version == version + 1
    assert [a.decision.value for a in trajectory.approvals] == ["approve"]


async def test_a_turn_records_its_inbox_key_once_with_what_it_changed_or_at_its_end(
    bot: BotClient, monkeypatch
):
    await trajectory_in_step_2(bot)
    store = bot.store.store
    remembered: list[str] = []
    real = store.remember_activity

    async def remember(activity_id: str, *, now):  # type: ignore[no-untyped-def]
        remembered.append(activity_id)
        await real(activity_id, now=now)

    monkeypatch.setattr(store, "remember_activity", remember)
    approve = button(await card_sent_to(bot, MEGAN, "approval_request"), "Approve")
    await click(bot, MEGAN, approve)
    assert remembered == []  # the decision and its inbox key committed together
    await bot.say("status")  # a turn that changes nothing records it at its end
    assert len(remembered) == 1 and await store.inbox_seen(remembered[0])


async def test_staff_answer_the_3b_check_on_the_card_or_by_replying_in_chat(bot: BotClient):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    await workflow.execute(trajectory_id, c.SetProcessMap(link="https://x.example/p.vsdx"), PATTI)
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PATTI)

    card = await card_sent_to(bot, ADELE, "check_request")
    assert button(card, "Open the process description")["url"] == "https://x.example/p.vsdx"
    receipt = await click(bot, ADELE, button(card, "Correct"))
    assert "Your answer: correct" in text_of(receipt)

    reply = as_person(
        payload(
            "message_text_personal",
            bot.connector,
            text="klopt niet, stap 4 ontbreekt",
            locale="nl-NL",
        ),
        ISAIAH,
    )
    await bot.post(reply)
    assert bot.connector.texts()[-1] == (
        "Bedankt! Je antwoord: klopt niet — stap 4 ontbreekt. Patti Fernandez beslist wat ermee "
        "gebeurt; je hoort het besluit."
    )
    trajectory = await bot.store.trajectory(trajectory_id)
    answers = trajectory.check.answers
    assert answers[ADELE.aad_object_id].agrees is True
    assert (answers[ISAIAH.aad_object_id].agrees, answers[ISAIAH.aad_object_id].remark) == (
        False,
        "stap 4 ontbreekt",
    )
    # everyone answered; the "klopt niet" holds the check until the procesadviseur decides
    assert trajectory.status_of("3b").value == "active"
    decision = await card_sent_to(bot, PATTI, "check_summary")
    answered = await click(
        bot,
        PATTI,
        button(decision, "Record the decision"),
        **{f"res_{ISAIAH.aad_object_id}": "handled", f"why_{ISAIAH.aad_object_id}": ""},
    )
    assert "Please add a short reason" in text_of(answered)  # and nothing changed
    assert (await bot.store.trajectory(trajectory.id)).status_of("3b").value == "active"
    answered = await click(
        bot,
        PATTI,
        button(decision, "Record the decision"),
        **{f"res_{ISAIAH.aad_object_id}": "handled", f"why_{ISAIAH.aad_object_id}": "Toegevoegd"},
    )
    assert "Handled by Patti Fernandez" in text_of(answered)
    assert "Record the decision" not in text_of(answered)
    done = await bot.store.trajectory(trajectory.id)
    assert done.status_of("3b").value == "done"
    summary = [m for m in await bot.store.outbox_messages() if m["kind"] == "check_summary"]
    assert summary[-1]["payload"]["disagree"] == 1 and summary[-1]["payload"]["final"]
    # Isaiah's own card now says what became of his remark
    isaiahs = text_of(await card_sent_to(bot, ISAIAH, "check_request"))
    assert "Handled by Patti Fernandez" in isaiahs and "Toegevoegd" in isaiahs


async def test_an_idea_from_chat_is_added_to_the_persons_trajectory(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    reply = as_person(
        payload(
            "message_text_personal", bot.connector, text="idee formulier vooraf online invullen"
        ),
        ADELE,
    )
    await bot.post(reply)
    trajectory = await bot.store.trajectory(trajectory_id)
    [idea] = trajectory.improvements
    assert (idea.text, idea.source_step, idea.by.aad_object_id) == (
        "formulier vooraf online invullen",
        "4",
        ADELE.aad_object_id,
    )
    assert "Your idea has been added to 'Parkeervergunning'" in bot.connector.texts()[-1]


async def test_a_check_reply_without_an_open_check_is_just_unknown_text(bot: BotClient):
    await bot.say("klopt", locale="nl-NL")
    assert bot.connector.texts() == ["Dat begrijp ik niet. Typ 'hulp' om te zien wat ik kan."]


async def test_status_names_who_we_wait_on_and_tasks_list_them_per_person(bot: BotClient):
    await trajectory_in_step_2(bot)
    await bot.say("status")
    status = bot.connector.cards()[-1]
    assert "Waiting on: Megan Bowen (approval)" in text_of(status)
    details = next(
        a
        for item in status["body"]
        if item["type"] == "Container"
        for block in item["items"]
        if block["type"] == "ActionSet"
        for a in block["actions"]
    )
    detail = await click(bot, PL, details)
    assert "In progress" in text_of(detail) and "Step 2: Define the KPIs" in text_of(detail)
    assert "Process owner: Megan Bowen" in text_of(detail)

    await bot.post(
        as_person(payload("message_text_personal", bot.connector, text="mijn taken"), MEGAN)
    )
    tasks = bot.connector.cards()[-1]
    assert "Parkeervergunning: approval in Step 2: Define the KPIs" in text_of(tasks)
    await bot.post(
        as_person(payload("message_text_personal", bot.connector, text="my tasks"), ADELE)
    )
    assert "You have no open tasks right now" in text_of(bot.connector.cards()[-1])


async def test_details_of_someone_elses_trajectory_are_refused(bot: BotClient):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    stranger = Person(aad_object_id="stranger", name="Stranger")
    activity = as_person(payload("invoke_adaptiveCard_action_execute", bot.connector), stranger)
    activity["conversation"]["id"] = "another-chat"
    activity["value"]["action"] = {
        "type": "Action.Execute",
        "verb": "trajectory.detail",
        "data": {"action": "trajectory.detail", "trajectory": trajectory_id},
    }
    response = await bot.post(activity)
    assert "Parkeervergunning" not in text_of((await response.json())["value"])


async def test_the_project_leader_assigns_roles_from_the_team_roster(bot: BotClient):
    await bot.post(payload("installationUpdate_add_channel", bot.connector))
    await bot.say("<at>Test Bot</at> start Paspoort", fixture="message_channel_mention_api")
    [trajectory] = await bot.store.trajectories_in_channel("team-id")
    for person in (PL, MEGAN, ADELE, ISAIAH, PATTI, LYNNE):
        bot.connector.add_member(person.aad_object_id, person.name)
    for n in range(150):  # a large team: the roster comes in pages
        bot.connector.add_member(f"extra-{n:03}", f"Collega {n:03}")
    card = await card_sent_to(bot, PL, "step_started")
    form = await click(bot, PL, button(card, "Assign roles"))
    owner = element(form, "role__proceseigenaar")
    # a large team: Teams' people picker on the conversation's users (a name is typed), and
    # the card stays within Teams' 28 KB
    assert owner["choices.data"] == {
        "type": "Data.Query",
        "dataset": "graph.microsoft.com/users?scope=currentContext",
    }
    assert len(json.dumps(form).encode()) < 28 * 1024 and not owner["isMultiSelect"]
    # the roster is who is in the team, for the portfolio tab: kept by object id
    async with bot.store.database.connect() as conn:
        members = await conn.execute(
            select(schema.team_members.c.aad_object_id).where(
                schema.team_members.c.team_id == "team-id"
            )
        )
        assert len({m.aad_object_id for m in members} & {p.aad_object_id for p in (PL, MEGAN)}) == 2
    staff = element(form, "role__vakinhoudelijk_medewerker")
    assert staff["isMultiSelect"]

    save = button(form, "Save")
    inputs = {
        "role__proceseigenaar": MEGAN.aad_object_id,
        "role__vakinhoudelijk_medewerker": f"{ADELE.aad_object_id},{ISAIAH.aad_object_id}",
        "role__sponsor": LYNNE.aad_object_id,
    }
    # someone the picker offered who is not in the team: all or nothing, and said so
    outsider = await click(
        bot,
        PL,
        save,
        **{**inputs, "role__vakinhoudelijk_medewerker": f"{ADELE.aad_object_id},not-on-roster"},
    )
    assert "who is not in this team was chosen for the role" in text_of(outsider)
    untouched = await bot.store.trajectory(trajectory.id)
    assert untouched.holders("proceseigenaar") == [] and untouched.holders("sponsor") == []
    saved = await click(bot, PL, save, **inputs)
    assert "The roles have been saved: 3 roles changed" in text_of(saved)
    stored = await bot.store.trajectory(trajectory.id)
    assert [p.name for p in stored.holders("vakinhoudelijk_medewerker")] == [
        "Adele Vance",
        "Isaiah Langer",
    ]
    assert stored.holders("proceseigenaar") == [MEGAN]
    kinds = [(m["kind"], m["recipient"].get("name")) for m in await bot.store.outbox_messages()]
    assert ("role_assigned", "Megan Bowen") in kinds and ("role_assigned", "Adele Vance") in kinds

    # two people for a one-person role goes back on the form; a non-holder may not assign
    two = await click(
        bot, PL, save, role__proceseigenaar=f"{MEGAN.aad_object_id},{ADELE.aad_object_id}"
    )
    assert "Choose one person for the role process owner" in text_of(two)
    refused = await click(bot, ADELE, save, role__sponsor=ADELE.aad_object_id)
    assert "This button is for the" in text_of(refused)
    assert (await bot.store.trajectory(trajectory.id)).holders("sponsor") == [LYNNE]


@pytest.mark.parametrize(
    "baseline, target", [("NaN", "3"), ("10", "1e999"), ("-inf", "3"), ("veel", "3")]
)
async def test_numbers_on_a_form_that_are_none_are_refused_not_dropped(
    bot: BotClient, baseline: str, target: str
):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    before = await bot.store.trajectory(trajectory_id)
    result = await submit_kpi(bot, baseline, target)
    assert "please check what you entered" in text_of(result)
    assert "Saved." not in text_of(result)
    assert await bot.store.trajectory(trajectory_id) == before


def test_the_model_refuses_infinite_or_nan_numbers():
    from pydantic import ValidationError

    from wasstraat.model import Kpi

    with pytest.raises(ValidationError):
        Kpi(name="x", baseline=float("nan"))
    with pytest.raises(ValidationError):
        c.RecordEvaluation(measurements={"x": float("inf")})


async def test_in_a_group_chat_only_the_asker_answers_the_start_question(bot: BotClient):
    await bot.say("<at>Test Bot</at> start", fixture="message_groupChat_mention_ui")
    other = as_person(
        payload("message_groupChat_mention_ui", bot.connector, text="<at>Test Bot</at> Rijbewijs"),
        MEGAN,
    )
    await bot.post(other)
    assert await bot.store.count_trajectories() == 0
    await bot.say("<at>Test Bot</at> Paspoort", fixture="message_groupChat_mention_ui")
    [trajectory] = [t for t in await bot.store.trajectories_of(ALEX)]
    assert trajectory.product == "Paspoort"
    assert trajectory.holders("projectleider")[0].aad_object_id == ALEX


async def test_the_project_leader_closes_the_check_early_from_the_progress_card(bot: BotClient):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    await workflow.execute(trajectory_id, c.SetProcessMap(link="https://x.example/p.vsdx"), PATTI)
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PATTI)
    await click(bot, ADELE, button(await card_sent_to(bot, ADELE, "check_request"), "Correct"))
    progress = await card_sent_to(bot, PL, "check_progress")
    assert "1 of 2 answers in" in text_of(progress)
    closed = await click(bot, PL, button(progress, "Close the check now"))
    assert "The check is closed" in text_of(closed)
    trajectory = await bot.store.trajectory(trajectory_id)
    assert trajectory.status_of("3b").value == "done"
    assert trajectory.check.closed_reason == "closed_early"
    summary = [m for m in await bot.store.outbox_messages() if m["kind"] == "check_summary"]
    assert summary[-1]["payload"]["missing"] == ["Isaiah Langer"]


@pytest.mark.parametrize("baseline, target", [("6,8", "4"), ("6.8", "4,0"), (" 6,80 ", "4.0")])
async def test_a_decimal_comma_and_a_decimal_point_are_both_taken(
    bot: BotClient, baseline: str, target: str
):
    trajectory_id, _ = await trajectory_in_step_2(bot)
    result = await submit_kpi(bot, baseline, target)
    assert "The KPIs were submitted to Megan Bowen by you on " in text_of(result)
    [kpi] = (await bot.store.trajectory(trajectory_id)).kpis
    assert (kpi.baseline, kpi.target) == (6.8, 4)


async def test_a_remark_goes_back_to_3a_from_the_summary_card_and_a_new_round_follows(
    bot: BotClient,
):
    trajectory_id, workflow = await trajectory_in_step_2(bot)
    await workflow.execute(trajectory_id, c.DecideKpis(decision="approve"), MEGAN)
    await workflow.execute(trajectory_id, c.SetProcessMap(link="https://x.example/p.vsdx"), PATTI)
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PATTI)
    old_card = await card_sent_to(bot, ADELE, "check_request")
    await click(bot, ADELE, button(old_card, "Correct"))
    await click(
        bot,
        ISAIAH,
        button(await card_sent_to(bot, ISAIAH, "check_request"), "Not correct"),
        remark="de stap 'vingerafdrukken afnemen' ontbreekt",
    )

    # the remark and its author reach the procesadviseur, who decides; the project leader
    # hears that the check waits on her
    summary = text_of(await card_sent_to(bot, PATTI, "check_summary"))
    assert "Isaiah Langer (not correct): de stap 'vingerafdrukken afnemen' ontbreekt" in summary
    held = [
        m
        for m in await bot.store.outbox_messages()
        if m["kind"] == "check_held" and m["recipient"].get("aad_object_id") == PL.aad_object_id
    ]
    assert [m["payload"]["deciders"] for m in held] == [["Patti Fernandez"]]
    back = button(
        await card_sent_to(bot, PATTI, "check_summary"), "Back to 3a: revise the description"
    )
    receipt = await click(bot, PATTI, back)
    assert "goes back to be revised" in text_of(receipt)
    trajectory = await bot.store.trajectory(trajectory_id)
    assert (trajectory.status_of("3a").value, trajectory.status_of("3b").value) == (
        "active",
        "waiting",
    )
    assert "vingerafdrukken" not in str([e.detail for e in await bot.store.history(trajectory_id)])
    told = [
        m["payload"]["outcome"]
        for m in await bot.store.outbox_messages()
        if m["kind"] == "remark_decided"
        and m["recipient"].get("aad_object_id") == ISAIAH.aad_object_id
    ]
    assert told == ["sent_back"]

    # 3a done again: a second round; a click on the first round's card changes nothing
    await workflow.execute(trajectory_id, c.CompleteStep(step="3a"), PATTI)
    before = await bot.store.trajectory(trajectory_id)
    assert before.check.round == 2 and before.status_of("3b").value == "active"
    again = await click(bot, ADELE, button(old_card, "Correct"))
    assert "already been dealt with" in text_of(again)
    after = await bot.store.trajectory(trajectory_id)
    assert after.version == before.version and after.check.answers == {}
    again = await click(bot, PATTI, back)
    assert "already been dealt with" in text_of(again)

    # the second round, on its own cards, closes and the trajectory goes on
    for person in (ADELE, ISAIAH):
        card = await card_sent_to(bot, person, "check_request")
        assert button(card, "Correct")["data"]["round"] == 2
        await click(bot, person, button(card, "Correct"))
    done = await bot.store.trajectory(trajectory_id)
    assert done.status_of("3b").value == "done" and done.status_of("5").value == "active"
    assert [a.remark for a in done.check.earlier if not a.agrees] == [
        "de stap 'vingerafdrukken afnemen' ontbreekt"
    ]
