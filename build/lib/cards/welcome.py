"""The welcome card (after installation) and the help card."""

from __future__ import annotations

from cards.base import Element, bullet_list, card, heading, paragraph
from cards.catalogue import Language, text

COMMAND_KEYS = (
    "command.help",
    "command.start",
    "command.status",
    "command.tasks",
    "command.nudge",
    "command.idea",
    "command.export",
)


def _commands(language: Language) -> list[str]:
    return [text(key, language) for key in COMMAND_KEYS]


def welcome_card(language: Language, *, in_channel: bool) -> Element:
    body = [
        heading(text("welcome.title", language)),
        paragraph(text("welcome.body", language)),
        paragraph(text("welcome.commands", language), spacing="Medium"),
        bullet_list(_commands(language)),
    ]
    if in_channel:
        body.append(paragraph(text("help.in_channel", language), subtle=True))
    return card(body)


def help_card(language: Language, *, in_channel: bool) -> Element:
    body = [heading(text("help.title", language)), bullet_list(_commands(language))]
    if in_channel:
        body.append(paragraph(text("help.in_channel", language), subtle=True))
    return card(body)
