"""What a data edit changes in the report's numbers: ledgers written from a raw data copy, one
cell edited, and the check of what results/changes.csv reports (shared by the unit tests of
casereport.changes and the end-to-end tests that rebuild with the real snakemake)."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from casereport import changes
from casereport.catalog import build_catalog
from casereport.changes import read_ledger_rows, write_changes_reports
from casereport.dataset import load_dataset
from casereport.fingerprint import FINGERPRINT, write_fingerprint
from casereport.ledger import Ledger, Number
from support.project import RAW, make_validated_dir

NUMBERS = "results/numbers.csv"
LOCK = "report/numbers.lock.csv"
CHANGES_MD = "results/changes.md"
CHANGES_CSV = "results/changes.csv"

# The cell the one-cell-edit tests change: a measurement that a computed number (the change from
# before to after) also reads. Its value is read from the file, never typed here.
EDITED_FILE = "data/raw/bone_density.csv"
EDITED_LINE = 2
EDITED_COLUMN = "bmd_g_cm2"


def table_sections(number: Number) -> list[str]:
    """Stand-in for the sections the report shows a number in: its table, plus 'summary' for
    computed numbers, so that some numbers appear in two sections."""
    table = number.id.split(".")[1 if number.is_computed else 0]
    return [table, "summary"] if number.is_computed else [table]


def write_ledgers(
    project: Path, sections: Callable[[Number], list[str]] = table_sections
) -> Ledger:
    """Build the catalog from project/data/raw as the workflow does, and write
    results/ledger/catalog.csv and results/numbers.csv (every number, with its sections)."""
    make_validated_dir(project / "data/raw", project / "results/validated")
    with contextlib.chdir(project):  # so that source_file is relative: data/raw/<table>.csv
        catalog = build_catalog(load_dataset("results/validated", "data/raw/datapackage.yaml"))
    (project / "results/ledger").mkdir(parents=True, exist_ok=True)
    catalog.write_csv(project / "results/ledger/catalog.csv")
    extra = {n.id: {"sections": ";".join(sections(n))} for n in catalog}
    catalog.write_csv(project / NUMBERS, extra=extra)
    # A build ends by recording the raw files it read (check-numbers compares them with data/raw).
    (project / "report").mkdir(exist_ok=True)
    with contextlib.chdir(project):
        write_fingerprint("data/raw/datapackage.yaml", FINGERPRINT)
    return catalog


def copy_data(destination: Path) -> Path:
    shutil.copytree(RAW, destination / "data/raw")
    return destination


def read_cell(path: Path, line: int, column: str) -> str:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    return records[line - 1][records[0].index(column)]


def edit_cell(path: Path, line: int, column: str, new_value: str) -> None:
    """Change one cell, leaving every other line of the file byte for byte as it was."""
    text_lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([text_lines[0]]))
    cells = next(csv.reader([text_lines[line - 1]]))
    cells[header.index(column)] = new_value
    ending = text_lines[line - 1][len(text_lines[line - 1].rstrip("\r\n")) :]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    text_lines[line - 1] = buffer.getvalue() + ending
    path.write_text("".join(text_lines), encoding="utf-8")


def nudged(cell: str) -> str:
    """A different but still plausible value for a numeric cell: one unit of its last decimal."""
    number = Decimal(cell)
    return str(number + Decimal(1).scaleb(number.as_tuple().exponent))


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def assert_one_cell_edit_reported(
    project: Path, raw_file: str, line: int, column: str, new_cell: str
) -> list[dict[str, str]]:
    """Check results/changes.csv after one raw cell was edited and the numbers rebuilt against the
    baseline report/numbers.lock.csv: every number read as is from that cell is listed with its new
    value, and every listed number comes from the edited line (before or after the edit).
    Returns the rows of changes.csv."""
    rows = read_rows(project / CHANGES_CSV)
    baseline = read_ledger_rows(project / LOCK)
    assert rows, "the edit changed no number"
    assert {row["kind"] for row in rows} == {"changed"}, "a value edit adds or removes nothing"
    by_id = {row["id"]: row for row in rows}
    read_from_cell = [
        n
        for n in baseline.values()
        if not n["derivation"]
        and (n["source_file"], n["source_line"], n["source_column"])
        == (raw_file, str(line), column)
    ]
    assert read_from_cell, f"the baseline shows no number read from {raw_file}:{line}:{column}"
    for number in read_from_cell:
        assert number["id"] in by_id, f"{number['id']} is read from the edited cell"
        assert Decimal(by_id[number["id"]]["new_value"]) == Decimal(new_cell)
    for row in rows:
        old_lines = baseline[row["id"]]["source_line"].split(";")
        assert row["source_file"] == raw_file, row
        assert str(line) in old_lines + row["source_line"].split(";"), row
    return rows


def one_cell_edit_changes(
    project: Path,
    raw_file: str,
    line: int,
    column: str,
    new_cell: str,
    rebuild: Callable[[Path], None],
) -> list[dict[str, str]]:
    """Accept the project's current numbers, edit one raw cell, `rebuild(project)` (which must
    write results/numbers.csv and results/changes.csv), and check what changes.csv reports.

    For the end-to-end test: `rebuild=lambda p: run_snakemake(p)` on a copy of a built project
    whose `rule all` asks for results/changes.csv."""
    assert changes.main(["accept-numbers", "--root", str(project)]) == 0
    edit_cell(project / raw_file, line, column, new_cell)
    rebuild(project)
    return assert_one_cell_edit_reported(project, raw_file, line, column, new_cell)


def rebuild_with_catalog(project: Path) -> None:
    """What the workflow does, without Snakemake: numbers, then changes.md and changes.csv."""
    write_ledgers(project)
    write_changes_reports(
        project / NUMBERS, project / LOCK, project / CHANGES_MD, project / CHANGES_CSV
    )
