from __future__ import annotations

import ast
import re
from pathlib import Path

from wasstraat.diagram import mermaid
from wasstraat.template import default_template

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "botbuilder",
    "botframework",
    "aiohttp",
    "sqlalchemy",
    "alembic",
    "apscheduler",
    "msal",
    "bot",
    "cards",
    "storage",
    "dialogs",
    "requests",
    "httpx",
    "asyncio",
    "time",
)


def test_readme_diagram_matches_the_template():
    readme = (ROOT / "README.md").read_text("utf-8")
    match = re.search(
        r"<!-- diagram:start -->\n```mermaid\n(.*?)```\n<!-- diagram:end -->", readme, re.S
    )
    assert match, "README has no generated diagram"
    assert match.group(1) == mermaid(default_template())


def test_the_engine_package_imports_nothing_from_the_edges():
    for path in (ROOT / "wasstraat").glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_the_engine_reads_no_clock():
    for path in (ROOT / "wasstraat").glob("*.py"):
        source = path.read_text("utf-8")
        assert ".now(" not in source and "utcnow" not in source and "today()" not in source, path
