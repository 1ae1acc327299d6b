"""``python -m cards export DIR``: write every card variant as a JSON file."""

from __future__ import annotations

import argparse
from pathlib import Path

from cards.export import export


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cards")
    commands = parser.add_subparsers(dest="command", required=True)
    export_parser = commands.add_parser("export", help="write every card variant to DIR")
    export_parser.add_argument("directory", type=Path)
    arguments = parser.parse_args()
    written = export(arguments.directory)
    print(f"{len(written)} card variants written to {arguments.directory}")


if __name__ == "__main__":
    main()
