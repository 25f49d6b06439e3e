"""The project's paths, validated copies of raw data, and copies of the project to build."""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casereport.spreadsheet import neutralise_row

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
# This article's extension of the package (config key `extension`): its tables, figures and checks.
ARTICLE_EXTENSION = ROOT / "workflow" / "article"
DATAPACKAGE = RAW / "datapackage.yaml"
# The article's full text, which the repository does not redistribute: a few tests compare the
# rebuild's words with it, and skip (saying where to put it) when it is absent.
PAPER = ROOT.parent / "shared" / "paper" / "marco-puche-2010-clin-exp-rheumatol.txt"
PAPER_MISSING = (
    f"needs the article's full text, which the repository does not redistribute: put its plain "
    f"text (Marco Puche et al., Clin Exp Rheumatol 2010) at {PAPER}"
)
# The article's additions to the report's template context (config `report_context`).
REPORT_CONTEXT = ROOT / "workflow" / "article" / "report_context.py"

# What a build needs; results/ and report/ outputs are deliberately left behind.
PROJECT_FILES = ["Snakefile", "config", "workflow", "profiles", "data", "report/numbers.lock.csv"]
# The terminal output of the shared build (conftest's built_project), kept beside the project.
BUILD_OUTPUT = "snakemake-output.txt"


def write_validated_copy(raw_csv: Path, out_csv: Path) -> None:
    """Copy a raw CSV adding `source_line` (header = line 1), as the validate stage does (cells a
    spreadsheet would execute guarded, casereport.spreadsheet)."""
    with open(raw_csv, encoding="utf-8-sig", newline="") as src:
        rows = list(csv.reader(src))
    with open(out_csv, "w", encoding="utf-8", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow([*rows[0], "source_line"])
        for line_number, row in enumerate(rows[1:], start=2):
            writer.writerow(neutralise_row([*row, line_number]))


def make_validated_dir(raw_dir: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for raw_csv in sorted(raw_dir.glob("*.csv")):
        write_validated_copy(raw_csv, out_dir / raw_csv.name)
    return out_dir


def copy_project(destination: Path) -> Path:
    """A fresh copy of the project's inputs, to build without touching the work tree."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        elif source.exists():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def commit_project(project: Path) -> None:
    """Make a project copy a git repository with one commit, as a student's clone is (the
    tutorial's reset step puts the article's data back with git)."""
    identity = ["-c", "user.name=tutorial", "-c", "user.email=tutorial@example.invalid"]
    for command in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "project"]):
        subprocess.run(["git", *command], cwd=project, check=True, capture_output=True)


def run_snakemake(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextmanager
def made_once_per_run(tmp_path_factory, name: str) -> Iterator[tuple[Path, bool]]:
    """(directory, to_make): a directory made once for the whole test run, and whether this
    caller is the one to make it (inside the `with`).

    Under pytest-xdist every worker runs the session fixtures again; a costly one (conftest's
    `built_project`) shares its result through this instead. The directory is in the run's
    temporary folder, which the workers share; the first worker to ask makes it while holding a
    lock, and the others wait for the lock, then find it made. A failed making leaves no mark, so
    the next caller tries again (and fails the same way). Without xdist it is the session's own.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder; each worker's basetemp is a folder in it
    directory, made = root / name, root / f"{name}.made"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if made.exists():
            yield directory, False
            return
        shutil.rmtree(directory, ignore_errors=True)  # a failed attempt's leftovers
        directory.mkdir(parents=True)
        yield directory, True
        made.touch()
