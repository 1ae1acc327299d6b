from __future__ import annotations

import pytest

from bot.actions import ACTIONS, action_id
from bot.commands import COMMANDS, parse
from bot.registry import Registry
from cards.catalogue import text
from cards.status import STATUS_REFRESH
from cards.welcome import COMMAND_KEYS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start Parkeervergunning aanvragen", ("start", "Parkeervergunning aanvragen")),
        ("  STATUS  ", ("status", "")),
        ("Start", ("start", "")),
        ("", ("", "")),
        ("help me", ("help", "me")),
    ],
)
def test_parse_splits_command_word_and_arguments(text, expected):
    assert parse(text) == expected


def test_commands_are_registered_once_each_case_insensitively():
    for word in ("help", "hulp", "start", "status", "HELP", "Status"):
        assert COMMANDS.get(word) is not None
    assert COMMANDS.get("statusx") is None
    assert COMMANDS.get("sta") is None  # no prefix or substring matching


# command words that only one language says (the parser takes both)
DUTCH_WORDS = {"hulp", "mijn", "taken", "herinner", "nu", "idee", "tekst"}
ENGLISH_WORDS = {"help", "my", "tasks", "remind", "now", "idea", "text"}


@pytest.mark.parametrize("key", COMMAND_KEYS)
def test_the_help_names_each_command_as_the_readers_language_says_it(key):
    dutch, english = (text(key, language).split(" — ")[0] for language in ("nl", "en"))
    handlers = {COMMANDS.get(parse(said)[0]) for said in (dutch, english)}
    assert len(handlers) == 1 and None not in handlers  # one command, said in two languages
    assert not set(dutch.replace("<", " ").split()) & ENGLISH_WORDS
    assert not set(english.replace("<", " ").split()) & DUTCH_WORDS


def test_registering_a_name_twice_is_an_error():
    registry: Registry = Registry("thing")
    registry.register("a")(lambda: None)
    with pytest.raises(ValueError):
        registry.register("A")(lambda: None)


def test_action_id_comes_from_card_data_then_verb():
    assert action_id({"action": STATUS_REFRESH}, "other") == STATUS_REFRESH
    assert action_id({}, STATUS_REFRESH) == STATUS_REFRESH
    assert action_id({"action": 42}, None) == ""
    assert STATUS_REFRESH in ACTIONS
