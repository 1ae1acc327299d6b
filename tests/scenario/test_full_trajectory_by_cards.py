"""A whole trajectory, all ten steps and the evaluation, using only cards and chat replies."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import RUNTIME
from bot.settings import Settings
from cards.messages import render_message
from cards.view import SILENT
from tests.conftest import BotClient, payload
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
    shown_titles,
    step_card,
    text_of,
    titles,
)
from tests.scenario.driving import click as driving_click
from tests.unit.test_messages_drawn import HAND_PLURAL
from wasstraat.effects import read_payload
from wasstraat.model import Person
from wasstraat.template import default_template

TOM = Person(aad_object_id="tm-tom", name="Tom Teammanager")
IVO = Person(aad_object_id="iv-ivo", name="Ivo Specialist")
KOEN = Person(aad_object_id="kc-koen", name="Koen Klantreis")


async def sent(bot: BotClient, person: Person, kind: str) -> list[dict]:
    """The messages of this kind the person was sent so far."""
    return [
        m
        for m in await bot.store.outbox_messages()
        if m["kind"] == kind and m["recipient"].get("aad_object_id") == person.aad_object_id
    ]


def _variant(change) -> dict:  # type: ignore[no-untyped-def]
    raw = json.loads(default_template().model_dump_json())
    if change is not None:
        change(raw)
    return raw


def _step_of(raw: dict, step_id: str) -> dict:
    return next(s for s in raw["steps"] if s["id"] == step_id)


def _without_klantreis(raw: dict) -> None:
    raw["steps"] = [s for s in raw["steps"] if s["id"] != "4"]
    _step_of(raw, "6")["depends_on"] = ["5"]


def _plan_by_the_owner_alone(raw: dict) -> None:
    _step_of(raw, "8")["kind"]["approvers"] = ["proceseigenaar"]


def _renamed(raw: dict) -> None:
    _step_of(raw, "3a")["name"] = {"nl": "Procesplaat tekenen", "en": "Draw the process map"}


VARIANTS = {
    "default": None,
    "without the klantreis": _without_klantreis,
    "plan approved by the proceseigenaar alone": _plan_by_the_owner_alone,
    "a step renamed": _renamed,
}


@pytest.fixture(params=sorted(VARIANTS))
def settings(database_url: str, tmp_path, request) -> Settings:  # type: ignore[no-untyped-def]
    """The bot on the default wasstraat and on a municipality's variants of it, each loaded
    from a file through WASSTRAAT_TEMPLATE."""
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps(_variant(VARIANTS[request.param])), "utf-8")
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        deliver_in_background=False,
        run_timers=False,
        template=str(path),
    )


ONE_TIME = (
    "I support this trajectory",
    "Finalise the plan and submit it",
    "Approve",
    "Reject",
    "Correct",
    "Not correct",
    "Merge 3b into 3a",
)


def role_line(card: dict) -> list[str] | None:
    """The roles a card says the viewer holds ("Your role: …" / "Your roles: …, …")."""
    for block in card.get("body", []):
        value = block.get("text", "") if isinstance(block, dict) else ""
        for prefix in ("Your role: ", "Your roles: "):
            if value.startswith(prefix):
                return value.removeprefix(prefix).split(", ")
    return None


async def click(bot: BotClient, person: Person, action: dict, **inputs):  # type: ignore[no-untyped-def]
    """A click as the person makes it, and what they see after: their own role, and a button
    that did its work gone."""
    shown = await driving_click(bot, person, action, **inputs)
    trajectory = (await bot.store.trajectories_in_channel("team-id"))[0]
    services = bot.http.server.app[RUNTIME].services
    mine = {services.template.role(r).name.en for r in trajectory.roles_of(person.aad_object_id)}
    line = role_line(shown)
    assert line is None or set(line) <= mine, (person.name, line, mine)
    if action["title"] in ONE_TIME and "Attention" not in json.dumps(shown):
        assert action["title"] not in titles(shown), (person.name, action["title"])
    return shown


async def test_a_trajectory_runs_through_all_steps_with_cards_only(bot: BotClient, clock):
    await bot.post(payload("installationUpdate_add_channel", bot.connector))
    await bot.say(
        "<at>Test Bot</at> start Parkeervergunning", fixture="message_channel_mention_api"
    )
    [trajectory] = await bot.store.trajectories_in_channel("team-id")
    for person in (PL, MEGAN, ADELE, ISAIAH, PATTI, LYNNE, TOM, IVO, KOEN):
        bot.connector.add_member(person.aad_object_id, person.name)

    # step 1: roles from the roster, support, done
    form = await click(bot, PL, button(await step_card(bot, PL, "1"), "Assign roles"))
    await click(
        bot,
        PL,
        button(form, "Save"),
        role__proceseigenaar=MEGAN.aad_object_id,
        role__sponsor=LYNNE.aad_object_id,
        role__procesadviseur=PATTI.aad_object_id,
        role__klantreiscoach=KOEN.aad_object_id,
        role__teammanager=TOM.aad_object_id,
        role__specialist_iv=IVO.aad_object_id,
        role__vakinhoudelijk_medewerker=f"{ADELE.aad_object_id},{ISAIAH.aad_object_id}",
    )
    await click(bot, MEGAN, button(await step_card(bot, MEGAN, "1"), "I support this trajectory"))
    await click(bot, PL, button(await step_card(bot, PL, "1"), "Save"), complete="true")

    # step 2: KPIs proposed on the card, approved by the process owner
    # the approver's step card says what will come, and from whom; then it has the buttons
    waiting_card = text_of(await step_card(bot, MEGAN, "2"))
    assert "As soon as " in waiting_card and "submits the KPIs" in waiting_card
    assert "Approve" not in titles(await step_card(bot, MEGAN, "2"))
    kpi = button(await step_card(bot, PL, "2"), "Submit to the process owner")
    patti_had = button(await step_card(bot, PATTI, "2"), "Submit to the process owner")
    kpis = {
        "kpi1_name": "Doorlooptijd",
        "kpi1_unit": "dagen",
        "kpi1_baseline": "10",
        "kpi1_target": "3",
        "kpi1_how": "zaaksysteem",
    }
    answer = await click(bot, PL, kpi, **kpis)
    # a submission shows as one: on the submitter's card and on every editor's, with no
    # submit button until the content changes
    submitted = "The KPIs were submitted to Megan Bowen by {by} on "
    assert submitted.format(by="you") in text_of(answer)
    assert "It now waits on Megan Bowen." in text_of(answer)
    assert "Saved." not in text_of(answer)
    assert "Submit to the process owner" not in shown_titles(answer)
    editors = await step_card(bot, PATTI, "2")
    assert submitted.format(by=PL.name) in text_of(editors)
    assert not {"Submit to the process owner", "Submit the change"} & set(shown_titles(editors))
    # the procesadviseur presses the button of the card she had before: no second round
    again = await click(bot, PATTI, patti_had, **kpis)
    assert submitted.format(by=PL.name) in text_of(again)
    assert len(await sent(bot, MEGAN, "approval_request")) == 1
    assert {"Approve", "Reject"} <= set(titles(await step_card(bot, MEGAN, "2")))
    approved = await click(
        bot, MEGAN, button(await card_sent_to(bot, MEGAN, "approval_request"), "Approve")
    )
    # every receipt says whom the trajectory now waits on; every request says by when
    assert "The trajectory now waits on: Patti Fernandez (to finish)" in text_of(approved)
    assert "Please by " in text_of(await step_card(bot, PATTI, "3a"))

    # step 3a: the process map; the proceseigenaar may merge the check into it (not here);
    # 3b: one answer on the card, one by replying in chat
    owners = await step_card(bot, MEGAN, "3a")
    assert "you can decide that the check (3b) is merged" in text_of(owners)
    assert "Merge 3b into 3a" in titles(owners)
    await click(
        bot,
        PATTI,
        button(await step_card(bot, PATTI, "3a"), "Save"),
        map_link="https://sharepoint.example/parkeren.vsdx",
        complete="true",
    )
    await click(bot, ADELE, button(await card_sent_to(bot, ADELE, "check_request"), "Correct"))
    await bot.post(
        as_person(
            payload("message_text_personal", bot.connector, text="klopt niet: de balie ontbreekt"),
            ISAIAH,
        )
    )
    # a "klopt niet" holds the check: the procesadviseur decides, and Isaiah hears it
    assert (await bot.store.trajectory(trajectory.id)).status_of("3b").value == "active"
    decision = await card_sent_to(bot, PATTI, "check_summary")
    assert "de balie ontbreekt" in text_of(decision)
    await click(
        bot,
        PATTI,
        button(decision, "Record the decision"),
        **{
            f"res_{ISAIAH.aad_object_id}": "later",
            f"why_{ISAIAH.aad_object_id}": "De balie nemen we mee in het plan",
        },
    )
    heard = [m for m in await sent(bot, ISAIAH, "remark_decided")]
    assert [m["payload"]["outcome"] for m in heard] == ["later"]
    assert (await bot.store.trajectory(trajectory.id)).status_of("3b").value == "done"

    services = bot.http.server.app[RUNTIME].services
    template = services.template
    steps = {step.id for step in template.steps}
    if "4" in steps:
        # step 4 (parallel): the klantreis; an idea sent from a card
        klantreis = await step_card(bot, KOEN, "4")
        kept = await click(bot, KOEN, button(klantreis, "Send idea"), text="Kosten vooraf tonen")
        # the idea is in, and the form stays: the klantreis can be saved from the same card
        assert "has been added" in text_of(kept)
        assert "Save" in titles(kept)
        assert any(e.get("id") == "findings" for e in kept["body"])
        await click(
            bot,
            KOEN,
            button(kept, "Save"),
            method="vng_klantreis",
            link="https://vng.example/klantreis/parkeren",
            findings="kosten onduidelijk",
            pain_points="kosten\nwachttijd",
            # the journey, moment by moment: one felt well, one at the desk that hurts
            moment1_phase="Aanvraag op de website",
            moment1_channel="website",
            moment1_now="positive",
            moment1_desired="positive",
            moment2_phase="Afspraak",
            moment2_channel="balie",
            moment2_now="negative",
            moment2_desired="positive",
            moment2_note="lange rij bij de balie",
            complete="true",
        )
        receipt = await step_card(bot, KOEN, "4")
        # the step's receipt draws the hartslag: a column per moment, headed by its channel
        assert "● how it feels now, ○ how it should feel" in text_of(receipt)
        assert '"text": "Website"' in text_of(receipt) and '"text": "Desk"' in text_of(receipt)
        # and the channel hears the klantreis is done with the same hartslag
        news = [
            m
            for m in await bot.store.outbox_messages()
            if m["kind"] == "step_done" and m["payload"].get("step") == "4"
        ]
        assert len(news) == 1 and news[0]["recipient"].get("aad_object_id") is None
        drawn = render_message(
            read_payload("step_done", news[0]["payload"]),
            await bot.store.trajectory(trajectory.id),
            language="en",
            template=template,
            zone=services.zone,
        )
        assert '"text": "Desk"' in json.dumps(drawn.card, ensure_ascii=False)
    else:
        # no klantreis in this wasstraat: the idea comes from the procesadviseur's card
        await click(
            bot,
            PATTI,
            button(await step_card(bot, PATTI, "5"), "Send idea"),
            text="Kosten vooraf tonen",
        )
    # the cards carry the wasstraat's own step names
    renamed = template.step("3a").name.en
    assert renamed in text_of(await step_card(bot, PATTI, "3a"))

    # step 5: serviceformule and the six P's; once chosen, the card says what the formule
    # promises per P, from the wasstraat's own plates
    chosen = await click(
        bot, PATTI, button(await step_card(bot, PATTI, "5"), "Save"), formule="flitsformule"
    )
    assert "Price — promise: You know the cost beforehand and pay straight away" in text_of(chosen)
    inputs = {"formule": "flitsformule", "complete": "true"}
    for p in ("product", "prijs", "plaats", "personeel", "proces", "promotie"):
        inputs[f"p_{p}_matches"] = "true" if p != "prijs" else "false"
        inputs[f"p_{p}_note"] = "kosten niet vooraf zichtbaar" if p == "prijs" else ""
    await click(bot, PATTI, button(await step_card(bot, PATTI, "5"), "Save"), **inputs)

    # step 6: every finding is a candidate beside the ideas, with where it came from; choose
    # the idea; step 7: the IT specialist reviews it
    plan = await step_card(bot, PL, "6")
    candidates = {i.text: i for i in (await bot.store.trajectory(trajectory.id)).improvements}
    idea = candidates["Kosten vooraf tonen"].id
    assert "de balie ontbreekt" in candidates  # kept for the plan by the procesadviseur
    assert "kosten niet vooraf zichtbaar" in candidates  # the P that does not match
    assert f"Idea from {KOEN.name if '4' in steps else PATTI.name}" in text_of(plan)
    assert "From the check of the process description (Isaiah Langer)" in text_of(plan)
    assert "does not match the service formula" in text_of(plan)
    if "4" in steps:
        assert {"kosten", "wachttijd"} <= set(candidates)
        assert "From the customer journey (Koen Klantreis)" in text_of(plan)
        # the negative moment's note is a candidate, with the channel it was felt in
        assert candidates["lange rij bij de balie"].channel == "balie"
        assert "From the customer journey, desk (Koen Klantreis)" in text_of(plan)
        assert "Aanvraag op de website" not in candidates  # felt well: nothing to improve
    await click(
        bot,
        PL,
        button(plan, "Save"),
        **{f"sel_{idea}": "true", f"hor_{idea}": "quick_win"},
        complete="true",
    )
    review = await card_sent_to(bot, IVO, "review_request")
    assert "Kosten vooraf tonen" in text_of(review)
    await click(
        bot,
        IVO,
        button(review, "Save"),
        **{
            f"verdict_{idea}_specialist_iv": "akkoord",
            f"cost_{idea}_specialist_iv": "€ 5.000",
            f"lead_{idea}_specialist_iv": "2 maanden",
        },
    )

    # step 8: finalised, approved by the process owner and the team manager
    answer = await click(
        bot, PL, button(await step_card(bot, PL, "8"), "Finalise the plan and submit it")
    )
    approving = set(template.step("8").kind.approvers)  # type: ignore[union-attr]
    approvers = [MEGAN, TOM] if "teammanager" in approving else [MEGAN]
    to = " and ".join(p.name for p in approvers)
    assert f"The plan was submitted to {to} by you on " in text_of(answer)
    assert f"It now waits on {to}." in text_of(answer)
    for editor in (PL, MEGAN):  # who may change the plan sees that it is up, and by whom
        shown = await step_card(bot, editor, "8")
        assert "The plan was submitted to" in text_of(shown), editor.name
        assert not {"Save", "Finalise the plan and submit it"} & set(shown_titles(shown))
    # the stappenplan's actors of step 8 who neither edit nor approve read the plan as it stands
    staff = await step_card(bot, ADELE, "8")
    assert "Read the final improvement plan" in text_of(staff)
    assert "The improvement plan as it stands:" in text_of(staff)
    assert "Kosten vooraf tonen" in text_of(staff) and "Save" not in titles(staff)
    for approver in approvers:
        await click(
            bot, approver, button(await card_sent_to(bot, approver, "approval_request"), "Approve")
        )
    if TOM not in approvers:  # the template names who approves: nobody asked the teammanager
        asked = [
            m
            for m in await bot.store.outbox_messages()
            if m["kind"] == "approval_request"
            and m["recipient"].get("aad_object_id") == TOM.aad_object_id
        ]
        assert asked == []

    for approver in approvers:  # one approval card per approver per round
        plan_cards = [
            m
            for m in await sent(bot, approver, "approval_request")
            if m["payload"]["subject"] == "plan"
        ]
        assert len(plan_cards) == 1, approver.name

    # step 9: priorities; step 10: carried out, evaluation planned; then the evaluation
    await click(
        bot,
        MEGAN,
        button(await step_card(bot, MEGAN, "9"), "Set and approve the priorities"),
        **{f"prio_{idea}": "1", f"owner_{idea}": TOM.aad_object_id, f"date_{idea}": "2027-03-01"},
    )
    # step 10: each owner updates their own action; others read it, with its owner and date
    toms = await step_card(bot, TOM, "10")
    leaders = await step_card(bot, PL, "10")
    assert "item_i1" in text_of(toms) and '"id": "item_i1"' not in text_of(leaders)
    assert "Tom Teammanager · by Mon, 1 Mar 2027 · To do" in text_of(leaders)
    # the proceseigenaar cannot close the step over an open action without saying why
    refused = await click(
        bot, MEGAN, button(await step_card(bot, MEGAN, "10"), "Save"), complete="true"
    )
    assert "Not all actions of the implementation plan are done yet" in text_of(refused)
    assert "1 action is not done yet. What is not finished, and why?" in text_of(refused)
    assert "already been dealt with" not in text_of(refused)  # the form stays, with why
    # an action owned by a subject-matter staff member: hers to mark done, from her own card
    await click(
        bot,
        MEGAN,
        button(await step_card(bot, MEGAN, "10"), "Save"),
        action_text="Collega's aan de balie instrueren",
        action_kind="training",
        action_owner=ADELE.aad_object_id,
        action_date="2027-03-15",
    )
    [training] = [
        i
        for i in (await bot.store.trajectory(trajectory.id)).implementation
        if i.kind == "training"
    ]
    adeles = await step_card(bot, ADELE, "10")
    print("ADELE10", text_of(adeles))
    assert f'"id": "item_{training.id}"' in text_of(adeles)
    assert '"id": "item_i1"' not in text_of(adeles) and "action_text" not in text_of(adeles)
    ivos = await step_card(bot, IVO, "10")  # a specialist of the stappenplan's step 10 reads
    assert "Tom Teammanager · by Mon, 1 Mar 2027 · To do" in text_of(ivos)
    assert "Save" not in titles(ivos)
    await click(bot, ADELE, button(adeles, "Save"), **{f"item_{training.id}": "done"})
    await click(bot, TOM, button(toms, "Save"), item_i1="done")
    await click(
        bot,
        MEGAN,
        button(await step_card(bot, MEGAN, "10"), "Save"),
        evaluation_on="2027-09-01",
        complete="true",
    )
    # nothing asks for the evaluation before its moment; then the clock brings the card
    assert not [m for m in await bot.store.outbox_messages() if m["kind"] == "evaluation_request"]
    runtime = bot.http.server.app[RUNTIME]
    planned = (await bot.store.trajectory(trajectory.id)).evaluation.planned_at
    clock.now = planned + timedelta(minutes=1)
    assert "evaluation" in (await runtime.ticker.fire_due()).kinds
    evaluation_card = await card_sent_to(bot, MEGAN, "evaluation_request")
    # each person is asked only what they can do: who records it measures, the rest hear who
    staff = text_of(await card_sent_to(bot, ADELE, "evaluation_request"))
    assert "measure the KPIs again" in text_of(evaluation_card)
    assert "measure the KPIs" not in staff and "kpi_0" not in staff
    assert f"{MEGAN.name} and {PL.name} record the new measurements" in staff
    await click(
        bot,
        MEGAN,
        button(evaluation_card, "Save"),
        kpi_0="4",
        went_well="snelle quick win",
        could_be_better="eerder IV betrekken",
    )
    # the sponsor saw the KPIs on the same card, without the form
    sponsor_card = json.dumps(await card_sent_to(bot, LYNNE, "evaluation_request"))
    assert "Doorlooptijd" in sponsor_card and "went_well" not in sponsor_card

    done = await bot.store.trajectory(trajectory.id)
    assert done.status.value == "finished", [(s, st.status.value) for s, st in done.steps.items()]
    assert set(done.steps) == steps
    assert done.kpis[0].measurements[-1].value == 4
    assert done.check.answers[ISAIAH.aad_object_id].remark == "de balie ontbreekt"
    if "4" in steps:
        assert done.klantreis.link == "https://vng.example/klantreis/parkeren"
        assert [(m.channel, m.current.value) for m in done.klantreis.contact_moments] == [
            ("website", "positive"),
            ("balie", "negative"),
        ]
    assert done.assessment["prijs"].matches is False
    assert done.implementation[0].owner == TOM
    assert done.evaluation.planned_on.isoformat() == "2027-09-01"
    assert all(
        done.holds(e.actor, r) or e.actor == "system"
        for e in await bot.store.history(trajectory.id)
        for r in ["projectleider"]
        if e.action == "start"
    )
    assert services.template.key == done.template_id

    # every card each person got, drawn for them as the trajectory is now: their own role, no
    # button of a finished step, and one card a task
    outbox = await bot.store.outbox_messages()
    tasks = Counter(
        (
            m["recipient"].get("aad_object_id"),
            m["kind"],
            m["payload"].get("step"),
            m["payload"].get("subject"),
            m["payload"].get("round"),
        )
        for m in outbox
        if m["recipient"].get("aad_object_id")
        and m["kind"] in ("step_started", "approval_request", "check_request", "review_request")
    )
    assert [task for task, n in tasks.items() if n > 1] == []
    for person in (PL, MEGAN, ADELE, ISAIAH, PATTI, LYNNE, TOM, IVO, KOEN):
        mine = {services.template.role(r).name.en for r in done.roles_of(person.aad_object_id)}
        for message in outbox:
            if message["recipient"].get("aad_object_id") != person.aad_object_id:
                continue
            if message["kind"] not in ("step_started", "approval_request", "review_request"):
                continue
            shown = await card_sent_to(bot, person, message["kind"], message=message)
            line = role_line(shown)
            assert line is None or set(line) <= mine, (person.name, message["kind"], line)
            buttons = titles(shown)
            assert not set(buttons) & {"Save", "Approve", "Reject", *ONE_TIME}, (
                person.name,
                message["kind"],
                message["payload"].get("step"),
                buttons,
            )

    # every message of the trajectory drawn for its recipient, in both languages, in words:
    # no kind without its own drawing, no plural written by hand
    for message in outbox:
        if message["kind"] in SILENT:
            continue
        recipient = message["recipient"].get("aad_object_id")
        viewer = next((p for p in done.members() if p.aad_object_id == recipient), None)
        for language in ("nl", "en"):
            rendered = render_message(
                read_payload(message["kind"], message["payload"]),
                done,
                language=language,
                template=template,
                zone=services.zone,
                viewer=viewer,
                now=services.clock(),
            )
            assert not rendered.empty, message["kind"]
            words = rendered.text or json.dumps(rendered.card, ensure_ascii=False)
            assert not HAND_PLURAL.search(words), (message["kind"], words)
            assert "Er is iets veranderd" not in words and "Something changed" not in words

    # the process owner starts the next cycle from the offer; a second click starts nothing
    offer = await card_sent_to(bot, MEGAN, "next_cycle_offer")
    await click(bot, MEGAN, button(offer, "Start the next cycle"))
    await click(bot, MEGAN, button(offer, "Start the next cycle"))
    cycles = [t for t in await bot.store.trajectories_in_channel("team-id") if t.previous_cycle]
    assert [c.previous_cycle for c in cycles] == [done.id]
    assert cycles[0].kpis[0].baseline == 4  # the last measurement is the new baseline


def test_reading_a_form_refuses_a_date_that_is_not_iso():
    from cards.forms import read_step_form
    from wasstraat.samples import TEMPLATE, Run, to_step

    run = Run()
    to_step(run, "10")
    with pytest.raises(ValueError):
        read_step_form(
            {"evaluation_on": "31-12-2027"},
            run.t,
            TEMPLATE.step("10"),
            {"proceseigenaar"},
            template=TEMPLATE,
            zone=ZoneInfo("Europe/Amsterdam"),
            language="nl",
        )
