"""Outputs safe to open: no CSV cell a spreadsheet would run, no Markdown a cell could turn into a
link, keys held to patterns; and the workflow still reads back exactly the raw text."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support.project import RAW, copy_project, run_snakemake

from casereport.audit import read_audit_csv, write_audit_csv
from casereport.changes import (
    Change,
    Changes,
    changes_markdown,
    markdown_code,
    markdown_text,
    write_changes_csv,
)
from casereport.dataset import load_dataset
from casereport.ledger import Ledger, Number
from casereport.spreadsheet import neutralise, restore
from casereport.validation.checker import check_tables, write_validated_copy

# Cells a spreadsheet would execute (OWASP's examples and the issue's), and their neighbours.
FORMULAS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "'=1+1",  # already guarded once in the raw data: must read back as it is
    "'",
]
NUMBERS = ["-0.97", "+3", "-1e-3", ".5", "0", "12"]
PLAIN = ["", "fever", "a=b", "1+1", "Table I; Results", "ñandú"]
RISKY_START = tuple("=+-@\t\r")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def executable(cell: str) -> bool:
    """What the issue's grep looks for: a text cell starting with =, +, -, @, tab or CR that is
    not a number."""
    return cell.startswith(RISKY_START) and not NUMBER.fullmatch(cell)


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_guarded_and_restored(cell):
    assert neutralise(cell) == "'" + cell
    assert not executable(neutralise(cell))
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", NUMBERS + PLAIN)
def test_numbers_and_plain_text_are_left_as_they_are(cell):
    assert neutralise(cell) == cell
    assert restore(neutralise(cell)) == cell


def test_what_is_not_text_is_left_as_it_is():
    assert neutralise(7) == 7
    assert neutralise(None) is None


# --- every writer, and the readers of the workflow's own files ----------------------------------


def hostile_raw(tmp_path: Path) -> Path:
    """The raw data with FORMULAS in the free-text cells of adverse_events.csv."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "adverse_events.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        columns = list(rows[0])
    for row, formula in zip(rows, FORMULAS, strict=False):
        row["event"] = formula.replace("\r", "")  # a CR is not text the dictionary accepts
        row["managed_with"] = "@SUM(A1)"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return raw


def test_validated_copies_are_guarded_and_read_back_as_the_raw_cells(tmp_path):
    raw = hostile_raw(tmp_path)
    result = check_tables(str(raw / "datapackage.yaml"), ["adverse_events"])["adverse_events"]
    assert not result.findings
    validated = tmp_path / "validated"
    write_validated_copy(result.table, validated / "adverse_events.csv")
    assert not [c for c in csv_cells(validated / "adverse_events.csv") if executable(c)]
    frame = load_dataset(validated, raw / "datapackage.yaml", ["adverse_events"])["adverse_events"]
    raw_frame = pd.read_csv(raw / "adverse_events.csv", dtype=str, keep_default_na=False)
    assert list(frame["event"]) == list(raw_frame["event"])
    assert set(frame["managed_with"]) == {"@SUM(A1)"}


def test_ledger_round_trip_guards_and_restores(tmp_path):
    numbers = [
        Number(f"t.{i}.v", cell, "1", "", "data/raw/t.csv", str(i + 2), "v", cell)
        for i, cell in enumerate(FORMULAS + NUMBERS + PLAIN)
    ]
    path = tmp_path / "numbers.csv"
    Ledger(numbers).write_csv(path, extra={"t.0.v": {"sections": "-x"}})
    assert not [c for c in csv_cells(path) if executable(c)]
    assert list(Ledger.read_csv(path)) == numbers


def test_audit_csv_round_trip_guards_and_restores(tmp_path):
    from casereport.audit import AUDIT_COLUMNS

    frame = pd.DataFrame(
        [{c: FORMULAS[i % len(FORMULAS)] for c in AUDIT_COLUMNS} for i in range(len(FORMULAS))],
        dtype="string",
    )
    path = tmp_path / "audit.csv"
    write_audit_csv(frame, path)
    assert not [c for c in csv_cells(path) if executable(c)]
    pd.testing.assert_frame_equal(read_audit_csv(path), frame)


def hostile_changes() -> Changes:
    row = {
        "display": "=1+1",
        "value": "@x",
        "unit": "",
        "source_file": "data/raw/x.csv",
        "source_line": "2",
        "source_column": "-v",
        "derivation": "",
        "sections": "+s",
    }
    key = "labs.1.GOT` ![t](http://host/x) <img src=x> `x.value"
    added = Change("added", key, None, row)
    return Changes((), (added,), (), True, 1, 0)


def test_changes_csv_is_guarded(tmp_path):
    path = tmp_path / "changes.csv"
    write_changes_csv(hostile_changes(), path)
    cells = csv_cells(path)
    assert "'=1+1" in cells
    assert not [c for c in cells if executable(c)]


def test_changes_md_quotes_a_hostile_key_as_text():
    markdown = changes_markdown(hostile_changes())
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<img" not in html and "<a " not in html and "<table>" in html
    assert "http://host/x" in html  # shown, as text inside the code span
    row = next(line for line in markdown.splitlines() if "host" in line)
    assert row.count(" | ") == 4  # five cells: no cell split by the quoted text


@pytest.mark.parametrize(
    "text",
    ["![t](http://host/x)", "<b>x</b>", "$x$", "*a* _b_", "a|b", "[l](u)", "www.host.org", "a\nb"],
)
def test_markdown_text_renders_literally(text):
    markdown_it = pytest.importorskip("markdown_it")
    table = f"| a |\n|---|\n| {markdown_text(text)} |\n"
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(table)
    cell = re.search(r"<td>(.*)</td>", html).group(1)
    expected = text.replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;")
    assert cell == expected.replace(">", "&gt;").replace('"', "&quot;")


def test_markdown_code_holds_backticks_and_pipes():
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    assert markdown_code("a|b") == "`a\\|b`"


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("analytes.csv", "analyte", "GOT` ![t](http://host/x) `x"),
        ("analytes.csv", "analyte", "=1+1"),
        ("protocol.csv", "parameter", "follow up"),
        ("treatments.csv", "drug", "=cmd"),
    ],
)
def test_a_key_outside_its_pattern_is_rejected(tmp_path, file, column, value):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame.index[-1], column] = value
    frame.to_csv(path, index=False, lineterminator="\n")
    name = file.removesuffix(".csv")
    findings = check_tables(str(raw / "datapackage.yaml"), [name])[name].findings
    assert any(f.rule == "pattern" and f.column == column for f in findings), findings


# --- the workflow end to end --------------------------------------------------------------------


@pytest.mark.slow
def test_no_csv_under_results_holds_a_cell_a_spreadsheet_would_run(tmp_path):
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data" / "raw")
    shutil.copytree(hostile_raw(tmp_path), project / "data" / "raw")
    result = run_snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    written = sorted((project / "results").rglob("*.csv"))
    assert {p.parent.name for p in written} >= {"validated", "tables", "ledger", "results"}
    for path in written:
        assert not [c for c in csv_cells(path) if executable(c)], path
    # Read back as the raw text: the report shows the treatment as the raw file has it.
    html = (project / "report" / "report.html").read_text(encoding="utf-8")
    assert "@SUM(A1)" in html
    assert "'@SUM(A1)" not in html and "&#39;@SUM(A1)" not in html
