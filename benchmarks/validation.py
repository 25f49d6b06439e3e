"""Validation of a large file of bad rows: time, memory and output size (issue 10, item 3).

    python benchmarks/validation.py       # 1,000,000 rows; writes its section of results.md
    python benchmarks/validation.py --rows 100000 --no-write

A copy of data/raw in a temporary directory gets a labs.csv of ROWS rows, every one of them wrong
twice (its value is not a number, its patient is not in patients.csv). `casereport validate
--report` checks the copy in a child process; measured: wall time, the child's peak resident
memory (ru_maxrss of the child), the lines it prints and the size of report.json.
Targets: under 60 s and 2 GB (2,000 MB).

The result is written between the markers below in benchmarks/results.md (run.py keeps it).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_MD = Path(__file__).resolve().parent / "results.md"
MARKER = "<!-- benchmarks/validation.py writes below this line; benchmarks/run.py keeps it -->"
TIME_LIMIT_S = 60
MEMORY_LIMIT_MB = 2000


def write_bad_labs(path: Path, rows: int) -> None:
    """ROWS lab rows, each with a value that is not a number and a patient that does not exist."""
    analytes = ["ESR", "CK", "LDH", "GOT", "GPT", "aldolase"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("patient_id,analyte,timepoint,value,unit,missing_reason,source\n")
        chunk = []
        for number in range(rows):
            chunk.append(f"{1000 + number},{analytes[number % 6]},pre,abc,mm/h,,Table II\n")
            if len(chunk) == 100_000:
                handle.writelines(chunk)
                chunk = []
        handle.writelines(chunk)


def measure(rows: int, workdir: Path) -> dict:
    data = workdir / "data" / "raw"
    shutil.copytree(ROOT / "data" / "raw", data)
    write_bad_labs(data / "labs.csv", rows)
    report = workdir / "report.json"
    stderr = workdir / "stderr.txt"
    rules = ROOT / "workflow" / "article" / "validation_rules.py"  # the article's own rules too
    command = [
        *[sys.executable, "-m", "casereport.cli", "validate", "--data-dir", str(data)],
        *["--rules", str(rules)],
    ]
    env_path = str(ROOT / "src")
    started = time.perf_counter()
    with open(stderr, "w", encoding="utf-8") as err:
        result = subprocess.run(
            [*command, "--report", str(report)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=workdir,
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
            check=False,
        )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024  # kB on Linux
    cpu_seconds = usage.ru_utime + usage.ru_stime
    lines = stderr.read_text(encoding="utf-8").splitlines()
    return {
        "rows": rows,
        "exit": result.returncode,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "load": os.getloadavg()[0],
        "peak_mb": peak_mb,
        "lines": len(lines),
        "last_line": lines[-1] if lines else "",
        "report_mb": report.stat().st_size / 1e6 if report.exists() else 0.0,
    }


def markdown(result: dict) -> str:
    time_ok = "pass" if result["seconds"] < TIME_LIMIT_S else "miss"
    memory_ok = "pass" if result["peak_mb"] < MEMORY_LIMIT_MB else "miss"
    return "\n".join(
        [
            "## Validation of a large file of bad rows",
            "",
            f"`python benchmarks/validation.py --rows {result['rows']}` on {platform.machine()}, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}: a labs.csv of "
            f"{result['rows']:,} rows, each with two errors, checked by `casereport validate "
            "--report` (exit code {exit}).".format(**result),
            "",
            "| measure | value | limit | result |",
            "| --- | --- | --- | --- |",
            f"| wall time, s | {result['seconds']:.1f} | {TIME_LIMIT_S} | {time_ok} |",
            f"| CPU time (user + system), s | {result['cpu_seconds']:.1f} | | |",
            f"| peak memory (child's max RSS), MB | {result['peak_mb']:.0f} | {MEMORY_LIMIT_MB} "
            f"| {memory_ok} |",
            f"| lines printed | {result['lines']} | | |",
            f"| report.json, MB | {result['report_mb']:.2f} | | |",
            "",
            f"Its last line: `{result['last_line']}` One-minute load average at the end: "
            f"{result['load']:.1f} on {os.cpu_count()} CPUs (other work shared the machine: the "
            "wall time grows with it, the CPU time hardly).",
            "",
        ]
    )


def write_section(text: str, path: Path = RESULTS_MD) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    head = current.split(MARKER)[0].rstrip("\n")
    path.write_text(f"{head}\n\n{MARKER}\n\n{text}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit results.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casereport-validation-") as workdir:
        result = measure(args.rows, Path(workdir))
    text = markdown(result)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
