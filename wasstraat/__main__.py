"""``python -m wasstraat check FILE``: validate a municipality's template as the bot does at
start, and print its Mermaid diagram; exit 1 with the field at fault when it cannot run."""

from __future__ import annotations

import sys

from wasstraat.diagram import mermaid
from wasstraat.template import load_template


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "check":
        print("usage: python -m wasstraat check FILE", file=sys.stderr)
        return 2
    try:
        template = load_template(argv[1])
    except OSError as error:
        print(f"{argv[1]}: cannot read: {error}", file=sys.stderr)
        return 1
    except ValueError as error:
        for problem in str(error).split("; "):
            print(f"{argv[1]}: {problem}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: {template.key}, {len(template.steps)} steps: ok", file=sys.stderr)
    print(mermaid(template), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
