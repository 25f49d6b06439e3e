"""Running one command and measuring it: wall and CPU time, memory and processes of its tree."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .model import POLL_S, Measurement, Process


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
    watch: Path | None = None,
) -> Measurement:
    """Run a command; wall time, peak memory of its whole process tree, the processes it ran.

    Memory is the sum of the resident set sizes of every process in the tree, sampled every
    POLL_S seconds (psutil): jobs running side by side add up, which /usr/bin/time's max RSS (the
    largest single process) would not show. A peak shorter than POLL_S can be missed.
    `watch`: a file whose first write during the run is timed (to POLL_S), from the start.
    """
    import psutil  # a dependency of Snakemake itself

    # CPU time: what the finished descendants used (each process waits for its children, so it
    # adds up the whole tree). Less sensitive to a busy machine than wall time.
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    wall_start = time.time()
    watched = None
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
            if watch is not None and watched is None and _written_since(watch, wall_start):
                watched = time.perf_counter() - started
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
        status, seconds, peak / 1e6 if peak else None, cpu, list(seen.values()), output, watched
    )


def _written_since(path: Path, wall_start: float) -> bool:
    try:
        return path.stat().st_mtime >= wall_start
    except OSError:
        return False


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
