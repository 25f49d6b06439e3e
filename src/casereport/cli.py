"""The `casereport` command line (console script declared in pyproject.toml).

This module only dispatches. Each command lives in its own module, which provides a function
`add_<command>_parser(subparsers)` that adds the command's parser and sets `func(args) -> exit
code`; list it in COMMANDS to add the command.

Exit codes: what the command returns (0 success, 1 it found problems), 2 for a usage error or an
unexpected failure, reported in one line: never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (module, function adding the command's parser), in the order `casereport --help` lists them.
COMMANDS = [
    ("casereport.validation.command", "add_validate_parser"),
    ("casereport.trace", "add_trace_parser"),
    ("casereport.changes", "add_changes_parsers"),
    ("casereport.newcase.command", "add_new_parser"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casereport",
        description="Rebuild a published clinical case report from its raw data.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name, function_name in COMMANDS:
        getattr(importlib.import_module(module_name), function_name)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # exits 2 with a usage message on bad arguments
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        print(
            f"casereport {args.command}: unexpected error: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
