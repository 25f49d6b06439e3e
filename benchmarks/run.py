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
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

# The package beside this script (benchmarks/buildbench), also when this file is loaded by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Every name of the package, as before the split: tests and users load this script by its path.
from buildbench import *  # noqa: E402, F403
from buildbench import (  # noqa: E402
    DEFAULT_OUT,
    DEFAULT_SIZES,
    Settings,
    log,
    parse_sizes,
    read_csv,
    run,
    write_results,
)


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
