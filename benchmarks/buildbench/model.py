"""What the benchmark records: processes, measurements, rows of results.csv, settings."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project (benchmarks/buildbench/model.py)
DEFAULT_OUT = Path(__file__).resolve().parents[1]  # benchmarks/

# What a build needs. results/, report/ and .snakemake/ are left behind on purpose (cold builds).
PROJECT_ITEMS = ("Snakefile", "config", "workflow", "profiles", "data", "src")
KEPT_REPORT_FILES = ("numbers.lock.csv", "README.md")  # committed inputs that live in report/
# Config keys naming directories a build writes (the ones missing from a config are skipped).
OUTPUT_DIR_KEYS = ("results_dir", "report_dir", "logs_dir", "benchmarks_dir")

REAL = "real"  # the size token for data/raw (the paper's three patients)
DEFAULT_SIZES = "real,3,100,1000,10000"
SEED = 1
SCENARIOS = ("cold", "noop", "edit")
EDITED_FILE = "labs.csv"  # the one-cell edit: the first value of Table II's lab file
EDITED_COLUMN = "value"

POLL_S = 0.1  # process-tree sampling period (memory, interpreters)

# The report floor (issue 12): one interpreter that imports the stack the jobs use and lays out this
# project's own report, as the build just wrote it, as a PDF without the appendix (the PDF job's
# own call, so that it pays exactly the layout the build pays). Run in the project copy.
FLOOR_SCRIPT = """\
import sys, tempfile
from pathlib import Path
import yaml, pandas, jinja2, markupsafe
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
from casereport.pdf import render_pdf
with tempfile.TemporaryDirectory() as tmp:
    render_pdf(sys.argv[1], Path(tmp) / "floor.pdf", allowed_roots=[Path.cwd()])
"""
PREAMBLE_END = "######## snakemake preamble end #########"


# --- Measurements ---------------------------------------------------------------------------


@dataclass
class Process:
    """One process seen in a build's process tree."""

    pid: int
    parent: int
    command: list[str]
    started: float  # seconds since the build started
    last_seen: float
    peak_rss_mb: float = 0.0

    @property
    def seconds(self) -> float:
        return max(self.last_seen - self.started, 0.0)


@dataclass
class Measurement:
    status: str  # ok | failed | timeout
    seconds: float
    peak_rss_mb: float | None = None
    cpu_s: float | None = None  # user + system time of the whole process tree
    processes: list[Process] = field(default_factory=list)
    output: str = ""
    watched_s: float | None = None  # when the watched file was first written, from the start


@dataclass
class Row:
    """One line of results.csv."""

    dataset: str  # real | synthetic | - (machine-wide probes)
    patients: int | None
    scenario: str  # floor | version | cold | noop | edit | startup
    repeat: int
    status: str
    seconds: float | None
    rule: str = ""  # empty for a whole build
    peak_rss_mb: float | None = None
    cpu_s: float | None = None
    jobs: int | None = None
    interpreters: int | None = None
    benchmark_s: float | None = None
    interpreter_s: float | None = None  # summed lifetimes of the rule's interpreters
    load_1min: float | None = None
    html_s: float | None = None  # report.html written, seconds from the build's start


CSV_COLUMNS = [
    "dataset",
    "patients",
    "scenario",
    "repeat",
    "rule",
    "status",
    "seconds",
    "cpu_s",
    "peak_rss_mb",
    "jobs",
    "interpreters",
    "benchmark_s",
    "interpreter_s",
    "load_1min",
    "html_s",
]


@dataclass
class Settings:
    sizes: list[str | int]
    repeats: int
    timeout_s: float
    cores: int
    single_run_over_s: float
    probe_repeats: int
    out: Path
    workdir: Path | None
    keep: bool = False  # keep the scratch directory (projects, logs) for a look afterwards
    render: Path | None = None  # re-render from this results.csv instead of measuring
    seed: int = SEED


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def parse_sizes(text: str) -> list[str | int]:
    """'real,3,100' -> ['real', 3, 100]. Underscores are allowed: 10_000."""
    sizes: list[str | int] = []
    for token in (part.strip() for part in text.split(",")):
        if not token:
            continue
        if token == REAL:
            sizes.append(REAL)
            continue
        try:
            number = int(token)
        except ValueError:
            raise ValueError(f"size {token!r} is neither {REAL!r} nor a whole number") from None
        if number < 1:
            raise ValueError(f"size {number} must be at least 1 patient")
        sizes.append(number)
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


def median(values: Iterable[float | None]) -> float | None:
    """Median of the known values; None when there are none."""
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return value / reference
