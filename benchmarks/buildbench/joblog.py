"""Reading what Snakemake writes: the job log, benchmark files, its copies of the job scripts."""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .model import PREAMBLE_END

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


# The terminal's last lines name Snakemake's full log of the run (.snakemake/log/...).
COMPLETE_LOG = re.compile(r"^Complete log\(s\): (.+)$", re.M)


def snakemake_log(terminal: str) -> str:
    """The full log of a run whose terminal output is `terminal`, else that output itself.

    The project's quiet logger plugin prints one `Job N: ...` line per job, without the timestamps
    and "Finished jobid" lines that give a job's rule and time; Snakemake's own log file has them.
    """
    for path in COMPLETE_LOG.findall(terminal)[-1:]:
        try:
            return Path(path.strip()).read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    return terminal


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
