"""What a failed or blocked `snakemake` run tells its user: each problem once, then what to do.

Called from the workflow itself (workflow/rules/common.smk): `lock_problem` before the run starts,
`failure_summary` from the `onerror` handler. Stdlib only, and quick: the Snakefile imports this on
every run, the no-op one included.

- A run killed midway (Ctrl-C twice, `kill -9`, a power cut) leaves its lock in .snakemake/locks,
  and the next run stops with Snakemake's LockException, whose advice (`--unlock`) ends a long
  paragraph. `lock_problem` sees the lock before Snakemake does, tells a stale lock from one held
  by a snakemake still running in the directory, and says which it is in one line.
- A failed job: the validation jobs' errors are printed once, by the onerror handler (the jobs'
  own logs are not echoed: the default profile has no `show-failed-logs`); any other failed job
  gets the last lines of its log. The last line says what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

LOCK_DIR = Path(".snakemake/locks")
# Snakemake options with which a run does not take the lock (or removes it): no lock check then.
NO_LOCK_OPTIONS = {
    "--unlock",
    "--nolock",
    "-n",
    "--dry-run",
    "--dryrun",
    "--lint",
    "--rulegraph",
    "--dag",
    "--d3dag",
    "--filegraph",
    "--summary",
    "-S",
    "--detailed-summary",
    "-D",
    "--list-rules",
    "--list",
    "-l",
    "--list-target-rules",
    "--lt",
    "--list-changes",
    "--lc",
    "--report",
    "--containerize",
    "--print-compilation",
    "--version",
    "-v",
}
TAIL_LINES = 8  # of a failed job's log (the end of a traceback: where and what)


def _is_snakemake(argv: list[str]) -> bool:
    """Whether a process's arguments start Snakemake (`snakemake ...`, `python -m snakemake`)."""
    head = argv[:3]
    return any(Path(arg).name == "snakemake" for arg in head[:2]) or (
        len(head) >= 3 and head[1] == "-m" and head[2] == "snakemake"
    )


def snakemake_processes_in(directory: Path, proc: Path = Path("/proc")) -> list[int] | None:
    """Ids of other Snakemake processes working in `directory`; None where that cannot be known
    (no /proc)."""
    if not proc.is_dir():
        return None
    directory = directory.resolve()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            if _is_snakemake(argv) and Path(os.readlink(entry / "cwd")) == directory:
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to look at
            continue
    return sorted(found)


def lock_problem(argv: Sequence[str], directory: Path | None = None) -> str | None:
    """One line saying why this run would find the directory locked and what to do; None when it
    is not locked (or this run takes no lock)."""
    directory = directory or Path.cwd()
    if NO_LOCK_OPTIONS & set(argv):
        return None
    locks = directory / LOCK_DIR
    if not locks.is_dir() or not any(locks.glob("*.lock")):
        return None
    running = snakemake_processes_in(directory)
    if running:
        ids = ", ".join(map(str, running))
        return (
            f"error: another snakemake is running in this directory (process {ids}) and holds "
            f"{LOCK_DIR}: wait for it to finish (or stop it), then run again."
        )
    if running is None:
        return (
            f"note: {LOCK_DIR} holds a lock: if no other snakemake is running here, an earlier "
            "run was interrupted; run `snakemake --unlock`, then build again."
        )
    return (
        f"error: an interrupted snakemake run left its lock in {LOCK_DIR}; nothing else is "
        "running here, so run `snakemake --unlock`, then build again."
    )


# --- after a failed run -------------------------------------------------------------------------

# Snakemake's log of a failed job: "Error in rule NAME:" then indented lines, one of them the job's
# log files: "    log: a.log, b.json (check log file(s) for error details)".
_FAILED_JOB = re.compile(r"^Error in rule (\S+):\n((?:[ \t]+.*\n?)*)", re.M)
_LOG_LINE = re.compile(r"^\s+log: (.*?)(?: \(check log file\(s\) for error details\))?$", re.M)


def failed_jobs(snakemake_log: str) -> list[tuple[str, list[str]]]:
    """(rule, its log files) of every failed job in a Snakemake log, in order, each once."""
    jobs, seen = [], set()
    for rule, block in _FAILED_JOB.findall(snakemake_log):
        match = _LOG_LINE.search(block)
        logs = [p.strip() for p in match[1].split(",")] if match else []
        key = (rule, tuple(logs))
        if key not in seen:
            seen.add(key)
            jobs.append((rule, logs))
    return jobs


def log_tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    """What a failed job's log says in the end: the error of a Python traceback without its
    frames (the log keeps them), else its last few lines."""
    kept = [line for line in text.splitlines() if line.strip()]
    if "Traceback (most recent call last):" in kept:
        start = len(kept) - kept[::-1].index("Traceback (most recent call last):")
        frames = [i for i, line in enumerate(kept[start:], start) if line[:1].isspace()]
        kept = kept[(frames[-1] + 1 if frames else start) :]
    return kept[-lines:]


def _tail(path: Path) -> list[str]:
    try:
        return log_tail(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


def failure_summary(snakemake_log: str, validation_rule: str) -> str:
    """What the onerror handler prints after the validation errors (if any): the end of the log
    of every failed job but the validation jobs (`validation_rule`), then one line saying what to
    do."""
    lines = []
    failed = failed_jobs(snakemake_log)
    validation_failed = any(rule == validation_rule for rule, _ in failed)
    others = [(rule, logs) for rule, logs in failed if rule != validation_rule]
    for rule, logs in others:
        text_logs = [log for log in logs if not log.endswith(".json")]
        for log in text_logs:
            tail = _tail(Path(log))
            lines += ["", f"Job {rule} failed; {log} ends:", *("  " + t for t in tail)]
        if not text_logs:
            lines += ["", f"Job {rule} failed (it has no log; see the messages above)."]
    if validation_failed and not others:
        advice = "fix the raw data as listed above, then run snakemake again."
    elif others:
        logs = ", ".join(log for _, logs in others for log in logs) or "the messages above"
        advice = f"read {logs}, fix the cause, then run snakemake again."
    else:
        advice = "read the messages above, fix the cause, then run snakemake again."
    if "KeyboardInterrupt" in snakemake_log or "Terminating processes on user request" in (
        snakemake_log
    ):
        advice = "the run was interrupted; run snakemake again (it reruns the unfinished jobs)."
    return "\n".join([*lines, "", f"What to do: {advice}"])
