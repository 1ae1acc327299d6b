from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from pydantic import ValidationError

from cards.catalogue import MESSAGES, language_for, text
from wasstraat.template import Template, default_template


def placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == {"nl", "en"}
    assert entry["nl"].strip() and entry["en"].strip()
    assert placeholders(entry["nl"]) == placeholders(entry["en"])


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "en"), ("en-GB", "en"), ("nl-NL", "nl"), ("fr-FR", "nl"), (None, "nl")],
)
def test_dutch_is_the_default_and_english_follows_the_locale(locale, expected):
    assert language_for(locale) == expected


def test_text_fills_in_values():
    assert "code abc" in text("error.fault", "en", code="abc")


def test_default_template_has_the_ten_steps_and_the_roles():
    template = default_template()
    assert [s.id for s in template.steps] == [
        "1",
        "2",
        "3a",
        "3b",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "evaluatie",
    ]
    assert template.step("4").depends_on == ("1",)
    assert set(template.step("6").depends_on) == {"4", "5"}
    assert len(template.roles) == 14


def test_a_template_with_an_unknown_dependency_is_refused():
    raw = default_template().model_dump()
    raw["steps"][1]["depends_on"] = ["nope"]
    with pytest.raises(ValidationError, match=r"depends_on: .nope. is not an earlier step"):
        Template.model_validate(raw)


def test_every_actor_of_every_step_is_told_what_is_asked_of_them():
    template = default_template()
    for step in template.steps:
        for role in step.actors:
            ask = step.asks.get(role)
            assert ask is not None, f"step {step.id} asks nothing of {role}"
            assert ask.nl.strip() and ask.en.strip()


def test_no_step_of_the_default_template_is_named_in_code():
    """Steps are the template's: code finds a step by its kind, never by its id."""
    root = Path(__file__).resolve().parents[2]
    ids = "|".join(re.escape(step.id) for step in default_template().steps)
    quoted = re.compile(rf"""["']({ids})["']""")
    found = []
    for package in ("bot", "cards", "reports", "dialogs", "storage", "wasstraat"):
        for path in sorted((root / package).rglob("*.py")):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                for match in quoted.finditer(line):
                    found.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
    assert found == []


def test_every_refusal_of_the_engine_has_its_own_words():
    root = Path(__file__).resolve().parents[2]
    raised = re.compile(r"""(?:NotNow|InvalidInput|AlreadyDecided|NotAllowed)\(\s*"([a-z_]+)\"""")
    codes = {"not_allowed", "not_a_member", "step_not_active", "paused", "closed"}
    for path in (root / "wasstraat").rglob("*.py"):
        codes |= set(raised.findall(path.read_text("utf-8")))
    assert len(codes) > 40
    assert sorted(c for c in codes if f"error.{c}" not in MESSAGES) == []


def test_a_refusal_names_what_is_actually_wrong():
    from cards.outcomes import refusal_message

    template = default_template()
    support = refusal_message(
        "support_missing", {"role": "proceseigenaar"}, language="nl", template=template
    )
    assert support == "Wacht nog op de steun van de proceseigenaar."
    roles = refusal_message(
        "roles_missing", {"roles": ["sponsor", "klantreiscoach"]}, language="en", template=template
    )
    assert roles == "First assign these roles as well: sponsor, customer-journey coach."
    step = refusal_message("step_not_active", {"step": "3b"}, language="nl", template=template)
    assert step.startswith("Stap 3b: Controle procesbeschrijving loopt nu niet")


PRODUCT = ("bot", "cards", "dialogs", "storage", "wasstraat", "reports", "tab")
PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
KEY_HEAD = re.compile(r"^[a-z_0-9]+(\.[a-z_0-9]+)*[._]$")  # "refusal." in f"refusal.{code}"
PAGE_KEY = re.compile(r"""\{\{([a-z_0-9.]+)\}\}|["'`]([a-z_0-9]+(?:\.[a-z_0-9]+)+)["'`]""")
PAGE_HEAD = re.compile(r"`([a-z_0-9]+(?:\.[a-z_0-9]+)*\.)\$\{")  # `tab.language.${...}`


def keys_asked_for() -> tuple[set[str], set[str]]:
    """(every string the product's code and pages spell out, every key head it builds on)."""
    import ast

    root = Path(__file__).parents[2]
    spelled: set[str] = set()
    heads: set[str] = set()
    for package in PRODUCT:
        for path in (root / package).rglob("*.py"):
            if path == root / "cards" / "catalogue.py":
                continue  # the catalogue's own keys ask for nothing
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    spelled.add(node.value)
                elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                    head = str(node.values[0].value)
                    if KEY_HEAD.match(head):
                        heads.add(head)
        for path in (root / package).rglob("*"):
            if path.suffix in {".html", ".js"}:
                page = path.read_text("utf-8")
                spelled |= {a or b for a, b in PAGE_KEY.findall(page)}
                heads |= set(PAGE_HEAD.findall(page))
    return spelled, heads


def test_every_message_is_asked_for_somewhere():
    spelled, heads = keys_asked_for()
    assert heads and len(spelled) > len(MESSAGES)  # the scan reads the code at all

    def asked(key: str) -> bool:
        stem, _, last = key.rpartition(".")
        names = {key, stem} if last in PLURAL_CATEGORIES else {key}
        return bool(names & spelled) or any(n.startswith(h) for n in names for h in heads)

    assert [key for key in MESSAGES if not asked(key)] == []


HAND_COUNTED = re.compile(r"\w\((s|en|'s|n|e)\)")  # "actie(s)", "opmerking(en)"
ROLE_NAMES = [role.name.nl for role in default_template().roles]
MID_SENTENCE_ROLE = re.compile(
    r"[a-zë,] (" + "|".join(re.escape(n) for n in ROLE_NAMES if not n[:2].isupper()) + r")\b"
)


def test_texts_count_by_plural_rules_and_name_roles_in_lower_case_mid_sentence():
    from cards.export import variants

    hand_counted = [k for k, v in MESSAGES.items() for t in v.values() if HAND_COUNTED.search(t)]
    assert hand_counted == []
    # the municipality's words: a specialist's verdict is a "beoordeling", not a "toets"
    assert [k for k, v in MESSAGES.items() if re.search(r"\btoets\b|toetsen zijn", v["nl"])] == []
    capitalised = sorted(
        {
            f"{name}: …{match.group(0)}…"
            for name, card in variants()
            if name.endswith("--nl")
            for match in MID_SENTENCE_ROLE.finditer(json.dumps(card, ensure_ascii=False))
        }
    )
    assert capitalised == []
    assert MID_SENTENCE_ROLE.search("Deze knop is voor de Proceseigenaar")  # the check sees it
