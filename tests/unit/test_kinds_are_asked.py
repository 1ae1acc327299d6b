"""Code outside ``wasstraat/kinds/`` asks a step's kind (its methods, its behaviour, its
registered card part) and never tests which kind it is: a new kind then needs no change there."""

from __future__ import annotations

import ast
from pathlib import Path

from wasstraat import kinds as _kinds  # noqa: F401  (registers the product's kinds)
from wasstraat.template import KINDS

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("wasstraat", "cards", "storage", "bot", "dialogs", "reports", "tab")
KIND_NAMES = {cls.__name__ for cls in KINDS.values()}


def _names(node: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def kind_tests(source: str) -> list[int]:
    """The lines of ``isinstance`` calls on a step kind: by a kind's class, or of ``….kind``."""
    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance"):
            continue
        if len(node.args) != 2:
            continue
        subject, classes = node.args
        on_a_kind = isinstance(subject, ast.Attribute) and subject.attr == "kind"
        if on_a_kind or _names(classes) & KIND_NAMES:
            found.append(node.lineno)
    return found


def test_no_product_module_outside_the_kinds_tests_which_kind_a_step_is() -> None:
    places = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "kinds" not in path.relative_to(ROOT).parts[:2]
        for line in kind_tests(path.read_text("utf-8"))
    ]
    assert places == []


def test_the_scan_finds_a_test_of_the_kind() -> None:
    assert KIND_NAMES >= {"FinishedBy", "Approval", "Check", "Reviews", "Evaluation"}
    assert kind_tests("if isinstance(step.kind, Approval):\n    pass\n") == [1]
    assert kind_tests("x = isinstance(k, (Check, Reviews))\n") == [1]
    assert kind_tests("x = isinstance(step.kind, dict)\n") == [1]
    assert kind_tests("x = isinstance(value, str)\n") == []
