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
from importlib import metadata

# (module, function adding the command's parser), in the order `casereport --help` lists them.
COMMANDS = [
    ("casereport.validation.command", "add_validate_parser"),
    ("casereport.trace", "add_trace_parser"),
    ("casereport.changes", "add_changes_parsers"),
    ("casereport.privacy", "add_privacy_parser"),
    ("casereport.fingerprint", "add_status_parser"),
    ("casereport.fingerprint", "add_fingerprint_parser"),
    ("casereport.newcase.command", "add_new_parser"),
    ("casereport.synthetic.command", "add_cohort_parser"),
]


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (argparse prints the whole usage text
    first), naming the command and pointing at its --help; exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def version() -> str:
    try:
        return metadata.version("casereport")
    except metadata.PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="casereport",
        description="Rebuild a published clinical case report from its raw data.",
    )
    parser.add_argument("--version", action="version", version=f"casereport {version()}")
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
