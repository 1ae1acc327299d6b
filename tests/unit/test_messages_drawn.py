"""Every message the engine can emit has a renderer (or is declared silent), and every message
of a whole trajectory is drawn for its recipient in both languages, in real words."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import pytest

from cards.catalogue import MESSAGES, counted, plural_category, text
from cards.messages import render_message
from cards.view import RENDERERS, SILENT
from wasstraat import commands as c
from wasstraat.effects import Body, MessageBody
from wasstraat.model import SYSTEM
from wasstraat.samples import PE, TEMPLATE, Run, to_step

ZONE = ZoneInfo("Europe/Amsterdam")
KINDS = {cls.model_fields["kind"].default for cls in get_args(get_args(Body)[0])}
# "actie(s)", "trajecten(en)", "item(s)": a plural written out by hand
HAND_PLURAL = re.compile(r"\w\((s|en|n|e|'s)\)")


def test_every_message_kind_has_a_renderer_or_is_declared_silent():
    assert {kind for kind in KINDS if kind not in RENDERERS and kind not in SILENT} == set()
    assert set(RENDERERS) <= KINDS  # nothing drawn for a kind that does not exist
    assert not SILENT & set(RENDERERS)


class Unheard(MessageBody):
    kind: Literal["unheard"] = "unheard"


def test_a_kind_without_a_renderer_is_not_drawn_as_a_catch_all():
    run = Run()
    with pytest.raises(KeyError):
        render_message(Unheard(), run.t, language="nl", template=TEMPLATE, zone=ZONE)  # type: ignore[arg-type]


def _whole_trajectory() -> Run:
    """The demo trajectory through every step, the check merged on the way, the evaluation."""
    run = Run()
    to_step(run, "3a")
    run.do(PE, c.MergeCheck())
    to_step(run, TEMPLATE.steps[-1].id)
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=180))
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4, "Klanttevredenheid": 8.2}))
    return run


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_of_a_whole_trajectory_is_drawn_in_words(language):
    run = _whole_trajectory()
    drawn = set()
    for outcome in run.outcomes:
        for message in outcome.messages:
            if message.kind in SILENT:
                continue
            rendered = render_message(
                message.body,
                run.t,
                language=language,
                template=TEMPLATE,
                zone=ZONE,
                viewer=message.recipient,
                now=run.now,
            )
            assert not rendered.empty, message.kind
            words = rendered.text or str(rendered.card)
            assert not HAND_PLURAL.search(words), (message.kind, words)
            drawn.add(message.kind)
    assert "merge_planned" in drawn  # the channel hears of the merge in its own words
    merged = next(m for o in run.outcomes for m in o.messages if m.kind == "merge_planned")
    said = render_message(merged.body, run.t, language="nl", template=TEMPLATE, zone=ZONE).text
    assert said is not None and "3b" in said and "3a" in said


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_no_text_writes_a_plural_by_hand(key):
    for language in ("nl", "en"):
        assert not HAND_PLURAL.search(MESSAGES[key][language]), (key, language)


def test_a_counted_text_takes_its_form_by_the_languages_plural_rules():
    assert text("notice.implementation_assigned", "nl", count=1, product="P", items="a") == (
        "Je trekt een actie in het implementatieplan van 'P': a. Zet hem op klaar op de kaart "
        "van de stap als hij af is."
    )
    key = "notice.implementation_assigned"
    assert "3 acties" in text(key, "nl", count=3, product="P", items="")
    assert "0 actions" in text(key, "en", count=0, product="P", items="")
    assert [plural_category(n, "nl") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_every_counted_text_has_its_other_form():
    stems = {key.rsplit(".", 1)[0] for key in MESSAGES if key.endswith((".one", ".other"))}
    for stem in stems:
        assert counted(stem), stem
