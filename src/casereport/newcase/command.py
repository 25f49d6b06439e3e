"""`casereport new DIR`: start a case report of your own from the project in template/."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

TEMPLATE = Path(__file__).parent / "template"


def create_project(destination: Path) -> list[Path]:
    """Copy the template into `destination` (new or empty); the files written, sorted."""
    if destination.exists() and any(destination.iterdir()):
        raise FileExistsError(f"{destination} exists and is not empty; choose a new directory")
    shutil.copytree(
        TEMPLATE, destination, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    return sorted(p.relative_to(destination) for p in destination.rglob("*") if p.is_file())


def run_new(args: argparse.Namespace) -> int:
    destination = Path(args.directory)
    try:
        files = create_project(destination)
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Created {destination.as_posix()}/ ({len(files)} files):")
    for path in files:
        print(f"  {path.as_posix()}")
    print(f"Next: cd {destination.as_posix()} && snakemake --cores 2")
    return 0


def add_new_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "new",
        help="start a new case report (data, manuscript in Markdown, workflow) in DIRECTORY",
        description="Create a project in DIRECTORY: data dictionary of a general case-report "
        "model, an example patient, a CARE manuscript in Markdown whose numbers are inserted by "
        "reference, a Snakefile building HTML and PDF, tests and a CI script.",
    )
    parser.add_argument("directory")
    parser.set_defaults(func=run_new)
