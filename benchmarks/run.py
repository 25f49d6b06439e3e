"""Benchmark the workflow on the machine it runs on: cold, no-op and one-cell-edit builds.

    python benchmarks/run.py          # real data + 3, 100, 1,000, 10,000 patients, 3 repeats
    python benchmarks/run.py --quick  # smoke run: 3 synthetic patients, 1 repeat
    python benchmarks/run.py --sizes real,1000 --repeats 5 --timeout 300 --out /tmp/bench

Every build runs in a fresh copy of the project in a temporary directory (never in the work tree,
whose .snakemake/ lock it would take). Writes, into --out (default: benchmarks/):

    results.csv  every measurement (one row per build, per rule of a build, per start-up probe)
    results.md   the tables: medians, ratios to the floor, targets met or missed, where time goes
    results.svg  build time against cohort size

See benchmarks/README.md for what each number means and how it is measured.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path(__file__).resolve().parent

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

# Targets of the "Speed and scale" issue.
COLD_FLOOR_RATIO = 2.5  # cold build <= 2.5 x the floor
NOOP_SLACK_S = 1.0  # no-op build <= `snakemake --version` + 1 s
LARGE_COHORT = 10_000
LARGE_COLD_S = 60.0
LARGE_PEAK_MB = 2000.0  # 2 GB, decimal megabytes
GROWTH_FROM = 1_000
GROWTH_MAX = 10.0  # 10x the patients may cost at most 10x the time (no worse than linear)

POLL_S = 0.1  # process-tree sampling period (memory, interpreters)

# The floor: one interpreter that imports what the jobs import and writes one small PDF.
FLOOR_SCRIPT = """\
import sys, tempfile
from pathlib import Path
import yaml, pandas, jinja2, markupsafe
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
from weasyprint import HTML
with tempfile.TemporaryDirectory() as tmp:
    HTML(string="<h1>Floor</h1><p>One small page.</p>").write_pdf(Path(tmp) / "floor.pdf")
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
]


# --- Pure helpers (unit-tested in tests/test_benchmark_script.py) ---------------------------


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


TIMESTAMP = re.compile(r"^\[(\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d \d{4})\]$")
JOB_HEADER = re.compile(r"^(?:local)?(?:rule|checkpoint) (\w+):$")
JOB_ID = re.compile(r"^\s+jobid: (\d+)$")
JOB_BENCHMARK = re.compile(r"^\s+benchmark: (.+)$")
# With the quiet profile each job announces itself by its rule's `message:` ("Job 13: report.html")
# instead of the rule block; its rule is then known from the "Finished jobid" line.
JOB_MESSAGE = re.compile(r"^Job (\d+): ")
JOB_FINISHED = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")


@dataclass
class Job:
    jobid: int
    rule: str
    started: datetime | None = None
    finished: datetime | None = None
    benchmark: str | None = None

    @property
    def seconds(self) -> float | None:
        if self.started is None or self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()


def parse_job_log(text: str) -> list[Job]:
    """The jobs a Snakemake run started, from its terminal log (one-second timestamps).

    A job block is a timestamp line, `rule NAME:` or `localrule NAME:`, then indented fields,
    `jobid: N` among them; `Finished jobid: N (Rule: NAME)` after a timestamp closes it.
    """
    jobs: dict[int, Job] = {}
    stamp: datetime | None = None
    pending_rule: str | None = None
    current: Job | None = None
    for line in text.splitlines():
        if match := TIMESTAMP.match(line):
            stamp = datetime.strptime(match[1], "%a %b %d %H:%M:%S %Y")
            pending_rule, current = None, None
        elif match := JOB_HEADER.match(line):
            pending_rule = match[1]
        elif (match := JOB_ID.match(line)) and pending_rule:
            current = jobs.setdefault(int(match[1]), Job(int(match[1]), pending_rule, stamp))
            pending_rule = None
        elif match := JOB_MESSAGE.match(line):
            current = jobs.setdefault(int(match[1]), Job(int(match[1]), "", stamp))
        elif (match := JOB_BENCHMARK.match(line)) and current:
            current.benchmark = match[1].strip()
        elif match := JOB_FINISHED.match(line):
            job = jobs.setdefault(int(match[1]), Job(int(match[1]), match[2]))
            job.rule, job.finished = match[2], stamp
        elif line and not line.startswith((" ", "\t")):
            pending_rule, current = None, None
    return list(jobs.values())


def work_jobs(jobs: Iterable[Job]) -> list[Job]:
    """The jobs that do work: all but the target rule `all` (it runs nothing)."""
    return [job for job in jobs if job.rule != "all"]


def parse_benchmark_tsv(text: str) -> dict[str, float | None]:
    """The first data row of a Snakemake benchmark file: s, max_rss (MB), ... ('-' = unknown)."""
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    if not rows:
        return {}
    values: dict[str, float | None] = {}
    for key, value in rows[0].items():
        if key == "h:m:s" or key is None:
            continue
        try:
            values[key] = float(value)
        except (TypeError, ValueError):
            values[key] = None
    return values


RULE_SCRIPT = re.compile(
    r"^rule (\w+):\n(?:(?!^rule ).*\n)*?\s+script:\s*\n?\s*[\"']([^\"']+)[\"']", re.MULTILINE
)


def rule_scripts(smk_text: str) -> dict[str, str]:
    """Script file name -> rule name, for the rules of one .smk file that use `script:`."""
    return {Path(script).name: rule for rule, script in RULE_SCRIPT.findall(smk_text)}


SCRIPT_COPY = re.compile(r"tmp[\w-]+\.(\w+\.py)$")  # Snakemake's copy: .snakemake/scripts/tmpX.Y.py


def process_rule(command: Sequence[str], scripts: dict[str, str]) -> str | None:
    """The rule a job process works for, from its command line; None if not a job's process.

    A `script:` job runs `python .snakemake/scripts/tmpXXXX.<script>.py`; a `run:` job runs a whole
    `python -m snakemake --target-jobs <rule>:<wildcards> ...`.
    """
    if not command or not Path(command[0]).name.startswith("python"):
        return None
    if "--target-jobs" in command:
        target = command[command.index("--target-jobs") + 1]
        return target.split(":")[0]
    for argument in command[1:]:
        if match := SCRIPT_COPY.search(argument):
            return scripts.get(match[1], match[1])
    return None


def import_lines(source: str) -> list[str]:
    """The top-level import statements of a Python script, as source text, in order."""
    tree = ast.parse(source)
    return [
        ast.get_source_segment(source, node)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def split_preamble(script_copy: str) -> tuple[str, str]:
    """Snakemake's copy of a script -> (preamble it inserted, the script's own text)."""
    head, marker, body = script_copy.partition(PREAMBLE_END)
    if not marker:
        return "", script_copy
    return head + marker + "\n", body


def bump_last_digit(value: str) -> str:
    """'8.5' -> '8.6', '14' -> '15': the smallest visible change to a number written as text."""
    number = Decimal(value)
    step = Decimal(1).scaleb(number.as_tuple().exponent)
    return str(number + step)


def edit_one_cell(text: str, column: str = EDITED_COLUMN) -> str:
    """The CSV text with one cell changed: `column` of the first data row, last digit + 1.

    Only that line is rewritten, so the rest of the file keeps its bytes.
    """
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[1]]))
    position = header.index(column)
    cells[position] = bump_last_digit(cells[position])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    ending = lines[1][len(lines[1].rstrip("\r\n")) :]
    lines[1] = buffer.getvalue().rstrip("\n") + ending
    return "".join(lines)


@dataclass(frozen=True)
class Target:
    name: str
    measured: float | None
    limit: float
    unit: str
    note: str = ""
    lower_bound: bool = False  # measured on a build stopped by the timeout: the truth is higher

    @property
    def verdict(self) -> str:
        if self.measured is None:
            return "n/a"
        if self.measured > self.limit:
            return "miss"
        return "unknown" if self.lower_bound else "pass"

    @property
    def margin(self) -> str:
        """How far from the limit, as a signed share of it ('-40%' = 40% under, '3.1x' over)."""
        if self.measured is None:
            return ""
        share = self.measured / self.limit
        at_least = ">= " if self.lower_bound else ""
        if share <= 1:
            # Under the limit: a lower bound says nothing about the margin.
            return "" if self.lower_bound else f"{(share - 1) * 100:+.0f}%"
        return f"{at_least}{share:.1f}x the limit"


@dataclass
class Summary:
    """Medians of the repeats of one scenario of one dataset."""

    dataset: str
    patients: int | None
    scenario: str
    runs: int
    ok: int
    status: str  # ok | failed | timeout | mixed
    seconds: float | None
    peak_rss_mb: float | None
    jobs: int | None
    interpreters: int | None
    cpu_s: float | None = None
    timeout_s: float | None = None  # the timeout, when one was hit (a lower bound on the time)


def summarise(rows: Iterable[Row], timeout_s: float | None = None) -> list[Summary]:
    """Medians over the repeats of each (dataset, patients, scenario), whole builds only."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        if not row.rule:
            groups.setdefault((row.dataset, row.patients, row.scenario), []).append(row)
    summaries = []
    for (dataset, patients, scenario), members in groups.items():
        ok = [row for row in members if row.status == "ok"]
        statuses = {row.status for row in members}
        summaries.append(
            Summary(
                dataset=dataset,
                patients=patients,
                scenario=scenario,
                runs=len(members),
                ok=len(ok),
                status=next(iter(statuses)) if len(statuses) == 1 else "mixed",
                seconds=median(row.seconds for row in ok),
                # With no complete build, the highest peak seen before the builds stopped.
                peak_rss_mb=median(row.peak_rss_mb for row in ok)
                if ok
                else max((row.peak_rss_mb or 0 for row in members), default=None) or None,
                jobs=_median_int(row.jobs for row in ok),
                interpreters=_median_int(row.interpreters for row in ok),
                cpu_s=median(row.cpu_s for row in ok),
                timeout_s=timeout_s if "timeout" in statuses else None,
            )
        )
    return summaries


def _median_int(values: Iterable[int | None]) -> int | None:
    middle = median(values)
    return None if middle is None else round(middle)


def find_summary(
    summaries: Iterable[Summary], dataset: str, patients: int | None, scenario: str
) -> Summary | None:
    return next(
        (
            s
            for s in summaries
            if s.dataset == dataset and s.patients == patients and s.scenario == scenario
        ),
        None,
    )


def check_targets(summaries: list[Summary]) -> list[Target]:
    """The issue's targets, from the medians. A timed-out build counts as the timeout (a miss)."""
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    floor_s = floor.seconds if floor else None
    version_s = version.seconds if version else None
    real_cold = find_summary(summaries, REAL, 3, "cold")
    real_noop = find_summary(summaries, REAL, 3, "noop")
    large = find_summary(summaries, "synthetic", LARGE_COHORT, "cold")
    base = find_summary(summaries, "synthetic", GROWTH_FROM, "cold")
    targets = []
    if floor_s:
        targets.append(
            Target(
                "cold build (real data) / floor",
                ratio(_time_or_timeout(real_cold), floor_s),
                COLD_FLOOR_RATIO,
                "x",
                f"floor {floor_s:.2f} s" + _cpu_ratio_note(real_cold, floor),
            )
        )
    if version_s is not None:
        targets.append(
            Target(
                "no-op build (real data), s",
                _time_or_timeout(real_noop),
                version_s + NOOP_SLACK_S,
                "s",
                f"`snakemake --version` {version_s:.2f} s + {NOOP_SLACK_S:g} s"
                + _cpu_difference_note(real_noop, version),
            )
        )
    targets.append(
        Target(
            f"cold build, {LARGE_COHORT:,} patients, s",
            _time_or_timeout(large),
            LARGE_COLD_S,
            "s",
            _timeout_note(large),
            lower_bound=_timed_out(large),
        )
    )
    targets.append(
        Target(
            f"peak memory, {LARGE_COHORT:,} patients, MB",
            large.peak_rss_mb if large else None,
            LARGE_PEAK_MB,
            "MB",
            "sum of RSS over the process tree"
            + (" until the timeout stopped the build" if _timed_out(large) else ""),
            lower_bound=_timed_out(large),
        )
    )
    targets.append(
        Target(
            f"growth {GROWTH_FROM:,} -> {LARGE_COHORT:,} patients (time ratio)",
            ratio(_time_or_timeout(large), _time_or_timeout(base)),
            GROWTH_MAX,
            "x",
            "no faster than linear",
            lower_bound=_timed_out(large),
        )
    )
    return targets


def _cpu_ratio_note(build: Summary | None, floor: Summary) -> str:
    """The same ratio in CPU time, which a busy machine inflates less than wall time."""
    cpu = ratio(build.cpu_s if build else None, floor.cpu_s)
    return f"; in CPU time {cpu:.1f}x ({build.cpu_s:.1f} s / {floor.cpu_s:.1f} s)" if cpu else ""


def _cpu_difference_note(build: Summary | None, version: Summary) -> str:
    if not (build and build.cpu_s and version.cpu_s):
        return ""
    extra = build.cpu_s - version.cpu_s
    return f"; in CPU time {build.cpu_s:.2f} s, {extra:+.2f} s over `snakemake --version`"


def _timed_out(summary: Summary | None) -> bool:
    return bool(summary and summary.ok == 0 and summary.timeout_s)


def _time_or_timeout(summary: Summary | None) -> float | None:
    """The median time; for a build that only ever timed out, the timeout (a lower bound)."""
    if summary is None:
        return None
    if _timed_out(summary):
        return summary.timeout_s
    return summary.seconds


def _timeout_note(summary: Summary | None) -> str:
    if summary is None:
        return "not measured"
    if _timed_out(summary):
        return f"timed out after {summary.timeout_s:g} s (a lower bound)"
    return ""


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; None prints as an empty cell."""

    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|")

    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str | None:
    return None if value is None else f"{value:,.{digits}f}{suffix}"


def write_csv(rows: Iterable[Row], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            record = {name: getattr(row, name) for name in CSV_COLUMNS}
            for name, value in record.items():
                if isinstance(value, float):
                    record[name] = f"{value:.3f}"
            writer.writerow(record)


def read_csv(path: Path) -> list[Row]:
    """results.csv back into rows (to render the tables again without measuring)."""
    types = {name: kind for name, kind in Row.__annotations__.items()}
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            values = {}
            for name, text in record.items():
                kind = types[name]
                if text == "" and "None" in kind:
                    values[name] = None
                elif kind.startswith("int"):
                    values[name] = int(text)
                elif kind.startswith("float"):
                    values[name] = float(text)
                else:
                    values[name] = text
            rows.append(Row(**values))
    return rows


# --- Running things -------------------------------------------------------------------------


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def measure(
    command: Sequence[str],
    cwd: Path,
    timeout_s: float,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Run a command; wall time, peak memory of its whole process tree, the processes it ran.

    Memory is the sum of the resident set sizes of every process in the tree, sampled every
    POLL_S seconds (psutil): jobs running side by side add up, which /usr/bin/time's max RSS (the
    largest single process) would not show. A peak shorter than POLL_S can be missed.
    """
    import psutil  # a dependency of Snakemake itself

    # CPU time: what the finished descendants used (each process waits for its children, so it
    # adds up the whole tree). Less sensitive to a busy machine than wall time.
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a timeout can stop every job
        )
        seen: dict[int, Process] = {}
        peak = 0
        status = None
        while status is None:
            peak = max(peak, _sample_tree(psutil, process.pid, seen, started))
            try:
                process.wait(timeout=POLL_S)
            except subprocess.TimeoutExpired:
                if time.perf_counter() - started > timeout_s:
                    _stop_group(process)
                    status = "timeout"
                continue
            status = "ok" if process.returncode == 0 else "failed"
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    return Measurement(
        status, seconds, peak / 1e6 if peak else None, cpu, list(seen.values()), output
    )


def _sample_tree(psutil, root_pid: int, seen: dict[int, Process], started: float) -> int:
    """Record every process of the tree; return the sum of their resident memory (bytes)."""
    try:
        root = psutil.Process(root_pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    now = time.perf_counter() - started
    boot_offset = time.time() - time.perf_counter()  # create_time() is on the wall clock
    total = 0
    for member in tree:
        try:
            rss = member.memory_info().rss
            # Read every time: `bash -c 'python script.py'` may exec python in the same process.
            command = member.cmdline()
            record = seen.get(member.pid)
            if record is None:
                record = Process(
                    member.pid,
                    member.ppid(),
                    command,
                    max(member.create_time() - boot_offset - started, 0.0),
                    now,
                )
                seen[member.pid] = record
        except psutil.Error:
            continue
        total += rss
        record.command = command or record.command
        record.last_seen = now
        record.peak_rss_mb = max(record.peak_rss_mb, rss / 1e6)
    return total


def _stop_group(process: subprocess.Popen) -> None:
    """Stop the command and every job it started (their own process group), then reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue


def copy_project(destination: Path, source: Path = ROOT) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_ITEMS:
        if (source / name).is_dir():
            shutil.copytree(
                source / name,
                destination / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
            )
        elif (source / name).exists():
            shutil.copy2(source / name, destination / name)
    (destination / "report").mkdir(exist_ok=True)
    for name in KEPT_REPORT_FILES:
        if (source / "report" / name).is_file():
            shutil.copy2(source / "report" / name, destination / "report" / name)
    return destination


def output_dirs(project: Path) -> list[Path]:
    """The directories a build writes, from the project's config (results/, report/, ...)."""
    import yaml

    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    return [project / config[key] for key in OUTPUT_DIR_KEYS if key in config]


def clean(project: Path) -> None:
    """Back to a fresh checkout: no outputs, no logs, no Snakemake metadata."""
    for directory in [*output_dirs(project), project / ".snakemake"]:
        if not directory.is_dir():
            continue
        for entry in directory.iterdir():
            if directory.name == "report" and entry.name in KEPT_REPORT_FILES:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def prepare_data(project: Path, size: str | int, seed: int) -> tuple[str, int]:
    """The data directory (relative to the project) and its number of patients."""
    if size == REAL:
        data_dir = "data/raw"
        with open(project / data_dir / "patients.csv", encoding="utf-8") as handle:
            patients = sum(1 for _ in csv.DictReader(handle))
        return data_dir, patients
    data_dir = f"data/synthetic_{size}"
    subprocess.run(
        [sys.executable, "-m", "casereport.synthetic", data_dir, "--patients", str(size)]
        + ["--seed", str(seed), "--template-dir", "data/raw"],
        cwd=project,
        env=job_environment(project),
        check=True,
        capture_output=True,
    )
    return data_dir, int(size)


def job_environment(project: Path) -> dict[str, str]:
    """The caller's environment, with the copy's src/ importable (as the workflow itself does)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "src"), env.get("PYTHONPATH")]))
    return env


def snakemake_command(cores: int, data_dir: str, *extra: str) -> list[str]:
    # --skip-script-cleanup keeps Snakemake's copies of the scripts (with its preamble) in
    # .snakemake/scripts/, for the start-up profile; it costs one small file per job.
    # --quiet host: the profile hides progress too, whose "Finished jobid" lines name the rules.
    command = [sys.executable, "-m", "snakemake", "--cores", str(cores), "--skip-script-cleanup"]
    command += ["--quiet", "host"]
    return [*command, "--config", f"data_dir={data_dir}", *extra]


@contextmanager
def edited(path: Path) -> Iterator[None]:
    """The file with one cell changed, restored afterwards (so every repeat makes the same edit)."""
    original = path.read_bytes()
    path.write_text(edit_one_cell(original.decode("utf-8")), encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)


# --- Per-rule accounting --------------------------------------------------------------------


def all_rule_scripts(project: Path) -> dict[str, str]:
    scripts: dict[str, str] = {}
    for smk in sorted((project / "workflow" / "rules").glob("*.smk")):
        scripts.update(rule_scripts(smk.read_text(encoding="utf-8")))
    return scripts


def interpreters(measurement: Measurement, scripts: dict[str, str]) -> list[tuple[str, Process]]:
    """(rule, process) for every Python interpreter a build started for a job."""
    commands = {process.pid: process.command for process in measurement.processes}
    pairs = []
    for process in measurement.processes:
        if commands.get(process.parent) == process.command:
            continue  # a fork about to exec something else (Snakemake calling its ILP solver)
        rule = process_rule(process.command, scripts)
        if rule is not None:
            pairs.append((rule, process))
    return pairs


def rule_rows(
    base: Row, measurement: Measurement, project: Path, scripts: dict[str, str], since: float
) -> list[Row]:
    """One row per rule of a build: jobs, job wall time, benchmark time, interpreters."""
    jobs = work_jobs(parse_job_log(measurement.output))
    by_rule: dict[str, list[Job]] = {}
    for job in jobs:
        by_rule.setdefault(job.rule, []).append(job)
    procs: dict[str, list[Process]] = {}
    for rule, process in interpreters(measurement, scripts):
        procs.setdefault(rule, []).append(process)
    rows = []
    for rule in sorted(set(by_rule) | set(procs)):
        rule_jobs = by_rule.get(rule, [])
        bench = [benchmark_seconds(project, job.benchmark, since) for job in rule_jobs]
        rows.append(
            Row(
                dataset=base.dataset,
                patients=base.patients,
                scenario=base.scenario,
                repeat=base.repeat,
                # A job still running when the build stopped (timeout) has no time of its own.
                status="unfinished" if any(j.finished is None for j in rule_jobs) else base.status,
                rule=rule,
                jobs=len(rule_jobs),
                # Job wall time from the log (one-second stamps); per rule, summed over its jobs.
                seconds=sum(job.seconds or 0.0 for job in rule_jobs),
                benchmark_s=sum(b for b in bench if b is not None) if any(bench) else None,
                interpreters=len(procs.get(rule, [])),
                interpreter_s=sum(p.seconds for p in procs.get(rule, [])),
                peak_rss_mb=max((p.peak_rss_mb for p in procs.get(rule, [])), default=None),
            )
        )
    return rows


def benchmark_seconds(project: Path, relative: str | None, since: float) -> float | None:
    """Wall seconds from a job's benchmark file, if this build wrote one."""
    if not relative:
        return None
    path = project / relative
    if not path.is_file() or path.stat().st_mtime < since:
        return None
    return parse_benchmark_tsv(path.read_text(encoding="utf-8")).get("s")


# --- The benchmark --------------------------------------------------------------------------


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


def probe(scenario: str, settings: Settings, times: int = 1) -> list[Row]:
    """Time the floor or `snakemake --version`, `times` times."""
    if scenario == "floor":
        script = settings.workdir / "floor.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        command = [sys.executable, str(script)]
    else:
        command = [sys.executable, "-m", "snakemake", "--version"]
    rows = []
    for _ in range(times):
        load = load_average()
        result = measure(command, settings.workdir, settings.timeout_s)
        rows.append(
            Row(
                dataset="-",
                patients=None,
                scenario=scenario,
                repeat=0,
                status=result.status,
                seconds=result.seconds,
                cpu_s=result.cpu_s,
                peak_rss_mb=result.peak_rss_mb,
                load_1min=load,
            )
        )
        log(f"{scenario}: {result.status} {result.seconds:.2f} s")
    return rows


def build(
    project: Path, data_dir: str, patients: int, scenario: str, repeat: int, settings: Settings
) -> tuple[list[Row], Measurement]:
    scripts = all_rule_scripts(project)
    dataset = REAL if data_dir == "data/raw" else "synthetic"
    load = load_average()
    since = time.time()
    result = measure(
        snakemake_command(settings.cores, data_dir),
        project,
        settings.timeout_s,
        job_environment(project),
    )
    row = Row(
        dataset=dataset,
        patients=patients,
        scenario=scenario,
        repeat=repeat,
        status=result.status,
        seconds=result.seconds,
        cpu_s=result.cpu_s,
        peak_rss_mb=result.peak_rss_mb,
        jobs=len(work_jobs(parse_job_log(result.output))),
        interpreters=len(interpreters(result, scripts)),
        load_1min=load,
    )
    log(
        f"{dataset} {patients} {scenario} #{repeat}: {result.status} {result.seconds:.1f} s "
        f"(CPU {result.cpu_s or 0:.1f} s), "
        f"{row.jobs} jobs, {row.interpreters} interpreters, peak {row.peak_rss_mb or 0:.0f} MB"
    )
    if result.status == "failed":
        log("last lines of the failed build:\n" + "\n".join(result.output.splitlines()[-25:]))
    return [row, *rule_rows(row, result, project, scripts, since)], result


def benchmark_size(size: str | int, settings: Settings) -> list[Row]:
    """Cold, no-op and one-cell-edit builds of one dataset, repeated; stops at a failure."""
    project = copy_project(settings.workdir / f"project_{size}")
    data_dir, patients = prepare_data(project, size, settings.seed)
    rows: list[Row] = []
    for repeat in range(1, settings.repeats + 1):
        clean(project)
        # The floor and --version are timed again beside each build, so that their medians
        # see the same machine load as the builds they are compared with.
        rows += probe("floor", settings)
        cold_rows, cold = build(project, data_dir, patients, "cold", repeat, settings)
        rows += cold_rows
        if cold.status != "ok":
            break  # a timeout is not repeated: each one costs the whole timeout
        rows += probe("version", settings)
        rows += build(project, data_dir, patients, "noop", repeat, settings)[0]
        with edited(project / data_dir / EDITED_FILE):
            rows += build(project, data_dir, patients, "edit", repeat, settings)[0]
        if cold.seconds > settings.single_run_over_s:
            log(f"{size}: cold build over {settings.single_run_over_s:g} s, measured once")
            break
    return rows


def startup_profile(project: Path, settings: Settings) -> list[Row]:
    """Interpreter start, Snakemake's script preamble, and each script's imports, timed alone.

    Uses the copies of the scripts that a build left in .snakemake/scripts/ (with the preamble
    Snakemake inserted), so the preamble is exactly what the jobs ran.
    """
    scripts = all_rule_scripts(project)
    copies: dict[str, Path] = {}
    for path in sorted((project / ".snakemake" / "scripts").glob("tmp*.py")):
        if match := SCRIPT_COPY.search(path.name):
            copies.setdefault(match[1], path)
    probes = {"(interpreter: python -c pass)": "pass\n"}
    for name, path in sorted(copies.items()):
        preamble, body = split_preamble(path.read_text(encoding="utf-8"))
        if name == sorted(copies)[0]:
            probes["(interpreter + Snakemake preamble)"] = preamble
        probes[scripts.get(name, name)] = preamble + "\n".join(import_lines(body)) + "\n"
    rows = []
    directory = settings.workdir / "probes"
    directory.mkdir(exist_ok=True)
    for label, source in probes.items():
        path = directory / f"probe_{len(rows)}.py"
        path.write_text(source, encoding="utf-8")
        times = []
        for _ in range(settings.probe_repeats):
            result = measure([sys.executable, str(path)], project, 120, job_environment(project))
            times.append(result.seconds if result.status == "ok" else None)
        rows.append(Row("-", None, "startup", 0, "ok", median(times), rule=label))
        log(f"start-up {label}: {fmt(rows[-1].seconds)} s")
    return rows


def run(settings: Settings) -> list[Row]:
    settings.workdir.mkdir(parents=True, exist_ok=True)
    rows = probe("floor", settings, settings.probe_repeats)
    rows += probe("version", settings, settings.probe_repeats)
    profiled = False
    for size in settings.sizes:
        rows += benchmark_size(size, settings)
        if not profiled:
            rows += startup_profile(settings.workdir / f"project_{size}", settings)
            profiled = True
    return rows


# --- Writing the results --------------------------------------------------------------------


def dataset_label(summary: Summary | Row) -> str:
    if summary.dataset == REAL:
        return f"real data ({summary.patients} patients)"
    return f"synthetic, {summary.patients:,} patients"


def seconds_cell(summary: Summary | None, floor_s: float | None = None) -> str | None:
    if summary is None:
        return None
    if summary.ok == 0:
        if summary.timeout_s:
            return f"timeout (> {summary.timeout_s:g} s)"
        return summary.status
    text = f"{summary.seconds:.1f}"
    if floor_s:
        text += f" ({summary.seconds / floor_s:.1f}x)"
    if summary.ok < summary.runs:
        text += f" [{summary.ok} of {summary.runs} ok]"
    return text


def build_table(summaries: list[Summary], floor_s: float | None) -> str:
    headers = [
        "dataset",
        "cold s (x floor)",
        "no-op s",
        "one-cell edit s (x floor)",
        "CPU s cold / no-op / edit",
        "peak MB (cold)",
        "jobs cold / edit",
        "interpreters cold / no-op / edit",
        "repeats",
    ]
    rows = []
    for cold in (s for s in summaries if s.scenario == "cold"):
        noop = find_summary(summaries, cold.dataset, cold.patients, "noop")
        edit = find_summary(summaries, cold.dataset, cold.patients, "edit")
        rows.append(
            [
                dataset_label(cold),
                seconds_cell(cold, floor_s),
                seconds_cell(noop),
                seconds_cell(edit, floor_s),
                " / ".join(fmt(s.cpu_s, 1) if s and s.cpu_s else "-" for s in (cold, noop, edit)),
                fmt(cold.peak_rss_mb, 0),
                " / ".join(_count(s, "jobs") for s in (cold, edit)),
                " / ".join(_count(s, "interpreters") for s in (cold, noop, edit)),
                cold.runs,
            ]
        )
    return markdown_table(headers, rows)


def _count(summary: Summary | None, name: str) -> str:
    value = getattr(summary, name) if summary else None
    return "-" if value is None else str(value)


def target_table(targets: list[Target]) -> str:
    rows = [
        [t.name, fmt(t.measured, 2), fmt(t.limit, 2), t.verdict, t.margin, t.note] for t in targets
    ]
    return markdown_table(["target", "measured", "limit", "result", "margin", "note"], rows)


def rule_table(rows: list[Row], scenario: str) -> str:
    """Per rule, median over repeats of the summed job time, for each dataset's build."""
    rule_rows_ = [r for r in rows if r.rule and r.scenario == scenario and r.dataset != "-"]
    datasets = list(dict.fromkeys((r.dataset, r.patients) for r in rule_rows_))
    rules = sorted({r.rule for r in rule_rows_})
    headers = ["rule", "jobs / interpreters"]
    headers += [f"{'real' if d == REAL else f'{p:,}'}: s (benchmark s), peak" for d, p in datasets]
    table = []
    for rule in rules:
        line: list[object] = []
        counts = None
        for dataset, patients in datasets:
            mine = [
                r
                for r in rule_rows_
                if r.rule == rule and (r.dataset, r.patients) == (dataset, patients)
            ]
            if not mine:
                line.append(None)
                continue
            counts = counts or f"{_median_int(r.jobs for r in mine)} / " + str(
                _median_int(r.interpreters for r in mine)
            )
            wall = median(r.seconds for r in mine)
            bench = median(r.benchmark_s for r in mine)
            peak = median(r.peak_rss_mb for r in mine)
            cell = f"{fmt(wall, 0)} ({fmt(bench, 1) or '-'})"
            cell += f", {fmt(peak, 0)} MB" if peak else ""
            if any(r.status == "unfinished" for r in mine):
                cell += ", unfinished at timeout"
            line.append(cell)
        table.append([rule, counts, *line])
    return markdown_table(headers, table)


def startup_table(rows: list[Row], cold_rows: list[Row], noop_s: float | None) -> str:
    """Start-up cost per job of each rule against the median life of that rule's interpreters.

    `script:` rules: interpreter + preamble + the script's imports, timed alone. Rules whose jobs
    run a whole Snakemake (`run:`) have no probe: their start-up is about a no-op build.
    """
    probes = {r.rule: r.seconds for r in rows if r.scenario == "startup"}
    whole = sorted({r.rule for r in cold_rows if r.interpreters} - set(probes))
    headers = ["what starts", "start-up s", "median interpreter life s", "start-up share"]
    table = []
    for rule in [*probes, *whole]:
        startup = probes.get(rule, noop_s)
        lives = [r for r in cold_rows if r.rule == rule and r.interpreters]
        life = median((r.interpreter_s or 0) / r.interpreters for r in lives)
        share = ratio(startup, life)
        label = rule if rule in probes else f"{rule} (a whole Snakemake: ~ a no-op build)"
        table.append([label, fmt(startup), fmt(life), fmt(share * 100 if share else None, 0, "%")])
    return markdown_table(headers, table)


def _noop_seconds(summaries: list[Summary], first: Row | None) -> float | None:
    noop = first and find_summary(summaries, first.dataset, first.patients, "noop")
    return noop.seconds if noop else None


def environment_lines(settings: Settings, finished: datetime, loads: list[float | None]) -> str:
    import snakemake

    memory = ""
    try:
        import psutil

        memory = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        pass
    known = [load for load in loads if load is not None]
    load_text = f"{min(known):.1f}-{max(known):.1f}" if known else "unknown"
    return (
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs{memory}, {platform.system()}; "
        f"Python {platform.python_version()}, Snakemake {snakemake.__version__}.\n"
        f"- Run finished {finished:%Y-%m-%d %H:%M}: `python benchmarks/run.py "
        f"--sizes {','.join(map(str, settings.sizes))} --repeats {settings.repeats} "
        f"--timeout {settings.timeout_s:g}` with `--cores {settings.cores}`.\n"
        f"- 1-minute load average when each build started: {load_text} (other builds shared "
        "the machine). Every time is the median of the repeats; a build slower than "
        f"{settings.single_run_over_s:g} s was run once.\n"
    )


def render_markdown(rows: list[Row], settings: Settings, finished: datetime) -> str:
    summaries = summarise(rows, settings.timeout_s)
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    floor_s = floor.seconds if floor else None
    loads = [r.load_1min for r in rows if not r.rule]
    # Interpreter lives for the start-up shares: the cold builds of the first dataset measured.
    cold_rules = [r for r in rows if r.rule and r.scenario == "cold"]
    first = cold_rules[0] if cold_rules else None
    profiled = [
        r
        for r in cold_rules
        if first and (r.dataset, r.patients) == (first.dataset, first.patients)
    ]
    parts = [
        "# Benchmark results\n",
        "Written by `benchmarks/run.py` (see benchmarks/README.md for the method). Times are wall "
        "seconds.\n",
        environment_lines(settings, finished, loads),
        "## Builds\n",
        f"Floor (one interpreter importing pandas, PyYAML, Jinja2, matplotlib and WeasyPrint and "
        f"writing a one-page PDF): **{fmt(floor_s)} s** (CPU {fmt(floor.cpu_s if floor else None)}"
        " s); `snakemake --version`: "
        f"**{fmt(version.seconds if version else None)} s** (medians of "
        f"{floor.runs if floor else 0} and {version.runs if version else 0} runs, spread over "
        "the benchmark beside the builds).\n",
        build_table(summaries, floor_s),
        "\n## Targets\n",
        target_table(check_targets(summaries)),
        "\n## Where the time goes (cold builds)\n",
        "Per rule: summed wall time of its jobs from the job log (one-second stamps), and in "
        "brackets from Snakemake's benchmark files where the rules have `benchmark:`; then the "
        "largest resident memory of one of its interpreters (psutil). Jobs run "
        f"{settings.cores} at a time, so the rules add up to more than the build.\n",
        rule_table(rows, "cold"),
        "\n## Start-up cost per job\n",
        "Each `script:` job starts an interpreter, runs Snakemake's preamble (unpickling the job) "
        "and imports its libraries before any work; each `run:` job starts a whole Snakemake. "
        "Start-up measured alone (median of "
        f"{settings.probe_repeats}); interpreter life (psutil) from the cold builds of "
        f"{dataset_label(first) if first else '-'}.\n",
        startup_table(rows, profiled, _noop_seconds(summaries, first)),
        "\n![build time against cohort size](results.svg)\n",
    ]
    return "\n".join(parts)


def plot(rows: list[Row], settings: Settings, path: Path) -> None:
    """Build time against cohort size (log-log), with the targets as lines."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "casereport-benchmarks"  # stable ids across runs
    from matplotlib.figure import Figure

    summaries = summarise(rows, settings.timeout_s)
    figure = Figure(figsize=(9, 4.5))
    axes = figure.add_subplot()
    for scenario, marker in zip(SCENARIOS, "os^", strict=True):
        points = sorted(
            (s.patients, _time_or_timeout(s), _timed_out(s))
            for s in summaries
            if s.scenario == scenario and s.dataset == "synthetic" and _time_or_timeout(s)
        )
        if not points:
            continue
        x, y, _ = zip(*points, strict=True)
        (line,) = axes.plot(x, y, marker=marker, label=scenario.replace("noop", "no-op"))
        timeouts = [(xi, yi) for xi, yi, out in points if out]
        if timeouts:
            tx, ty = zip(*timeouts, strict=True)
            axes.plot(tx, ty, "^", color="red", markersize=11, label="timed out (lower bound)")
    _plot_targets(axes, summaries)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("patients (synthetic cohort)")
    axes.set_ylabel("wall time, s (median)")
    axes.set_title("Build time against cohort size")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None})


def _plot_targets(axes, summaries: list[Summary]) -> None:
    floor = find_summary(summaries, "-", None, "floor")
    version = find_summary(summaries, "-", None, "version")
    if floor and floor.seconds:
        limit = COLD_FLOOR_RATIO * floor.seconds
        axes.axhline(
            limit, color="grey", linestyle="--", label=f"cold target: {COLD_FLOOR_RATIO}x floor"
        )
    if version and version.seconds:
        limit = version.seconds + NOOP_SLACK_S
        axes.axhline(limit, color="grey", linestyle=":", label="no-op target: --version + 1 s")
    axes.plot(
        [LARGE_COHORT], [LARGE_COLD_S], "k*", markersize=10, label=f"target at {LARGE_COHORT:,}"
    )
    base = find_summary(summaries, "synthetic", GROWTH_FROM, "cold")
    if base and base.seconds:
        # Linear growth from the 1,000-patient build: the most the 10,000 build may cost.
        ends = [base.seconds, base.seconds * LARGE_COHORT / GROWTH_FROM]
        axes.plot([GROWTH_FROM, LARGE_COHORT], ends, color="black", linewidth=0.8, label="linear")


def write_results(rows: list[Row], settings: Settings, finished: datetime) -> None:
    settings.out.mkdir(parents=True, exist_ok=True)
    if not settings.render:  # when rendering, the CSV is the input: leave it as measured
        write_csv(rows, settings.out / "results.csv")
    # Keep the section benchmarks/validation.py writes below its marker.
    results_md = settings.out / "results.md"
    kept = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    marker = "<!-- benchmarks/validation.py writes below this line"
    tail = kept[kept.index(marker) :] if marker in kept else ""
    text = render_markdown(rows, settings, finished)
    results_md.write_text(f"{text.rstrip()}\n\n{tail}" if tail else text, encoding="utf-8")
    plot(rows, settings, settings.out / "results.svg")


# --- Command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time cold, no-op and one-cell-edit builds of the workflow.",
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default: {DEFAULT_SIZES}")
    parser.add_argument("--repeats", type=int, default=3, help="builds per scenario (median)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per build")
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores")
    parser.add_argument(
        "--single-run-over",
        type=float,
        default=180,
        help="a size whose cold build takes longer is measured once (seconds)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write results")
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: --sizes 3 --repeats 1, short timeout"
    )
    parser.add_argument(
        "--render",
        type=Path,
        metavar="CSV",
        help="measure nothing: write results.md and the plot again from this results.csv",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats, args.timeout = "3", 1, min(args.timeout, 300)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as error:
        parser.error(str(error))
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    # A scratch directory only when measuring (a render measures nothing).
    workdir = args.workdir or (
        None if args.render else Path(tempfile.mkdtemp(prefix="casereport-bench-"))
    )
    settings = Settings(
        sizes=sizes,
        repeats=args.repeats,
        timeout_s=args.timeout,
        cores=args.cores,
        single_run_over_s=args.single_run_over,
        probe_repeats=1 if args.quick else max(args.repeats, 5),
        out=args.out,
        workdir=workdir,
        keep=args.keep or args.workdir is not None,
        render=args.render,
    )
    return settings


def remove_scratch(path: Path) -> None:
    """Remove the scratch directory; a job's last write may race the first attempt."""
    for _ in range(3):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(1)
    log(f"could not remove the scratch directory {path}")


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    if settings.render:
        rows = read_csv(settings.render)
        finished = datetime.fromtimestamp(settings.render.stat().st_mtime)
        write_results(rows, settings, finished)
        log(f"wrote {settings.out / 'results.md'} from {settings.render}")
        return 0
    log(f"scratch directory: {settings.workdir}")
    try:
        rows = run(settings)
        write_results(rows, settings, datetime.now())
    finally:
        if not settings.keep:
            remove_scratch(settings.workdir)
    log(f"wrote {settings.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
