"""`casereport cohort`: write a synthetic data directory shaped like this project's data.

What a cohort is drawn from (which tables are drawn per patient, their distributions, the
timeline that ties them together) is the project's own, so the package does not draw one: the
project's extension (config key `extension`, casereport.project_extension) provides the module
`synthetic` with

    main(argv: list[str], prog: str) -> exit code

which parses its own arguments (`casereport cohort --help` shows them) and writes the directory,
typically with the helpers of casereport.synthetic. The command is run from the project's folder,
whose config/config.yaml names the extension.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from casereport.project_extension import ProjectExtensionError, activate, part

CONFIG = Path("config/config.yaml")
PROG = "casereport cohort"


def project_extension_folder(config_file: Path = CONFIG) -> str | None:
    """The extension folder the project's configuration names, or None."""
    if not config_file.is_file():
        return None
    with open(config_file, encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    return config.get("extension") if isinstance(config, dict) else None


def run_cohort(args: argparse.Namespace) -> int:
    folder = project_extension_folder()
    if not folder:
        print(
            f"{PROG}: {CONFIG.as_posix()} names no extension (key extension): a synthetic cohort"
            " is drawn by the project's extension; run the command in the project's folder",
            file=sys.stderr,
        )
        return 2
    try:
        activate(folder)
        synthetic = part("synthetic")
    except ProjectExtensionError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    if synthetic is None or not callable(getattr(synthetic, "main", None)):
        print(
            f"{PROG}: the extension {folder} draws no synthetic cohort (it has no module"
            " synthetic with a function main)",
            file=sys.stderr,
        )
        return 2
    return synthetic.main(list(args.arguments), prog=PROG)


def add_cohort_parser(subparsers) -> None:
    # The extension parses the arguments: every one, options and --help included, is passed on
    # (prefix_chars that no argument starts with keeps argparse from reading them here).
    parser = subparsers.add_parser(
        "cohort",
        help="write a synthetic data directory shaped like this project's data (see"
        " casereport cohort --help)",
        description="Write a synthetic data directory drawn by the project's extension.",
        add_help=False,
        prefix_chars="\0",
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    parser.set_defaults(func=run_cohort)
