"""Which raw data the report in report/ was built from, and whether data/raw still matches it.

A successful build ends by writing report/inputs.sha256.csv (rule `input_fingerprint`): the
SHA-256 of every file of the data package it was built from (datapackage.yaml and each resource).
A failed build leaves that file as the last successful build wrote it, so comparing it with the
files as they are now tells whether report/ is current:

    casereport fingerprint     write it (what the build's last job runs)
    casereport status          one line: does report/ match data/raw? (exit 0 yes, 1 no)
    casereport check-numbers   fails too while report/ does not match data/raw

and Snakemake's `onerror:` handler ends a failed run with `failed_build_line()`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

FINGERPRINT = "report/inputs.sha256.csv"
LOCK_NAME = "numbers.lock.csv"  # committed in report/, written by `accept-numbers`, not the build
CONFIG = "config/config.yaml"
COLUMNS = ("file", "sha256")


def sha256_of(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_package_files(datapackage: Path | str, root: Path | str = ".") -> list[str]:
    """datapackage.yaml and the path of each of its resources, named as the build names them
    (relative to the project directory `root`, unless absolute)."""
    datapackage = Path(datapackage)
    with open(Path(root) / datapackage, encoding="utf-8") as handle:
        resources = yaml.safe_load(handle).get("resources", [])
    paths = [(datapackage.parent / r["path"]).as_posix() for r in resources if "path" in r]
    return [datapackage.as_posix(), *sorted(paths)]


def fingerprint_csv(paths: Iterable[str]) -> str:
    """The fingerprint file's text: one row per file, in path order (so two builds of the same
    data write the same bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for path in sorted(paths):
        writer.writerow((path, sha256_of(path)))
    return out.getvalue()


def write_fingerprint(datapackage: Path | str, output: Path | str) -> None:
    Path(output).write_text(fingerprint_csv(data_package_files(datapackage)), encoding="utf-8")


def read_fingerprint(path: Path | str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["file"]: row["sha256"] for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Status:
    """How data/raw compares with what report/ was built from."""

    fingerprint: str  # the fingerprint file, as named to the user
    recorded: bool  # whether a successful build recorded its inputs
    data_dir: str  # the data directory the build read (as the build named it)
    expected_data_dir: str  # the data directory the configuration names now
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()  # resources the data package lists now but the build did not read
    removed: tuple[str, ...] = ()  # files the build read that no longer exist

    @property
    def current(self) -> bool:
        return (
            self.recorded
            and self.data_dir == self.expected_data_dir
            and not (self.changed or self.added or self.removed)
        )

    def line(self) -> str:
        """One line for the terminal."""
        if not self.recorded:
            return (
                f"report/ does not match {self.expected_data_dir}: no successful build has "
                f"recorded its inputs ({self.fingerprint} is missing); run snakemake"
            )
        if self.data_dir != self.expected_data_dir:
            return (
                f"report/ does not match {self.expected_data_dir}: it was built from "
                f"{self.data_dir}"
            )
        if self.current:
            return f"report/ matches {self.data_dir}: built from its files as they are now"
        return (
            f"report/ does not match {self.data_dir}: {self.differences()} since the last "
            "successful build; run snakemake"
        )

    def differences(self) -> str:
        """'labs.csv changed; findings.csv added'."""
        parts = [(self.changed, "changed"), (self.added, "added"), (self.removed, "removed")]
        return "; ".join(
            f"{', '.join(Path(p).name for p in paths)} {word}" for paths, word in parts if paths
        )


def configured_data_package(root: Path) -> Path:
    """The data package config/config.yaml names (data/raw/datapackage.yaml by default)."""
    config_file = root / CONFIG
    config = {}
    if config_file.is_file():
        with open(config_file, encoding="utf-8") as handle:
            config = yaml.safe_load(handle) or {}
    return Path(config.get("data_dir", "data/raw")) / config.get("datapackage", "datapackage.yaml")


def status(
    root: Path | str = ".",
    fingerprint: Path | str | None = None,
    datapackage: Path | str | None = None,
) -> Status:
    """Compare the fingerprint of the last successful build with the data package as it is now.

    Paths the fingerprint records are relative to `root` unless absolute (as the build names
    them: the workflow runs in the project directory)."""
    root = Path(root)
    fingerprint = Path(fingerprint) if fingerprint else root / FINGERPRINT
    datapackage = Path(datapackage) if datapackage else configured_data_package(root)
    expected_dir = datapackage.parent.as_posix()
    shown = fingerprint.as_posix()
    if not fingerprint.is_file():
        return Status(shown, False, expected_dir, expected_dir)
    recorded = read_fingerprint(fingerprint)
    package = next((p for p in recorded if Path(p).suffix in (".yaml", ".yml")), None)
    data_dir = Path(package).parent.as_posix() if package else expected_dir
    changed, removed = [], []
    for path, digest in recorded.items():
        target = root / path
        if not target.is_file():
            removed.append(path)
        elif sha256_of(target) != digest:
            changed.append(path)
    added = []
    if package and (root / package).is_file():
        added = [p for p in data_package_files(package, root) if p not in recorded]
    return Status(shown, True, data_dir, expected_dir, tuple(changed), tuple(added), tuple(removed))


def failed_build_line(
    root: Path | str = ".", report_dir: str = "report", datapackage: Path | str | None = None
) -> str:
    """The last line of a failed build: what report/ now holds."""
    root = Path(root)
    result = status(root, root / report_dir / Path(FINGERPRINT).name, datapackage)
    if not result.recorded:
        return (
            f"Build failed: {report_dir}/ holds no complete successful build "
            f"(no {Path(FINGERPRINT).name}); casereport status says more."
        )
    fingerprint = root / report_dir / Path(FINGERPRINT).name
    since = fingerprint.stat().st_mtime
    rewritten = sorted(
        p.relative_to(root / report_dir).as_posix()
        for p in (root / report_dir).rglob("*")
        if p.is_file() and p.stat().st_mtime > since and p.name != LOCK_NAME
    )
    tail = (
        f" except {', '.join(rewritten[:3])}{' and others' if len(rewritten) > 3 else ''}, "
        "rewritten by this run"
        if rewritten
        else ""
    )
    if result.current:
        data = f"built from {result.data_dir} as it is now"
    elif result.data_dir != result.expected_data_dir:
        data = f"built from {result.data_dir}, not {result.expected_data_dir}"
    else:
        data = f"{result.data_dir} has changed since: {result.differences()}"
    return f"Build failed: {report_dir}/ is from the previous successful build{tail} ({data})."


# --- command line -----------------------------------------------------------------------------


def run_status(args: argparse.Namespace) -> int:
    result = status(args.root, args.fingerprint, args.datapackage)
    print(result.line(), file=sys.stdout if result.current else sys.stderr)
    return 0 if result.current else 1


def run_fingerprint(args: argparse.Namespace) -> int:
    datapackage = args.datapackage or configured_data_package(Path(".")).as_posix()
    try:
        write_fingerprint(datapackage, args.output)
    except (OSError, yaml.YAMLError) as error:
        print(f"error: cannot fingerprint {datapackage}: {error}", file=sys.stderr)
        return 1
    return 0


def add_fingerprint_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "fingerprint",
        help="record the SHA-256 of every file of the data package the report was built from",
        description=f"Write {FINGERPRINT}: the SHA-256 of datapackage.yaml and of each of its "
        "files. A build runs it last, after the report is written; `casereport status` compares "
        "the data with it.",
    )
    parser.add_argument(
        "--datapackage", help="the data package (default: the one config/config.yaml names)"
    )
    parser.add_argument("--output", default=FINGERPRINT, help="default: %(default)s")
    parser.set_defaults(func=run_fingerprint)


def add_status_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "status",
        help="say in one line whether report/ was built from data/raw as it is now",
        description=f"Compare {FINGERPRINT} (written by the last successful build) with the raw "
        "data files as they are now; exit 0 when report/ matches them, 1 when it does not.",
    )
    parser.add_argument("--root", default=".", help="project directory (default: .)")
    parser.add_argument("--fingerprint", help=f"default: ROOT/{FINGERPRINT}")
    parser.add_argument(
        "--datapackage", help="the data package to compare with (default: the one config names)"
    )
    parser.set_defaults(func=run_status)
