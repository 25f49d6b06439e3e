"""Checks of the command line's path arguments, as argparse `type=` functions.

An argument that cannot be used stops the command before it does anything, with one line naming
the option and the value (cli.py prints argparse's errors on one line, exit code 2): `casereport
trace --numbers /dev/null` must not quietly fall back to the catalog, and `casereport
accept-numbers --lock /dev/null` must not "accept" into nowhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _problem(path: Path) -> str | None:
    """Why an existing path is not a regular file we can read, or None."""
    if path.is_dir():
        return "is a folder, not a file"
    if not path.is_file():  # /dev/null, a FIFO, a socket
        return "is not a regular file"
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    return None


def existing_file(text: str) -> Path:
    """A regular file that exists and can be read."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text!r} does not exist")
    problem = _problem(path)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")
    return path


def existing_dir(text: str) -> Path:
    """A folder that exists."""
    path = Path(text)
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"{text!r} {what}")
    return path


def file_to_write(text: str) -> Path:
    """A file the command may create or replace: a regular file or nothing yet, not a folder or
    a device."""
    path = Path(text)
    if path.exists() and not path.is_file():
        what = "is a folder" if path.is_dir() else "is not a regular file"
        raise argparse.ArgumentTypeError(f"{text!r} {what}; give the path of a file to write")
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return path


def file_or_absent(text: str) -> Path:
    """A regular, readable file, or a path where there is nothing yet (a baseline not created)."""
    path = file_to_write(text)
    problem = _problem(path) if path.exists() else None
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")
    return path
