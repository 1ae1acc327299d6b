"""User text reaches Teams as text. Every outgoing message and card is rendered with a
markdown renderer (CommonMark, raw HTML allowed: the most a client could read into it), and
no link, mention, tag or emphasis may come out of it: the catalogue uses none, so any would
come from what a person typed."""

from __future__ import annotations

from typing import Any

import pytest
from markdown_it import MarkdownIt

from bot.app import RUNTIME
from bot.escaping import escape_text
from tests.conftest import BotClient, payload
from tests.scenario.driving import ADELE, MEGAN, as_person, button, card_sent_to, click
from tests.scenario.test_card_actions import trajectory_in_step_2

RENDERER = MarkdownIt("commonmark", {"html": True})
LIVE = ("<a ", "<at", "<img", "<strong", "<em", "<code", "<h1", "<script", "<iframe", "<s>")

PRODUCT = "[Klik hier om in te loggen](https://evil.example/login) **DRINGEND** <at>Alex</at>"
REMARK = 'Gebruik [het nieuwe formulier](https://evil.example/login) <a href="https://evil.example">nu</a>'
IDEA = "Zie <https://evil.example/x> en ![](https://evil.example/p.png) en `code` _nadruk_"
NAME = "[Beheerder](https://evil.example/admin) <at>Iedereen</at>"


def texts_of(element: Any) -> list[str]:
    """The text of every TextBlock and FactSet in a card, as a client would render it."""
    if isinstance(element, list):
        return [t for item in element for t in texts_of(item)]
    if not isinstance(element, dict):
        return []
    found = [t for value in element.values() for t in texts_of(value)]
    if element.get("type") == "TextBlock":
        found.append(str(element.get("text", "")))
    if element.get("type") == "FactSet":
        found += [str(f.get(k, "")) for f in element.get("facts", []) for k in ("title", "value")]
    return found


def outgoing(bot: BotClient, answers: list[dict[str, Any]]) -> list[str]:
    """Everything the bot said: message texts, sent and updated cards, invoke answers."""
    activities = bot.connector.activities() + bot.connector.updates()
    said = [a.get("text") or "" for a in activities]
    for activity in activities:
        for attachment in activity.get("attachments") or []:
            said += texts_of(attachment.get("content"))
    for answer in answers:
        said += texts_of(answer)
    return [text for text in said if text]


def assert_shown_as_text(said: list[str]) -> None:
    for text in said:
        html = RENDERER.render(text)
        assert not [tag for tag in LIVE if tag in html], (text, html)


async def test_user_text_in_cards_and_messages_is_never_a_link_or_a_mention(bot: BotClient):
    await trajectory_in_step_2(bot, PRODUCT)
    answers = []
    # a rejection remark reaches the project leader's 1:1 in the bot's own voice
    card = await card_sent_to(bot, MEGAN, "approval_request")
    answers.append(await click(bot, MEGAN, button(card, "Reject"), remark=REMARK))
    # an idea from chat, by someone whose display name is markup too
    sender = as_person(payload("message_text_personal", bot.connector, text=f"idee {IDEA}"), ADELE)
    sender["from"]["name"] = NAME
    await bot.post(sender)
    await bot.say("status")
    await bot.http.server.app[RUNTIME].dispatcher.deliver_due()
    said = outgoing(bot, answers)
    joined = "\n".join(said)
    # the user's text is there, shown as text ...
    assert "evil.example/login" in joined and "DRINGEND" in joined and "nieuwe formulier" in joined
    # ... and nothing of it renders as a link, a mention, a tag or emphasis
    assert_shown_as_text(said)
    [product] = [t.product for t in await bot.store.trajectories_in_channel(CHANNEL)]
    assert product == PRODUCT  # kept as typed; escaped only on the way out


CHANNEL = "91de9fff-b6db-4f3b-9fab-0b461f322436"


@pytest.mark.parametrize(
    "typed",
    [PRODUCT, REMARK, IDEA, NAME, "a\\[b](https://x.example)", "<<at>>", "\\<at>x</at>"],
)
def test_escaped_text_renders_as_the_same_text(typed: str):
    html = RENDERER.render(escape_text(typed))
    assert not [tag for tag in LIVE if tag in html]
    for word in ("evil.example", "Alex", "nadruk"):
        if word in typed:
            assert word in html


def test_web_addresses_we_send_stay_usable():
    url = "http://127.0.0.1:3978/downloads/person?token=eyJwIjoi_x-y.Zz"
    assert escape_text(f"Het bestand: {url}") == f"Het bestand: {url}"
