"""The scratch copy of the project a build runs in: copy, clean, data, the one-cell edit."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from .model import EDITED_COLUMN, KEPT_REPORT_FILES, OUTPUT_DIR_KEYS, PROJECT_ITEMS, REAL, ROOT


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


def report_html(project: Path) -> Path:
    """The HTML report a build of `project` writes (config report_dir)."""
    import yaml

    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    return project / config.get("report_dir", "report") / "report.html"


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
        # Drawn by the project's extension (config extension), as `casereport cohort` does.
        [sys.executable, "-m", "casereport.cli", "cohort", data_dir, "--patients", str(size)]
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
