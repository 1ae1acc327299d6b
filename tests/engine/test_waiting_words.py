"""Whatever the trajectory waits on someone for has its words in the status, the receipts and
"mijn taken", in both languages: every wait the default wasstraat gives along its whole path."""

from __future__ import annotations

from cards.catalogue import MESSAGES
from wasstraat import commands as c
from wasstraat.engine import waiting_on
from wasstraat.samples import TEMPLATE, VM1, Run, finish, to_step
from wasstraat.template import Check, Evaluation


def waits(run: Run) -> set[str]:
    return {w.what for outcome in run.outcomes for w in waiting_on(outcome.trajectory, TEMPLATE)}


def test_every_wait_along_the_whole_path_has_words_in_both_languages():
    check = TEMPLATE.one(Check)
    evaluation = TEMPLATE.one(Evaluation)
    assert check is not None and evaluation is not None
    # a "klopt niet" holds the check: the procesadviseur is waited on for a decision
    held = Run()
    to_step(held, check.id)
    for person in held.t.check.missing():
        agrees = person != VM1
        held.do(person, c.AnswerCheck(agrees=agrees, remark="" if agrees else "mist een stap"))
    # the whole path, to the evaluation moment and past it
    run = Run()
    to_step(run, evaluation.id)
    finish(run, evaluation.id)
    seen = waits(held) | waits(run)
    assert {
        "approve",
        "check",
        "check_decision",
        "review",
        "complete",
        "implement",
        "evaluate",
    } <= seen
    for what in sorted(seen):
        words = MESSAGES.get(f"waiting.{what}")
        assert words is not None and words["nl"] and words["en"], what
